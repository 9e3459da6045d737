"""Demo data of meters: per company, the reference meter and contract types
(parc_reference_ensure), then 24 monthly readings of the NOIR meter of every printing asset and of
the COULEUR meter of colour ones, with a few estimated readings and a few counter replacements.

Printing assets are the assets of the "IMP" business line (all assets when the company has none
of that line); an asset is a colour one when its article's label or sub-family says so ("couleur"). Readings are monotonic per meter except at a
replacement, as reading_add would accept them.

Rows are built in memory and inserted with bulk_create_in_batches (the service's per-row checks
and audit would take hours at --scale large: 5,000 assets of the big customer alone give 240,000
readings), streaming the assets so memory stays flat. Skips gracefully when the assets step has
not run (no assets). Idempotent: a company that already has readings is left as it is.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from crm.demo import DemoContext, bulk_create_in_batches

READING_MONTHS = 24
READING_DAY = 5
PRINTING_LINE = "IMP"
REPLACEMENT_SHARE = 0.02
ESTIMATED_SHARE = 0.03


@dataclass(frozen=True)
class PrintingAsset:
    pk: int
    customer_id: int
    site_id: int | None
    business_line_id: int | None
    is_colour: bool


def printing_assets(company) -> Iterator[PrintingAsset]:
    """The company's printing assets by customer then id, streamed (shared with demo_contracts)."""
    from .models import Asset

    assets = Asset.objects.filter(tenant=company)
    if assets.filter(business_line__code=PRINTING_LINE).exists():
        assets = assets.filter(business_line__code=PRINTING_LINE)
    rows = assets.order_by("customer_id", "pk").values_list(
        "pk", "customer_id", "site_id", "business_line_id", "article__label", "article__sub_family__label"
    )
    for pk, customer_id, site_id, line_id, article_label, sub_family_label in rows.iterator(chunk_size=5_000):
        colour = "couleur" in f"{article_label} {sub_family_label or ''}".lower()
        yield PrintingAsset(pk, customer_id, site_id, line_id, colour)


def reading_dates(today: datetime.date) -> list[datetime.date]:
    from .selectors_meters import months_back

    return [months_back(today, back).replace(day=READING_DAY) for back in range(READING_MONTHS, 0, -1)]


def seed(ctx: DemoContext) -> None:
    from crm.services.tenant_binding import tenant_context

    from .models import BLACK, COLOUR, MeterReading, MeterType
    from .services.reference import parc_reference_ensure

    dates = reading_dates(ctx.today)
    for company in ctx.companies:
        with tenant_context(company):
            parc_reference_ensure(company)
            if MeterReading.objects.filter(tenant=company).exists():
                continue
            types = {t.code: t.pk for t in MeterType.objects.filter(tenant=company, code__in=[BLACK, COLOUR])}

            def rows(company=company, types=types) -> Iterator:
                for asset in printing_assets(company):
                    meters = [(types[BLACK], 800, 6_000)]
                    if asset.is_colour:
                        meters.append((types[COLOUR], 150, 2_500))
                    for meter_type_id, low, high in meters:
                        yield from _meter_readings(ctx, asset, meter_type_id, dates, low, high)

            count = bulk_create_in_batches(MeterReading, rows(), tenant=company)
            ctx.out(f"    {company.code} : {count} relevés")


def _meter_readings(ctx: DemoContext, asset: PrintingAsset, meter_type_id: int, dates, low: int, high: int):
    from .models import MeterReading, ReadingSource

    rng = ctx.rng
    value = rng.randint(1_000, 80_000)
    replaced_at = rng.randrange(1, len(dates)) if rng.random() < REPLACEMENT_SHARE else None
    for index, read_on in enumerate(dates):
        is_replacement = index == replaced_at
        value = rng.randint(0, 500) if is_replacement else value + rng.randint(low, high)
        yield MeterReading(
            asset_id=asset.pk,
            customer_id=asset.customer_id,
            site_id=asset.site_id,
            business_line_id=asset.business_line_id,
            meter_type_id=meter_type_id,
            read_on=read_on,
            value=value,
            source=ReadingSource.TELEMETRY if index % 3 else ReadingSource.TECHNICIAN,
            is_estimated=not is_replacement and rng.random() < ESTIMATED_SHARE,
            is_replacement=is_replacement,
        )
