"""Screens of the third party: create with duplicates, identity, addresses, close/reopen, roles, access."""

from __future__ import annotations

from typing import Any

import pytest
from django_scopes import scope

from crm.models import AuditEntry, Country, Currency
from tests.factories import member
from tests.queries import REQUEST_QUERIES
from tests.tiers.factories import AddressFactory, SiteFactory
from tests.tiers.factories_third_parties import (
    OTHER_SIRET,
    OTHER_VAT,
    SIRET,
    VAT,
    TPFactory,
    naf_codes,
    phone_add,
    postal_codes,
)
from tiers.models import Address, Lifecycle, ThirdParty, ThirdPartyAllowedUser, ThirdPartyVisibility
from tiers.services.third_parties import third_party_allowed_users_set, third_party_close

CREATE_URL = "/tiers/nouveau/"
PAGES = ("modifier", "adresses", "fermer", "rouvrir", "roles", "acces")


@pytest.fixture
def ref(in_tenant):
    """Reference rows; the test body runs in the tenant's scope (requests open their own)."""
    tenant = in_tenant
    postal_codes()
    naf_codes()
    tenant.currency = Currency.objects.get(code="EUR")
    tenant.country = Country.objects.get(code="FR")
    tenant.save()


def _management(prefix: str, total: int, initial: int = 0) -> dict[str, Any]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "50",
    }


def _address_post(index: int, address: dict[str, Any]) -> dict[str, Any]:
    prefix = f"adr-{index}"
    phones = address.pop("phones", [])
    emails = address.pop("emails", [])
    data = {
        f"{prefix}-country": str(Country.objects.get(code="FR").pk),
        f"{prefix}-line1": "12 rue de la République",
        f"{prefix}-postal_code": "69002",
        f"{prefix}-city": "Lyon",
        **_management(f"{prefix}-tel", max(len(phones), 1)),
        **_management(f"{prefix}-mel", max(len(emails), 1)),
    }
    for number_index, number in enumerate(phones):
        data[f"{prefix}-tel-{number_index}-kind"] = "phone"
        data[f"{prefix}-tel-{number_index}-number"] = number
    for email_index, email in enumerate(emails):
        data[f"{prefix}-mel-{email_index}-email"] = email
    for name, value in address.items():
        if value is True:
            data[f"{prefix}-{name}"] = "on"
        elif value is not False:
            data[f"{prefix}-{name}"] = value
    return data


def _create_post(addresses: list[dict[str, Any]] | None = None, **identity: Any) -> dict[str, Any]:
    addresses = [{"is_default": True}] if addresses is None else addresses
    data = {
        "name": "Bureautique Lyonnaise",
        "country": str(Country.objects.get(code="FR").pk),
        "language": "fr",
        "currency": str(Currency.objects.get(code="EUR").pk),
        "siret": SIRET,
        "vat_number": VAT,
        "naf": "46.66Z",
        **_management("adr", len(addresses)),
    }
    for name, value in identity.items():
        if value is True:
            data[name] = "on"
        elif value is False:
            data.pop(name, None)
        else:
            data[name] = value
    for index, address in enumerate(addresses):
        data.update(_address_post(index, dict(address)))
    return data


def _errors(response) -> dict[str, list[str]]:
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


# --- Create --------------------------------------------------------------------------------------


def test_create_page_shows_identity_and_first_address_as_default(ref, tenant, login):
    client = login(member(tenant, "Commercial"))

    response = client.get(CREATE_URL, {"type": "prospect"})

    assert response.status_code == 200
    assert "Nouveau prospect" in response.text
    formset = response.context["formset"]
    assert formset.forms[0].initial["is_default"] is True
    assert 'src="/static/js/formset.js"' in response.text


