"""Payments (règlements) of a payer and their allocation to its invoices.

A payment is recorded for the third party that pays (the invoices' payer); its amount is
allocated to the payer's open invoices — by default the oldest due first, or as the user chose
— and what is not allocated stays on the payment (shown as "non affecté") until a later
allocation. An allocation never exceeds the invoice's open amount (TTC - already paid) nor the
payment's unallocated amount. ``Invoice.paid_amount`` and ``Payment.allocated_amount`` change in
the same transaction as the allocation rows, with the payment and the invoices locked.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from crm.models import Company
from crm.services.audit import audit_record
from tiers.models import ThirdParty
from ventes.amounts import money
from ventes.models import Invoice, InvoiceKind, InvoiceState, Payment, PaymentAllocation

ZERO = Decimal(0)


def open_invoices(*, tenant: Company, payer_id: int) -> QuerySet[Invoice]:
    """The payer's validated invoices not fully paid, oldest due first."""
    return Invoice.objects.filter(
        tenant=tenant,
        payer_id=payer_id,
        kind=InvoiceKind.INVOICE,
        state=InvoiceState.VALIDATED,
        paid_amount__lt=F("total_incl_tax"),
    ).order_by("due_date", "invoice_date", "pk")


def _open_amount(invoice: Invoice) -> Decimal:
    return invoice.total_incl_tax - invoice.paid_amount


def _allocations_apply(
    *, tenant: Company, actor, payment: Payment, allocations: Sequence[tuple[Invoice, Decimal]] | None
) -> list[PaymentAllocation]:
    """Allocate (payment locked by the caller); None: the unallocated amount, oldest due first."""
    unallocated = payment.amount - payment.allocated_amount
    if allocations is None:
        invoices = list(open_invoices(tenant=tenant, payer_id=payment.customer_id).select_for_update())
        wanted, left = [], unallocated
        for invoice in invoices:
            if left <= 0:
                break
            amount = min(left, _open_amount(invoice))
            wanted.append((invoice, amount))
            left -= amount
    else:
        ids = [invoice.pk for invoice, _amount in allocations]
        locked = {
            invoice.pk: invoice
            for invoice in Invoice.objects.select_for_update()
            .filter(tenant=tenant, pk__in=ids)
            .order_by("pk")
        }
        wanted = [
            (locked[invoice.pk], money(amount)) for invoice, amount in allocations if invoice.pk in locked
        ]
        errors: list[str] = []
        for invoice, amount in wanted:
            if (
                invoice.payer_id != payment.customer_id
                or invoice.kind != InvoiceKind.INVOICE
                or invoice.state != InvoiceState.VALIDATED
            ):
                errors.append(
                    _("La facture %(number)s n'est pas une facture validée de ce payeur.")
                    % {"number": invoice.number or _("(brouillon)")}
                )
            elif amount <= 0:
                errors.append(_("Un montant affecté doit être supérieur à zéro."))
            elif amount > _open_amount(invoice):
                errors.append(
                    _(
                        "Le montant affecté (%(amount)s) dépasse le reste dû (%(open)s) de la facture %(number)s."
                    )
                    % {"amount": amount, "open": _open_amount(invoice), "number": invoice.number}
                )
        total = sum((amount for _invoice, amount in wanted), ZERO)
        if not errors and total > unallocated:
            errors.append(
                _(
                    "Le total affecté (%(total)s) dépasse le montant non affecté du règlement (%(unallocated)s)."
                )
                % {"total": total, "unallocated": unallocated}
            )
        if errors:
            raise ValidationError({NON_FIELD_ERRORS: errors})
    existing = {
        row.invoice_id: row
        for row in PaymentAllocation.objects.filter(
            tenant=tenant, payment=payment, invoice_id__in=[invoice.pk for invoice, _amount in wanted]
        )
    }
    created, updated = [], []
    for invoice, amount in wanted:
        invoice.paid_amount += amount
        payment.allocated_amount += amount
        if invoice.pk in existing:
            existing[invoice.pk].amount += amount
            updated.append(existing[invoice.pk])
        else:
            created.append(PaymentAllocation(tenant=tenant, payment=payment, invoice=invoice, amount=amount))
    PaymentAllocation.objects.bulk_create(created)
    PaymentAllocation.objects.bulk_update(updated, ["amount"])
    Invoice.objects.bulk_update([invoice for invoice, _amount in wanted], ["paid_amount"])
    payment.save(update_fields=["allocated_amount"])
    if wanted:
        audit_record(
            tenant=tenant,
            actor=actor,
            action="payment.allocate",
            instance=payment,
            changes={"allocations": [None, {invoice.number: str(amount) for invoice, amount in wanted}]},
        )
    return created + updated


@transaction.atomic
def payment_record(
    *,
    tenant: Company,
    actor,
    payer: ThirdParty,
    received_on: datetime.date,
    amount: Decimal,
    method: str,
    reference: str = "",
    allocations: Sequence[tuple[Invoice, Decimal]] | None = None,
    allocate: bool = True,
) -> Payment:
    """Record a payment of ``payer``; allocate it (``allocations`` or, when None and ``allocate``,
    automatically to the oldest due invoices); the rest stays unallocated."""
    if amount is None or money(amount) <= 0:
        raise ValidationError({"amount": [_("Le montant du règlement doit être supérieur à zéro.")]})
    payment = Payment(
        tenant=tenant,
        customer=payer,
        site_id=None,
        business_line_id=None,
        received_on=received_on,
        amount=money(amount),
        method=method,
        reference=(reference or "").strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    payment.full_clean()
    payment.save()
    audit_record(
        tenant=tenant,
        actor=actor,
        action="payment.record",
        instance=payment,
        changes={"amount": [None, str(payment.amount)], "payer": [None, payer.code]},
    )
    if allocations is not None or allocate:
        _allocations_apply(tenant=tenant, actor=actor, payment=payment, allocations=allocations)
    return payment


@transaction.atomic
def payment_allocate(
    *,
    tenant: Company,
    actor,
    payment: Payment,
    allocations: Sequence[tuple[Invoice, Decimal]] | None = None,
) -> Payment:
    """Allocate what is left of ``payment`` (``allocations``, or None: oldest due first)."""
    payment = Payment.objects.select_for_update().get(tenant=tenant, pk=payment.pk)
    if payment.allocated_amount >= payment.amount:
        raise ValidationError({NON_FIELD_ERRORS: [_("Ce règlement est entièrement affecté.")]})
    if allocations is not None and not allocations:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _("Indiquez les montants à affecter ou choisissez l'affectation automatique.")
                ]
            }
        )
    _allocations_apply(tenant=tenant, actor=actor, payment=payment, allocations=allocations)
    return payment
