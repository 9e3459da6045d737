"""Demo deliveries, invoices and payments of the demo orders (after the orders step).

Orders older than two weeks are delivered (most of them), and most deliveries are invoiced,
validated with their due date from the customer's terms, and mostly paid (some partly, some
not yet, so the aged balance and credit control have something to show).

- ``small``: through the services (deliveries, the billing run at each month's end, validation,
  payments allocated to the invoices), so rules, numbers and audit are the real ones.
- ``medium``/``large``: rows built in memory and bulk inserted (the big customer's 20,000 orders
  of ``--scale large`` included): one delivery and one invoice per order, the invoice copying the
  order's line amounts (ventes.amounts computed them), due dates from
  tiers.services.terms.payment_due_date, the number counters moved past the demo numbers; order
  lines and states updated with one UPDATE per batch.

Idempotent: a company that already has deliveries is left as it is.
"""

from __future__ import annotations

import calendar
import datetime
from decimal import Decimal

from crm.demo import DemoContext, bulk_create_in_batches

DELIVERED_SHARE = 0.85
INVOICED_SHARE = 0.9
PAID_SHARE = 0.7
PARTLY_PAID_SHARE = 0.1
MIN_AGE_DAYS = 14
BATCH = 5_000


def seed(ctx: DemoContext) -> None:
    from crm.services.tenant_binding import tenant_context

    from .models import Delivery, Order

    for company in ctx.companies:
        with tenant_context(company):
            if Delivery.objects.filter(tenant=company).exists():
                continue
            cutoff = ctx.today - datetime.timedelta(days=MIN_AGE_DAYS)
            orders = list(
                Order.objects.filter(tenant=company, ordered_on__lte=cutoff)
                .select_related("customer")
                .order_by("ordered_on", "pk")
            )
            chosen = [order for order in orders if ctx.rng.random() < DELIVERED_SHARE]
            if not chosen:
                continue
            count = _seed_bulk(ctx, company, chosen) if ctx.bulk else _seed_services(ctx, company, chosen)
            ctx.out(f"    {company.code} : {count} factures")


def _delivery_day(ctx: DemoContext, order) -> datetime.date:
    return min(ctx.today, order.ordered_on + datetime.timedelta(days=ctx.rng.randint(1, 10)))


def _month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _seed_services(ctx: DemoContext, company, orders) -> int:
    """Small scale: the real services, from delivery to payment."""
    from .models import Invoice, InvoiceState
    from .services.deliveries import delivery_create
    from .services.invoices import invoice_validate, invoices_generate
    from .services.payments import payment_record

    days = []
    for order in orders:
        day = _delivery_day(ctx, order)
        delivery_create(tenant=company, actor=None, order=order, delivered_on=day, validate=True)
        if ctx.rng.random() < INVOICED_SHARE:
            days.append(day)
    for run in sorted({min(_month_end(day), ctx.today) for day in days}):
        invoices_generate(tenant=company, actor=None, up_to=run)
    drafts = Invoice.objects.filter(tenant=company, state=InvoiceState.DRAFT).order_by("invoice_date", "pk")
    invoices = [invoice_validate(tenant=company, actor=None, invoice=invoice) for invoice in drafts]
    for invoice in invoices:
        amount = _paid_amount(ctx, invoice)
        if amount:
            payment_record(
                tenant=company,
                actor=None,
                payer=invoice.payer,
                received_on=min(ctx.today, invoice.due_date),
                amount=amount,
                method=ctx.rng.choice(("transfer", "cheque", "direct_debit")),
                allocations=[(invoice, amount)],
            )
    return len(invoices)


def _paid_amount(ctx: DemoContext, invoice) -> Decimal:
    """What the payer paid of ``invoice`` by the demo's today: all, part or nothing."""
    if invoice.due_date > ctx.today:
        return Decimal(0)
    draw = ctx.rng.random()
    if draw < PAID_SHARE:
        return invoice.total_incl_tax
    if draw < PAID_SHARE + PARTLY_PAID_SHARE:
        return (invoice.total_incl_tax / 2).quantize(Decimal("0.01"))
    return Decimal(0)


def _seed_bulk(ctx: DemoContext, company, orders) -> int:
    """Medium and large scales: bulk inserts, batch by batch of orders."""
    from tiers.models import ThirdParty

    from .demo_orders import _counters_move

    ids = {order.customer_id for order in orders}
    terms = {
        party.pk: party
        for party in ThirdParty.objects.filter(tenant=company, pk__in=ids)
        .select_related("payment_term")
        .only("payment_term", "payment_days", "unavailable_from", "unavailable_to", "payer")
    }
    counters = {"BL": {}, "FA": {}}
    invoiced = 0
    for start in range(0, len(orders), BATCH):
        invoiced += _bulk_batch(ctx, company, orders[start : start + BATCH], terms, counters)
    for prefix, by_year in counters.items():
        _counters_move(company, prefix, by_year)
    return invoiced


def _number(counters: dict, prefix: str, day: datetime.date) -> str:
    by_year = counters[prefix]
    by_year[day.year] = by_year.get(day.year, 0) + 1
    return f"{prefix}-{day.year}-{by_year[day.year]:06d}"