def test_create_customer_saves_and_redirects_to_its_page(ref, tenant, login):
    client = login(member(tenant, "Commercial"))

    response = client.post(
        f"{CREATE_URL}?type=client",
        _create_post(
            addresses=[{"is_default": True, "phones": ["04 72 00 00 00"], "emails": ["Info@Example.fr"]}]
        ),
    )

    with scope(tenant=tenant):
        third_party = ThirdParty.objects.get(tenant=tenant)
        address = Address.objects.get(third_party=third_party)
        phones = [(p.number, p.digits) for p in address.phones.all()]
        emails = [e.email for e in address.emails.all()]
    assert response.status_code == 302
    assert response.url == f"/tiers/{third_party.pk}/"
    assert (third_party.code, third_party.lifecycle, third_party.siren) == (
        "C000001",
        Lifecycle.CUSTOMER,
        SIRET[:9],
    )
    assert (address.code, address.city, address.is_default) == ("001", "LYON", True)
    assert phones == [("+33472000000", "0472000000")]
    assert emails == ["info@example.fr"]
    assert AuditEntry.objects.filter(
        tenant=tenant, action="third_party.create", object_id=str(third_party.pk)
    ).exists()


def test_create_prospect_starts_as_prospect_draft(ref, tenant, login):
    client = login(member(tenant, "Commercial"))

    client.post(f"{CREATE_URL}?type=prospect", _create_post())

    with scope(tenant=tenant):
        assert ThirdParty.objects.get(tenant=tenant).lifecycle == Lifecycle.PROSPECT_DRAFT


def test_create_refused_without_address(ref, tenant, login):
    client = login(member(tenant, "Commercial"))

    response = client.post(CREATE_URL, _create_post(addresses=[]))

    assert response.status_code == 200
    assert list(response.context["formset"].non_form_errors()) == [
        "Un tiers doit avoir au moins une adresse."
    ]
    assert response.context["form"]["name"].value() == "Bureautique Lyonnaise"


def test_create_refused_with_two_default_addresses(ref, tenant, login):
    client = login(member(tenant, "Commercial"))

    response = client.post(CREATE_URL, _create_post(addresses=[{"is_default": True}, {"is_default": True}]))

    assert list(response.context["formset"].non_form_errors()) == [
        "Une seule adresse peut être l'adresse par défaut."
    ]
    with scope(tenant=tenant):
        assert not ThirdParty.objects.filter(tenant=tenant).exists()


def test_create_refused_for_a_french_legal_person_without_siret_and_vat(ref, tenant, login):
    client = login(member(tenant, "Commercial"))

    response = client.post(CREATE_URL, _create_post(siret="", vat_number=""))

    assert response.status_code == 200
    assert _errors(response) == {
        "siret": ["Le SIRET est obligatoire pour une personne morale (pays : France)."],
        "vat_number": [
            "Le n° de TVA intracommunautaire est obligatoire pour une personne morale (pays : France)."
        ],
    }


def test_create_accepts_a_natural_person_without_siret_and_vat(ref, tenant, login):
    client = login(member(tenant, "Commercial"))

    response = client.post(
        CREATE_URL, _create_post(name="Jean Martin", is_natural_person=True, siret="", vat_number="")
    )

    assert response.status_code == 302


def test_create_shows_field_errors_of_an_invalid_siret_and_postal_code(ref, tenant, login):
    client = login(member(tenant, "Commercial"))

    response = client.post(
        CREATE_URL, _create_post(siret="12345678901234", addresses=[{"postal_code": "99999"}])
    )

    assert _errors(response)["siret"] == ["SIRET invalide : la clé de contrôle de 12345678901234 est fausse."]
    assert response.context["formset"].forms[0].errors["postal_code"] == [
        "Code postal inconnu : 99999 n'existe pas (France)."
    ]


def test_create_shows_an_invalid_phone_on_its_field(ref, tenant, login):
    client = login(member(tenant, "Commercial"))

    response = client.post(CREATE_URL, _create_post(addresses=[{"is_default": True, "phones": ["01 23"]}]))

    phone_form = response.context["formset"].forms[0].phones.forms[0]
    assert phone_form.errors == {"number": ["Numéro de téléphone invalide : 01 23."]}


