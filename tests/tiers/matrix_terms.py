"""Permission matrix entries of the terms, representatives and invoice footer pages
(tiers/views/terms.py, terms_footer.py); see tests/matrix.py. Every URL carries a tenant-A third
party (and row): tenant B's user gets 404. The GET of each page is called (the confirmation page
for removals); the POSTs are tested in tests/tiers/test_terms_views.py and test_terms_footer.py."""

from __future__ import annotations

from tests.matrix import Entry, MatrixContext
from tests.tiers.factories_sites_banks import CustomerFactory
from tests.tiers.factories_terms import FollowUpFactory, InvoiceFooterItemFactory, SecondaryRepFactory


def _third_party(ctx: MatrixContext) -> dict:
    return {"pk": CustomerFactory(tenant=ctx.tenant).pk}


def _secondary_rep(ctx: MatrixContext) -> dict:
    row = SecondaryRepFactory(third_party=CustomerFactory(tenant=ctx.tenant))
    return {"pk": row.third_party_id, "row_pk": row.pk}


def _follow_up(ctx: MatrixContext) -> dict:
    row = FollowUpFactory(third_party=CustomerFactory(tenant=ctx.tenant))
    return {"pk": row.third_party_id, "row_pk": row.pk}


def _footer_item(ctx: MatrixContext) -> dict:
    row = InvoiceFooterItemFactory(third_party=CustomerFactory(tenant=ctx.tenant))
    return {"pk": row.third_party_id, "row_pk": row.pk}


ENTRIES = {
    "tiers:terms": Entry(kwargs=_third_party, tenant_object=True),
    "tiers:secondary_reps": Entry(kwargs=_third_party, tenant_object=True),
    "tiers:secondary_rep_delete": Entry(kwargs=_secondary_rep, tenant_object=True),
    "tiers:follow_ups": Entry(kwargs=_third_party, tenant_object=True),
    "tiers:follow_up_update": Entry(kwargs=_follow_up, tenant_object=True),
    "tiers:follow_up_delete": Entry(kwargs=_follow_up, tenant_object=True),
    "tiers:footer_items": Entry(kwargs=_third_party, tenant_object=True),
    "tiers:footer_item_update": Entry(kwargs=_footer_item, tenant_object=True),
    "tiers:footer_item_delete": Entry(kwargs=_footer_item, tenant_object=True),
}
