"""Rules of tiers.services.contacts: key, fields, shared links, the default contact, audit."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from crm.models import AuditEntry, Country
from tests.factories import member
from tests.tiers.factories import AddressFactory, ContactFactory
from tests.tiers.factories_contacts import ContactFunctionFactory, LinkFactory, TPFactory
from tiers.models import Contact, ContactLink, SegmentKind
from tiers.services.contacts import (
    contact_create,
    contact_link,
    contact_link_update,
    contact_set_default,
    contact_unlink,
    contact_update,
)


@pytest.fixture
def actor(tenant):
    return member(tenant, "Commercial")


@pytest.fixture
def acme(in_tenant):
    return TPFactory(tenant=in_tenant, name="ACME Bureautique")


def _create(tenant, actor, third_party, **fields):
    fields.setdefault("last_name", "Dupont")
    return contact_create(tenant=tenant, actor=actor, third_party=third_party, **fields)


def _messages(excinfo) -> dict[str, list[str]]:
    error = excinfo.value
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


# --- Key -----------------------------------------------------------------------------------------


def test_contact_create_generates_a_15_digit_key_from_the_tenant_counter(in_tenant, actor, acme):
    first = _create(in_tenant, actor, acme)
    second = _create(in_tenant, actor, acme, last_name="Martin")

    assert (first.key, second.key) == ("000000000000001", "000000000000002")


def test_contact_create_keeps_a_typed_key(in_tenant, actor, acme):
    contact = _create(in_tenant, actor, acme, key=" JDUPONT ")

    assert contact.key == "JDUPONT"


def test_contact_create_refused_when_the_key_is_taken(in_tenant, actor, acme):
    _create(in_tenant, actor, acme, key="JDUPONT")

    with pytest.raises(ValidationError) as excinfo:
        _create(in_tenant, actor, acme, key="JDUPONT", last_name="Autre")

    assert _messages(excinfo) == {"key": ["Le code contact JDUPONT est déjà utilisé."]}


def test_contact_create_generated_key_skips_a_value_typed_by_hand(in_tenant, actor, acme):
    _create(in_tenant, actor, acme, key="000000000000001")

    contact = _create(in_tenant, actor, acme, last_name="Martin")

    assert contact.key == "000000000000002"


# --- Fields --------------------------------------------------------------------------------------


def test_contact_create_stores_phones_in_e164_with_their_digits(in_tenant, actor, acme):
    contact = _create(
        in_tenant, actor, acme, phone="01 23 45 67 89", mobile="06.12.34.56.78", fax="+33 1 23 45 67 00"
    )

    contact.refresh_from_db()
    assert (contact.phone, contact.phone_digits) == ("+33123456789", "0123456789")
    assert (contact.mobile, contact.mobile_digits) == ("+33612345678", "0612345678")
    assert contact.fax == "+33123456700"


def test_contact_create_refused_with_an_invalid_phone(in_tenant, actor, acme):
    with pytest.raises(ValidationError) as excinfo:
        _create(in_tenant, actor, acme, phone="01 23", mobile="12")

    assert _messages(excinfo) == {
        "phone": ["Numéro de téléphone invalide : 01 23."],
        "mobile": ["Numéro de téléphone invalide : 12."],
    }
    assert not Contact.objects.exists()


def test_contact_create_reads_phones_in_the_third_party_country(in_tenant, actor):
    belgian = TPFactory(tenant=in_tenant, country=Country.objects.get(code="BE"))

    contact = _create(in_tenant, actor, belgian, phone="02 511 11 11")

    assert contact.phone == "+3225111111"


def test_contact_create_stores_the_email_in_lower_case(in_tenant, actor, acme):
    contact = _create(in_tenant, actor, acme, email=" Jean.Dupont@ACME.fr ")

    assert contact.email == "jean.dupont@acme.fr"


def test_contact_create_refused_with_an_invalid_email(in_tenant, actor, acme):
    with pytest.raises(ValidationError) as excinfo:
        _create(in_tenant, actor, acme, email="jean.dupont@")

    assert _messages(excinfo) == {"email": ["Saisissez une adresse de courriel valide."]}


def test_contact_create_accepts_a_function_of_the_tenant(in_tenant, actor, acme):
    buyer = ContactFunctionFactory(tenant=in_tenant, label="Acheteur")

    contact = _create(in_tenant, actor, acme, function=buyer)

    assert contact.function == buyer


@pytest.mark.parametrize("case", ["other_tenant", "other_list", "inactive"])
def test_contact_create_refused_with_a_function_outside_the_tenant_list(
    in_tenant, other_tenant, actor, acme, case
):
    function = {
        "other_tenant": lambda: ContactFunctionFactory(tenant=other_tenant),
        "other_list": lambda: ContactFunctionFactory(tenant=in_tenant, kind=SegmentKind.ORIGIN),
        "inactive": lambda: ContactFunctionFactory(tenant=in_tenant, is_active=False),
    }[case]()

    with pytest.raises(ValidationError) as excinfo:
        _create(in_tenant, actor, acme, function=function)

    assert _messages(excinfo) == {
        "function": ["Fonction inconnue : choisissez une fonction de la liste des fonctions de contact."]
    }


def test_contact_update_keeps_a_function_that_was_since_deactivated(in_tenant, actor, acme):
    function = ContactFunctionFactory(tenant=in_tenant)
    contact = _create(in_tenant, actor, acme, function=function)
    function.is_active = False
    function.save()

    contact_update(tenant=in_tenant, actor=actor, contact=contact, function=function, department="Achats")

    contact.refresh_from_db()
    assert (contact.function, contact.department) == (function, "Achats")


def test_contact_create_accepts_a_birth_date_of_today(in_tenant, actor, acme):
    today = timezone.localdate()

    contact = _create(in_tenant, actor, acme, birth_date=today)

    assert contact.birth_date == today


def test_contact_create_refused_with_a_birth_date_in_the_future(in_tenant, actor, acme):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    with pytest.raises(ValidationError) as excinfo:
        _create(in_tenant, actor, acme, birth_date=tomorrow)

    assert _messages(excinfo) == {"birth_date": ["La date de naissance ne peut pas être dans le futur."]}


def test_contact_create_refused_without_a_last_name(in_tenant, actor, acme):
    with pytest.raises(ValidationError) as excinfo:
        _create(in_tenant, actor, acme, last_name="  ")

    assert _messages(excinfo) == {"last_name": ["Ce champ ne peut pas être vide."]}


# --- Links ---------------------------------------------------------------------------------------


def test_contact_create_links_the_contact_and_makes_the_first_one_default(in_tenant, actor, acme):
    first = _create(in_tenant, actor, acme)
    second = _create(in_tenant, actor, acme, last_name="Martin")

    links = {link.contact_id: link for link in ContactLink.objects.filter(third_party=acme)}
    assert (links[first.pk].is_default, links[first.pk].is_active) == (True, True)
    assert links[second.pk].is_default is False


def test_contact_shared_by_two_third_parties_has_its_own_flags_per_link(in_tenant, actor, acme):
    other = TPFactory(tenant=in_tenant, name="Bidule SA")
    LinkFactory(tenant=in_tenant, third_party=other)  # ``other`` already has its default
    contact = _create(in_tenant, actor, acme)

    shared = contact_link(tenant=in_tenant, actor=actor, contact=contact, third_party=other, is_active=False)

    acme_link = ContactLink.objects.get(contact=contact, third_party=acme)
    assert (acme_link.is_active, acme_link.is_default) == (True, True)
    assert (shared.is_active, shared.is_default) == (False, False)
    assert set(contact.third_parties.all()) == {acme, other}


def test_contact_link_refused_when_already_linked(in_tenant, actor, acme):
    contact = _create(in_tenant, actor, acme)

    with pytest.raises(ValidationError) as excinfo:
        contact_link(tenant=in_tenant, actor=actor, contact=contact, third_party=acme)

    assert _messages(excinfo) == {"contact": ["Ce contact est déjà rattaché à ce tiers."]}


def test_contact_link_refused_for_a_contact_of_another_tenant(in_tenant, other_tenant, actor, acme):
    stranger = ContactFactory(tenant=other_tenant)

    with pytest.raises(ValidationError) as excinfo:
        contact_link(tenant=in_tenant, actor=actor, contact=stranger, third_party=acme)

    assert _messages(excinfo) == {"__all__": ["Ce contact n'appartient pas à cette société."]}


def test_contact_link_accepts_an_address_code_of_that_third_party(in_tenant, actor, acme):
    address = AddressFactory(third_party=acme, code="LIV")

    contact = _create(in_tenant, actor, acme, link={"address": address})

    assert ContactLink.objects.get(contact=contact).address == address


def test_contact_link_refused_with_an_address_of_another_third_party(in_tenant, actor, acme):
    contact = _create(in_tenant, actor, acme)
    other = TPFactory(tenant=in_tenant)
    foreign_address = AddressFactory(third_party=other, code="001")
    link = ContactLink.objects.get(contact=contact)

    with pytest.raises(ValidationError) as excinfo:
        contact_link_update(tenant=in_tenant, actor=actor, link=link, address=foreign_address)

    assert _messages(excinfo) == {"address": ["Code adresse inexistant."]}
    link.refresh_from_db()
    assert link.address is None


def test_contact_link_update_changes_the_active_flag_of_one_link_only(in_tenant, actor, acme):
    other = TPFactory(tenant=in_tenant)
    contact = _create(in_tenant, actor, acme)
    _create(in_tenant, actor, acme, last_name="Martin")  # acme keeps another active contact
    contact_link(tenant=in_tenant, actor=actor, contact=contact, third_party=other)
    link = ContactLink.objects.get(contact=contact, third_party=acme)
    contact_set_default(
        tenant=in_tenant, actor=actor, link=ContactLink.objects.get(contact__last_name="Martin")
    )

    contact_link_update(tenant=in_tenant, actor=actor, link=link, is_active=False)

    assert ContactLink.objects.get(contact=contact, third_party=acme).is_active is False
    assert ContactLink.objects.get(contact=contact, third_party=other).is_active is True


# --- The default contact -------------------------------------------------------------------------


def test_contact_set_default_demotes_the_previous_default(in_tenant, actor, acme):
    first = _create(in_tenant, actor, acme)
    second = _create(in_tenant, actor, acme, last_name="Martin")

    contact_set_default(tenant=in_tenant, actor=actor, link=ContactLink.objects.get(contact=second))

    defaults = list(
        ContactLink.objects.filter(third_party=acme, is_default=True).values_list("contact", flat=True)
    )
    assert defaults == [second.pk]
    demoted = AuditEntry.objects.filter(action="contactlink.update", changes__is_default=[True, False]).get()
    assert demoted.object_id == str(ContactLink.objects.get(contact=first).pk)


def test_contact_create_as_default_demotes_the_previous_default(in_tenant, actor, acme):
    _create(in_tenant, actor, acme)

    second = _create(in_tenant, actor, acme, last_name="Martin", link={"is_default": True})

    assert ContactLink.objects.get(third_party=acme, is_default=True).contact == second


def test_two_default_contacts_for_one_third_party_refused_by_the_database(in_tenant, acme):
    LinkFactory(tenant=in_tenant, third_party=acme, is_default=True)

    with pytest.raises(IntegrityError), transaction.atomic():
        ContactLink.objects.create(
            tenant=in_tenant, third_party=acme, contact=ContactFactory(tenant=in_tenant), is_default=True
        )


def test_contact_link_update_refused_when_removing_the_default_flag(in_tenant, actor, acme):
    _create(in_tenant, actor, acme)
    link = ContactLink.objects.get(third_party=acme)

    with pytest.raises(ValidationError) as excinfo:
        contact_link_update(tenant=in_tenant, actor=actor, link=link, is_default=False)

    assert _messages(excinfo) == {
        "is_default": [
            "Un tiers doit garder un contact par défaut : désignez un autre contact comme contact par "
            "défaut, il remplacera celui-ci."
        ]
    }


def test_contact_link_refused_as_default_while_inactive(in_tenant, actor, acme):
    contact = ContactFactory(tenant=in_tenant)

    with pytest.raises(ValidationError) as excinfo:
        contact_link(
            tenant=in_tenant, actor=actor, contact=contact, third_party=acme, is_default=True, is_active=False
        )

    assert _messages(excinfo) == {
        "is_default": ["Un contact inactif ne peut pas être le contact par défaut."]
    }


def test_contact_link_update_refused_deactivating_the_default_while_others_are_active(in_tenant, actor, acme):
    _create(in_tenant, actor, acme)
    _create(in_tenant, actor, acme, last_name="Martin")
    default = ContactLink.objects.get(third_party=acme, is_default=True)

    with pytest.raises(ValidationError) as excinfo:
        contact_link_update(tenant=in_tenant, actor=actor, link=default, is_active=False)

    assert _messages(excinfo) == {
        "is_active": [
            "Ce contact est le contact par défaut du tiers : désignez d'abord un autre contact par "
            "défaut, puis désactivez celui-ci."
        ]
    }
    default.refresh_from_db()
    assert (default.is_active, default.is_default) == (True, True)


def test_contact_link_update_deactivating_the_last_active_contact_leaves_no_default(in_tenant, actor, acme):
    _create(in_tenant, actor, acme)
    link = ContactLink.objects.get(third_party=acme)

    contact_link_update(tenant=in_tenant, actor=actor, link=link, is_active=False)

    link.refresh_from_db()
    assert (link.is_active, link.is_default) == (False, False)


def test_contact_link_update_reactivated_contact_becomes_default_when_there_is_none(in_tenant, actor, acme):
    _create(in_tenant, actor, acme)
    link = ContactLink.objects.get(third_party=acme)
    contact_link_update(tenant=in_tenant, actor=actor, link=link, is_active=False)

    contact_link_update(tenant=in_tenant, actor=actor, link=link, is_active=True)

    link.refresh_from_db()
    assert (link.is_active, link.is_default) == (True, True)


def test_contact_unlink_refused_for_the_default_while_other_contacts_are_active(in_tenant, actor, acme):
    _create(in_tenant, actor, acme)
    _create(in_tenant, actor, acme, last_name="Martin")
    default = ContactLink.objects.get(third_party=acme, is_default=True)

    with pytest.raises(ValidationError) as excinfo:
        contact_unlink(tenant=in_tenant, actor=actor, link=default)

    assert _messages(excinfo) == {
        "__all__": [
            "Ce contact est le contact par défaut du tiers : désignez d'abord un autre contact par "
            "défaut, puis détachez celui-ci."
        ]
    }
    assert ContactLink.objects.filter(pk=default.pk).exists()


def test_contact_unlink_detaches_a_contact_and_keeps_it(in_tenant, actor, acme):
    _create(in_tenant, actor, acme)
    second = _create(in_tenant, actor, acme, last_name="Martin")
    link = ContactLink.objects.get(contact=second)

    contact_unlink(tenant=in_tenant, actor=actor, link=link)

    assert not ContactLink.objects.filter(pk=link.pk).exists()
    assert Contact.objects.filter(pk=second.pk).exists()


def test_contact_unlink_accepts_the_default_when_it_is_the_last_active_contact(in_tenant, actor, acme):
    _create(in_tenant, actor, acme)
    default = ContactLink.objects.get(third_party=acme)

    contact_unlink(tenant=in_tenant, actor=actor, link=default)

    assert not ContactLink.objects.filter(third_party=acme).exists()


# --- Update and audit ----------------------------------------------------------------------------


def test_contact_update_refused_link_change_keeps_the_contact_unchanged(in_tenant, actor, acme):
    contact = _create(in_tenant, actor, acme, department="Achats")
    foreign_address = AddressFactory(third_party=TPFactory(tenant=in_tenant))

    with pytest.raises(ValidationError) as excinfo:
        contact_update(
            tenant=in_tenant,
            actor=actor,
            contact=contact,
            third_party=acme,
            link={"address": foreign_address},
            department="Direction",
        )

    assert _messages(excinfo) == {"address": ["Code adresse inexistant."]}
    contact.refresh_from_db()
    assert contact.department == "Achats"


def test_every_contact_write_is_audited(in_tenant, actor, acme):
    other = TPFactory(tenant=in_tenant)
    contact = _create(in_tenant, actor, acme, phone="01 23 45 67 89")
    contact_update(tenant=in_tenant, actor=actor, contact=contact, phone="01 23 45 67 00")
    link = contact_link(tenant=in_tenant, actor=actor, contact=contact, third_party=other)
    contact_link_update(tenant=in_tenant, actor=actor, link=link, address=AddressFactory(third_party=other))
    contact_unlink(tenant=in_tenant, actor=actor, link=link)

    entries = list(AuditEntry.objects.order_by("id").values_list("action", "actor", "changes"))
    assert [action for action, _actor, _changes in entries] == [
        "contact.create",
        "contactlink.create",
        "contact.update",
        "contactlink.create",
        "contactlink.update",
        "contactlink.delete",
    ]
    assert {entry_actor for _action, entry_actor, _changes in entries} == {actor.pk}
    assert entries[2][2] == {"phone": ["+33123456789", "+33123456700"]}
