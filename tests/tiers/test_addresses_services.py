"""Address services: default rules both ways, code protection, phones and e-mails, audit."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from crm.models import AuditEntry, Country
from tests.factories import member
from tests.tiers.factories import AddressFactory, BankAccountFactory, ContactLinkFactory, SiteFactory
from tests.tiers.factories_third_parties import TPFactory, postal_codes
from tiers.models import Address, ShipTo
from tiers.services.addresses import address_create, address_delete, address_update, addresses_save

CODE_USED = "Ce code adresse est utilisé par {users} : il ne peut être ni modifié ni supprimé."


@pytest.fixture
def actor(tenant):
    postal_codes()
    return member(tenant, "Commercial")


@pytest.fixture
def third_party(in_tenant):
    return TPFactory(tenant=in_tenant)


@pytest.fixture
def default_address(third_party):
    return AddressFactory(third_party=third_party, code="001", is_default=True)


def _defaults(third_party):
    return list(
        Address.objects.filter(third_party=third_party, is_default=True).values_list("code", flat=True)
    )


# --- Default rules -------------------------------------------------------------------------------


def test_address_create_as_default_demotes_the_previous_default(
    in_tenant, actor, third_party, default_address
):
    address_create(
        tenant=in_tenant,
        actor=actor,
        third_party=third_party,
        postal_code="75001",
        city="paris",
        is_default=True,
    )

    assert _defaults(third_party) == ["002"]


def test_address_create_not_default_keeps_the_default(in_tenant, actor, third_party, default_address):
    address = address_create(tenant=in_tenant, actor=actor, third_party=third_party, postal_code="75001")

    assert (address.code, address.city, address.subdivision) == ("002", "PARIS", "75")
    assert _defaults(third_party) == ["001"]


def test_address_create_first_address_becomes_the_default(in_tenant, actor, third_party):
    address = address_create(
        tenant=in_tenant, actor=actor, third_party=third_party, postal_code="69002", city="Lyon"
    )

    assert address.is_default is True


def test_address_create_refused_when_the_code_exists(in_tenant, actor, third_party, default_address):
    with pytest.raises(ValidationError) as exc:
        address_create(
            tenant=in_tenant, actor=actor, third_party=third_party, code="001", postal_code="69002"
        )

    assert exc.value.message_dict == {"code": ["Le code adresse 001 existe déjà pour ce tiers."]}


def test_address_update_making_another_default_demotes_the_previous_one(
    in_tenant, actor, third_party, default_address
):
    other = AddressFactory(third_party=third_party, code="002", is_default=False)

    address_update(tenant=in_tenant, actor=actor, address=other, is_default=True)

    assert _defaults(third_party) == ["002"]


def test_address_update_refused_when_it_would_leave_no_default(
    in_tenant, actor, third_party, default_address
):
    AddressFactory(third_party=third_party, code="002", is_default=False)

    with pytest.raises(ValidationError) as exc:
        address_update(tenant=in_tenant, actor=actor, address=default_address, is_default=False)

    assert exc.value.message_dict == {
        "is_default": [
            "Un tiers doit garder une adresse par défaut : désignez une autre adresse comme adresse par "
            "défaut, elle remplacera celle-ci."
        ]
    }
    assert _defaults(third_party) == ["001"]


def test_addresses_save_moves_the_default_in_one_change(in_tenant, actor, third_party, default_address):
    other = AddressFactory(third_party=third_party, code="002", is_default=False)

    addresses_save(
        tenant=in_tenant,
        actor=actor,
        third_party=third_party,
        addresses=[
            {
                "pk": default_address.pk,
                "code": "001",
                "postal_code": "69002",
                "city": "LYON",
                "is_default": False,
            },
            {"pk": other.pk, "code": "002", "postal_code": "69002", "city": "LYON", "is_default": True},
        ],
    )

    assert _defaults(third_party) == ["002"]


def test_addresses_save_refused_without_default(in_tenant, actor, third_party, default_address):
    other = AddressFactory(third_party=third_party, code="002", is_default=False)

    with pytest.raises(ValidationError) as exc:
        addresses_save(
            tenant=in_tenant,
            actor=actor,
            third_party=third_party,
            addresses=[
                {"pk": default_address.pk, "code": "001", "postal_code": "69002", "is_default": False},
                {"pk": other.pk, "code": "002", "postal_code": "69002", "is_default": False},
            ],
        )

    assert exc.value.message_dict == {"addresses": ["Une des adresses doit être l'adresse par défaut."]}


def test_addresses_save_refused_when_every_address_is_deleted(in_tenant, actor, third_party, default_address):
    with pytest.raises(ValidationError) as exc:
        addresses_save(
            tenant=in_tenant,
            actor=actor,
            third_party=third_party,
            addresses=[{"pk": default_address.pk, "code": "001"}],
            delete=[default_address.pk],
        )

    assert exc.value.message_dict == {"addresses": ["Un tiers doit avoir au moins une adresse."]}


def test_addresses_save_swaps_two_codes(in_tenant, actor, third_party, default_address):
    other = AddressFactory(third_party=third_party, code="002", is_default=False)

    addresses_save(
        tenant=in_tenant,
        actor=actor,
        third_party=third_party,
        addresses=[
            {"pk": default_address.pk, "code": "002", "postal_code": "69002", "is_default": True},
            {"pk": other.pk, "code": "001", "postal_code": "69002"},
        ],
    )

    assert Address.objects.get(pk=default_address.pk).code == "002"
    assert Address.objects.get(pk=other.pk).code == "001"


def test_addresses_save_refused_for_an_address_of_another_third_party(
    in_tenant, actor, third_party, default_address
):
    foreign = AddressFactory(third_party=TPFactory(tenant=in_tenant), code="001")

    with pytest.raises(ValidationError) as exc:
        addresses_save(
            tenant=in_tenant,
            actor=actor,
            third_party=third_party,
            addresses=[{"pk": foreign.pk, "code": "001", "postal_code": "69002", "is_default": True}],
        )

    assert exc.value.messages == ["Adresse inconnue pour ce tiers."]


# --- Code protection -----------------------------------------------------------------------------


def _ship_to(address):
    return ShipTo.objects.create(tenant=address.tenant, third_party=address.third_party, address=address)


@pytest.mark.parametrize(
    ("make_user", "label"),
    [
        (lambda a: ContactLinkFactory(third_party=a.third_party, address=a), "un contact"),
        (lambda a: BankAccountFactory(address=a), "un compte bancaire"),
        (_ship_to, "un client livré"),
        (lambda a: SiteFactory(address=a), "un site"),
    ],
)
def test_address_code_change_refused_when_used(in_tenant, actor, default_address, make_user, label):
    make_user(default_address)

    with pytest.raises(ValidationError) as exc:
        address_update(tenant=in_tenant, actor=actor, address=default_address, code="SIEGE")

    assert exc.value.message_dict == {"code": [CODE_USED.format(users=label)]}
    assert Address.objects.get(pk=default_address.pk).code == "001"


def test_address_delete_refused_when_used_by_a_site_and_a_bank_account(
    in_tenant, actor, third_party, default_address
):
    used = AddressFactory(third_party=third_party, code="002", is_default=False)
    SiteFactory(address=used)
    BankAccountFactory(address=used)

    with pytest.raises(ValidationError) as exc:
        address_delete(tenant=in_tenant, actor=actor, address=used)

    assert exc.value.messages == [CODE_USED.format(users="un compte bancaire et un site")]
    assert Address.objects.filter(pk=used.pk).exists()


def test_addresses_save_refused_when_deleting_a_used_address(in_tenant, actor, third_party, default_address):
    used = AddressFactory(third_party=third_party, code="002", is_default=False)
    _ship_to(used)

    with pytest.raises(ValidationError) as exc:
        addresses_save(
            tenant=in_tenant,
            actor=actor,
            third_party=third_party,
            addresses=[{"pk": default_address.pk, "code": "001", "postal_code": "69002", "is_default": True}],
            delete=[used.pk],
        )

    assert exc.value.message_dict == {
        "addresses": ["Adresse 002 : " + CODE_USED.format(users="un client livré")]
    }


def test_address_code_change_accepted_when_unused(in_tenant, actor, default_address):
    address_update(tenant=in_tenant, actor=actor, address=default_address, code="SIEGE")

    assert Address.objects.get(pk=default_address.pk).code == "SIEGE"


def test_address_delete_accepted_for_an_unused_other_address(in_tenant, actor, third_party, default_address):
    other = AddressFactory(third_party=third_party, code="002", is_default=False)

    address_delete(tenant=in_tenant, actor=actor, address=other)

    assert not Address.objects.filter(pk=other.pk).exists()
    assert AuditEntry.objects.filter(
        tenant=in_tenant, action="address.delete", object_id=str(other.pk)
    ).exists()


def test_address_delete_refused_for_the_default(in_tenant, actor, third_party, default_address):
    AddressFactory(third_party=third_party, code="002", is_default=False)

    with pytest.raises(ValidationError) as exc:
        address_delete(tenant=in_tenant, actor=actor, address=default_address)

    assert exc.value.messages == [
        "Un tiers doit garder une adresse par défaut : désignez une autre adresse comme adresse par "
        "défaut, elle remplacera celle-ci."
    ]


def test_address_delete_refused_for_the_last_address(in_tenant, actor, default_address):
    with pytest.raises(ValidationError) as exc:
        address_delete(tenant=in_tenant, actor=actor, address=default_address)

    assert exc.value.messages == ["Un tiers doit avoir au moins une adresse."]


# --- Phones, e-mails, postal rules, audit ---------------------------------------------------------


def test_address_update_replaces_phones_and_emails_and_audits_them(in_tenant, actor, default_address):
    address_update(
        tenant=in_tenant,
        actor=actor,
        address=default_address,
        phones=[{"kind": "mobile", "number": "06 12 34 56 78"}],
        emails=["Compta@Example.fr", "compta@example.fr"],
    )

    assert [(p.kind, p.number, p.digits) for p in default_address.phones.all()] == [
        ("mobile", "+33612345678", "0612345678")
    ]
    assert [e.email for e in default_address.emails.all()] == ["compta@example.fr"]
    entry = AuditEntry.objects.get(
        tenant=in_tenant, action="address.update", object_id=str(default_address.pk)
    )
    assert entry.changes == {"phones": [[], ["+33612345678"]], "emails": [[], ["compta@example.fr"]]}


def test_address_update_refused_for_an_invalid_email(in_tenant, actor, default_address):
    with pytest.raises(ValidationError) as exc:
        address_update(tenant=in_tenant, actor=actor, address=default_address, emails=["pas-un-mail"])

    assert exc.value.message_dict == {"emails": ["Adresse e-mail invalide : pas-un-mail."]}


def test_address_create_stores_a_belgian_phone_in_e164(in_tenant, actor, third_party, default_address):
    belgium = Country.objects.get(code="BE")

    address = address_create(
        tenant=in_tenant,
        actor=actor,
        third_party=third_party,
        country=belgium,
        postal_code="1000",
        city="Bruxelles",
        phones=["02 555 12 12"],
    )

    assert [(p.number, p.digits) for p in address.phones.all()] == [("+3225551212", "025551212")]


def test_address_create_refused_for_an_unknown_french_postal_code(
    in_tenant, actor, third_party, default_address
):
    with pytest.raises(ValidationError) as exc:
        address_create(tenant=in_tenant, actor=actor, third_party=third_party, postal_code="99999", city="X")

    assert exc.value.message_dict == {"postal_code": ["Code postal inconnu : 99999 n'existe pas (France)."]}


def test_address_create_warns_for_an_unknown_city(in_tenant, actor, third_party, default_address):
    address = address_create(
        tenant=in_tenant, actor=actor, third_party=third_party, postal_code="69002", city="Lyon 2e"
    )

    assert address.city == "LYON 2E"
    assert address.warnings == ["Ville inconnue pour le code postal 69002 : LYON 2E (villes connues : LYON)."]
