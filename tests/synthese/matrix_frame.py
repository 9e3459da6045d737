"""Permission matrix entries of the synthèse's frame (synthese/views/frame.py, panels.py,
preferences.py); see tests/matrix.py. Every URL names a tenant-A customer: tenant B's user gets
404. The column choice is saved for the "details" tab (tests/synthese/test_preferences.py tests
it with a tab of its own)."""

from __future__ import annotations

from tests.matrix import Entry, MatrixContext
from tests.tiers.factories_sites_banks import CustomerFactory


def _customer(ctx: MatrixContext) -> dict:
    return {"pk": CustomerFactory(tenant=ctx.tenant).pk}


def _columns(ctx: MatrixContext) -> dict:
    return {**_customer(ctx), "tab": "details"}


ENTRIES = {
    "synthese:customer": Entry(kwargs=_customer, tenant_object=True),
    "synthese:follow_ups": Entry(kwargs=_customer, tenant_object=True),
    "synthese:wiki": Entry(kwargs=_customer, tenant_object=True),
    "synthese:vault": Entry(kwargs=_customer, tenant_object=True),
    "synthese:columns": Entry(
        kwargs=_columns,
        method="post",
        data=lambda ctx: {"offertes": ["telephone"], "colonnes": []},
        success=302,
        tenant_object=True,
    ),
}
