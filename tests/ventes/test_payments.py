"""Payments and their allocation (ventes.services.payments): oldest due first, partial,
unallocated remainder, and the refusals with their messages."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope

from tests.tiers.factories import ThirdPartyFactory
from tests.ventes.factories_billing import billing_order, invoice_of
from ventes.models import Invoice, Payment, PaymentAllocation
from ventes.services.payments import payment_allocate, payment_record

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 4, 15)


def _messages(error: ValidationError) -> list[str]:
    return [message for messages in error.message_dict.values() for message in messages]


def _pay(payer, amount, allocations=None, allocate=True) -> Payment:
    with scope(tenant=payer.tenant):
        return payment_record(
            tenant=payer.tenant,
            actor=None,
            payer=payer,
            received_on=DAY,
            amount=D(amount),
            method="transfer",
            allocations=allocations,
            allocate=allocate,
        )


def _paid(*invoices) -> list[D]:
    with scope(tenant=invoices[0].tenant):
        return [Invoice.objects.get(pk=invoice.pk).paid_amount for invoice in invoices]


@pytest.fixture
def two_invoices(tenant):
    """Two invoices of 120.00 TTC of one customer, the first due earlier."""
    customer = ThirdPartyFactory(tenant=tenant)
    late = invoice_of(
        billing_order(tenant, customer=customer, lines=[("1", "100")]), up_to=datetime.date(2026, 3, 31)
    )
    early = invoice_of(
        billing_order(tenant, customer=customer, lines=[("1", "100")]), up_to=datetime.date(2026, 3, 20)
    )
    return customer, early, late


def test_automatic_allocation_pays_the_oldest_due_first_and_keeps_the_rest(two_invoices):
    customer, early, late = two_invoices

    payment = _pay(customer, "300.00")

    assert _paid(early, late) == [D("120.00"), D("120.00")]
    assert (payment.allocated_amount, payment.amount - payment.allocated_amount) == (D("240.00"), D("60.00"))


def test_partial_automatic_allocation(two_invoices):
    customer, early, late = two_invoices

    _pay(customer, "150.00")

    assert _paid(early, late) == [D("120.00"), D("30.00")]


def test_chosen_allocation_and_an_unallocated_payment_allocated_later(two_invoices):
    customer, early, late = two_invoices
    payment = _pay(customer, "100.00", allocate=False)
    assert payment.allocated_amount == D("0")

    with scope(tenant=customer.tenant):
        payment_allocate(tenant=customer.tenant, actor=None, payment=payment, allocations=[(late, D("40"))])
        payment_allocate(tenant=customer.tenant, actor=None, payment=payment, allocations=[(late, D("10"))])
        allocation = PaymentAllocation.objects.get(payment=payment)
        payment.refresh_from_db()

    assert _paid(early, late) == [D("0.00"), D("50.00")]
    assert (allocation.amount, payment.allocated_amount) == (D("50.00"), D("50.00"))


def test_allocation_refused_over_the_invoice_open_amount(two_invoices):
    customer, early, _late = two_invoices

    with pytest.raises(ValidationError) as error:
        _pay(customer, "500.00", allocations=[(early, D("130"))])

    assert _messages(error.value) == [
        f"Le montant affecté (130.00) dépasse le reste dû (120.00) de la facture {early.number}."
    ]


def test_allocation_refused_over_the_payment_unallocated_amount(two_invoices):
    customer, early, late = two_invoices

    with pytest.raises(ValidationError) as error:
        _pay(customer, "100.00", allocations=[(early, D("60")), (late, D("60"))])

    assert _messages(error.value) == [
        "Le total affecté (120.00) dépasse le montant non affecté du règlement (100.00)."
    ]


def test_allocation_refused_on_another_payers_invoice(tenant, two_invoices):
    _customer, early, _late = two_invoices
    stranger = ThirdPartyFactory(tenant=tenant)

    with pytest.raises(ValidationError) as error:
        _pay(stranger, "50.00", allocations=[(early, D("50"))])

    assert _messages(error.value) == [
        f"La facture {early.number} n'est pas une facture validée de ce payeur."
    ]


def test_payment_refused_without_a_positive_amount(tenant):
    with pytest.raises(ValidationError) as error:
        _pay(ThirdPartyFactory(tenant=tenant), "0")

    assert _messages(error.value) == ["Le montant du règlement doit être supérieur à zéro."]


def test_fully_allocated_payment_refuses_a_new_allocation(two_invoices):
    customer, _early, _late = two_invoices
    payment = _pay(customer, "50.00")

    with scope(tenant=customer.tenant), pytest.raises(ValidationError) as error:
        payment_allocate(tenant=customer.tenant, actor=None, payment=payment)

    assert _messages(error.value) == ["Ce règlement est entièrement affecté."]
