"""Permission matrix entry of the synthèse's export form (synthese/views/exports.py); see
tests/matrix.py. It needs the synthèse's and the export permission; tenant B's user gets 404."""

from __future__ import annotations

from tests.matrix import Entry, MatrixContext
from tests.tiers.factories_sites_banks import CustomerFactory


def _customer(ctx: MatrixContext) -> dict:
    return {"pk": CustomerFactory(tenant=ctx.tenant).pk}


ENTRIES = {
    "synthese:export": Entry(kwargs=_customer, tenant_object=True),
}
