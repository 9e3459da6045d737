"""A customer's account (compte client) as its payer: the summary (balance, unpaid invoices,
unused credit notes, unallocated payments), the open documents, the account statement over a
period with a running balance, and the last operations. Shared by the customer record's
"Comptabilité" section and the statement's export; a fixed number of queries whatever the size
of the account.

Balance = open amount of the validated invoices - unused validated credit notes - unallocated
payments (positive: the customer owes us).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from crm.models import Company
from tiers.models import ThirdParty

from .amounts import ZERO
from .models import Invoice, InvoiceKind, InvoiceState, Payment

AMOUNT = DecimalField(max_digits=16, decimal_places=2)
OPEN = ExpressionWrapper(F("total_incl_tax") - F("paid_amount"), output_field=AMOUNT)
UNALLOCATED = ExpressionWrapper(F("amount") - F("allocated_amount"), output_field=AMOUNT)
LIST_LIMIT = 50


@dataclass(frozen=True)
class AccountSummary:
    unpaid_invoices: Decimal = ZERO
    unused_credit_notes: Decimal = ZERO
    unallocated_payments: Decimal = ZERO
    overdue: Decimal = ZERO

    @property
    def balance(self) -> Decimal:
        return self.unpaid_invoices - self.unused_credit_notes - self.unallocated_payments


def _validated(tenant: Company, payer: ThirdParty) -> QuerySet[Invoice]:
    return Invoice.objects.filter(tenant=tenant, payer=payer, state=InvoiceState.VALIDATED)


def account_summary(*, tenant: Company, payer: ThirdParty, today: datetime.date) -> AccountSummary:
    """Two queries: the invoices' sums by kind, and the unallocated payments."""
    is_invoice = Q(kind=InvoiceKind.INVOICE)
    sums = _validated(tenant, payer).aggregate(
        unpaid=Coalesce(Sum(OPEN, filter=is_invoice), ZERO, output_field=AMOUNT),
        credits=Coalesce(Sum(OPEN, filter=Q(kind=InvoiceKind.CREDIT_NOTE)), ZERO, output_field=AMOUNT),
        overdue=Coalesce(Sum(OPEN, filter=is_invoice & Q(due_date__lt=today)), ZERO, output_field=AMOUNT),
    )
    unallocated = Payment.objects.filter(tenant=tenant, customer=payer).aggregate(
        total=Coalesce(Sum(UNALLOCATED), ZERO, output_field=AMOUNT)
    )["total"]
    return AccountSummary(
        unpaid_invoices=sums["unpaid"],
        unused_credit_notes=sums["credits"],
        unallocated_payments=unallocated,
        overdue=sums["overdue"],
    )


def unpaid_invoices(*, tenant: Company, payer: ThirdParty, limit: int = LIST_LIMIT) -> list[Invoice]:
    """The payer's validated invoices not fully paid, oldest due first (with ``open_amount``)."""
    rows = (
        _validated(tenant, payer)
        .filter(kind=InvoiceKind.INVOICE, paid_amount__lt=F("total_incl_tax"))
        .annotate(open_amount=OPEN)
        .order_by("due_date", "invoice_date", "pk")
    )
    return list(rows[:limit])


def unused_credit_notes(*, tenant: Company, payer: ThirdParty, limit: int = LIST_LIMIT) -> list[Invoice]:
    rows = (
        _validated(tenant, payer)
        .filter(kind=InvoiceKind.CREDIT_NOTE, paid_amount__lt=F("total_incl_tax"))
        .annotate(open_amount=OPEN)
        .order_by("-invoice_date", "-pk")
    )
    return list(rows[:limit])


def unallocated_payments(*, tenant: Company, payer: ThirdParty, limit: int = LIST_LIMIT) -> list[Payment]:
    rows = (
        Payment.objects.filter(tenant=tenant, customer=payer, allocated_amount__lt=F("amount"))
        .annotate(unallocated=UNALLOCATED)
        .order_by("-received_on", "-pk")
    )
    return list(rows[:limit])


@dataclass(frozen=True)
class StatementLine:
    date: datetime.date
    kind: str  # French label: Facture, Avoir, Règlement
    number: str
    due_date: datetime.date | None
    debit: Decimal
    credit: Decimal
    balance: Decimal


