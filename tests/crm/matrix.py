"""Permission matrix entries of the core's URLs (crm/urls.py, crm/exports/urls.py); see tests/matrix.py."""

from __future__ import annotations

from crm.models import ExportJob
from tests.factories import BusinessLineFactory
from tests.matrix import ANONYMOUS, NO_MEMBERSHIP, Entry, MatrixContext


def _own_membership(ctx: MatrixContext) -> dict:
    return {"membership": ctx.membership.pk if ctx.membership is not None else 0}


def _business_lines(ctx: MatrixContext) -> dict:
    return {"business_lines": [BusinessLineFactory(tenant=ctx.tenant).pk]}


def _pending_export(ctx: MatrixContext) -> dict:
    """A job of tenant A, owned by the actor when the actor is a member of tenant A."""
    with ctx.in_tenant():
        job = ExportJob.objects.create(
            tenant=ctx.tenant, owner=ctx.tenant_user(), exporter="users", format=ExportJob.Format.XLSX
        )
    return {"pk": job.pk}


# django.contrib.auth's views declare no permission_required: ``permission=None`` says that any
# logged-in user may use them. The account pages (/compte/) are open to a user without a
# membership (crm.middleware.TenantScopeMiddleware.OPEN_PREFIXES), hence their statuses.
ENTRIES = {
    "home": Entry(),
    "tenant_switch": Entry(method="post", data=_own_membership, success=302),
    "business_lines_update": Entry(method="post", data=_business_lines, success=302),
    # Public; a logged-in user is sent home (redirect_authenticated_user).
    "login": Entry(permission=None, success=302, statuses={ANONYMOUS: 200, NO_MEMBERSHIP: 302}),
    # POST only; every actor ends on the login page.
    "logout": Entry(method="post", permission=None, success=302, statuses={NO_MEMBERSHIP: 302}),
    "password_change": Entry(permission=None, statuses={NO_MEMBERSHIP: 200}),
    "password_change_done": Entry(permission=None, statuses={NO_MEMBERSHIP: 200}),
    "exports:list": Entry(),
    # An unknown exporter: the view's gate is what the matrix checks; the service's own
    # per-exporter checks are tested in tests/crm/test_exports*.py.
    "exports:request": Entry(
        method="post", data=lambda ctx: {"exporter": "inconnu", "format": "xlsx"}, success=302
    ),
    "exports:status": Entry(kwargs=_pending_export, headers={"HX-Request": "true"}, tenant_object=True),
    # A pending job is not downloadable yet: back to the list with a message.
    "exports:download": Entry(kwargs=_pending_export, success=302, tenant_object=True),
}
