"""The VMM (volume mensuel moyen) of a month, computed in SQL only, one set-based upsert per chunk.

Rules, for a tenant, a month M (its last day is "the end of M") and each (asset, meter type) that
has at least one reading (estimated or not) up to the end of M:

- Only non-estimated readings count ("usable" readings).
- End reading: the last usable reading up to the end of M. It must be within the 3 months before
  the end of M (on or after the end of M minus 3 months); older, the row has no value.
- Start reading: the usable reading closest to 12 months before the end of M, among those 9 to 15
  months before it (bounds included); of two readings equally close, the earlier one.
- Between the start and the end reading, a reading flagged as a counter replacement starts a new
  segment. VMM = Σ over segments (last - first value) ÷ Σ over segments (days between their
  first and last reading ÷ 30.4375). Computed as the sum over consecutive usable readings of the
  same segment (a replacement reading is never the end of such a pair), which is the same sum.
- Rounded half away from zero to 2 decimals by PostgreSQL's numeric ``round()``; the division
  is numeric (exact), never float. Python never touches the value.
- Without a value the row stores why (first applicable reason, in this order):
  fewer than two usable readings up to the end of M → ``REASON_FEW``; stale end reading →
  ``REASON_STALE``; no start reading → ``REASON_NO_START``; no day between readings of one
  segment (only replacements) → ``REASON_NO_SPAN``.
- ``last_reading_on`` is the end reading's date (the last usable reading, even when stale).

The upsert (``INSERT … ON CONFLICT (tenant, asset, meter type, month) DO UPDATE … WHERE … IS
DISTINCT FROM …``) writes a row only when its value, reason, last reading date or owner (customer,
site, business line copied from the asset) changed; ``computed_at`` is set only then, so a rerun
that changes nothing writes 0 rows and keeps "calculé le". Rows of a pair whose readings have all
been deleted since are left as they are.

Readings are read once, in the order of ``meterreading_scan_idx`` (tenant, asset, meter type,
date INCLUDE value and flags): an index-only scan, a small incremental sort on the estimated
flag, one window pass and one group aggregate.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.db import connection

REASON_FEW = "Moins de deux relevés non estimés"
REASON_STALE = "Dernier relevé trop ancien"
REASON_NO_START = "Aucun relevé entre 9 et 15 mois avant la fin du mois"
REASON_NO_SPAN = "Aucune période mesurable entre deux relevés (remplacement du compteur)"

FRESH_MONTHS = 3
START_MONTHS = 12
START_NEAREST_MONTHS = 9
START_FARTHEST_MONTHS = 15

# Per row of a (pair, estimated flag) partition, in date order: the previous reading, and over
# the whole partition the end date and the start reading's key: |date - target| * 2, + 1 when
# after the target, so that the smallest key is the closest reading and, on a tie, the earlier.
_VMM_UPSERT = """
WITH ordered AS (
    SELECT r.asset_id, r.meter_type_id, r.read_on, r.value, r.is_estimated, r.is_replacement,
           lag(r.read_on) OVER w AS prev_on,
           lag(r.value) OVER w AS prev_value,
           count(*) OVER w AS n,
           max(r.read_on) OVER w AS end_on,
           min(CASE WHEN r.read_on BETWEEN %(start_from)s AND %(start_to)s
                    THEN abs(r.read_on - %(target)s) * 2 + (r.read_on > %(target)s)::int END) OVER w
               AS start_key
    FROM parc_meterreading r
    WHERE r.tenant_id = %(tenant)s AND r.asset_id BETWEEN %(first)s AND %(last)s
      AND r.read_on <= %(end)s
    WINDOW w AS (PARTITION BY r.asset_id, r.meter_type_id, r.is_estimated ORDER BY r.read_on
                 ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
), located AS (
    SELECT o.*,
           %(target)s::date + CASE WHEN o.start_key %% 2 = 1 THEN (o.start_key - 1) / 2
                                    ELSE -(o.start_key / 2) END AS start_on
    FROM ordered o
), pairs AS (
    SELECT asset_id, meter_type_id,
           coalesce(max(n) FILTER (WHERE NOT is_estimated), 0) AS n,
           max(end_on) FILTER (WHERE NOT is_estimated) AS end_on,
           min(start_key) FILTER (WHERE NOT is_estimated) AS start_key,
           sum(value - prev_value) FILTER (WHERE NOT is_estimated AND NOT is_replacement
                                                AND prev_on >= start_on) AS delta,
           coalesce(sum(read_on - prev_on) FILTER (WHERE NOT is_estimated AND NOT is_replacement
                                                       AND prev_on >= start_on), 0) AS days
    FROM located
    GROUP BY asset_id, meter_type_id
), volumes AS (
    SELECT asset_id, meter_type_id, end_on,
           CASE WHEN n < 2 THEN %(few)s
                WHEN end_on < %(fresh_from)s THEN %(stale)s
                WHEN start_key IS NULL THEN %(no_start)s
                WHEN days = 0 THEN %(no_span)s
                ELSE '' END AS reason,
           delta, days
    FROM pairs
)
INSERT INTO parc_monthlyvolume AS mv (
    tenant_id, customer_id, site_id, business_line_id, asset_id, meter_type_id, month,
    value, reason, last_reading_on, computed_at
)
SELECT a.tenant_id, a.customer_id, a.site_id, a.business_line_id, v.asset_id, v.meter_type_id,
       %(month)s, CASE WHEN v.reason = '' THEN round(v.delta * 30.4375 / v.days, 2) END,
       v.reason, v.end_on, now()
FROM volumes v
JOIN parc_asset a ON a.id = v.asset_id AND a.tenant_id = %(tenant)s
ON CONFLICT (tenant_id, asset_id, meter_type_id, month) DO UPDATE
SET value = EXCLUDED.value, reason = EXCLUDED.reason, last_reading_on = EXCLUDED.last_reading_on,
    customer_id = EXCLUDED.customer_id, site_id = EXCLUDED.site_id,
    business_line_id = EXCLUDED.business_line_id, computed_at = EXCLUDED.computed_at
WHERE (mv.value, mv.reason, mv.last_reading_on, mv.customer_id, mv.site_id, mv.business_line_id)
      IS DISTINCT FROM (EXCLUDED.value, EXCLUDED.reason, EXCLUDED.last_reading_on,
                        EXCLUDED.customer_id, EXCLUDED.site_id, EXCLUDED.business_line_id)
"""


def month_first(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_last(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def months_before(day: datetime.date, months: int) -> datetime.date:
    """``day`` minus ``months`` months, the day clipped to the month's length (as PostgreSQL's
    ``date - interval 'n months'``)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class VmmWindow:
    """The dates the rules use for a month."""

    month: datetime.date
    end: datetime.date
    fresh_from: datetime.date
    target: datetime.date
    start_from: datetime.date
    start_to: datetime.date

    @classmethod
    def of(cls, month: datetime.date) -> VmmWindow:
        month = month_first(month)
        end = month_last(month)
        return cls(
            month=month,
            end=end,
            fresh_from=months_before(end, FRESH_MONTHS),
            target=months_before(end, START_MONTHS),
            start_from=months_before(end, START_FARTHEST_MONTHS),
            start_to=months_before(end, START_NEAREST_MONTHS),
        )


def vmm_upsert(*, tenant_id: int, month: datetime.date, first_asset_id: int, last_asset_id: int) -> int:
    """Compute and store the VMM of ``month`` for the tenant's assets whose id lies in
    [first_asset_id, last_asset_id]; one statement. Returns the number of rows written (inserted
    or changed). Runs in the caller's transaction."""
    window = VmmWindow.of(month)
    params = {
        "tenant": tenant_id,
        "first": first_asset_id,
        "last": last_asset_id,
        "month": window.month,
        "end": window.end,
        "fresh_from": window.fresh_from,
        "target": window.target,
        "start_from": window.start_from,
        "start_to": window.start_to,
        "few": REASON_FEW,
        "stale": REASON_STALE,
        "no_start": REASON_NO_START,
        "no_span": REASON_NO_SPAN,
    }
    with connection.cursor() as cursor:
        cursor.execute(_VMM_UPSERT, params)
        return cursor.rowcount