@dataclass(frozen=True)
class Statement:
    date_from: datetime.date
    date_to: datetime.date
    opening: Decimal
    lines: list[StatementLine]

    @property
    def closing(self) -> Decimal:
        return self.lines[-1].balance if self.lines else self.opening

    @property
    def total_debit(self) -> Decimal:
        return sum((line.debit for line in self.lines), ZERO)

    @property
    def total_credit(self) -> Decimal:
        return sum((line.credit for line in self.lines), ZERO)


def _opening(tenant: Company, payer: ThirdParty, before: datetime.date) -> Decimal:
    """Debits - credits dated before ``before`` (two queries)."""
    sums = (
        _validated(tenant, payer)
        .filter(invoice_date__lt=before)
        .aggregate(
            debit=Coalesce(
                Sum("total_incl_tax", filter=Q(kind=InvoiceKind.INVOICE)), ZERO, output_field=AMOUNT
            ),
            credit=Coalesce(
                Sum("total_incl_tax", filter=Q(kind=InvoiceKind.CREDIT_NOTE)), ZERO, output_field=AMOUNT
            ),
        )
    )
    paid = Payment.objects.filter(tenant=tenant, customer=payer, received_on__lt=before).aggregate(
        total=Coalesce(Sum("amount"), ZERO, output_field=AMOUNT)
    )["total"]
    return sums["debit"] - sums["credit"] - paid


def account_statement(
    *,
    tenant: Company,
    payer: ThirdParty,
    date_from: datetime.date,
    date_to: datetime.date,
    document: str = "",
) -> Statement:
    """The payer's invoices, credit notes and payments dated in [date_from, date_to], oldest
    first, with the running balance from the opening balance; ``document`` keeps the lines
    whose number (or payment reference) contains it. Four queries."""
    from django.utils.translation import gettext as _

    invoices = _validated(tenant, payer).filter(invoice_date__gte=date_from, invoice_date__lte=date_to)
    payments = Payment.objects.filter(
        tenant=tenant, customer=payer, received_on__gte=date_from, received_on__lte=date_to
    )
    if document:
        invoices = invoices.filter(number__icontains=document)
        payments = payments.filter(reference__icontains=document)
    moves: list[tuple] = []
    for invoice in invoices.order_by("invoice_date", "pk").only(
        "invoice_date", "number", "kind", "due_date", "total_incl_tax"
    ):
        is_invoice = invoice.kind == InvoiceKind.INVOICE
        moves.append(
            (
                invoice.invoice_date,
                0,
                invoice.pk,
                _("Facture") if is_invoice else _("Avoir"),
                invoice.number,
                invoice.due_date,
                invoice.total_incl_tax if is_invoice else ZERO,
                ZERO if is_invoice else invoice.total_incl_tax,
            )
        )
    for payment in payments.order_by("received_on", "pk").only("received_on", "reference", "amount"):
        moves.append(
            (
                payment.received_on,
                1,
                payment.pk,
                _("Règlement"),
                payment.reference,
                None,
                ZERO,
                payment.amount,
            )
        )
    opening = _opening(tenant, payer, date_from)
    balance = opening
    lines = []
    for date, _order, _pk, kind, number, due_date, debit, credit in sorted(moves, key=lambda move: move[:3]):
        balance += debit - credit
        lines.append(StatementLine(date, kind, number, due_date, debit, credit, balance))
    return Statement(date_from=date_from, date_to=date_to, opening=opening, lines=lines)


def last_operations(*, tenant: Company, payer: ThirdParty, limit: int = 5) -> list[StatementLine]:
    """The payer's latest invoices, credit notes and payments, newest first (two queries)."""
    from django.utils.translation import gettext as _

    rows = []
    for invoice in _validated(tenant, payer).order_by("-invoice_date", "-pk")[:limit]:
        is_invoice = invoice.kind == InvoiceKind.INVOICE
        rows.append(
            StatementLine(
                invoice.invoice_date,
                _("Facture") if is_invoice else _("Avoir"),
                invoice.number,
                invoice.due_date,
                invoice.total_incl_tax if is_invoice else ZERO,
                ZERO if is_invoice else invoice.total_incl_tax,
                ZERO,
            )
        )
    for payment in Payment.objects.filter(tenant=tenant, customer=payer).order_by("-received_on", "-pk")[
        :limit
    ]:
        rows.append(
            StatementLine(
                payment.received_on, _("Règlement"), payment.reference, None, ZERO, payment.amount, ZERO
            )
        )
    return sorted(rows, key=lambda row: row.date, reverse=True)[:limit]
