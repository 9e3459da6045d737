"""Invoices (ventes.services.invoices): the billing run by billing mode, idempotency, amounts,
validation (number, payer, immutability, event once) and the order's "Soldée" state."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope

from crm.events import domain_events
from tests.tiers.factories import ThirdPartyFactory
from tests.ventes.factories_billing import billing_order, deliver, invoice_of, order_lines, ttc
from ventes.models import DeliveryLine, Invoice, InvoiceLine, InvoiceState, OrderState
from ventes.services.invoices import invoice_draft_delete, invoice_update, invoice_validate, invoices_generate

pytestmark = pytest.mark.django_db
END = datetime.date(2026, 3, 31)


def _messages(error: ValidationError) -> list[str]:
    return [message for messages in error.message_dict.values() for message in messages]


@pytest.fixture
def events():
    seen: list[tuple[str, int]] = []

    def recorder(name: str):
        return lambda **payload: seen.append((name, payload["invoice"].pk))

    handlers = {name: recorder(name) for name in ("invoice.validated", "invoice.credited")}
    for name, handler in handlers.items():
        domain_events.subscribe(name, handler)
    yield seen
    for name, handler in handlers.items():
        domain_events.unsubscribe(name, handler)


def _generate(tenant, up_to=END, customer=None) -> list[Invoice]:
    with scope(tenant=tenant):
        return invoices_generate(tenant=tenant, actor=None, customer=customer, up_to=up_to)


def _lines(invoice) -> list[tuple]:
    with scope(tenant=invoice.tenant):
        return list(
            InvoiceLine.objects.filter(invoice=invoice)
            .order_by("position")
            .values_list("delivery_line__delivery__number", "quantity")
        )


def test_per_delivery_one_invoice_per_delivery(tenant):
    order = billing_order(tenant, lines=[("3", "10")], billing_mode="per_delivery")
    first = deliver(order, quantities={1: "1"}, on=datetime.date(2026, 3, 5))
    second = deliver(order, quantities={1: "2"}, on=datetime.date(2026, 3, 6))

    invoices = _generate(tenant)

    assert sorted(_lines(invoice)[0] for invoice in invoices) == [
        (first.number, D("1")),
        (second.number, D("2")),
    ]


def test_per_order_groups_the_deliveries_of_the_order(tenant):
    order = billing_order(tenant, lines=[("3", "10")], billing_mode="per_order")
    first = deliver(order, quantities={1: "1"}, on=datetime.date(2026, 3, 5))
    second = deliver(order, quantities={1: "1"}, on=datetime.date(2026, 3, 6))

    (invoice,) = _generate(tenant)

    assert _lines(invoice) == [(first.number, D("1")), (second.number, D("1"))]


def test_per_completed_order_waits_for_the_whole_order(tenant):
    order = billing_order(tenant, lines=[("3", "10")], billing_mode="per_completed_order")
    deliver(order, quantities={1: "1"}, on=datetime.date(2026, 3, 5))

    assert _generate(tenant) == []
    deliver(order, quantities={1: "2"}, on=datetime.date(2026, 3, 6))
    (invoice,) = _generate(tenant)

    assert sum(quantity for _number, quantity in _lines(invoice)) == D("3")


def test_grouped_joins_the_customers_deliveries_of_the_period_except_forbidden_orders(tenant):
    customer = ThirdPartyFactory(tenant=tenant, billing_periodicity="monthly")
    one = billing_order(tenant, customer=customer, billing_mode="grouped")
    two = billing_order(tenant, customer=customer, billing_mode="grouped")
    apart = billing_order(tenant, customer=customer, billing_mode="grouped", grouping_forbidden=True)
    for order, day in ((one, 3), (two, 20), (apart, 21)):
        deliver(order, on=datetime.date(2026, 3, day))

    assert _generate(tenant, up_to=datetime.date(2026, 3, 30)) == []  # the month is not over
    invoices = _generate(tenant, up_to=END)

    sizes = sorted(len(_lines(invoice)) for invoice in invoices)
    assert sizes == [1, 2]


def test_generation_is_idempotent_and_updates_invoiced_quantities(tenant):
    order = billing_order(tenant, lines=[("2", "100"), ("1", "45.50")])
    deliver(order)

    first = _generate(tenant)
    second = _generate(tenant)

    assert (len(first), second) == (1, [])
    with scope(tenant=tenant):
        assert [line.invoiced_quantity for line in order_lines(order)] == [D("2"), D("1")]
        assert set(DeliveryLine.objects.values_list("invoiced_quantity", flat=True)) == {D("2"), D("1")}


def test_invoice_amounts_come_from_ventes_amounts(tenant):
    order = billing_order(tenant, lines=[("3", "19.99")])
    deliver(order, quantities={1: "2"})

    (invoice,) = _generate(tenant)

    # 2 x 19.99 = 39.98 HT; VAT 20 % = 8.00 (7.996); TTC 47.98.
    assert (invoice.total_excl_tax, invoice.total_tax, invoice.total_incl_tax) == (
        D("39.98"),
        D("8.00"),
        D("47.98"),
    )
    assert invoice.total_incl_tax == ttc("2", "19.99")


def test_order_is_closed_once_fully_delivered_and_invoiced(tenant):
    order = billing_order(tenant)
    deliver(order)

    _generate(tenant)

    with scope(tenant=tenant):
        order.refresh_from_db()
    assert order.state == OrderState.CLOSED


def test_payer_defaults_to_the_bill_to_customers_payer_else_itself(tenant):
    payer = ThirdPartyFactory(tenant=tenant)
    with_payer = ThirdPartyFactory(tenant=tenant, payer=payer)
    alone = ThirdPartyFactory(tenant=tenant)

    paid_by_other = invoice_of(billing_order(tenant, customer=with_payer), validate=False)
    paid_by_itself = invoice_of(billing_order(tenant, customer=alone), validate=False)

    assert (paid_by_other.payer_id, paid_by_other.bill_to_id) == (payer.pk, with_payer.pk)
    assert paid_by_itself.payer_id == alone.pk


def test_validation_numbers_the_invoice_and_emits_the_event_once(tenant, events):
    invoice = invoice_of(billing_order(tenant), validate=False)

    with scope(tenant=tenant):
        validated = invoice_validate(tenant=tenant, actor=None, invoice=invoice)
        with pytest.raises(ValidationError) as error:
            invoice_validate(tenant=tenant, actor=None, invoice=invoice)

    assert validated.number == "FA-2026-000001"
    assert validated.state == InvoiceState.VALIDATED
    assert _messages(error.value) == ["La facture FA-2026-000001 est déjà validée."]
    assert events == [("invoice.validated", invoice.pk)]


def test_validated_invoice_is_immutable_and_a_draft_is_not(tenant):
    draft = invoice_of(billing_order(tenant), validate=False)
    validated = invoice_of(billing_order(tenant))
    new_date = datetime.date(2026, 3, 30)

    with scope(tenant=tenant):
        invoice_update(tenant=tenant, actor=None, invoice=draft, invoice_date=new_date)
        with pytest.raises(ValidationError) as error:
            invoice_update(tenant=tenant, actor=None, invoice=validated, invoice_date=new_date)
        with pytest.raises(ValidationError) as delete_error:
            invoice_draft_delete(tenant=tenant, actor=None, invoice=validated)
        draft.refresh_from_db()

    message = f"La facture {validated.number} est validée : elle ne peut plus être modifiée."
    assert _messages(error.value) == [message]
    assert _messages(delete_error.value) == [message]
    assert draft.invoice_date == new_date


def test_deleting_a_draft_makes_its_deliveries_invoiceable_again(tenant):
    order = billing_order(tenant)
    draft = invoice_of(order, validate=False)

    with scope(tenant=tenant):
        invoice_draft_delete(tenant=tenant, actor=None, invoice=draft)
        order.refresh_from_db()
    again = _generate(tenant)

    assert order.state == OrderState.PARTLY_DELIVERED
    assert len(again) == 1
