"""Permission matrix entries of the meter reading pages (parc/views/meters.py); see tests/matrix.py.
The POSTs are tested in tests/parc/test_meters_views.py."""

from __future__ import annotations

from tests.matrix import Entry, MatrixContext
from tests.parc.factories_assets import AssetFactory
from tests.parc.factories_meters import MeterReadingFactory


def _asset(ctx: MatrixContext) -> dict:
    return {"pk": AssetFactory(tenant=ctx.tenant).pk}


def _reading(ctx: MatrixContext) -> dict:
    return {"pk": MeterReadingFactory(asset=AssetFactory(tenant=ctx.tenant)).pk}


ENTRIES = {
    "parc:asset_readings": Entry(kwargs=_asset, tenant_object=True),
    "parc:reading_create": Entry(kwargs=_asset, tenant_object=True),
    "parc:reading_delete": Entry(kwargs=_reading, tenant_object=True),
}
