"""Invoices and credit notes.

- ``invoices_generate`` builds draft invoices from the validated deliveries not invoiced yet, one
  per key of ``ventes.billing_modes.invoice_key``; line and document amounts come from
  ``ventes.amounts``; the delivery and order lines' invoiced quantities grow in the same
  transaction (lines locked), so a second run creates nothing.
- ``invoice_validate`` numbers the draft (FA-2026-000001, credit notes AV-…), computes its due
  date with ``tiers.services.terms.payment_due_date`` from the bill-to customer's terms (basis:
  the invoice date, or the earliest delivery date when the payment term says so), and emits
  ``invoice.validated`` (``invoice.credited`` for a credit note) exactly once. A validated
  invoice is immutable.
- ``credit_note_create`` credits a validated invoice in full or in part, never more than what is
  invoiced and not credited yet (per line, matched by position).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import F, Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.events import domain_events
from crm.models import Company
from crm.services.audit import audit_record
from tiers.models import DueDateBasis, PaymentTerm, ThirdParty
from tiers.services.terms import payment_due_date
from ventes.amounts import document_totals, line_amounts_of
from ventes.billing_modes import Billable, invoice_key
from ventes.models import (
    DeliveryLine,
    DeliveryState,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceState,
    Order,
    OrderLine,
)

from .deliveries import ZERO, document_number, order_state_refresh

# The copied fields of a sales line (DocumentLine) from an order line or an invoice line.
LINE_FIELDS = ("article_id", "label", "unit_price", "discount_percent", "vat_rate", "unit_cost")
PREFIXES = {InvoiceKind.INVOICE: "FA", InvoiceKind.CREDIT_NOTE: "AV"}
EVENTS = {InvoiceKind.INVOICE: "invoice.validated", InvoiceKind.CREDIT_NOTE: "invoice.credited"}
# No payment term on the bill-to customer: due on receipt (comptant).
ON_RECEIPT = PaymentTerm(code="", label="", days=0, end_of_month=False)


def invoice_label(invoice: Invoice) -> str:
    """The invoice's number, or "Brouillon" (Invoice.__str__ returns a lazy string for a draft,
    which str() refuses: see the report; use this label instead)."""
    return invoice.number or str(_("Brouillon"))


class _AuditTarget:
    """What audit_record needs of an invoice (model, pk, a str label) while Invoice.__str__ is lazy."""

    def __init__(self, invoice: Invoice) -> None:
        self._meta, self.pk, self._label = invoice._meta, invoice.pk, invoice_label(invoice)

    def __str__(self) -> str:
        return self._label


def _audit(*, tenant: Company, actor, action: str, invoice: Invoice, changes=None) -> None:
    audit_record(tenant=tenant, actor=actor, action=action, instance=_AuditTarget(invoice), changes=changes)


def line_field(line) -> str:
    return f"quantity_{line.pk}"


def _amounts_set(invoice: Invoice, lines: list[InvoiceLine]) -> None:
    """Line amounts and document totals, from ventes.amounts only."""
    amounts = []
    for line in lines:
        line_amounts = line_amounts_of(line)
        line.total_excl_tax, line.total_tax = line_amounts.excl_tax, line_amounts.tax
        amounts.append(line_amounts)
    totals = document_totals(amounts)
    invoice.total_excl_tax, invoice.total_tax = totals.excl_tax, totals.tax
    invoice.total_incl_tax, invoice.margin = totals.incl_tax, totals.margin


def _common(values) -> int | None:
    values = set(values)
    return values.pop() if len(values) == 1 else None


def _billable(line: DeliveryLine, order: Order, fully_delivered: bool) -> Billable:
    return Billable(
        delivery_id=line.delivery_id,
        delivered_on=line.delivery.delivered_on,
        order_id=order.pk,
        customer_id=order.customer_id,
        bill_to_id=order.bill_to_id,
        business_line_id=order.business_line_id,
        billing_mode=order.billing_mode,
        grouping_forbidden=order.grouping_forbidden,
        order_fully_delivered=fully_delivered,
        periodicity=order.customer.billing_periodicity,
    )


def _invoice_build(*, tenant, actor, lines: list[DeliveryLine], order_lines: dict, invoice_date) -> Invoice:
    orders = [order_lines[line.order_line_id].order for line in lines]
    first = orders[0]
    bill_to = first.bill_to
    invoice = Invoice(
        tenant=tenant,
        customer_id=first.customer_id,
        site_id=_common(order.site_id for order in orders),
        business_line_id=_common(order.business_line_id for order in orders),
        invoice_date=invoice_date,
        bill_to=bill_to,
        payer_id=bill_to.payer_id or bill_to.pk,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    invoice_lines = []
    for position, line in enumerate(lines, start=1):
        order_line = order_lines[line.order_line_id]
        quantity = line.quantity - line.invoiced_quantity
        invoice_lines.append(
            InvoiceLine(
                tenant=tenant,
                customer_id=line.customer_id,
                site_id=line.site_id,
                business_line_id=line.business_line_id,
                position=position,
                quantity=quantity,
                order_line=order_line,
                delivery_line=line,
                **{name: getattr(order_line, name) for name in LINE_FIELDS},
            )
        )
        line.invoiced_quantity = line.quantity
        order_line.invoiced_quantity += quantity
    _amounts_set(invoice, invoice_lines)
    invoice.save()
    for line in invoice_lines:
        line.invoice = invoice
    InvoiceLine.objects.bulk_create(invoice_lines)
    _audit(tenant=tenant, actor=actor, action="invoice.generate", invoice=invoice)
    return invoice


@transaction.atomic
def invoices_generate(
    *, tenant: Company, actor, customer: ThirdParty | None = None, up_to: datetime.date
) -> list[Invoice]:
    """Draft invoices for what was delivered up to ``up_to`` and is not invoiced yet (of
    ``customer`` only when given), dated ``up_to``. Idempotent."""
    pending = DeliveryLine.objects.filter(
        tenant=tenant,
        delivery__state=DeliveryState.VALIDATED,
        delivery__delivered_on__lte=up_to,
        quantity__gt=F("invoiced_quantity"),
    )
    if customer is not None:
        pending = pending.filter(customer=customer)
    order_ids = set(pending.values_list("delivery__order_id", flat=True))
    if not order_ids:
        return []
    order_lines = {
        line.pk: line
        for line in OrderLine.objects.select_for_update(of=("self",))
        .filter(tenant=tenant, order_id__in=order_ids)
        .select_related("order__customer", "order__bill_to")
        .order_by("pk")
    }
    by_order: dict[int, list[OrderLine]] = defaultdict(list)
    for line in order_lines.values():
        by_order[line.order_id].append(line)
    fully_delivered = {
        order_id: all(line.delivered_quantity >= line.quantity for line in lines)
        for order_id, lines in by_order.items()
    }
    groups: dict[tuple, list[DeliveryLine]] = defaultdict(list)
    delivery_lines = (
        pending.filter(order_line_id__in=order_lines)
        .select_for_update(of=("self",))
        .select_related("delivery")
        .order_by("delivery__delivered_on", "delivery_id", "order_line__position", "pk")
    )
    for line in delivery_lines:
        order = order_lines[line.order_line_id].order
        key = invoice_key(_billable(line, order, fully_delivered[order.pk]), up_to=up_to)
        if key is not None:
            groups[key].append(line)
    invoices = [
        _invoice_build(tenant=tenant, actor=actor, lines=lines, order_lines=order_lines, invoice_date=up_to)
        for lines in groups.values()
    ]
    touched = [line for lines in groups.values() for line in lines]
    DeliveryLine.objects.bulk_update(touched, ["invoiced_quantity"])
    OrderLine.objects.bulk_update(list(order_lines.values()), ["invoiced_quantity"])
    for lines in by_order.values():
        order_state_refresh(order=lines[0].order, lines=lines)
    return invoices


def _locked_draft(*, tenant: Company, invoice: Invoice) -> Invoice:
    invoice = Invoice.objects.select_for_update().get(tenant=tenant, pk=invoice.pk)
    if invoice.state == InvoiceState.VALIDATED:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _("La facture %(number)s est validée : elle ne peut plus être modifiée.")
                    % {"number": invoice.number}
                ]
            }
        )
    return invoice


def invoice_due_date(*, tenant: Company, invoice: Invoice) -> datetime.date:
    """The due date from the bill-to customer's terms (tiers.services.terms.payment_due_date)."""
    bill_to = ThirdParty.objects.select_related("payment_term").get(tenant=tenant, pk=invoice.bill_to_id)
    term = bill_to.payment_term or ON_RECEIPT
    basis = invoice.invoice_date
    if term.due_date_basis == DueDateBasis.DELIVERY:
        delivered = InvoiceLine.objects.filter(tenant=tenant, invoice=invoice).aggregate(
            first=Min("delivery_line__delivery__delivered_on")
        )["first"]
        basis = delivered or basis
    unavailable = None
    if bill_to.unavailable_from and bill_to.unavailable_to:
        unavailable = (bill_to.unavailable_from, bill_to.unavailable_to)
    return payment_due_date(
        term=term, basis_date=basis, payment_days=bill_to.payment_days or (), unavailable=unavailable
    )


