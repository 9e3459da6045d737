"""Aged balance buckets at a date (ventes.selectors_balance) and the customers over their credit
limit (ventes.selectors_credit.customers_over_limit)."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

import pytest
from django_scopes import scope

from tests.factories import member
from tests.tiers.factories import ThirdPartyFactory
from tests.ventes.factories_billing import billing_order, invoice_of
from ventes.models import Invoice
from ventes.selectors_balance import aged_balance_of, aged_balance_rows
from ventes.selectors_credit import customers_over_limit
from ventes.services.invoices import credit_note_create, invoice_validate
from ventes.services.payments import payment_record

pytestmark = pytest.mark.django_db
AT = datetime.date(2026, 6, 30)


def _invoice_due(tenant, customer, due: datetime.date, price="100") -> Invoice:
    """A validated invoice of ``price`` HT (x1.2 TTC) whose due date is set to ``due``."""
    invoice = invoice_of(billing_order(tenant, customer=customer, lines=[("1", price)]))
    with scope(tenant=tenant):
        Invoice.objects.filter(pk=invoice.pk).update(due_date=due)
        invoice.refresh_from_db()
    return invoice


def test_aged_balance_buckets_payments_and_credit_notes_at_a_date(tenant):
    user = member(tenant, "Manager")
    customer = ThirdPartyFactory(tenant=tenant)
    _invoice_due(tenant, customer, AT + datetime.timedelta(days=1))  # not due: 120
    _invoice_due(tenant, customer, AT)  # 0-30 days: 120
    partly_paid = _invoice_due(tenant, customer, AT - datetime.timedelta(days=31))  # 31-60: 120 - 20
    _invoice_due(tenant, customer, AT - datetime.timedelta(days=61), price="200")  # 61-90: 240
    old = _invoice_due(tenant, customer, AT - datetime.timedelta(days=91))  # > 90: 120 - 120 credited
    with scope(tenant=tenant):
        payment_record(
            tenant=tenant,
            actor=None,
            payer=customer,
            received_on=AT,
            amount=D("20"),
            method="cheque",
            allocations=[(partly_paid, D("20"))],
        )
        # Received after the date: not counted at AT.
        payment_record(
            tenant=tenant,
            actor=None,
            payer=customer,
            received_on=AT + datetime.timedelta(days=1),
            amount=D("50"),
            method="cheque",
            allocations=[(partly_paid, D("50"))],
        )
        note = credit_note_create(
            tenant=tenant, actor=None, invoice=old, credit_date=datetime.date(2026, 4, 1)
        )
        invoice_validate(tenant=tenant, actor=None, invoice=note)

        balance = aged_balance_of(tenant=tenant, user=user, payer=customer, at=AT)

    # The credit note is due on its date (01/04, 90 days before AT: 61-90 bucket), negative.
    assert [amount for _label, amount in balance.buckets()] == [
        D("120.00"),
        D("120.00"),
        D("100.00"),
        D("120.00"),
        D("120.00"),
    ]
    assert balance.total == D("580.00")


def test_aged_balance_one_query_for_all_payers_and_hides_reserved_customers(
    tenant, django_assert_num_queries
):
    user = member(tenant, "Manager")
    for _ in range(3):
        _invoice_due(tenant, ThirdPartyFactory(tenant=tenant), AT)
    reserved = ThirdPartyFactory(tenant=tenant, is_reserved=True)
    _invoice_due(tenant, reserved, AT)

    user.has_perm("crm.view_closed_accounts")  # the membership's permissions, cached as in a request
    with scope(tenant=tenant), django_assert_num_queries(1):
        rows = list(aged_balance_rows(tenant=tenant, user=user, at=AT))

    assert len(rows) == 3
    assert reserved.pk not in {row["payer_id"] for row in rows}


def test_customers_over_limit_with_breakdown_in_fixed_queries(tenant, django_assert_num_queries):
    user = member(tenant, "Manager")
    over = ThirdPartyFactory(tenant=tenant, credit_limit=D("100"), credit_control="warning")
    under = ThirdPartyFactory(tenant=tenant, credit_limit=D("1000"), credit_control="blocking")
    uncontrolled = ThirdPartyFactory(tenant=tenant, credit_limit=D("10"), credit_control="none")
    invoice_of(billing_order(tenant, customer=over, lines=[("1", "100")]))  # 120 unpaid
    billing_order(tenant, customer=over, lines=[("1", "50")])  # 60 open order
    for customer in (under, uncontrolled):
        invoice_of(billing_order(tenant, customer=customer, lines=[("1", "100")]))

    user.has_perm("crm.view_closed_accounts")  # the membership's permissions, cached as in a request
    with scope(tenant=tenant), django_assert_num_queries(5):
        rows = customers_over_limit(tenant=tenant, user=user)

    assert [row.customer.pk for row in rows] == [over.pk]
    exposure = rows[0].exposure
    assert (exposure.unpaid_invoices, exposure.open_orders, exposure.total, rows[0].overshoot) == (
        D("120.00"),
        D("60.00"),
        D("180.00"),
        D("80.00"),
    )
