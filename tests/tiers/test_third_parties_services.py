"""Services of the third party: create with addresses, identity, close/reopen, roles, allowed users."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from guardian.models import UserObjectPermission

from crm.models import AuditEntry, Country, Currency
from tests.factories import member
from tests.tiers.factories import AddressFactory
from tests.tiers.factories_third_parties import (
    LA_POSTE_SIRET,
    OTHER_SIRET,
    OTHER_VAT,
    SIREN,
    SIRET,
    VAT,
    TPFactory,
    address_data,
    identity_data,
    naf_codes,
    postal_codes,
)
from tiers.models import Address, Lifecycle, ThirdParty, ThirdPartyAllowedUser, ThirdPartyVisibility
from tiers.selectors import third_parties_visible
from tiers.services.third_parties import (
    third_party_allowed_users_set,
    third_party_close,
    third_party_create,
    third_party_reopen,
    third_party_role_add,
    third_party_role_remove,
    third_party_roles_set,
    third_party_update,
)


@pytest.fixture
def ref(tenant):
    postal_codes()
    naf_codes()
    tenant.currency = Currency.objects.get(code="EUR")
    tenant.save()


@pytest.fixture
def actor(tenant):
    return member(tenant, "Manager")


def _audit(tenant, action, instance):
    return AuditEntry.objects.filter(tenant=tenant, action=action, object_id=str(instance.pk))


def _create(tenant, actor, addresses=None, lifecycle=Lifecycle.CUSTOMER, **identity):
    return third_party_create(
        tenant=tenant,
        actor=actor,
        lifecycle=lifecycle,
        addresses=[address_data()] if addresses is None else addresses,
        **identity_data(**identity),
    )


# --- Create --------------------------------------------------------------------------------------


def test_third_party_create_generates_code_and_writes_visibility_and_audit(in_tenant, ref, actor):
    third_party = _create(in_tenant, actor, name="Société Générale d'Équipement")

    assert third_party.code == "C000001"
    assert third_party.currency.code == "EUR"
    assert third_party.name_search == "societe generale d equipement"
    assert (third_party.siren, third_party.siret, third_party.vat_number) == (SIREN, SIRET, VAT)
    assert ThirdPartyVisibility.objects.filter(
        third_party=third_party, is_closed=False, is_reserved=False
    ).exists()
    assert _audit(in_tenant, "third_party.create", third_party).get().actor == actor
    address = Address.objects.get(third_party=third_party)
    assert (address.code, address.is_default, address.city, address.subdivision) == (
        "001",
        True,
        "LYON",
        "69",
    )
    assert _audit(in_tenant, "address.create", address).exists()


def test_third_party_create_codes_are_successive_and_skip_typed_ones(in_tenant, ref, actor):
    _create(in_tenant, actor, code="C000002", siret=OTHER_SIRET, vat_number=OTHER_VAT)
    first = _create(in_tenant, actor, is_natural_person=True, siret="", vat_number="")
    second = _create(in_tenant, actor, is_natural_person=True, siret="", vat_number="")

    assert (first.code, second.code) == ("C000001", "C000003")


def test_third_party_create_refused_when_the_code_exists(in_tenant, ref, actor):
    TPFactory(tenant=in_tenant, code="ACME")

    with pytest.raises(ValidationError) as exc:
        _create(in_tenant, actor, code="ACME")

    assert exc.value.message_dict == {"code": ["Le code tiers ACME existe déjà."]}


def test_third_party_create_prospect_starts_as_draft(in_tenant, ref, actor):
    third_party = _create(in_tenant, actor, lifecycle=Lifecycle.PROSPECT_DRAFT)

    assert third_party.lifecycle == Lifecycle.PROSPECT_DRAFT


def test_third_party_create_refused_without_address(in_tenant, ref, actor):
    with pytest.raises(ValidationError) as exc:
        _create(in_tenant, actor, addresses=[])

    assert exc.value.message_dict == {"addresses": ["Un tiers doit avoir au moins une adresse."]}
    assert not ThirdParty.objects.filter(tenant=in_tenant).exists()


def test_third_party_create_refused_with_two_default_addresses(in_tenant, ref, actor):
    with pytest.raises(ValidationError) as exc:
        _create(in_tenant, actor, addresses=[address_data(), address_data(postal_code="75001", city="Paris")])

    assert exc.value.message_dict == {"addresses": ["Une seule adresse peut être l'adresse par défaut."]}


def test_third_party_create_refused_with_several_addresses_and_no_default(in_tenant, ref, actor):
    with pytest.raises(ValidationError) as exc:
        _create(in_tenant, actor, addresses=[address_data(is_default=False), address_data(is_default=False)])

    assert exc.value.message_dict == {"addresses": ["Une des adresses doit être l'adresse par défaut."]}


def test_third_party_create_makes_a_lone_address_the_default(in_tenant, ref, actor):
    third_party = _create(in_tenant, actor, addresses=[address_data(is_default=False)])

    assert Address.objects.get(third_party=third_party).is_default is True


def test_third_party_create_refused_for_a_french_legal_person_without_siret_and_vat(in_tenant, ref, actor):
    with pytest.raises(ValidationError) as exc:
        _create(in_tenant, actor, siret="", vat_number="")

    assert exc.value.message_dict == {
        "siret": ["Le SIRET est obligatoire pour une personne morale (pays : France)."],
        "vat_number": [
            "Le n° de TVA intracommunautaire est obligatoire pour une personne morale (pays : France)."
        ],
    }


def test_third_party_create_accepts_a_french_natural_person_without_siret_and_vat(in_tenant, ref, actor):
    third_party = _create(in_tenant, actor, is_natural_person=True, siret="", vat_number="", naf="")

    assert third_party.siret == ""


def test_third_party_create_accepts_a_belgian_company_without_siret(in_tenant, ref, actor):
    belgium = Country.objects.get(code="BE")

    third_party = _create(
        in_tenant,
        actor,
        country=belgium,
        siret="",
        vat_number="BE0403170701",
        naf="",
        addresses=[address_data(country=belgium, postal_code="1000", city="Bruxelles")],
    )

    assert (third_party.vat_number, third_party.country.code) == ("BE0403170701", "BE")


def test_third_party_create_accepts_la_poste(in_tenant, ref, actor):
    third_party = _create(in_tenant, actor, siret=LA_POSTE_SIRET, vat_number="FR39356000000")

    assert third_party.siren == "356000000"


def test_third_party_create_refused_for_an_invalid_siret(in_tenant, ref, actor):
    with pytest.raises(ValidationError) as exc:
        _create(in_tenant, actor, siret="73282932000075")

    assert exc.value.message_dict == {
        "siret": ["SIRET invalide : la clé de contrôle de 73282932000075 est fausse."]
    }


def test_third_party_create_refused_for_an_unknown_postal_code_and_rolls_back(in_tenant, ref, actor):
    with pytest.raises(ValidationError) as exc:
        _create(in_tenant, actor, addresses=[address_data(postal_code="99999", city="Nulle Part")])

    assert exc.value.message_dict == {
        "addresses": ["Adresse n° 1 : Code postal inconnu : 99999 n'existe pas (France)."]
    }
    assert not ThirdParty.objects.filter(tenant=in_tenant).exists()


def test_third_party_create_stores_phones_and_emails_per_address(in_tenant, ref, actor):
    third_party = _create(
        in_tenant,
        actor,
        addresses=[
            address_data(
                phones=[
                    {"kind": "phone", "number": "04 72 00 00 00"},
                    {"kind": "fax", "number": "+33 4 72 00 00 01"},
                ],
                emails=["Accueil@Example.FR"],
            )
        ],
    )

    address = Address.objects.get(third_party=third_party)
    assert [(p.kind, p.number, p.digits) for p in address.phones.all()] == [
        ("phone", "+33472000000", "0472000000"),
        ("fax", "+33472000001", "0472000001"),
    ]
    assert [e.email for e in address.emails.all()] == ["accueil@example.fr"]


def test_third_party_create_refused_for_an_invalid_phone(in_tenant, ref, actor):
    with pytest.raises(ValidationError) as exc:
        _create(in_tenant, actor, addresses=[address_data(phones=["01 23"])])

    assert exc.value.message_dict == {"addresses": ["Adresse n° 1 : Numéro de téléphone invalide : 01 23."]}


# --- Update --------------------------------------------------------------------------------------


def test_third_party_update_changes_identity_and_audits_the_difference(in_tenant, ref, actor):
    third_party = _create(in_tenant, actor)

    third_party_update(
        tenant=in_tenant, actor=actor, third_party=third_party, name="Bureautique du Rhône", naf="6201z"
    )

    third_party.refresh_from_db()
    assert (third_party.name, third_party.name_search, third_party.naf) == (
        "Bureautique du Rhône",
        "bureautique du rhone",
        "62.01Z",
    )
    entry = _audit(in_tenant, "third_party.update", third_party).get()
    assert entry.changes == {
        "name": ["Bureautique Lyonnaise", "Bureautique du Rhône"],
        "naf": ["46.66Z", "62.01Z"],
    }


def test_third_party_update_refused_when_the_vat_number_holds_another_siren(in_tenant, ref, actor):
    third_party = _create(in_tenant, actor)

    with pytest.raises(ValidationError) as exc:
        third_party_update(tenant=in_tenant, actor=actor, third_party=third_party, vat_number="FR64443061841")

    assert exc.value.message_dict == {
        "vat_number": [
            f"Le n° de TVA intracommunautaire FR64443061841 ne contient pas le SIREN du tiers ({SIREN})."
        ]
    }


# --- Close / reopen ------------------------------------------------------------------------------


def test_third_party_close_and_reopen_update_the_visibility_row(in_tenant, actor):
    third_party = TPFactory(tenant=in_tenant)

    third_party_close(tenant=in_tenant, actor=actor, third_party=third_party, reason="Cessation d'activité")
    closed = ThirdParty.objects.get(pk=third_party.pk)
    closed_visibility = ThirdPartyVisibility.objects.get(third_party=third_party).is_closed
    third_party_reopen(tenant=in_tenant, actor=actor, third_party=third_party)
    reopened = ThirdParty.objects.get(pk=third_party.pk)

    assert (closed.is_closed, closed.closed_at is not None, closed_visibility) == (True, True, True)
    assert (reopened.is_closed, reopened.closed_at) == (False, None)
    assert ThirdPartyVisibility.objects.get(third_party=third_party).is_closed is False
    assert _audit(in_tenant, "third_party.close", third_party).get().reason == "Cessation d'activité"
    assert _audit(in_tenant, "third_party.reopen", third_party).exists()


def test_third_party_close_hides_it_from_a_user_who_may_not_see_closed_accounts(in_tenant, actor):
    third_party = TPFactory(tenant=in_tenant)
    rep = member(in_tenant, "Commercial")

    third_party_close(tenant=in_tenant, actor=actor, third_party=third_party)

    assert not third_parties_visible(tenant=in_tenant, user=rep).filter(pk=third_party.pk).exists()
    assert third_parties_visible(tenant=in_tenant, user=actor).filter(pk=third_party.pk).exists()


def test_third_party_close_refused_when_already_closed(in_tenant, actor):
    third_party = TPFactory(tenant=in_tenant)
    third_party_close(tenant=in_tenant, actor=actor, third_party=third_party)

    with pytest.raises(ValidationError) as exc:
        third_party_close(tenant=in_tenant, actor=actor, third_party=third_party)

    assert exc.value.messages == ["Ce tiers est déjà fermé."]


def test_third_party_reopen_refused_when_open(in_tenant, actor):
    third_party = TPFactory(tenant=in_tenant)

    with pytest.raises(ValidationError) as exc:
        third_party_reopen(tenant=in_tenant, actor=actor, third_party=third_party)

    assert exc.value.messages == ["Ce tiers n'est pas fermé."]


# --- Roles ---------------------------------------------------------------------------------------


def test_third_party_role_add_makes_a_customer_also_a_supplier(in_tenant, actor):
    third_party = TPFactory(tenant=in_tenant)

    third_party_role_add(tenant=in_tenant, actor=actor, third_party=third_party, role="supplier")

    third_party.refresh_from_db()
    assert (third_party.is_supplier, third_party.lifecycle) == (True, Lifecycle.CUSTOMER)
    assert _audit(in_tenant, "third_party.role_add", third_party).get().changes == {
        "is_supplier": [False, True]
    }


def test_third_party_role_add_refused_for_an_unknown_role(in_tenant, actor):
    third_party = TPFactory(tenant=in_tenant)

    with pytest.raises(ValidationError) as exc:
        third_party_role_add(tenant=in_tenant, actor=actor, third_party=third_party, role="pirate")

    assert exc.value.message_dict == {"roles": ["Rôle inconnu : pirate."]}


def test_third_party_role_remove_refused_for_a_carrier_named_on_a_ship_to(in_tenant, actor):
    from tiers.models import ShipTo

    carrier = TPFactory(tenant=in_tenant, is_carrier=True)
    address = AddressFactory(third_party=TPFactory(tenant=in_tenant))
    ShipTo.objects.create(tenant=in_tenant, third_party=address.third_party, address=address, carrier=carrier)

    with pytest.raises(ValidationError) as exc:
        third_party_role_remove(tenant=in_tenant, actor=actor, third_party=carrier, role="carrier")

    assert exc.value.message_dict == {
        "roles": ["Ce tiers est le transporteur de clients livrés : il reste transporteur."]
    }


def test_third_party_roles_set_adds_and_removes_flags(in_tenant, actor):
    third_party = TPFactory(tenant=in_tenant, is_misc=True)

    third_party_roles_set(
        tenant=in_tenant, actor=actor, third_party=third_party, roles=["supplier", "financer"]
    )

    third_party.refresh_from_db()
    assert (third_party.is_supplier, third_party.is_financer, third_party.is_misc) == (True, True, False)


# --- Allowed users -------------------------------------------------------------------------------


def _object_perms(third_party):
    return set(
        UserObjectPermission.objects.filter(
            content_type=ContentType.objects.get_for_model(ThirdParty), object_pk=str(third_party.pk)
        ).values_list("user_id", "permission__codename")
    )


def test_allowed_users_set_reserves_the_third_party_and_derives_object_permissions(in_tenant, actor):
    third_party = TPFactory(tenant=in_tenant)
    allowed, other = member(in_tenant, "Commercial"), member(in_tenant, "Commercial")

    third_party_allowed_users_set(tenant=in_tenant, actor=actor, third_party=third_party, users=[allowed])

    third_party.refresh_from_db()
    assert third_party.is_reserved is True
    assert ThirdPartyVisibility.objects.get(third_party=third_party).is_reserved is True
    assert list(
        ThirdPartyAllowedUser.objects.filter(third_party=third_party).values_list("user_id", flat=True)
    ) == [allowed.pk]
    assert _object_perms(third_party) == {(allowed.pk, "view_thirdparty"), (allowed.pk, "change_thirdparty")}
    assert allowed.has_perm("tiers.view_thirdparty", third_party)
    assert not other.has_perm("tiers.view_thirdparty", third_party)
    assert not third_parties_visible(tenant=in_tenant, user=other).filter(pk=third_party.pk).exists()
    assert not third_parties_visible(tenant=in_tenant, user=actor).filter(pk=third_party.pk).exists()
    assert third_parties_visible(tenant=in_tenant, user=allowed).filter(pk=third_party.pk).exists()
    assert _audit(in_tenant, "third_party.allowed_users_set", third_party).get().changes == {
        "allowed_users": [[], [allowed.pk]],
        "is_reserved": [False, True],
    }


def test_allowed_users_set_removes_permissions_of_users_no_longer_allowed(in_tenant, actor):
    third_party = TPFactory(tenant=in_tenant)
    first, second = member(in_tenant, "Commercial"), member(in_tenant, "Commercial")
    third_party_allowed_users_set(
        tenant=in_tenant, actor=actor, third_party=third_party, users=[first, second]
    )

    third_party_allowed_users_set(tenant=in_tenant, actor=actor, third_party=third_party, users=[second])

    assert _object_perms(third_party) == {(second.pk, "view_thirdparty"), (second.pk, "change_thirdparty")}


def test_allowed_users_set_to_nobody_makes_it_visible_again(in_tenant, actor):
    third_party = TPFactory(tenant=in_tenant)
    rep = member(in_tenant, "Commercial")
    third_party_allowed_users_set(tenant=in_tenant, actor=actor, third_party=third_party, users=[rep])

    third_party_allowed_users_set(tenant=in_tenant, actor=actor, third_party=third_party, users=[])

    assert ThirdPartyVisibility.objects.get(third_party=third_party).is_reserved is False
    assert _object_perms(third_party) == set()
    assert third_parties_visible(tenant=in_tenant, user=actor).filter(pk=third_party.pk).exists()


def test_allowed_users_set_refused_for_a_user_of_another_tenant(in_tenant, other_tenant, actor):
    third_party = TPFactory(tenant=in_tenant)
    stranger = member(other_tenant, "Commercial", first_name="Paul", last_name="Martin")

    with pytest.raises(ValidationError) as exc:
        third_party_allowed_users_set(
            tenant=in_tenant, actor=actor, third_party=third_party, users=[stranger]
        )

    assert exc.value.message_dict == {
        "users": [f"Ces utilisateurs ne sont pas membres de la société : {stranger}."]
    }
    assert not ThirdPartyAllowedUser.objects.filter(third_party=third_party).exists()
