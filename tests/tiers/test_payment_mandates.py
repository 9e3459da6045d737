"""Payment authorisations (tiers.services.mandates): SEPA mandates on one of the third party's
bank accounts with a unique reference (RUM), card and LCR authorisations, revocation; audited."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope

from crm.models import AuditEntry
from tests.factories import member
from tests.tiers.factories import BankAccountFactory
from tests.tiers.factories_sites_banks import CustomerFactory
from tiers.models import MandateKind, MandateStatus, PaymentMandate
from tiers.services.mandates import payment_mandate_create, payment_mandate_revoke

pytestmark = pytest.mark.django_db

SIGNED = datetime.date(2026, 3, 1)


@pytest.fixture
def actor(tenant):
    return member(tenant, "Manager")


def _sepa(tenant, actor, customer, **fields):
    values = {
        "kind": MandateKind.SEPA,
        "bank_account": BankAccountFactory(tenant=tenant, address__third_party=customer),
        "reference": "rum-2026-0001",
        "signed_on": SIGNED,
        **fields,
    }
    with scope(tenant=tenant):
        return payment_mandate_create(tenant=tenant, actor=actor, third_party=customer, **values)


def _refusal(tenant, actor, customer, **fields) -> dict:
    with pytest.raises(ValidationError) as refused:
        _sepa(tenant, actor, customer, **fields)
    with scope(tenant=tenant):
        assert not PaymentMandate.objects.filter(third_party=customer).exists()
    return refused.value.message_dict


def test_a_sepa_mandate_on_the_third_partys_account_is_recorded_and_audited(tenant, actor):
    customer = CustomerFactory(tenant=tenant)
    mandate = _sepa(tenant, actor, customer, ends_on=datetime.date(2029, 3, 1))
    assert mandate.reference == "RUM-2026-0001" and mandate.status == MandateStatus.ACTIVE
    assert mandate.bank_account.third_party_id == customer.pk
    with scope(tenant=tenant):
        entry = AuditEntry.objects.get(action="payment_mandate.create", object_id=str(mandate.pk))
    assert entry.changes["reference"] == [None, "RUM-2026-0001"] and entry.actor == actor


def test_a_card_or_lcr_authorisation_needs_neither_account_nor_reference(tenant, actor):
    customer = CustomerFactory(tenant=tenant)
    with scope(tenant=tenant):
        for kind in (MandateKind.CARD, MandateKind.LCR):
            payment_mandate_create(
                tenant=tenant, actor=actor, third_party=customer, kind=kind, signed_on=SIGNED
            )
        assert PaymentMandate.objects.filter(third_party=customer).count() == 2


def test_a_sepa_mandate_without_reference_is_refused(tenant, actor):
    customer = CustomerFactory(tenant=tenant)
    assert _refusal(tenant, actor, customer, reference="  ") == {
        "reference": ["La référence du mandat (RUM) est obligatoire pour un prélèvement SEPA."]
    }


def test_a_sepa_mandate_without_bank_account_is_refused(tenant, actor):
    customer = CustomerFactory(tenant=tenant)
    assert _refusal(tenant, actor, customer, bank_account=None) == {
        "bank_account": ["Un prélèvement sur compte (SEPA) nécessite un compte bancaire du tiers."]
    }


def test_the_bank_account_of_another_third_party_is_refused(tenant, actor):
    customer, other = CustomerFactory(tenant=tenant), CustomerFactory(tenant=tenant)
    foreign_account = BankAccountFactory(tenant=tenant, address__third_party=other)
    assert _refusal(tenant, actor, customer, bank_account=foreign_account) == {
        "bank_account": ["Ce compte bancaire n'appartient pas à ce tiers."]
    }


def test_a_reference_is_unique_in_the_company_but_not_across_companies(tenant, other_tenant, actor):
    first, second = CustomerFactory(tenant=tenant), CustomerFactory(tenant=tenant)
    _sepa(tenant, actor, first)
    assert _refusal(tenant, actor, second, reference="RUM-2026-0001") == {
        "reference": ["La référence de mandat RUM-2026-0001 est déjà utilisée."]
    }
    elsewhere = CustomerFactory(tenant=other_tenant)
    assert _sepa(other_tenant, member(other_tenant, "Manager"), elsewhere).reference == "RUM-2026-0001"


def test_an_end_before_the_signature_is_refused(tenant, actor):
    customer = CustomerFactory(tenant=tenant)
    assert _refusal(tenant, actor, customer, ends_on=datetime.date(2026, 2, 1)) == {
        "ends_on": ["La fin de validité ne peut pas précéder la date de signature."]
    }


def test_revoking_keeps_the_mandate_and_a_second_revocation_is_refused(tenant, actor):
    customer = CustomerFactory(tenant=tenant)
    mandate = _sepa(tenant, actor, customer)
    with scope(tenant=tenant):
        revoked = payment_mandate_revoke(
            tenant=tenant, actor=actor, mandate=mandate, on=datetime.date(2026, 6, 30)
        )
        assert revoked.status == MandateStatus.REVOKED and revoked.revoked_on == datetime.date(2026, 6, 30)
        entry = AuditEntry.objects.get(action="payment_mandate.revoke", object_id=str(mandate.pk))
        assert entry.changes["status"] == ["active", "revoked"]
        with pytest.raises(ValidationError) as refused:
            payment_mandate_revoke(tenant=tenant, actor=actor, mandate=mandate)
    assert refused.value.messages == ["Cette autorisation de prélèvement est déjà révoquée."]


@pytest.mark.parametrize(
    ("role", "add", "change"),
    [("Commercial", True, True), ("Technicien", False, False), ("Manager", True, True)],
)
def test_the_roles_grants(tenant, role, add, change):
    user = member(tenant, role)
    assert user.has_perm("tiers.view_paymentmandate")
    assert user.has_perm("tiers.add_paymentmandate") is add
    assert user.has_perm("tiers.change_paymentmandate") is change
