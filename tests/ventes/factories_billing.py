"""Orders as the order service leaves them (amounts from ventes.amounts), for the billing tests;
deliveries, invoices and payments are made through their services (helpers below)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django_scopes import scope

from tests.tiers.factories import ThirdPartyFactory
from ventes import models as ventes
from ventes.amounts import document_totals, line_amounts, line_amounts_of

D = Decimal


def billing_order(
    tenant,
    *,
    customer=None,
    lines=(("2", "100.00"),),
    number: str | None = None,
    ordered_on=datetime.date(2026, 3, 2),
    vat_rate="20",
    article=None,
    **fields,
) -> ventes.Order:
    """An order of ``customer`` with ``lines`` [(quantity, unit price)], its totals from
    ventes.amounts; ``fields`` set the order's terms (partial_delivery, billing_mode...)."""
    with scope(tenant=tenant):
        customer = customer or ThirdPartyFactory(tenant=tenant)
        count = ventes.Order.objects.filter(tenant=tenant).count() + 1
        order = ventes.Order(
            tenant=tenant,
            customer=customer,
            number=number or f"CMD-2026-{count:06d}",
            ordered_on=ordered_on,
            bill_to=fields.pop("bill_to", customer),
            ship_to=customer,
            **fields,
        )
        rows = []
        for position, (quantity, price) in enumerate(lines, start=1):
            line = ventes.OrderLine(
                tenant=tenant,
                customer=customer,
                position=position,
                article=article,
                label=f"Article {position}",
                quantity=D(quantity),
                unit_price=D(price),
                vat_rate=D(vat_rate),
            )
            amounts = line_amounts_of(line)
            line.total_excl_tax, line.total_tax = amounts.excl_tax, amounts.tax
            rows.append(line)
        totals = document_totals(line_amounts_of(line) for line in rows)
        order.total_excl_tax, order.total_tax = totals.excl_tax, totals.tax
        order.total_incl_tax, order.margin = totals.incl_tax, totals.margin
        order.save()
        for line in rows:
            line.order = order
        ventes.OrderLine.objects.bulk_create(rows)
        return order


def ttc(quantity, price, vat_rate="20") -> Decimal:
    """The TTC amount of one line (ventes.amounts)."""
    amounts = document_totals([line_amounts(quantity=D(quantity), unit_price=D(price), vat_rate=D(vat_rate))])
    return amounts.incl_tax


def order_lines(order) -> list[ventes.OrderLine]:
    with scope(tenant=order.tenant):
        return list(ventes.OrderLine.objects.filter(order=order).order_by("position"))


def deliver(order, actor=None, *, quantities=None, on=datetime.date(2026, 3, 10)) -> ventes.Delivery:
    """A validated delivery of ``order`` ({line position: quantity}; None: everything)."""
    from ventes.services.deliveries import delivery_create

    with scope(tenant=order.tenant):
        by_position = {line.position: line.pk for line in order_lines(order)}
        chosen = None if quantities is None else {by_position[pos]: D(q) for pos, q in quantities.items()}
        return delivery_create(
            tenant=order.tenant, actor=actor, order=order, quantities=chosen, delivered_on=on, validate=True
        )


def invoice_of(order, actor=None, *, up_to=datetime.date(2026, 3, 31), validate=True) -> ventes.Invoice:
    """Deliver everything left of ``order``, bill it and validate the invoice."""
    from ventes.services.invoices import invoice_validate, invoices_generate

    with scope(tenant=order.tenant):
        if any(line.delivered_quantity < line.quantity for line in order_lines(order)):
            deliver(order, actor, on=min(up_to, datetime.date(2026, 3, 10)))
        (invoice,) = invoices_generate(tenant=order.tenant, actor=actor, customer=order.customer, up_to=up_to)
        if validate:
            invoice = invoice_validate(tenant=order.tenant, actor=actor, invoice=invoice)
        return invoice


def pay(invoice, amount=None, *, on=datetime.date(2026, 4, 15)) -> ventes.Payment:
    """A payment of the invoice's payer allocated to ``invoice`` (its whole TTC by default)."""
    from ventes.services.payments import payment_record

    with scope(tenant=invoice.tenant):
        return payment_record(
            tenant=invoice.tenant,
            actor=None,
            payer=invoice.payer,
            received_on=on,
            amount=D(amount) if amount is not None else invoice.total_incl_tax,
            method="transfer",
            allocations=[(invoice, D(amount) if amount is not None else invoice.total_incl_tax)],
        )


def billed(tenant, count: int, *, customer=None) -> list[ventes.Invoice]:
    """``count`` orders delivered, invoiced (validated) and paid, each of a new customer (or of
    ``customer``)."""
    invoices = []
    for _index in range(count):
        invoice = invoice_of(billing_order(tenant, customer=customer or ThirdPartyFactory(tenant=tenant)))
        pay(invoice)
        invoices.append(invoice)
    return invoices