@transaction.atomic
def invoice_validate(*, tenant: Company, actor, invoice: Invoice) -> Invoice:
    """Number, due date, validation date; emits invoice.validated / invoice.credited once."""
    invoice = Invoice.objects.select_for_update().get(tenant=tenant, pk=invoice.pk)
    if invoice.state == InvoiceState.VALIDATED:
        message = (
            _("L'avoir %(number)s est déjà validé.")
            if invoice.kind == InvoiceKind.CREDIT_NOTE
            else _("La facture %(number)s est déjà validée.")
        )
        raise ValidationError({NON_FIELD_ERRORS: [message % {"number": invoice.number}]})
    if not InvoiceLine.objects.filter(tenant=tenant, invoice=invoice).exists():
        raise ValidationError({NON_FIELD_ERRORS: [_("Un document sans ligne ne peut pas être validé.")]})
    invoice.due_date = (
        invoice_due_date(tenant=tenant, invoice=invoice)
        if invoice.kind == InvoiceKind.INVOICE
        else invoice.invoice_date
    )
    invoice.number = document_number(tenant=tenant, prefix=PREFIXES[invoice.kind], on=invoice.invoice_date)
    invoice.state = InvoiceState.VALIDATED
    invoice.validated_at = timezone.now()
    invoice.save(update_fields=["number", "due_date", "state", "validated_at"])
    _audit(
        tenant=tenant,
        actor=actor,
        action=f"{invoice.kind}.validate",
        invoice=invoice,
        changes={"number": [None, invoice.number], "due_date": [None, invoice.due_date.isoformat()]},
    )
    domain_events.emit(EVENTS[invoice.kind], tenant=tenant, actor=actor, invoice=invoice)
    return invoice


