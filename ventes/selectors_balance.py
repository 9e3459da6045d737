"""Aged balance (balance âgée) at a date, per payer, in one SQL aggregation.

At date ``at``, each validated invoice dated on or before ``at`` counts for its TTC amount less
the payments allocated to it that were received on or before ``at``; a validated credit note
counts negatively for its TTC amount. The open amount goes to a bucket by days past due at
``at``: not due (due date after ``at``), 0-30, 31-60, 61-90 and more than 90 days. The buckets
are date ranges on ``due_date`` (no per-row arithmetic).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    DecimalField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from crm.models import Company
from tiers.selectors import visible_q

from .amounts import ZERO
from .models import Invoice, InvoiceKind, InvoiceState, PaymentAllocation

AMOUNT = DecimalField(max_digits=16, decimal_places=2)
BUCKETS = (
    ("not_due", _("Non échu")),
    ("days_0_30", _("0 à 30 jours")),
    ("days_31_60", _("31 à 60 jours")),
    ("days_61_90", _("61 à 90 jours")),
    ("over_90", _("Plus de 90 jours")),
)


def _bucket_filters(at: datetime.date) -> dict[str, Q]:
    def before(days: int) -> datetime.date:
        return at - datetime.timedelta(days=days)

    return {
        "not_due": Q(due_date__gt=at),
        "days_0_30": Q(due_date__lte=at, due_date__gte=before(30)),
        "days_31_60": Q(due_date__lt=before(30), due_date__gte=before(60)),
        "days_61_90": Q(due_date__lt=before(60), due_date__gte=before(90)),
        "over_90": Q(due_date__lt=before(90)),
    }


def _open_at(tenant: Company, at: datetime.date):
    paid = (
        PaymentAllocation.objects.filter(tenant=tenant, invoice=OuterRef("pk"), payment__received_on__lte=at)
        .order_by()
        .values("invoice")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    invoice_open = F("total_incl_tax") - Coalesce(Subquery(paid, output_field=AMOUNT), Value(ZERO))
    return Case(
        When(kind=InvoiceKind.CREDIT_NOTE, then=-F("total_incl_tax")),
        default=invoice_open,
        output_field=AMOUNT,
    )


def aged_balance_rows(*, tenant: Company, user, at: datetime.date, payer=None) -> QuerySet:
    """One row per payer with a balance at ``at``: payer_id, payer__code, payer__name, the
    buckets of BUCKETS and ``total``; biggest total first."""
    invoices = Invoice.objects.filter(tenant=tenant, state=InvoiceState.VALIDATED, invoice_date__lte=at)
    invoices = invoices.filter(visible_q(tenant=tenant, user=user, field="payer"))
    if payer is not None:
        invoices = invoices.filter(payer=payer)
    open_at = _open_at(tenant, at)
    sums = {
        name: Coalesce(Sum(open_at, filter=condition), Value(ZERO), output_field=AMOUNT)
        for name, condition in _bucket_filters(at).items()
    }
    return (
        invoices.order_by()
        .values("payer_id", "payer__code", "payer__name")
        .annotate(**sums, total=Coalesce(Sum(open_at), Value(ZERO), output_field=AMOUNT))
        .exclude(total=0)
        .order_by("-total", "payer__code")
    )


@dataclass(frozen=True)
class AgedBalance:
    not_due: Decimal = ZERO
    days_0_30: Decimal = ZERO
    days_31_60: Decimal = ZERO
    days_61_90: Decimal = ZERO
    over_90: Decimal = ZERO
    total: Decimal = ZERO

    def buckets(self) -> list[tuple[str, Decimal]]:
        return [(str(label), getattr(self, name)) for name, label in BUCKETS]


def aged_balance_of(*, tenant: Company, user, payer, at: datetime.date) -> AgedBalance:
    """The aged balance of one payer at ``at`` (one query)."""
    row = next(iter(aged_balance_rows(tenant=tenant, user=user, at=at, payer=payer)), None)
    if row is None:
        return AgedBalance()
    return AgedBalance(**{name: row[name] for name, _label in BUCKETS}, total=row["total"])
