"""Permission matrix entries of the merge pages (tiers/views/merge.py); see tests/matrix.py.

Only Manager and Administrateur hold crm.merge_thirdparty. Both URLs name tenant-A third
parties: tenant B's user gets 404. The POSTs are tested in tests/tiers/test_merge_views.py.
"""

from __future__ import annotations

from tests.matrix import Entry, MatrixContext
from tests.tiers.factories_sites_banks import CustomerFactory


def _third_party(ctx: MatrixContext) -> dict:
    return {"pk": CustomerFactory(tenant=ctx.tenant).pk}


def _pair(ctx: MatrixContext) -> dict:
    """Two open, unreserved customers of tenant A: the survivor and the one it absorbs."""
    return {"pk": CustomerFactory(tenant=ctx.tenant).pk, "loser_pk": CustomerFactory(tenant=ctx.tenant).pk}


ENTRIES = {
    "tiers:merge": Entry(kwargs=_third_party, tenant_object=True),
    "tiers:merge_preview": Entry(kwargs=_pair, tenant_object=True),
}