def test_create_proposes_duplicates_and_keeps_what_was_typed(ref, tenant, login):
    existing = TPFactory(tenant=tenant, name="Bureautique Lyonnaise SA", siren=SIRET[:9], siret=SIRET)
    client = login(member(tenant, "Commercial"))

    response = client.post(CREATE_URL, _create_post(acronym="BL"))

    assert response.status_code == 200
    assert [(tp.pk, reasons) for tp, reasons in response.context["duplicates"]] == [
        (existing.pk, ["Même SIRET", "Même SIREN"])
    ]
    assert f'href="/tiers/{existing.pk}/"' in response.text
    assert "Créer quand même" in response.text
    assert response.context["form"]["acronym"].value() == "BL"
    with scope(tenant=tenant):
        assert ThirdParty.objects.filter(tenant=tenant).count() == 1


def test_create_proposes_a_duplicate_by_phone_typed_in_another_format(ref, tenant, login):
    existing = TPFactory(tenant=tenant, name="Copieurs du Rhône")
    phone_add(AddressFactory(third_party=existing), "+33472000000", "0472000000")
    client = login(member(tenant, "Commercial"))

    response = client.post(
        CREATE_URL,
        _create_post(siret=OTHER_SIRET, vat_number=OTHER_VAT, addresses=[{"phones": ["+33 4 72 00 00 00"]}]),
    )

    assert [(tp.pk, reasons) for tp, reasons in response.context["duplicates"]] == [
        (existing.pk, ["Même numéro de téléphone"])
    ]


def test_create_anyway_saves_despite_duplicates(ref, tenant, login):
    TPFactory(tenant=tenant, name="Bureautique Lyonnaise SA", siren=SIRET[:9], siret=SIRET)
    client = login(member(tenant, "Commercial"))

    response = client.post(CREATE_URL, _create_post(create_anyway=True))

    assert response.status_code == 302
    with scope(tenant=tenant):
        assert ThirdParty.objects.filter(tenant=tenant, siret=SIRET).count() == 2


def test_create_duplicates_ignore_a_third_party_reserved_to_others(ref, tenant, login):
    reserved = TPFactory(tenant=tenant, siren=SIRET[:9], siret=SIRET, is_reserved=True)
    with scope(tenant=tenant):
        ThirdPartyAllowedUser.objects.create(
            tenant=tenant, third_party=reserved, user=member(tenant, "Commercial")
        )
    client = login(member(tenant, "Manager"))

    response = client.post(CREATE_URL, _create_post())

    assert response.status_code == 302


def test_create_refused_to_a_technicien(ref, tenant, login):
    client = login(member(tenant, "Technicien"))

    assert client.get(CREATE_URL).status_code == 403


# --- Identity ------------------------------------------------------------------------------------


def _identity_post(third_party, **changes):
    data = {
        "name": third_party.name,
        "country": str(third_party.country_id),
        "language": "fr",
        "currency": str(third_party.currency_id),
        "siret": SIRET,
        "vat_number": VAT,
    }
    data.update(changes)
    return data


def test_update_saves_identity_and_redirects(ref, tenant, login):
    third_party = TPFactory(tenant=tenant)
    client = login(member(tenant, "Commercial"))

    response = client.post(
        f"/tiers/{third_party.pk}/modifier/", _identity_post(third_party, name="Nouveau Nom")
    )

    assert response.status_code == 302
    assert response.url == f"/tiers/{third_party.pk}/"
    with scope(tenant=tenant):
        assert ThirdParty.objects.get(pk=third_party.pk).name == "Nouveau Nom"


def test_update_refused_for_a_vat_number_with_a_wrong_key(ref, tenant, login):
    third_party = TPFactory(tenant=tenant)
    client = login(member(tenant, "Commercial"))

    response = client.post(
        f"/tiers/{third_party.pk}/modifier/", _identity_post(third_party, vat_number="FR45732829320")
    )

    assert _errors(response) == {
        "vat_number": [
            "N° de TVA intracommunautaire invalide : la clé 45 ne correspond pas au SIREN 732829320 "
            "(clé attendue : 44)."
        ]
    }


