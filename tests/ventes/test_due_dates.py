"""Worked examples of invoice due dates, through the invoice service (invoice_validate computes
the due date with tiers.services.terms.payment_due_date from the bill-to customer's terms).

Order of the steps: base date (invoice or delivery date, per the payment term) + days, end of
month when the term says so, then the customer's next payment day, then past the customer's
unavailability period."""

from __future__ import annotations

import datetime

import pytest
from django_scopes import scope

from tests.tiers.factories import ThirdPartyFactory
from tests.tiers.factories_terms import PaymentTermFactory
from tests.ventes.factories_billing import billing_order, deliver
from ventes.services.invoices import invoice_validate, invoices_generate

pytestmark = pytest.mark.django_db
date = datetime.date


def _due(tenant, customer, *, delivered_on: date, invoiced_on: date) -> date:
    order = billing_order(tenant, customer=customer)
    deliver(order, on=delivered_on)
    with scope(tenant=tenant):
        (invoice,) = invoices_generate(tenant=tenant, actor=None, customer=customer, up_to=invoiced_on)
        return invoice_validate(tenant=tenant, actor=None, invoice=invoice).due_date


def test_30_days_end_of_month_then_payment_day_10(tenant):
    term = PaymentTermFactory(tenant=tenant, days=30, end_of_month=True)
    customer = ThirdPartyFactory(tenant=tenant, payment_term=term, payment_days=[10])

    due = _due(tenant, customer, delivered_on=date(2026, 3, 2), invoiced_on=date(2026, 3, 15))

    # 15/03 + 30 days = 14/04; end of month = 30/04; next payment day 10 = 10/05.
    assert due == date(2026, 5, 10)


def test_45_days_from_the_delivery_date_then_payment_days_5_and_25(tenant):
    term = PaymentTermFactory(tenant=tenant, days=45, due_date_basis="delivery")
    customer = ThirdPartyFactory(tenant=tenant, payment_term=term, payment_days=[5, 25])

    due = _due(tenant, customer, delivered_on=date(2026, 3, 10), invoiced_on=date(2026, 3, 31))

    # Basis = delivery 10/03 (not the invoice's 31/03); + 45 days = 24/04; next payment day = 25/04.
    assert due == date(2026, 4, 25)


def test_60_days_then_payment_day_15_pushed_past_the_unavailability_period(tenant):
    term = PaymentTermFactory(tenant=tenant, days=60)
    customer = ThirdPartyFactory(
        tenant=tenant,
        payment_term=term,
        payment_days=[15],
        unavailable_from=date(2026, 8, 1),
        unavailable_to=date(2026, 8, 31),
    )

    due = _due(tenant, customer, delivered_on=date(2026, 6, 10), invoiced_on=date(2026, 6, 15))

    # 15/06 + 60 days = 14/08; payment day 15 = 15/08, in the closure 01/08-31/08 → 01/09.
    assert due == date(2026, 9, 1)


def test_without_payment_term_the_invoice_is_due_on_its_date(tenant):
    customer = ThirdPartyFactory(tenant=tenant)

    due = _due(tenant, customer, delivered_on=date(2026, 3, 2), invoiced_on=date(2026, 3, 15))

    assert due == date(2026, 3, 15)
