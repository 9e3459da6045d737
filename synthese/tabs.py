"""The synthèse's tabs: a registry filled by the modules of synthese/tabs_*.py.

A tab declares its key (the ``onglet`` parameter), its French label, the permission that shows it,
whether it needs a CRM licence, and ``rows(ctx)``: the queryset of its rows under the synthèse's
filters (SyntheseContext), from which both its table and its count come. The tab bar's counts are
one aggregated query (``tab_counts``), whatever the number of tabs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from tiers.models import ThirdParty

from .context import SyntheseContext


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    position: int
    # The view permission of the tab's model: without it the tab is hidden (and its URL refused).
    permission: str
    rows: Callable[[SyntheseContext], QuerySet]
    # Renders the tab's body: (request, ctx) -> HttpResponse-ready context or template; set by the
    # tab module (see synthese/views).
    render: Callable | None = None
    crm_only: bool = False
    # Counted by ``count(ctx)`` instead of a subquery on ``rows`` (a union of several models).
    count: Callable[[SyntheseContext], object] | None = None


TABS: dict[str, Tab] = {}


def tab_register(tab: Tab) -> Tab:
    TABS[tab.key] = tab
    return tab


def tabs_visible(user, membership) -> list[Tab]:
    """The tabs the user may see, in order: the model's view permission, and a CRM licence for
    the CRM-only ones."""
    has_crm = bool(membership and membership.has_crm_licence)
    return sorted(
        (tab for tab in TABS.values() if user.has_perm(tab.permission) and (has_crm or not tab.crm_only)),
        key=lambda tab: tab.position,
    )


def _count_subquery(queryset: QuerySet) -> Subquery:
    counted = queryset.order_by().annotate(_one=Value(1)).values("_one").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def tab_counts(ctx: SyntheseContext, tabs: list[Tab]) -> dict[str, int]:
    """{tab key: number of rows under the current filters}, in one query."""
    if not tabs:
        return {}
    annotations = {}
    for tab in tabs:
        expression = tab.count(ctx) if tab.count else _count_subquery(tab.rows(ctx))
        annotations[f"n_{tab.key}"] = expression
    row = ThirdParty.objects.filter(tenant=ctx.tenant, pk=ctx.customer.pk).values(**annotations).get()
    return {tab.key: row[f"n_{tab.key}"] or 0 for tab in tabs}


def outer_customer() -> OuterRef:
    """For tabs whose count joins back to the customer row of ``tab_counts``."""
    return OuterRef("pk")
