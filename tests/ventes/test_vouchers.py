"""Purchase vouchers (ventes.services.vouchers, ventes.selectors_vouchers): issue, partial use,
refusals beyond the remaining amount or after expiry; audited; numbers per company."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope

from crm.models import AuditEntry
from tests.factories import member
from tests.tiers.factories_sites_banks import CustomerFactory
from ventes.models import Voucher, VoucherStatus
from ventes.selectors_vouchers import usable_vouchers
from ventes.services.vouchers import voucher_issue, voucher_use

pytestmark = pytest.mark.django_db

ISSUED = datetime.date(2026, 3, 1)
EXPIRES = datetime.date(2026, 12, 31)


@pytest.fixture
def actor(tenant):
    return member(tenant, "Manager")


def _issue(tenant, actor, customer, amount="100.00", **fields) -> Voucher:
    values = {"issued_on": ISSUED, "expires_on": EXPIRES, **fields}
    with scope(tenant=tenant):
        return voucher_issue(tenant=tenant, actor=actor, customer=customer, amount=Decimal(amount), **values)


def _use(tenant, actor, voucher, amount, on=datetime.date(2026, 6, 1)) -> Voucher:
    with scope(tenant=tenant):
        return voucher_use(tenant=tenant, actor=actor, voucher=voucher, amount=Decimal(amount), on=on)


def _refused_use(tenant, actor, voucher, amount, **kwargs) -> dict:
    with pytest.raises(ValidationError) as refused:
        _use(tenant, actor, voucher, amount, **kwargs)
    return refused.value.message_dict


def test_issuing_numbers_per_company_and_audits(tenant, other_tenant, actor):
    customer = CustomerFactory(tenant=tenant)
    first = _issue(tenant, actor, customer, label="Geste commercial")
    second = _issue(tenant, actor, customer, amount="50")
    assert (first.number, second.number) == ("BA-2026-000001", "BA-2026-000002")
    assert (
        first.remaining_amount == first.amount == Decimal("100.00") and first.status == VoucherStatus.ACTIVE
    )
    elsewhere = _issue(other_tenant, member(other_tenant, "Manager"), CustomerFactory(tenant=other_tenant))
    assert elsewhere.number == "BA-2026-000001"
    with scope(tenant=tenant):
        entry = AuditEntry.objects.get(action="voucher.issue", object_id=str(first.pk))
    assert entry.changes["number"] == [None, "BA-2026-000001"]


def test_a_voucher_of_zero_is_refused(tenant, actor):
    customer = CustomerFactory(tenant=tenant)
    with pytest.raises(ValidationError) as refused:
        _issue(tenant, actor, customer, amount="0")
    assert refused.value.message_dict == {"amount": ["Le montant du bon d'achat doit être supérieur à zéro."]}


def test_an_expiry_before_the_issue_is_refused(tenant, actor):
    customer = CustomerFactory(tenant=tenant)
    with pytest.raises(ValidationError) as refused:
        _issue(tenant, actor, customer, expires_on=datetime.date(2026, 2, 28))
    assert refused.value.message_dict == {
        "expires_on": ["La date de validité ne peut pas précéder la date d'émission."]
    }
    with scope(tenant=tenant):
        assert not Voucher.objects.filter(customer=customer).exists()


def test_using_part_then_the_rest_marks_it_used(tenant, actor):
    voucher = _issue(tenant, actor, CustomerFactory(tenant=tenant))
    assert _use(tenant, actor, voucher, "30.50").remaining_amount == Decimal("69.50")
    used = _use(tenant, actor, voucher, "69.50", on=EXPIRES)  # the last valid day
    assert used.remaining_amount == 0 and used.status == VoucherStatus.USED
    with scope(tenant=tenant):
        entry = AuditEntry.objects.filter(action="voucher.use", object_id=str(voucher.pk)).latest("pk")
    assert entry.changes == {"remaining_amount": ["69.50", "0.00"], "status": ["active", "used"]}


def test_using_beyond_the_remaining_amount_is_refused(tenant, actor):
    voucher = _issue(tenant, actor, CustomerFactory(tenant=tenant))
    _use(tenant, actor, voucher, "80")
    assert _refused_use(tenant, actor, voucher, "20.01") == {
        "amount": ["Le montant utilisé dépasse le reste disponible du bon d'achat (20,00\xa0€)."]
    }
    with scope(tenant=tenant):
        assert Voucher.objects.get(pk=voucher.pk).remaining_amount == Decimal("20.00")


def test_using_after_expiry_or_nothing_is_refused(tenant, actor):
    voucher = _issue(tenant, actor, CustomerFactory(tenant=tenant))
    assert _refused_use(tenant, actor, voucher, "10", on=datetime.date(2027, 1, 1)) == {
        "amount": ["Le bon d'achat BA-2026-000001 a expiré le 31/12/2026 : il ne peut plus être utilisé."]
    }
    assert _refused_use(tenant, actor, voucher, "0") == {
        "amount": ["Le montant utilisé doit être supérieur à zéro."]
    }


def test_the_usable_vouchers_leave_out_used_and_expired_ones(tenant, actor):
    customer = CustomerFactory(tenant=tenant)
    kept = _issue(tenant, actor, customer, amount="40")
    _use(tenant, actor, kept, "15")
    _use(tenant, actor, _issue(tenant, actor, customer, amount="25"), "25")
    _issue(tenant, actor, customer, amount="60", expires_on=datetime.date(2026, 5, 31))
    with scope(tenant=tenant):
        summary = usable_vouchers(tenant=tenant, customer=customer, today=datetime.date(2026, 6, 1))
    assert [voucher.pk for voucher in summary.vouchers] == [kept.pk]
    assert summary.available == Decimal("25.00") and summary.count == 1


@pytest.mark.parametrize(
    ("role", "can_issue"), [("Commercial", False), ("Technicien", False), ("Manager", True)]
)
def test_the_roles_grants(tenant, role, can_issue):
    user = member(tenant, role)
    assert user.has_perm("ventes.view_voucher")
    assert user.has_perm("ventes.add_voucher") is can_issue
