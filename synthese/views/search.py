"""The synthèse search screen (an empty synthèse, its search field focused) and the quick-search
endpoint (Ctrl+K overlay, integrations)."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.views import View

from crm.models import SearchKind
from synthese.search import MAX_QUERY_LENGTH, quick_search

# The kinds the synthèse search screen lists: each opens a customer's synthèse.
SCREEN_KINDS = (SearchKind.CUSTOMER, SearchKind.PROSPECT, SearchKind.SITE, SearchKind.CONTACT)


def _crm_licence(request) -> bool:
    membership = getattr(request, "membership", None)
    return bool(membership and membership.has_crm_licence)


class SearchView(View):
    """The synthèse search screen: customers, prospects, sites and persons matching ``q``, each
    linking to its customer's synthèse with its context (site filtered, contact pre-selected)."""

    permission_required = None  # any member of the tenant; each kind filtered by its permission
    http_method_names = ["get"]

    def get(self, request):
        query = request.GET.get("q", "")[:MAX_QUERY_LENGTH]
        results = [
            result
            for result in quick_search(tenant=request.tenant, user=request.user, query=query)
            if result.kind in SCREEN_KINDS and result.customer_id is not None
        ]
        rows = [(result, result.synthese_url_for(crm_licence=_crm_licence(request))) for result in results]
        return render(
            request, "synthese/search.html", {"query": query, "rows": rows, "searched": bool(query)}
        )


class QuickSearchView(View):
    """The quick-search endpoint (Ctrl+K overlay, integrations): JSON results grouped by kind."""

    permission_required = None  # any member; each kind is filtered by its own view permission

    def get(self, request):
        query = request.GET.get("q", "")[:MAX_QUERY_LENGTH]
        crm_licence = _crm_licence(request)
        groups: dict[str, list[dict]] = {}
        for result in quick_search(tenant=request.tenant, user=request.user, query=query):
            row = result.as_dict(crm_licence=crm_licence)
            groups.setdefault(row["kind"], []).append(row)
        return JsonResponse(
            {"query": query, "groups": [{"kind": kind, "results": rows} for kind, rows in groups.items()]}
        )
