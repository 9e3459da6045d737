"""Reads of meters: readings (relevés) and monthly volumes (VMM) of an asset, the neighbours a new
reading is checked against, and the meter types of the tenant.

The neighbour query reads only columns of ``meterreading_scan_idx`` (tenant, asset, meter type,
date INCLUDE value and flags), so PostgreSQL answers it from the index.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from crm.models import Company
from tiers.selectors import visible_q

from .models import Asset, MeterReading, MeterType, MonthlyVolume
from .selectors_assets import assets_visible

HISTORY_MONTHS = 24
NEIGHBOUR_FIELDS = ("read_on", "value", "is_replacement")


def meter_types_of(*, tenant: Company) -> QuerySet[MeterType]:
    return MeterType.objects.filter(tenant=tenant).order_by("position", "code")


def months_back(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month ``months`` before ``day``'s month."""
    index = day.year * 12 + day.month - 1 - months
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Neighbour:
    read_on: datetime.date
    value: int
    is_replacement: bool


def reading_neighbours_queryset(
    *,
    tenant: Company,
    asset_id: int,
    meter_type_id: int,
    read_on: datetime.date,
    exclude_pk: int | None = None,
) -> QuerySet:
    """One query: the last non-estimated reading before ``read_on`` and the first one after it
    (estimated readings are never neighbours), as value rows ``(read_on, value, is_replacement)``."""
    base = MeterReading.objects.filter(
        tenant=tenant, asset_id=asset_id, meter_type_id=meter_type_id, is_estimated=False
    )
    if exclude_pk is not None:
        base = base.exclude(pk=exclude_pk)
    previous = base.filter(read_on__lt=read_on).order_by("-read_on").values_list(*NEIGHBOUR_FIELDS)[:1]
    following = base.filter(read_on__gt=read_on).order_by("read_on").values_list(*NEIGHBOUR_FIELDS)[:1]
    return previous.union(following, all=True)


def reading_neighbours(
    *,
    tenant: Company,
    asset_id: int,
    meter_type_id: int,
    read_on: datetime.date,
    exclude_pk: int | None = None,
) -> tuple[Neighbour | None, Neighbour | None]:
    """(previous, next) non-estimated readings of the asset's meter around ``read_on``."""
    previous = following = None
    rows = reading_neighbours_queryset(
        tenant=tenant, asset_id=asset_id, meter_type_id=meter_type_id, read_on=read_on, exclude_pk=exclude_pk
    )
    for row in rows:
        neighbour = Neighbour(*row)
        if neighbour.read_on < read_on:
            previous = neighbour
        else:
            following = neighbour
    return previous, following


def asset_get_for_readings(*, tenant: Company, user, pk: int) -> Asset:
    """The asset ``pk`` with what the readings page shows, if ``user`` may see its customer."""
    return assets_visible(tenant=tenant, user=user).select_related("customer", "site", "article").get(pk=pk)


def asset_readings(*, tenant: Company, asset: Asset, since: datetime.date) -> QuerySet[MeterReading]:
    """The asset's readings since ``since``, newest first, with their meter type."""
    return (
        MeterReading.objects.filter(tenant=tenant, asset=asset, read_on__gte=since)
        .select_related("meter_type")
        .order_by("-read_on", "meter_type__position", "meter_type__code")
    )


def asset_monthly_volumes(*, tenant: Company, asset: Asset, since: datetime.date) -> QuerySet[MonthlyVolume]:
    return (
        MonthlyVolume.objects.filter(tenant=tenant, asset=asset, month__gte=since)
        .select_related("meter_type")
        .order_by("-month", "meter_type__position", "meter_type__code")
    )


def asset_meters_context(*, tenant: Company, asset: Asset, today: datetime.date | None = None) -> dict:
    """The readings section of an asset (readings page and asset detail page): the last
    ``HISTORY_MONTHS`` months of readings and VMM; two queries whatever the asset's history."""
    since = months_back(today or timezone.localdate(), HISTORY_MONTHS)
    return {
        "readings": list(asset_readings(tenant=tenant, asset=asset, since=since)),
        "monthly_volumes": list(asset_monthly_volumes(tenant=tenant, asset=asset, since=since)),
        "history_since": since,
        "history_months": HISTORY_MONTHS,
    }


def reading_get_visible(*, tenant: Company, user, pk: int) -> MeterReading:
    """The reading ``pk`` if ``user`` may see its customer; raises MeterReading.DoesNotExist."""
    return (
        MeterReading.objects.filter(tenant=tenant)
        .filter(visible_q(tenant=tenant, user=user, field="customer"))
        .select_related("asset", "meter_type", "customer")
        .get(pk=pk)
    )
