"""Likely duplicates of a third party being created."""

from __future__ import annotations

import pytest

from tests.factories import member
from tests.tiers.factories import AddressFactory
from tests.tiers.factories_third_parties import OTHER_SIRET, SIREN, SIRET, VAT, TPFactory, phone_add
from tiers.models import AddressEmail, ThirdPartyAllowedUser, ThirdPartyVisibility
from tiers.services.duplicates import third_party_duplicates


@pytest.fixture
def rep(tenant):
    return member(tenant, "Commercial")


def _found(tenant, user, **criteria):
    return [
        (tp.name, reasons) for tp, reasons in third_party_duplicates(tenant=tenant, user=user, **criteria)
    ]


def test_duplicates_found_by_siret(in_tenant, rep):
    TPFactory(tenant=in_tenant, name="Bureautique Lyonnaise", siren=SIREN, siret=SIRET)

    assert _found(in_tenant, rep, siret="732 829 320 00074") == [
        ("Bureautique Lyonnaise", ["Même SIRET", "Même SIREN"])
    ]


def test_duplicates_found_by_siren_of_another_establishment(in_tenant, rep):
    TPFactory(tenant=in_tenant, name="Bureautique Lyonnaise", siren=SIREN, siret=SIRET)

    assert _found(in_tenant, rep, siret=SIREN + "00082") == [("Bureautique Lyonnaise", ["Même SIREN"])]


def test_duplicates_found_by_vat_number(in_tenant, rep):
    TPFactory(tenant=in_tenant, name="Bureautique Lyonnaise", vat_number=VAT)

    assert _found(in_tenant, rep, vat_number="fr 44 732829320") == [
        ("Bureautique Lyonnaise", ["Même n° de TVA intracommunautaire"])
    ]


def test_duplicates_found_by_phone_typed_in_another_format(in_tenant, rep):
    address = AddressFactory(third_party=TPFactory(tenant=in_tenant, name="Copieurs du Rhône"))
    phone_add(address, "+33472000000", "0472000000")

    assert _found(in_tenant, rep, phones=["+33 (0)4.72.00.00.00"]) == [
        ("Copieurs du Rhône", ["Même numéro de téléphone"])
    ]


def test_duplicates_found_by_email_whatever_its_case(in_tenant, rep):
    address = AddressFactory(third_party=TPFactory(tenant=in_tenant, name="Copieurs du Rhône"))
    AddressEmail.objects.create(tenant=in_tenant, address=address, email="contact@copieurs.fr")

    assert _found(in_tenant, rep, emails=["Contact@Copieurs.FR"]) == [
        ("Copieurs du Rhône", ["Même adresse e-mail"])
    ]


def test_duplicates_found_by_name_words_in_the_same_postal_code(in_tenant, rep):
    AddressFactory(
        third_party=TPFactory(tenant=in_tenant, name="SARL Copieurs du Rhône"), postal_code="69002"
    )
    AddressFactory(third_party=TPFactory(tenant=in_tenant, name="Copieurs du Rhône Sud"), postal_code="13001")

    assert _found(in_tenant, rep, name="Copieurs Rhone", postal_code="69 002") == [
        ("SARL Copieurs du Rhône", ["Même nom dans le même code postal"])
    ]


def test_duplicates_none_for_a_new_company(in_tenant, rep):
    TPFactory(tenant=in_tenant, name="Bureautique Lyonnaise", siren=SIREN, siret=SIRET)

    assert _found(in_tenant, rep, siret=OTHER_SIRET, name="Informatique Savoyarde", postal_code="69002") == []


def test_duplicates_none_without_any_criterion(in_tenant, rep):
    TPFactory(tenant=in_tenant)

    assert _found(in_tenant, rep, name="SARL", postal_code="") == []


def test_duplicates_exclude_the_third_party_itself(in_tenant, rep):
    third_party = TPFactory(tenant=in_tenant, siren=SIREN, siret=SIRET)

    assert _found(in_tenant, rep, siret=SIRET, exclude_pk=third_party.pk) == []


def test_duplicates_ignore_other_tenants_and_third_parties_reserved_to_others(in_tenant, other_tenant, rep):
    TPFactory(tenant=other_tenant, siren=SIREN, siret=SIRET)
    reserved = TPFactory(tenant=in_tenant, siren=SIREN, siret=SIRET, is_reserved=True)
    ThirdPartyAllowedUser.objects.create(
        tenant=in_tenant, third_party=reserved, user=member(in_tenant, "Commercial")
    )

    assert _found(in_tenant, rep, siret=SIRET) == []


def test_duplicates_ignore_closed_third_parties_for_a_user_who_may_not_see_them(in_tenant, rep):
    closed = TPFactory(tenant=in_tenant, siren=SIREN, siret=SIRET)
    ThirdPartyVisibility.objects.filter(third_party=closed).update(is_closed=True)

    assert _found(in_tenant, rep, siret=SIRET) == []
    assert len(_found(in_tenant, member(in_tenant, "Manager"), siret=SIRET)) == 1


@pytest.mark.parametrize("count", [1, 3])
def test_duplicates_query_count_does_not_grow_with_the_candidates(
    in_tenant, rep, django_assert_num_queries, count
):
    for index in range(count):
        address = AddressFactory(third_party=TPFactory(tenant=in_tenant, name=f"Copieurs {index}"))
        phone_add(address, "+33472000000", "0472000000")
    rep.has_perm("crm.view_closed_accounts")  # load the role's permissions once, as a request would

    with django_assert_num_queries(1):
        found = third_party_duplicates(tenant=in_tenant, user=rep, phones=["04 72 00 00 00"], siret=SIRET)

    assert len(found) == count
