"""Likely duplicates of a contact being typed (tiers.selectors_contacts.contact_duplicates)."""

from __future__ import annotations

import pytest

from tests.factories import member
from tests.tiers.factories_contacts import LinkFactory, StoredContactFactory, TPFactory
from tiers.models import ThirdPartyAllowedUser, ThirdPartyVisibility
from tiers.selectors_contacts import contact_duplicates
from tiers.services.contacts import contact_create, contact_unlink


@pytest.fixture
def user(tenant):
    return member(tenant, "Commercial")


@pytest.fixture
def acme(in_tenant):
    return TPFactory(tenant=in_tenant, name="ACME Bureautique")


@pytest.fixture
def other(in_tenant):
    return TPFactory(tenant=in_tenant, name="Bidule SA")


def _stored(tenant, third_party, **fields):
    return contact_create(tenant=tenant, actor=None, third_party=third_party, **fields)


def _duplicates(tenant, user, third_party, **typed):
    return {
        duplicate.contact.pk: duplicate.reasons
        for duplicate in contact_duplicates(tenant=tenant, user=user, third_party=third_party, **typed)
    }


def test_contact_duplicates_proposes_the_same_email_in_another_case(in_tenant, user, acme, other):
    stored = _stored(in_tenant, other, last_name="Martin", email="j.martin@bidule.fr")

    found = _duplicates(in_tenant, user, acme, last_name="Autre", email="J.Martin@BIDULE.FR")

    assert found == {stored.pk: ["Même adresse e-mail"]}


def test_contact_duplicates_proposes_the_same_phone_whatever_its_formatting(in_tenant, user, acme, other):
    stored = _stored(in_tenant, other, last_name="Martin", phone="+33123456789")
    by_mobile = _stored(in_tenant, other, last_name="Petit", mobile="+33612345678")

    found = _duplicates(in_tenant, user, acme, last_name="Autre", phones=["01 23 45 67 89", "06-12-34-56-78"])

    assert found == {stored.pk: ["Même numéro de téléphone"], by_mobile.pk: ["Même numéro de téléphone"]}


def test_contact_duplicates_proposes_the_same_name_with_or_without_accents(in_tenant, user, acme, other):
    stored = _stored(in_tenant, other, first_name="Hélène", last_name="Lefèvre-Dupré")

    found = _duplicates(in_tenant, user, acme, first_name="HELENE", last_name="lefevre dupre")

    assert found == {stored.pk: ["Même nom et prénom"]}


def test_contact_duplicates_gives_every_reason_and_says_when_already_linked(in_tenant, user, acme):
    stored = _stored(in_tenant, acme, first_name="Jean", last_name="Dupont", email="jd@acme.fr")

    [duplicate] = contact_duplicates(
        tenant=in_tenant,
        user=user,
        third_party=acme,
        first_name="Jean",
        last_name="DUPONT",
        email="JD@acme.fr",
    )

    assert (duplicate.contact, duplicate.reasons, duplicate.already_linked) == (
        stored,
        ["Même adresse e-mail", "Même nom et prénom"],
        True,
    )
    assert [link.third_party for link in duplicate.third_party_links] == [acme]


def test_contact_duplicates_none_for_a_different_person(in_tenant, user, acme, other):
    _stored(in_tenant, other, first_name="Jean", last_name="Dupont", email="jd@bidule.fr", phone="0123456789")

    found = _duplicates(
        in_tenant,
        user,
        acme,
        first_name="Jeanne",
        last_name="Dupont",
        email="jeanne@acme.fr",
        phones=["0123456780"],
    )

    assert found == {}


def test_contact_duplicates_hides_contacts_of_a_third_party_reserved_to_others(in_tenant, user, acme):
    reserved = TPFactory(tenant=in_tenant, is_reserved=True)
    ThirdPartyAllowedUser.objects.create(tenant=in_tenant, third_party=reserved, user=member(in_tenant))
    _stored(in_tenant, reserved, last_name="Secret", email="secret@reserve.fr")

    found = _duplicates(in_tenant, user, acme, last_name="Secret", email="secret@reserve.fr")

    assert found == {}
    assert ThirdPartyVisibility.objects.get(third_party=reserved).is_reserved


def test_contact_duplicates_proposes_a_contact_left_without_any_link(in_tenant, user, acme, other):
    stored = _stored(in_tenant, other, last_name="Seul", email="seul@exemple.fr")
    contact_unlink(tenant=in_tenant, actor=None, link=stored.links.get())

    found = _duplicates(in_tenant, user, acme, last_name="Autre", email="seul@exemple.fr")

    assert found == {stored.pk: ["Même adresse e-mail"]}


def test_contact_duplicates_never_shows_another_tenants_contacts(in_tenant, other_tenant, user, acme):
    from django_scopes import scope

    with scope(tenant=other_tenant):
        LinkFactory(
            tenant=other_tenant, contact=StoredContactFactory(tenant=other_tenant, email="x@autre.fr")
        )

    found = _duplicates(in_tenant, user, acme, last_name="Autre", email="x@autre.fr")

    assert found == {}


def test_contact_duplicates_costs_two_queries_whatever_the_number_found(
    in_tenant, user, acme, other, django_assert_num_queries
):
    for number in range(4):
        _stored(in_tenant, other, first_name="Jean", last_name="Dupont", key=f"K{number}")
    user.has_perm("crm.view_closed_accounts")  # permissions are cached before counting

    with django_assert_num_queries(2):
        found = contact_duplicates(
            tenant=in_tenant, user=user, third_party=acme, first_name="Jean", last_name="Dupont"
        )
        [duplicate.third_party_links for duplicate in found]

    assert len(found) == 4
