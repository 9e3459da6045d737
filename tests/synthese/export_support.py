"""Builders of the synthèse export tests: the filter-table world (tests/synthese/factories.py)
plus meters, readings, stored VMM, a financing and billing rules, and a helper running an
export in-process and reading the workbook back."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django_scopes import scope

from crm.models import ExportJob
from parc import models as parc
from synthese.exports import synthese_export_request
from tests.parc.factories_assets import FinancingFactory
from tests.parc.factories_contracts import BillingRuleFactory
from tests.parc.factories_meters import MeterReadingFactory, MeterTypeFactory
from tests.synthese.factories import World, build_world


@dataclass
class ParcWorld:
    world: World
    black: parc.MeterType
    colour: parc.MeterType
    rules: dict[str, parc.BillingRule]
    financing: parc.Financing


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _volume(asset, meter, month: datetime.date, value: str):
    return parc.MonthlyVolume.objects.create(
        tenant=asset.tenant,
        customer=asset.customer,
        site=asset.site,
        business_line=asset.business_line,
        asset=asset,
        meter_type=meter,
        month=month,
        value=Decimal(value),
        last_reading_on=month,
    )


def build_parc_world(tenant, *, owner=None, extra: int = 0) -> ParcWorld:
    """build_world, and for asset ``in``: NOIR readings 1000 (then 1500 estimated, ignored),
    COULEUR 300, a SCAN reading 42 (an "other" meter), VMM NOIR 100 then 120 (the last), a
    financing; contract C's rules: ``noir`` (meter NOIR at 0.0045), ``forfait`` (fixed) and
    ``inactive`` (never exported)."""
    world = build_world(tenant, owner=owner, extra=extra)
    asset = world.asset
    with scope(tenant=tenant):
        black = MeterTypeFactory(tenant=tenant, code=parc.BLACK, position=1)
        colour = MeterTypeFactory(tenant=tenant, code=parc.COLOUR, position=2)
        scan = MeterTypeFactory(tenant=tenant, code="SCAN", label="Scan", position=3)
        MeterReadingFactory(asset=asset, meter_type=black, read_on=datetime.date(2025, 1, 5), value=1000)
        MeterReadingFactory(
            asset=asset, meter_type=black, read_on=datetime.date(2025, 2, 5), value=1500, is_estimated=True
        )
        MeterReadingFactory(asset=asset, meter_type=colour, read_on=datetime.date(2025, 1, 5), value=300)
        MeterReadingFactory(asset=asset, meter_type=scan, read_on=datetime.date(2025, 1, 5), value=42)
        _volume(asset, black, datetime.date(2025, 1, 1), "100.00")
        _volume(asset, black, datetime.date(2025, 2, 1), "120.00")
        financing = FinancingFactory(asset=asset)
        rules = {
            "noir": BillingRuleFactory(
                contract=world.contract,
                position=1,
                code="RN",
                label="Copies noir",
                billing_type=parc.BillingType.METER,
                meter_type=black,
                unit_cost=Decimal("0.00450"),
                units_sold=1000,
            ),
            "forfait": BillingRuleFactory(contract=world.contract, position=2, code="RF", label="Forfait"),
            "inactive": BillingRuleFactory(
                contract=world.contract, position=3, code="RX", label="Ancienne règle", is_active=False
            ),
        }
    return ParcWorld(world, black, colour, rules, financing)


def run_export(tenant, user, customer, capture, *, sections, fmt="xlsx", query="") -> ExportJob:
    """Ask for the export and run it in-process (celery_eager); the finished job."""
    with scope(tenant=tenant), capture(execute=True):
        job = synthese_export_request(
            tenant=tenant, user=user, customer=customer, format=fmt, sections=sections, query=query
        )
    with scope(tenant=tenant):
        job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE, job.error
    return job


def workbook_of(job: ExportJob):
    from openpyxl import load_workbook

    with scope(tenant=job.tenant), job.file.open("rb") as handle:
        return load_workbook(io.BytesIO(handle.read()))


def sheet_rows(workbook, title: str) -> list[tuple]:
    return list(workbook[title].iter_rows(values_only=True))
