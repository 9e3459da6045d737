"""Saving the user's column choice of a tab (django-tables2 ``exclude``), per user and tenant."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views import View

from synthese.preferences import columns_excluded_set

from .actions import synthese_url
from .frame import SyntheseMixin

MAX_COLUMNS = 50


class ColumnsSaveView(SyntheseMixin, View):
    """POST ``colonnes`` = the columns to show (the others are hidden); ``toutes`` = show all.
    Returns the tab's body again (htmx) or the synthèse."""

    http_method_names = ["post"]

    def post(self, request, pk: int, tab: str):
        current = next((item for item in self.tabs if item.key == tab), None)
        if current is None:
            raise Http404
        shown = set(request.POST.getlist("colonnes")[:MAX_COLUMNS])
        offered = [name for name in request.POST.getlist("offertes")[:MAX_COLUMNS] if name]
        excluded = [] if request.POST.get("toutes") else [name for name in offered if name not in shown]
        columns_excluded_set(user=request.user, tenant=request.tenant, tab_key=tab, excluded=excluded)
        if getattr(request, "htmx", None):
            return HttpResponse(self.tab_body(request, current))
        return redirect(synthese_url(self.ctx, onglet=tab))
