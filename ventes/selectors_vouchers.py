"""Reads of a customer's purchase vouchers (bons d'achat): the usable ones (not used up, not
expired) and their total available; two queries whatever their number."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import Coalesce

from crm.models import Company
from tiers.models import ThirdParty

from .amounts import ZERO
from .models import Voucher
from .selectors_account import AMOUNT, LIST_LIMIT


@dataclass(frozen=True)
class VoucherSummary:
    vouchers: list[Voucher]
    available: Decimal
    count: int


def _usable(*, tenant: Company, customer: ThirdParty, today: datetime.date) -> QuerySet[Voucher]:
    return Voucher.objects.filter(
        tenant=tenant, customer=customer, remaining_amount__gt=0, expires_on__gte=today
    )


def usable_vouchers(
    *, tenant: Company, customer: ThirdParty, today: datetime.date, limit: int = LIST_LIMIT
) -> VoucherSummary:
    """The usable vouchers, soonest expiring first (at most ``limit``), and the total available."""
    totals = _usable(tenant=tenant, customer=customer, today=today).aggregate(
        available=Coalesce(Sum("remaining_amount"), ZERO, output_field=AMOUNT), count=Count("pk")
    )
    rows = _usable(tenant=tenant, customer=customer, today=today).order_by("expires_on", "pk")
    return VoucherSummary(vouchers=list(rows[:limit]), available=totals["available"], count=totals["count"])