# --- Addresses -----------------------------------------------------------------------------------


def _addresses_post(rows: list[dict[str, Any]], initial: int) -> dict[str, Any]:
    data = _management("adr", len(rows), initial)
    for index, row in enumerate(rows):
        data.update(_address_post(index, dict(row)))
    return data


def test_addresses_page_lists_addresses_with_their_phones(ref, tenant, login):
    third_party = TPFactory(tenant=tenant)
    address = AddressFactory(third_party=third_party, code="SIEGE")
    phone_add(address, "+33472000000", "0472000000")
    client = login(member(tenant, "Commercial"))

    response = client.get(f"/tiers/{third_party.pk}/adresses/")

    assert response.status_code == 200
    assert 'value="SIEGE"' in response.text
    assert 'value="04 72 00 00 00"' in response.text


def test_addresses_page_moves_the_default_and_adds_an_address(ref, tenant, login):
    third_party = TPFactory(tenant=tenant)
    first = AddressFactory(third_party=third_party, code="001", is_default=True)
    client = login(member(tenant, "Commercial"))

    response = client.post(
        f"/tiers/{third_party.pk}/adresses/",
        _addresses_post(
            [
                {"pk": str(first.pk), "code": "001", "is_default": False},
                {
                    "code": "LIV",
                    "postal_code": "75001",
                    "city": "",
                    "is_default": True,
                    "phones": ["0147000000"],
                },
            ],
            initial=1,
        ),
    )

    assert response.status_code == 302
    with scope(tenant=tenant):
        rows = list(Address.objects.filter(third_party=third_party).values_list("code", "city", "is_default"))
    assert sorted(rows) == [("001", "LYON", False), ("LIV", "PARIS", True)]


def test_addresses_page_refused_when_no_address_stays_default(ref, tenant, login):
    third_party = TPFactory(tenant=tenant)
    first = AddressFactory(third_party=third_party, code="001", is_default=True)
    second = AddressFactory(third_party=third_party, code="002", is_default=False)
    client = login(member(tenant, "Commercial"))

    response = client.post(
        f"/tiers/{third_party.pk}/adresses/",
        _addresses_post(
            [{"pk": str(first.pk), "code": "001"}, {"pk": str(second.pk), "code": "002"}],
            initial=2,
        ),
    )

    assert list(response.context["formset"].non_form_errors()) == [
        "Une des adresses doit être l'adresse par défaut."
    ]


def test_addresses_page_refused_when_deleting_an_address_used_by_a_site(ref, tenant, login):
    third_party = TPFactory(tenant=tenant)
    first = AddressFactory(third_party=third_party, code="001", is_default=True)
    used = AddressFactory(third_party=third_party, code="002", is_default=False)
    SiteFactory(address=used)
    client = login(member(tenant, "Commercial"))

    response = client.post(
        f"/tiers/{third_party.pk}/adresses/",
        _addresses_post(
            [
                {"pk": str(first.pk), "code": "001", "is_default": True},
                {"pk": str(used.pk), "code": "002", "DELETE": True},
            ],
            initial=2,
        ),
    )

    assert list(response.context["formset"].non_form_errors()) == [
        "Adresse 002 : Ce code adresse est utilisé par un site : il ne peut être ni modifié ni supprimé."
    ]
    with scope(tenant=tenant):
        assert Address.objects.filter(pk=used.pk).exists()


def test_addresses_page_refused_for_an_address_of_another_third_party(ref, tenant, login):
    third_party = TPFactory(tenant=tenant)
    AddressFactory(third_party=third_party, code="001", is_default=True)
    foreign = AddressFactory(third_party=TPFactory(tenant=tenant), code="001")
    client = login(member(tenant, "Commercial"))

    response = client.post(
        f"/tiers/{third_party.pk}/adresses/",
        _addresses_post([{"pk": str(foreign.pk), "code": "001", "is_default": True}], initial=1),
    )

    assert list(response.context["formset"].non_form_errors()) == ["Adresse inconnue pour ce tiers."]