def _due(party, basis: datetime.date) -> datetime.date:
    from tiers.services.terms import payment_due_date

    from .services.invoices import ON_RECEIPT

    unavailable = (party.unavailable_from, party.unavailable_to) if party.unavailable_from else None
    return payment_due_date(
        term=party.payment_term or ON_RECEIPT,
        basis_date=basis,
        payment_days=party.payment_days or (),
        unavailable=unavailable,
    )


def _bulk_batch(ctx: DemoContext, company, orders, terms, counters) -> int:
    from django.db.models import F
    from django.utils import timezone

    from .models import (
        Delivery,
        DeliveryLine,
        DeliveryState,
        Invoice,
        InvoiceLine,
        InvoiceState,
        Order,
        OrderLine,
        OrderState,
        Payment,
        PaymentAllocation,
    )
    from .services.invoices import LINE_FIELDS

    rng = ctx.rng
    lines_of: dict[int, list] = {}
    for line in OrderLine.objects.filter(tenant=company, order__in=[order.pk for order in orders]).order_by(
        "order_id", "position"
    ):
        lines_of.setdefault(line.order_id, []).append(line)
    orders = [order for order in orders if order.pk in lines_of]
    owned = {"tenant": company}
    deliveries = []
    for order in orders:
        day = _delivery_day(ctx, order)
        deliveries.append(
            Delivery(
                **owned,
                customer_id=order.customer_id,
                site_id=order.site_id,
                business_line_id=order.business_line_id,
                number=_number(counters, "BL", day),
                order=order,
                state=DeliveryState.VALIDATED,
                delivered_on=day,
                ship_to_site_id=order.ship_to_site_id,
            )
        )
    bulk_create_in_batches(Delivery, deliveries, tenant=company)
    billed = [delivery for delivery in deliveries if rng.random() < INVOICED_SHARE]
    billed_ids = {delivery.order_id for delivery in billed}
    delivery_lines = [
        DeliveryLine(
            **owned,
            customer_id=line.customer_id,
            site_id=line.site_id,
            business_line_id=line.business_line_id,
            delivery=delivery,
            order_line=line,
            quantity=line.quantity,
            invoiced_quantity=line.quantity if delivery.order_id in billed_ids else 0,
        )
        for delivery in deliveries
        for line in lines_of[delivery.order_id]
    ]
    bulk_create_in_batches(DeliveryLine, delivery_lines, tenant=company)
    now = timezone.now()
    invoices = []
    for delivery in billed:
        order = delivery.order
        invoice_date = min(ctx.today, _month_end(delivery.delivered_on))
        party = terms[order.customer_id]
        invoices.append(
            Invoice(
                **owned,
                customer_id=order.customer_id,
                site_id=order.site_id,
                business_line_id=order.business_line_id,
                number=_number(counters, "FA", invoice_date),
                state=InvoiceState.VALIDATED,
                invoice_date=invoice_date,
                due_date=_due(party, invoice_date),
                bill_to_id=order.bill_to_id,
                payer_id=party.payer_id or order.bill_to_id,
                total_excl_tax=order.total_excl_tax,
                total_tax=order.total_tax,
                total_incl_tax=order.total_incl_tax,
                margin=order.margin,
                validated_at=now,
            )
        )
    for invoice in invoices:
        invoice.paid_amount = _paid_amount(ctx, invoice)
    bulk_create_in_batches(Invoice, invoices, tenant=company)
    by_line = {row.order_line_id: row for row in delivery_lines}
    invoice_lines = [
        InvoiceLine(
            **owned,
            customer_id=line.customer_id,
            site_id=line.site_id,
            business_line_id=line.business_line_id,
            invoice=invoice,
            position=line.position,
            quantity=line.quantity,
            order_line=line,
            delivery_line=by_line[line.pk],
            total_excl_tax=line.total_excl_tax,
            total_tax=line.total_tax,
            **{name: getattr(line, name) for name in LINE_FIELDS},
        )
        for delivery, invoice in zip(billed, invoices, strict=True)
        for line in lines_of[delivery.order_id]
    ]
    bulk_create_in_batches(InvoiceLine, invoice_lines, tenant=company)
    paid = [invoice for invoice in invoices if invoice.paid_amount > 0]
    payments = [
        Payment(
            **owned,
            customer_id=invoice.payer_id,
            received_on=min(ctx.today, invoice.due_date),
            amount=invoice.paid_amount,
            allocated_amount=invoice.paid_amount,
            method=rng.choice(("transfer", "cheque", "direct_debit")),
        )
        for invoice in paid
    ]
    bulk_create_in_batches(Payment, payments, tenant=company)
    bulk_create_in_batches(
        PaymentAllocation,
        (
            PaymentAllocation(**owned, payment=payment, invoice=invoice, amount=invoice.paid_amount)
            for payment, invoice in zip(payments, paid, strict=True)
        ),
        tenant=company,
    )
    delivered_ids = [order.pk for order in orders]
    OrderLine.objects.filter(tenant=company, order_id__in=delivered_ids).update(
        delivered_quantity=F("quantity")
    )
    OrderLine.objects.filter(tenant=company, order_id__in=billed_ids).update(invoiced_quantity=F("quantity"))
    Order.objects.filter(tenant=company, pk__in=delivered_ids).update(state=OrderState.PARTLY_DELIVERED)
    Order.objects.filter(tenant=company, pk__in=billed_ids).update(state=OrderState.CLOSED)
    return len(invoices)
