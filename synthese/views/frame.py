"""The customer's synthèse: the frame (header, right-hand blocks, tab bar with counts) around the
active tab's body.

One URL, ``/synthese/<pk>/?onglet=…&activites=…&mois=…&site=…&contrat=…&bien=…``, serves
- the whole page on a normal request;
- only the body of a tab on an htmx request aimed at it (the tab bar's links target
  ``#synthese-tab-body``; a tab's own sort, page and filter requests target ``#onglet-<key>``), so
  the pushed URL is always the synthèse's, and a refresh shows the same state;
- an ``HX-Redirect`` to the whole page when such a request changes the global filters (a
  "Filtrer" button in a tab): the counts and the other tabs change too.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.safestring import mark_safe
from django.views import View

from crm.services.parameters import NOMBRE_MOIS_SYNTHESE_CLIENT, parameter_get
from crm.views.base import TenantPermissionRequiredMixin
from synthese.context import (
    P_ASSET,
    P_BUSINESS_LINES,
    P_CONTRACT,
    P_MONTHS,
    P_SITE,
    P_TAB,
    SyntheseContext,
    context_from_query,
)
from synthese.preferences import columns_excluded
from synthese.selectors_frame import customer_get, frame_load
from synthese.tabs import Tab, tab_counts, tabs_visible
from tiers.models import ThirdParty

from .actions import action_links, synthese_url

TAB_BODY_TARGET = "synthese-tab-body"
TAB_TARGET_PREFIX = "onglet-"
# The query parameters that change more than the tab body (counts, blocks, other tabs).
FRAME_PARAMETERS = (P_BUSINESS_LINES, P_MONTHS, P_SITE, P_CONTRACT, P_ASSET)
# Which global filters restrict which tab (issue "synthèse client", § Filtres): the tab bar
# marks a tab when one of them is set.
TAB_FILTERS = {
    "details": {"lines", "site"},
    "affaires": {"lines", "period", "site"},
    "actions": {"lines", "period", "site"},
    "devis": {"lines", "period", "site"},
    "ssc": {"lines", "site", "contract", "asset"},
    "parc": {"lines", "site", "contract", "asset"},
    "dit": {"lines", "period", "site", "contract", "asset"},
    "commandes": {"lines", "period", "site", "contract"},
    "pieces": {"period", "site", "contract", "asset"},
    "signatures": {"period", "site"},
}
ALL_FILTERS = {"lines", "period", "site", "contract", "asset"}


LEAFLET = "vendor/leaflet/"


@lru_cache(maxsize=1)
def leaflet_available() -> bool:
    """Leaflet is fetched by scripts/fetch_static_vendor.py; without it the map is a message."""
    return finders.find(f"{LEAFLET}leaflet.js") is not None


def has_crm_licence(request) -> bool:
    membership = getattr(request, "membership", None)
    return bool(membership and membership.has_crm_licence)


def active_filters(ctx: SyntheseContext, query) -> set[str]:
    active = set()
    if ctx.business_line_ids:
        active.add("lines")
    if query.get(P_MONTHS):
        active.add("period")
    for name, value in (("site", ctx.site_id), ("contract", ctx.contract_id), ("asset", ctx.asset_id)):
        if value:
            active.add(name)
    return active


def frame_state(query, default_months: int) -> tuple:
    """The global filters of a query string, normalized (``activites=1,2`` = ``activites=2&activites=1``,
    no ``mois`` = the default period)."""
    values = {
        name: sorted({part for value in query.getlist(name) for part in value.split(",") if part.strip()})
        for name in FRAME_PARAMETERS
    }
    values[P_MONTHS] = values[P_MONTHS] or [str(default_months)]
    return tuple(tuple(values[name]) for name in FRAME_PARAMETERS)


class SyntheseMixin(TenantPermissionRequiredMixin):
    """Loads ``self.customer`` (404 when the user may not see it) and ``self.ctx``."""

    permission_required = "tiers.view_thirdparty"

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        try:
            self.customer = customer_get(tenant=request.tenant, user=request.user, pk=kwargs["pk"])
        except ThirdParty.DoesNotExist:
            raise Http404 from None
        self.ctx = context_from_query(
            request.GET, tenant=request.tenant, user=request.user, customer=self.customer
        )
        self.tabs = tabs_visible(request.user, getattr(request, "membership", None))
        return super().dispatch(request, *args, **kwargs)

    def tab_for(self, key: str) -> Tab | None:
        """The visible tab ``key``, else the first visible one (None when the user sees none)."""
        return next((tab for tab in self.tabs if tab.key == key), self.tabs[0] if self.tabs else None)

    def tab_body(self, request, tab: Tab | None) -> str:
        if tab is None or tab.render is None:
            return ""
        ctx = replace(self.ctx, tab=tab.key)
        exclude = columns_excluded(user=request.user, tenant=request.tenant, tab_key=tab.key)
        # Trusted HTML rendered from the tab's templates.
        return mark_safe(tab.render(request, ctx, exclude=exclude))  # noqa: S308


class CustomerView(SyntheseMixin, View):
    http_method_names = ["get"]

    def get(self, request, pk: int):
        htmx = getattr(request, "htmx", None)
        target = htmx.target if htmx else None
        if target == TAB_BODY_TARGET or (target or "").startswith(TAB_TARGET_PREFIX):
            return self.htmx_tab(request, target)
        tab = self.tab_for(self.ctx.tab)
        context = self.frame_context(request, tab)
        context["tab_body"] = self.tab_body(request, tab)
        return render(request, "synthese/customer.html", context)

    def htmx_tab(self, request, target: str):
        current = _QueryDict(parse_qs(urlsplit(request.htmx.current_url or "").query))
        default_months = parameter_get(tenant=request.tenant, key=NOMBRE_MOIS_SYNTHESE_CLIENT)
        if frame_state(request.GET, default_months) != frame_state(current, default_months):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = request.get_full_path()
            return response
        key = self.ctx.tab or target.removeprefix(TAB_TARGET_PREFIX)
        tab = self.tab_for(key)
        if tab is None:
            raise Http404
        return HttpResponse(self.tab_body(request, tab))

    def frame_context(self, request, tab: Tab | None) -> dict:
        """Everything but the tab body: a fixed number of queries whatever the customer's size."""
        ctx = self.ctx
        counts = tab_counts(ctx, self.tabs)
        active = active_filters(ctx, request.GET)
        tabs = [
            {
                "key": item.key,
                "label": item.label,
                "count": counts.get(item.key, 0),
                "filtered": bool(active & TAB_FILTERS.get(item.key, ALL_FILTERS)),
                "url": synthese_url(ctx, **{P_TAB: item.key, "ligne": None}),
                "active": tab is not None and item.key == tab.key,
            }
            for item in self.tabs
        ]
        frame = frame_load(ctx)
        return {
            "ctx": ctx,
            "customer": self.customer,
            "frame": frame,
            "tabs": tabs,
            "active_tab": tab.key if tab else "",
            "filters_active": bool(active),
            "actions": action_links(user=request.user, crm_licence=has_crm_licence(request), ctx=ctx),
            "refresh_url": synthese_url(ctx),
            "clear_url": synthese_url(ctx.without_row_filters()) if ctx.row_filter_active else "",
            "map_tile_url": settings.MAP_TILE_URL,
            "map_attribution": settings.MAP_TILE_ATTRIBUTION,
            "leaflet_available": leaflet_available(),
            "leaflet_images": static(f"{LEAFLET}images/") if leaflet_available() else "",
        }


class _QueryDict(dict):
    """``getlist`` over parse_qs's result (the URL the browser shows, sent by htmx)."""

    def getlist(self, name: str) -> list[str]:
        return self.get(name, [])