@transaction.atomic
def invoice_update(*, tenant: Company, actor, invoice: Invoice, invoice_date: datetime.date) -> Invoice:
    """Change a draft's date (a validated invoice is refused)."""
    invoice = _locked_draft(tenant=tenant, invoice=invoice)
    before = invoice.invoice_date
    invoice.invoice_date = invoice_date
    invoice.save(update_fields=["invoice_date"])
    _audit(
        tenant=tenant,
        actor=actor,
        action="invoice.update",
        invoice=invoice,
        changes={"invoice_date": [before.isoformat(), invoice_date.isoformat()]},
    )
    return invoice


@transaction.atomic
def invoice_draft_delete(*, tenant: Company, actor, invoice: Invoice) -> None:
    """Delete a draft; what it invoiced becomes invoiceable again."""
    invoice = _locked_draft(tenant=tenant, invoice=invoice)
    lines = list(InvoiceLine.objects.filter(tenant=tenant, invoice=invoice, delivery_line__isnull=False))
    if invoice.kind == InvoiceKind.INVOICE and lines:
        order_lines = {
            line.pk: line
            for line in OrderLine.objects.select_for_update(of=("self",))
            .filter(tenant=tenant, pk__in=[line.order_line_id for line in lines])
            .select_related("order")
            .order_by("pk")
        }
        delivery_lines = {
            line.pk: line
            for line in DeliveryLine.objects.select_for_update().filter(
                tenant=tenant, pk__in=[line.delivery_line_id for line in lines]
            )
        }
        for line in lines:
            order_lines[line.order_line_id].invoiced_quantity -= line.quantity
            delivery_lines[line.delivery_line_id].invoiced_quantity -= line.quantity
        OrderLine.objects.bulk_update(list(order_lines.values()), ["invoiced_quantity"])
        DeliveryLine.objects.bulk_update(list(delivery_lines.values()), ["invoiced_quantity"])
        for order_id in {line.order_id for line in order_lines.values()}:
            order = next(line.order for line in order_lines.values() if line.order_id == order_id)
            order_state_refresh(
                order=order,
                lines=OrderLine.objects.select_for_update()
                .filter(tenant=tenant, order_id=order_id)
                .order_by("pk"),
            )
    _audit(tenant=tenant, actor=actor, action="invoice.delete", invoice=invoice)
    invoice.delete()


