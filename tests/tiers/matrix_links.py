"""Permission matrix entries of the link pages and the third-party picker (tiers/views/links.py);
see tests/matrix.py. The GET of each page is called (the form, the delete confirmation); the
POSTs are tested in tests/tiers/test_links_views.py."""

from __future__ import annotations

from tests.matrix import Entry, MatrixContext
from tests.tiers.factories_links import (
    CustomerFactory,
    FiliationLinkFactory,
    ManagementLinkFactory,
    RelationFactory,
)


def _third_party(ctx: MatrixContext) -> dict:
    return {"pk": CustomerFactory(tenant=ctx.tenant).pk}


def _management_link(ctx: MatrixContext) -> dict:
    link = ManagementLinkFactory(third_party=CustomerFactory(tenant=ctx.tenant))
    return {"pk": link.third_party_id, "link_pk": link.pk}


def _filiation_link(ctx: MatrixContext) -> dict:
    link = FiliationLinkFactory(third_party=CustomerFactory(tenant=ctx.tenant))
    return {"pk": link.linked_id, "link_pk": link.pk}


def _relation(ctx: MatrixContext) -> dict:
    relation = RelationFactory(source_third_party=CustomerFactory(tenant=ctx.tenant))
    return {"pk": relation.target_id, "link_pk": relation.pk}


ENTRIES = {
    "tiers:party_picker": Entry(data=lambda ctx: {"q": "Société", "kind": "client"}),
    "tiers:management_link_create": Entry(kwargs=_third_party, tenant_object=True),
    "tiers:management_link_update": Entry(kwargs=_management_link, tenant_object=True),
    "tiers:management_link_delete": Entry(kwargs=_management_link, tenant_object=True),
    "tiers:filiation_link_create": Entry(kwargs=_third_party, tenant_object=True),
    "tiers:filiation_link_delete": Entry(kwargs=_filiation_link, tenant_object=True),
    "tiers:relation_create": Entry(kwargs=_third_party, tenant_object=True),
    "tiers:relation_delete": Entry(kwargs=_relation, tenant_object=True),
}
