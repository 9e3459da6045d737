"""Open the tenant scope of every request from the user's active membership (fails closed)."""

from __future__ import annotations

from django.db import transaction
from django.shortcuts import render
from django.urls import reverse
from django_scopes import scopes_disabled

from crm.services.tenancy import membership_activate, membership_resolve
from crm.services.tenant_binding import database_binding, tenant_context


class TenantScopeMiddleware:
    """After authentication: set ``request.membership`` and ``request.tenant`` and run the view
    inside ``scope(tenant=...)``. Without a scope every tenant query raises, so a request that
    has no membership can reach no business data.

    The request is one transaction, opened here so that the database binding (the role and the
    tenant the row-level security policies check, crm.services.tenant_binding) is
    transaction-local and covers everything the request reads: first the user alone (the
    membership lookup, the only tenant rows a user may read before a tenant is chosen: their own
    memberships), then the tenant. Anonymous requests are bound too, to no tenant: they see no
    tenant rows at all (pages reached by a token find their tenant through a narrow database
    function, crm.rls.pre_tenant_lookup). The view keeps its own atomic block
    (ATOMIC_REQUESTS), so an exception still rolls its writes back before it becomes a 500 page.
    """

    # Pages a logged-in user without any membership may still use.
    OPEN_PREFIXES = ("/static/", "/compte/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.tenant = None
        request.membership = None
        with transaction.atomic():
            return self._respond(request)

    def _respond(self, request):
        user = request.user
        if not user.is_authenticated:
            with database_binding(tenant_id=None):
                return self.get_response(request)

        with database_binding(tenant_id=None, user_id=user.pk):
            membership = membership_resolve(user, request.session)
        membership_activate(user, membership)
        if membership is None:
            with database_binding(tenant_id=None, user_id=user.pk):
                return self._respond_without_membership(request)

        request.membership = membership
        request.tenant = membership.tenant
        with tenant_context(membership.tenant, user_id=user.pk):
            return self.get_response(request)

    def _respond_without_membership(self, request):
        if request.user.is_superuser and request.path.startswith(reverse("admin:index")):
            # A platform superuser with no seat in any company administers the global data
            # (companies, users, roles, reference data). Tenant tables show no rows: the
            # database binds no tenant, and no admin offers to add one (crm.admin_base).
            with scopes_disabled():
                return self.get_response(request)
        if request.path.startswith(self.OPEN_PREFIXES):
            return self.get_response(request)
        return render(request, "crm/no_membership.html", status=403)
