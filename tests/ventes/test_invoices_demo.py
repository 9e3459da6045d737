"""The billing step of the demo data: deliveries, validated invoices with due dates and payments,
consistent and idempotent, through the services (small) and in bulk (medium, large)."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import F, Sum
from django_scopes import scope

from crm.demo import DemoContext, demo_run, step_rng
from crm.models import Company
from tests.ventes.factories_billing import billing_order, deliver, order_lines
from ventes import demo_billing
from ventes.models import (
    Delivery,
    Invoice,
    InvoiceLine,
    InvoiceState,
    OrderState,
    Payment,
    PaymentAllocation,
)
from ventes.services.invoices import invoice_validate, invoices_generate

pytestmark = pytest.mark.django_db


def _consistent(company) -> None:
    assert not Invoice.objects.filter(state=InvoiceState.VALIDATED, due_date__isnull=True).exists()
    allocated = PaymentAllocation.objects.values("invoice").annotate(total=Sum("amount"))
    paid = dict(Invoice.objects.filter(paid_amount__gt=0).values_list("pk", "paid_amount"))
    assert {row["invoice"]: row["total"] for row in allocated} == paid
    assert not Payment.objects.filter(allocated_amount__gt=F("amount")).exists()
    lines = InvoiceLine.objects.values("invoice").annotate(total=Sum("total_excl_tax"))
    totals = dict(Invoice.objects.values_list("pk", "total_excl_tax"))
    assert all(totals[row["invoice"]] == row["total"] for row in lines)


def _counts() -> tuple[int, int, int]:
    return Delivery.objects.count(), Invoice.objects.count(), Payment.objects.count()


def test_small_demo_bills_through_the_services_and_is_idempotent(db):
    demo_run(scale="small", out=lambda _line: None)
    companies = list(Company.objects.filter(code__in=["durand", "martin"]).order_by("code"))
    with scope(tenant=companies[0]):
        counts = _counts()
        demo_billing.seed(DemoContext(scale="small", seed=42, rng=step_rng(42, "again"), companies=companies))

        assert _counts() == counts
        assert counts[0] > 0 and counts[1] > 0 and counts[2] > 0
        _consistent(companies[0])


def test_bulk_demo_delivers_invoices_and_pays_in_bulk(tenant):
    orders = [billing_order(tenant, ordered_on=datetime.date(2025, 11, 3)) for _index in range(40)]
    ctx = DemoContext(scale="medium", seed=1, rng=step_rng(1, "billing"), companies=[tenant])

    with scope(tenant=tenant):
        demo_billing.seed(ctx)
        counts = _counts()
        demo_billing.seed(ctx)

        assert _counts() == counts
        assert 25 <= counts[0] <= 40 and 0 < counts[1] <= counts[0]
        _consistent(tenant)
        closed = [
            order for order in orders if order.__class__.objects.get(pk=order.pk).state == OrderState.CLOSED
        ]
        assert len(closed) == counts[1]
        assert all(line.invoiced_quantity == line.quantity for order in closed for line in order_lines(order))
        # The counters were moved past the demo numbers: the next invoice gets a new number.
        fresh = billing_order(tenant, ordered_on=datetime.date(2025, 11, 3))
        deliver(fresh, on=datetime.date(2025, 11, 20))
        (draft,) = invoices_generate(
            tenant=tenant, actor=None, customer=fresh.customer, up_to=datetime.date(2025, 11, 30)
        )
        assert invoice_validate(tenant=tenant, actor=None, invoice=draft).number not in set(
            Invoice.objects.exclude(pk=draft.pk).values_list("number", flat=True)
        )