# --- Close / reopen ------------------------------------------------------------------------------


def test_close_page_confirms_then_closes(ref, tenant, login):
    third_party = TPFactory(tenant=tenant)
    client = login(member(tenant, "Manager"))

    page = client.get(f"/tiers/{third_party.pk}/fermer/")
    response = client.post(f"/tiers/{third_party.pk}/fermer/", {"reason": "Cessation"})

    assert page.status_code == 200
    assert response.status_code == 302
    assert response.url == f"/tiers/{third_party.pk}/"
    with scope(tenant=tenant):
        assert ThirdPartyVisibility.objects.get(third_party=third_party).is_closed is True


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("Cessation\x00", "Le caractère nul n\u2019est pas autorisé."),
        ("x" * 501, "Assurez-vous que cette valeur comporte au plus 500 caractères (actuellement 501)."),
    ],
)
def test_close_refuses_a_reason_the_database_cannot_store(ref, tenant, login, reason, message):
    """Found by tests/fuzz: a NUL byte in the reason was a server error."""
    third_party = TPFactory(tenant=tenant)
    client = login(member(tenant, "Manager"))

    response = client.post(f"/tiers/{third_party.pk}/fermer/", {"reason": reason})

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [message]
    with scope(tenant=tenant):
        assert not ThirdPartyVisibility.objects.filter(third_party=third_party, is_closed=True).exists()


def test_close_by_a_commercial_goes_home_as_the_third_party_is_now_hidden(ref, tenant, login):
    third_party = TPFactory(tenant=tenant)
    client = login(member(tenant, "Commercial"))

    response = client.post(f"/tiers/{third_party.pk}/fermer/")

    assert response.url == "/"
    assert client.get(f"/tiers/{third_party.pk}/rouvrir/").status_code == 404


def test_reopen_page_reopens_a_closed_third_party(ref, tenant, login):
    third_party = TPFactory(tenant=tenant)
    manager = member(tenant, "Manager")
    with scope(tenant=tenant):
        third_party_close(tenant=tenant, actor=manager, third_party=third_party)
    client = login(manager)

    response = client.post(f"/tiers/{third_party.pk}/rouvrir/")

    assert response.status_code == 302
    with scope(tenant=tenant):
        assert ThirdParty.objects.get(pk=third_party.pk).is_closed is False


def test_reopen_of_an_open_third_party_shows_the_refusal(ref, tenant, login):
    third_party = TPFactory(tenant=tenant)
    client = login(member(tenant, "Manager"))

    response = client.post(f"/tiers/{third_party.pk}/rouvrir/", follow=True)

    assert [str(m) for m in response.context["messages"]] == ["Ce tiers n'est pas fermé."]


# --- Roles ---------------------------------------------------------------------------------------


def test_roles_page_adds_the_supplier_role(ref, tenant, login):
    third_party = TPFactory(tenant=tenant)
    client = login(member(tenant, "Commercial"))

    response = client.post(f"/tiers/{third_party.pk}/roles/", {"roles": ["supplier", "carrier"]})

    assert response.status_code == 302
    with scope(tenant=tenant):
        third_party.refresh_from_db()
    assert (third_party.is_supplier, third_party.is_carrier, third_party.is_financer) == (True, True, False)


# --- Access --------------------------------------------------------------------------------------


def test_access_page_warns_and_lists_only_the_tenants_users(ref, tenant, other_tenant, login):
    third_party = TPFactory(tenant=tenant)
    colleague = member(tenant, "Commercial", first_name="Alice", last_name="Durand")
    stranger = member(other_tenant, "Commercial", first_name="Bob", last_name="Autre")
    client = login(member(tenant, "Manager"))

    response = client.get(f"/tiers/{third_party.pk}/acces/")

    assert response.status_code == 200
    assert "devient invisible pour tous les autres utilisateurs" in response.text
    choices = {pk.value for pk, _label in response.context["form"].fields["users"].choices}
    assert colleague.pk in choices
    assert stranger.pk not in choices


