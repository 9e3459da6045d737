"""Permission matrix entries of the prospect lifecycle and delete pages (tiers/views/lifecycle.py);
see tests/matrix.py.

Every URL carries a tenant-A third party: tenant B's user gets 404. The GET (the confirmation page,
the conversion form) is called; the POSTs are tested in test_lifecycle_views.py and test_delete.py.
Validate and convert need crm.validate_prospect (not the Technicien); delete needs
crm.delete_thirdparty and tiers.delete_thirdparty (Manager, Administrateur).
"""

from __future__ import annotations

from tests.matrix import Entry, MatrixContext
from tests.tiers.factories_lifecycle import ProspectFactory
from tests.tiers.factories_third_parties import TPFactory


def _draft_prospect(ctx: MatrixContext) -> dict:
    return {"pk": ProspectFactory(tenant=ctx.tenant).pk}


def _customer(ctx: MatrixContext) -> dict:
    return {"pk": TPFactory(tenant=ctx.tenant).pk}


ENTRIES = {
    "tiers:prospect_validate": Entry(kwargs=_draft_prospect, tenant_object=True),
    "tiers:prospect_convert": Entry(kwargs=_draft_prospect, tenant_object=True),
    "tiers:delete": Entry(kwargs=_customer, tenant_object=True),
}
