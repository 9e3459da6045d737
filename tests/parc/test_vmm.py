"""The VMM computation (parc.services.vmm) on hand-computed cases.

Month M = March 2025: end of M 31/03/2025; fresh end readings from 31/12/2024; start target
31/03/2024, start readings between 31/12/2023 and 30/06/2024. VMM = Σ deltas * 30.4375 / Σ days.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django_scopes import scope

from parc.models import MonthlyVolume
from parc.services.vmm import (
    REASON_FEW,
    REASON_NO_SPAN,
    REASON_NO_START,
    REASON_STALE,
    VmmWindow,
    vmm_upsert,
)
from tests.parc.factories_assets import AssetFactory
from tests.parc.factories_meters import MeterReadingFactory, MeterTypeFactory

MARCH = datetime.date(2025, 3, 1)
D = datetime.date
LONG_AGO = datetime.datetime(2025, 4, 1, 2, 0, tzinfo=datetime.UTC)


@pytest.fixture
def asset(in_tenant):
    return AssetFactory(tenant=in_tenant)


@pytest.fixture
def black(in_tenant):
    return MeterTypeFactory(tenant=in_tenant, code="NOIR")


def readings(asset, meter_type, rows) -> None:
    """rows: (date, value) or (date, value, flags) with flags in {"estimated", "replacement"}."""
    for row in rows:
        read_on, value, *flags = row
        MeterReadingFactory(
            asset=asset,
            meter_type=meter_type,
            read_on=read_on,
            value=value,
            is_estimated="estimated" in flags,
            is_replacement="replacement" in flags,
        )


def compute(asset, month=MARCH) -> int:
    return vmm_upsert(tenant_id=asset.tenant_id, month=month, first_asset_id=asset.pk, last_asset_id=asset.pk)


def volume(asset, meter_type, month=MARCH) -> MonthlyVolume:
    return MonthlyVolume.objects.get(asset=asset, meter_type=meter_type, month=month)


def monthly_15th(first_value=10_000, step=1_000):
    """Readings on the 15th of each month, January 2024 to March 2025, +1,000 a month."""
    days = [D(2024 + (m - 1) // 12, (m - 1) % 12 + 1, 15) for m in range(1, 16)]
    return [(day, first_value + step * index) for index, day in enumerate(days)]


def test_window_dates_of_a_month():
    assert VmmWindow.of(D(2025, 3, 1)) == VmmWindow(
        month=D(2025, 3, 1),
        end=D(2025, 3, 31),
        fresh_from=D(2024, 12, 31),
        target=D(2024, 3, 31),
        start_from=D(2023, 12, 31),
        start_to=D(2024, 6, 30),
    )
    # End of May minus 3 months is clipped to the end of February, as in PostgreSQL.
    assert VmmWindow.of(D(2025, 5, 1)).fresh_from == D(2025, 2, 28)


def test_regular_monthly_readings(asset, black):
    # Start: 15/04/2024 (15 days after the target, 15/03 is 16 days before); end: 15/03/2025.
    # 11 months * 1,000 = 11,000 over 334 days: 11,000 * 30.4375 / 334 = 1,002.4326… → 1,002.43
    readings(asset, black, monthly_15th())

    assert compute(asset) == 1
    row = volume(asset, black)
    assert (row.value, row.reason, row.last_reading_on) == (Decimal("1002.43"), "", D(2025, 3, 15))
    assert (row.customer_id, row.tenant_id) == (asset.customer_id, asset.tenant_id)


def test_estimated_readings_are_ignored(asset, black):
    # Same as the regular case: an estimated reading on the target day would be the start, and
    # one on 30/03/2025 would be the end; both are ignored → 1,002.43 and end 15/03/2025.
    readings(
        asset, black, [*monthly_15th(), (D(2024, 3, 31), 99, "estimated"), (D(2025, 3, 30), 1, "estimated")]
    )

    compute(asset)

    row = volume(asset, black)
    assert (row.value, row.last_reading_on) == (Decimal("1002.43"), D(2025, 3, 15))


def test_counter_replacement_splits_segments(asset, black):
    # Segment 1: 31/03/2024 50,000 → 30/09/2024 56,000: +6,000 in 183 days.
    # Segment 2 (new counter): 15/10/2024 200 → 31/03/2025 3,200: +3,000 in 167 days.
    # 9,000 * 30.4375 / 350 = 782.6785… → 782.68 (the drop 56,000 → 200 is not counted).
    readings(
        asset,
        black,
        [
            (D(2024, 3, 31), 50_000),
            (D(2024, 9, 30), 56_000),
            (D(2024, 10, 15), 200, "replacement"),
            (D(2025, 3, 31), 3_200),
        ],
    )

    compute(asset)

    assert volume(asset, black).value == Decimal("782.68")


def test_irregular_dates_and_start_tie_takes_the_earlier(asset, black):
    # 10/02/2024 and 20/05/2024 are both 50 days from the target 31/03/2024: the earlier starts.
    # 10/02/2024 1,000 → 07/01/2025 7,000: 6,000 in 332 days → 6,000 * 30.4375 / 332 = 550.0753 → 550.08
    readings(
        asset,
        black,
        [(D(2024, 2, 10), 1_000), (D(2024, 5, 20), 2_000), (D(2024, 8, 3), 3_500), (D(2025, 1, 7), 7_000)],
    )

    compute(asset)

    row = volume(asset, black)
    assert (row.value, row.last_reading_on) == (Decimal("550.08"), D(2025, 1, 7))


def test_half_is_rounded_away_from_zero(asset, black):
    # 438 in 365 days: 438 * 30.4375 / 365 = 36.525 exactly → 36.53 (half-even would give 36.52).
    readings(asset, black, [(D(2024, 3, 31), 1_000), (D(2025, 3, 31), 1_438), (D(2025, 4, 2), 9_999)])

    compute(asset)

    assert volume(asset, black).value == Decimal("36.53")


def test_stale_end_reading_gives_no_value(asset, black):
    readings(asset, black, [(D(2024, 3, 31), 1_000), (D(2024, 12, 30), 5_000)])

    compute(asset)

    row = volume(asset, black)
    assert (row.value, row.reason, row.last_reading_on) == (None, REASON_STALE, D(2024, 12, 30))
    assert REASON_STALE == "Dernier relevé trop ancien"


def test_end_reading_exactly_three_months_old_still_counts(asset, black):
    # 31/03/2024 → 31/12/2024: +2,750 in 275 days → 2,750 * 30.4375 / 275 = 304.375 → 304.38
    readings(asset, black, [(D(2024, 3, 31), 1_000), (D(2024, 12, 31), 3_750)])

    compute(asset)

    assert volume(asset, black).value == Decimal("304.38")


def test_fewer_than_two_readings_gives_no_value(asset, black, in_tenant):
    colour = MeterTypeFactory(tenant=in_tenant, code="COULEUR", position=2)
    readings(asset, black, [(D(2025, 3, 10), 1_000)])
    readings(asset, colour, [(D(2025, 1, 10), 500, "estimated"), (D(2025, 2, 10), 600, "estimated")])

    assert compute(asset) == 2

    assert (volume(asset, black).value, volume(asset, black).reason) == (None, REASON_FEW)
    assert volume(asset, black).last_reading_on == D(2025, 3, 10)
    assert (volume(asset, colour).reason, volume(asset, colour).last_reading_on) == (REASON_FEW, None)
    assert REASON_FEW == "Moins de deux relevés non estimés"


def test_no_reading_9_to_15_months_before_gives_no_value(asset, black):
    readings(asset, black, [(D(2024, 7, 15), 1_000), (D(2025, 3, 15), 5_000)])

    compute(asset)

    assert (volume(asset, black).value, volume(asset, black).reason) == (None, REASON_NO_START)
    assert REASON_NO_START == "Aucun relevé entre 9 et 15 mois avant la fin du mois"


def test_only_a_replacement_between_start_and_end_gives_no_value(asset, black):
    readings(asset, black, [(D(2024, 3, 31), 1_000), (D(2025, 3, 31), 50, "replacement")])

    compute(asset)

    assert (volume(asset, black).value, volume(asset, black).reason) == (None, REASON_NO_SPAN)


def test_assets_whose_readings_all_come_after_the_month_get_no_row(asset, black):
    readings(asset, black, [(D(2025, 4, 5), 1_000), (D(2025, 5, 5), 2_000)])

    assert compute(asset) == 0
    assert not MonthlyVolume.objects.filter(asset=asset).exists()


def test_rerun_writes_nothing_and_keeps_computed_at(asset, black):
    readings(asset, black, monthly_15th())
    compute(asset)
    MonthlyVolume.objects.update(computed_at=LONG_AGO)  # the test runs in one transaction: now() is fixed

    assert compute(asset) == 0
    assert volume(asset, black).computed_at == LONG_AGO


def test_rerun_after_a_new_reading_rewrites_that_row_only(asset, black, in_tenant):
    other = AssetFactory(tenant=in_tenant)
    readings(asset, black, monthly_15th())
    readings(other, black, monthly_15th())
    vmm_upsert(
        tenant_id=in_tenant.pk,
        month=MARCH,
        first_asset_id=min(asset.pk, other.pk),
        last_asset_id=max(asset.pk, other.pk),
    )
    MonthlyVolume.objects.update(computed_at=LONG_AGO)
    # 15/04/2024 13,000 → 31/03/2025 24,600: 11,600 in 350 days → 1,008.7857… → 1,008.79
    readings(asset, black, [(D(2025, 3, 31), 24_600)])

    written = vmm_upsert(
        tenant_id=in_tenant.pk,
        month=MARCH,
        first_asset_id=min(asset.pk, other.pk),
        last_asset_id=max(asset.pk, other.pk),
    )

    assert written == 1
    assert volume(asset, black).value == Decimal("1008.79")
    assert volume(other, black).computed_at == LONG_AGO
    assert volume(asset, black).computed_at > LONG_AGO


def test_other_tenant_readings_are_not_read(asset, black, other_tenant):
    with scope(tenant=other_tenant):
        foreign = AssetFactory(tenant=other_tenant)
        readings(foreign, MeterTypeFactory(tenant=other_tenant, code="NOIR"), monthly_15th())

    written = vmm_upsert(
        tenant_id=asset.tenant_id, month=MARCH, first_asset_id=0, last_asset_id=foreign.pk + asset.pk
    )

    assert written == 0
    with scope(tenant=other_tenant):
        assert not MonthlyVolume.objects.filter(tenant=other_tenant).exists()