def credited_quantities(*, tenant: Company, invoice: Invoice) -> dict[int, Decimal]:
    """{position: quantity already credited} over every credit note of ``invoice``."""
    rows = (
        InvoiceLine.objects.filter(tenant=tenant, invoice__credited_invoice=invoice)
        .values("position")
        .annotate(quantity=Sum("quantity"))
    )
    return {row["position"]: row["quantity"] for row in rows}


@transaction.atomic
def credit_note_create(
    *,
    tenant: Company,
    actor,
    invoice: Invoice,
    credit_date: datetime.date,
    quantities: Mapping[int, Decimal] | None = None,
) -> Invoice:
    """A draft credit note of the validated ``invoice``: ``quantities`` {invoice line id: quantity}
    (None: everything not credited yet)."""
    invoice = Invoice.objects.select_for_update().get(tenant=tenant, pk=invoice.pk)
    if invoice.kind != InvoiceKind.INVOICE or invoice.state != InvoiceState.VALIDATED:
        raise ValidationError(
            {NON_FIELD_ERRORS: [_("Seule une facture validée peut faire l'objet d'un avoir.")]}
        )
    lines = list(InvoiceLine.objects.filter(tenant=tenant, invoice=invoice).order_by("position"))
    credited = credited_quantities(tenant=tenant, invoice=invoice)
    remaining = {line.pk: line.quantity - credited.get(line.position, ZERO) for line in lines}
    if quantities is None:
        quantities = remaining
    errors: dict[str, list[str]] = {}
    chosen = {}
    for line in lines:
        quantity = quantities.get(line.pk) or ZERO
        if quantity < 0:
            errors[line_field(line)] = [_("La quantité à avoir doit être positive.")]
        elif quantity > remaining[line.pk]:
            errors[line_field(line)] = [
                _(
                    "La quantité à avoir (%(quantity)s) dépasse la quantité facturée non encore avoirée (%(remaining)s)."
                )
                % {"quantity": quantity.normalize(), "remaining": remaining[line.pk].normalize()}
            ]
        elif quantity > 0:
            chosen[line.pk] = quantity
    if errors:
        raise ValidationError(errors)
    if not chosen:
        raise ValidationError({NON_FIELD_ERRORS: [_("Rien à avoir : indiquez au moins une quantité.")]})
    note = Invoice(
        tenant=tenant,
        customer_id=invoice.customer_id,
        site_id=invoice.site_id,
        business_line_id=invoice.business_line_id,
        kind=InvoiceKind.CREDIT_NOTE,
        invoice_date=credit_date,
        bill_to_id=invoice.bill_to_id,
        payer_id=invoice.payer_id,
        credited_invoice=invoice,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    note_lines = [
        InvoiceLine(
            tenant=tenant,
            customer_id=line.customer_id,
            site_id=line.site_id,
            business_line_id=line.business_line_id,
            position=line.position,
            quantity=chosen[line.pk],
            order_line_id=line.order_line_id,
            delivery_line_id=line.delivery_line_id,
            **{name: getattr(line, name) for name in LINE_FIELDS},
        )
        for line in lines
        if line.pk in chosen
    ]
    _amounts_set(note, note_lines)
    note.save()
    for line in note_lines:
        line.invoice = note
    InvoiceLine.objects.bulk_create(note_lines)
    _audit(
        tenant=tenant,
        actor=actor,
        action="credit_note.create",
        invoice=note,
        changes={"credited_invoice": [None, invoice.number]},
    )
    return note