def test_access_page_reserves_the_third_party(ref, tenant, login):
    third_party = TPFactory(tenant=tenant)
    manager = member(tenant, "Manager")
    rep = member(tenant, "Commercial")
    client = login(manager)

    response = client.post(f"/tiers/{third_party.pk}/acces/", {"users": [str(manager.pk), str(rep.pk)]})

    assert response.status_code == 302
    with scope(tenant=tenant):
        assert ThirdPartyVisibility.objects.get(third_party=third_party).is_reserved is True
        assert set(
            ThirdPartyAllowedUser.objects.filter(third_party=third_party).values_list("user_id", flat=True)
        ) == {
            manager.pk,
            rep.pk,
        }


def test_access_page_refused_for_a_user_of_another_tenant(ref, tenant, other_tenant, login):
    third_party = TPFactory(tenant=tenant)
    stranger = member(other_tenant, "Commercial")
    client = login(member(tenant, "Manager"))

    response = client.post(f"/tiers/{third_party.pk}/acces/", {"users": [str(stranger.pk)]})

    assert response.status_code == 200
    assert "users" in response.context["form"].errors
    with scope(tenant=tenant):
        assert not ThirdPartyAllowedUser.objects.filter(third_party=third_party).exists()


def test_access_page_refused_to_a_commercial(ref, tenant, login):
    third_party = TPFactory(tenant=tenant)
    client = login(member(tenant, "Commercial"))

    assert client.get(f"/tiers/{third_party.pk}/acces/").status_code == 403


# --- Visibility: reserved, other tenant ----------------------------------------------------------


def _reserved_to(tenant, user):
    third_party = TPFactory(tenant=tenant)
    AddressFactory(third_party=third_party)
    with scope(tenant=tenant):
        third_party_allowed_users_set(tenant=tenant, actor=user, third_party=third_party, users=[user])
    return third_party


@pytest.mark.parametrize("page", PAGES)
def test_reserved_third_party_is_404_for_a_manager_not_allowed(ref, tenant, login, page):
    third_party = _reserved_to(tenant, member(tenant, "Manager"))
    client = login(member(tenant, "Manager"))

    assert client.get(f"/tiers/{third_party.pk}/{page}/").status_code == 404
    assert client.post(f"/tiers/{third_party.pk}/{page}/").status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_reserved_third_party_is_visible_to_the_allowed_user(ref, tenant, login, page):
    allowed = member(tenant, "Manager")
    third_party = _reserved_to(tenant, allowed)
    with scope(tenant=tenant):
        if page == "rouvrir":
            third_party_close(tenant=tenant, actor=allowed, third_party=third_party)
    client = login(allowed)

    assert client.get(f"/tiers/{third_party.pk}/{page}/").status_code == 200


@pytest.mark.parametrize("page", PAGES)
def test_other_tenants_third_party_is_404(ref, tenant, other_tenant, login, page):
    third_party = TPFactory(tenant=other_tenant)
    client = login(member(tenant, "Administrateur"))

    assert client.get(f"/tiers/{third_party.pk}/{page}/").status_code == 404
    assert client.post(f"/tiers/{third_party.pk}/{page}/").status_code == 404


@pytest.mark.parametrize("count", [1, 3])
def test_addresses_page_query_count_does_not_grow_with_the_addresses(
    ref, tenant, login, django_assert_num_queries, count
):
    third_party = TPFactory(tenant=tenant)
    for index in range(count):
        address = AddressFactory(third_party=third_party, code=f"{index:03d}", is_default=index == 0)
        phone_add(address, "+33472000000", "0472000000")
    client = login(member(tenant, "Commercial"))
    client.get(f"/tiers/{third_party.pk}/adresses/")  # warm the session and the content types

    with django_assert_num_queries(REQUEST_QUERIES + 14):
        response = client.get(f"/tiers/{third_party.pk}/adresses/")

    assert len(response.context["formset"].initial_forms) == count
