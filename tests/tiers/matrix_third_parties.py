"""Permission matrix entries of the third party's own pages (tiers/views/third_parties.py);
see tests/matrix.py.

Every URL but ``tiers:create`` carries a tenant-A third party: tenant B's user gets 404. The GET
of each page is called (the confirmation page for close and reopen); the POSTs are tested in
tests/tiers/test_third_parties_views.py.
"""

from __future__ import annotations

from django.utils import timezone

from crm.rights import COMMERCIAL
from tests.matrix import Entry, MatrixContext
from tests.tiers.factories_third_parties import TPFactory


def _third_party(ctx: MatrixContext) -> dict:
    """An open, unreserved customer of tenant A: every role of tenant A may see it."""
    return {"pk": TPFactory(tenant=ctx.tenant).pk}


def _closed_third_party(ctx: MatrixContext) -> dict:
    return {"pk": TPFactory(tenant=ctx.tenant, is_closed=True, closed_at=timezone.now()).pk}


ENTRIES = {
    "tiers:create": Entry(),
    "tiers:update": Entry(kwargs=_third_party, tenant_object=True),
    "tiers:addresses": Entry(kwargs=_third_party, tenant_object=True),
    "tiers:close": Entry(kwargs=_third_party, tenant_object=True),
    # A closed third party is hidden from a role without crm.view_closed_accounts: the Commercial
    # may change third parties but cannot see this one, so it is a 404 like a missing row.
    "tiers:reopen": Entry(kwargs=_closed_third_party, tenant_object=True, statuses={COMMERCIAL: 404}),
    "tiers:roles": Entry(kwargs=_third_party, tenant_object=True),
    # Only Manager and Administrateur hold tiers.change_thirdpartyalloweduser.
    "tiers:access": Entry(kwargs=_third_party, tenant_object=True),
}
