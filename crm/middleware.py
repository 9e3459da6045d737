"""Open the tenant scope of every request from the user's active membership (fails closed)."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from crm.services.tenancy import membership_activate, membership_resolve


class TenantScopeMiddleware:
    """After authentication: set ``request.membership`` and ``request.tenant`` and run the view
    inside ``scope(tenant=...)``. Without a scope every tenant query raises, so a request that
    has no membership can reach no business data.
    """

    # Pages a logged-in user without any membership may still use.
    OPEN_PREFIXES = ("/static/", "/compte/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.tenant = None
        request.membership = None
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)

        membership = membership_resolve(user, request.session)
        membership_activate(user, membership)
        if membership is not None:
            request.membership = membership
            request.tenant = membership.tenant

        if user.is_superuser and request.path.startswith(reverse("admin:index")):
            # Reviewed exception (DESIGN.md §4): platform superusers administer every tenant in
            # the admin, whether or not they also hold a membership. The explicit filter that
            # replaces the scope is the admin's own: crm.admin_base.TenantAdmin shows the tenant
            # column and list filter, and makes the superuser choose the tenant of a new row.
            with scopes_disabled():
                return self.get_response(request)

        if membership is not None:
            with scope(tenant=membership.tenant):
                return self.get_response(request)
        if request.path.startswith(self.OPEN_PREFIXES):
            return self.get_response(request)
        return render(request, "crm/no_membership.html", status=403)
