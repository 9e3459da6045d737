"""Synthèse tabs Devis commerciaux and Commandes (ventes)."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from ventes.models import Order, OrderLine, Quote, QuoteStatus, QuoteType
from ventes.tables import url_of

from .context import SyntheseContext
from .tables import ExchangesColumn, TabFilterSet, TabTable, money_column, render_tab
from .tabs import Tab, tab_register
from .tabs_filters import exchanges_count, owned_rows

# --- Devis commerciaux ----------------------------------------------------------------------------

WITH_DEAL, WITHOUT_DEAL = "avec", "sans"


def quote_rows(ctx: SyntheseContext) -> QuerySet[Quote]:
    """Commercial quotes: business lines, period on their date, site."""
    return (
        owned_rows(Quote, ctx, period="issued_on")
        .filter(quote_type=QuoteType.COMMERCIAL)
        .select_related("site", "deal")
    )


class QuoteFilterSet(TabFilterSet):
    statut = django_filters.ChoiceFilter(
        field_name="status", label=_("Statut"), choices=QuoteStatus.choices, empty_label=_("Tous")
    )
    affaire = django_filters.ChoiceFilter(
        label=_("Affaire"),
        choices=[(WITH_DEAL, _("Avec")), (WITHOUT_DEAL, _("Sans"))],
        empty_label=_("Tous"),
        method="filter_deal",
    )

    class Meta:
        model = Quote
        fields: list[str] = []

    def filter_deal(self, queryset, name, value):
        return queryset.filter(deal__isnull=value == WITHOUT_DEAL)


class QuoteTabTable(TabTable):
    row_name = "devis"
    number = tables.Column(verbose_name=_("Numéro"), linkify=url_of("ventes:quote_detail"))
    issued_on = tables.DateColumn(verbose_name=_("Date"), format="d/m/Y")
    site = tables.Column(verbose_name=_("Site"), accessor="site__name")
    deal = tables.Column(verbose_name=_("Affaire"), accessor="deal__number")
    total_excl_tax = money_column(_("Montant HT"))
    total_incl_tax = money_column(_("Montant TTC"))
    status = tables.Column(verbose_name=_("Statut"), accessor="get_status_display", order_by="status")

    class Meta(TabTable.Meta):
        order_by = ("-issued_on", "-number")


def render_quotes(request, ctx: SyntheseContext, *, exclude=()) -> str:
    filterset = QuoteFilterSet(request.GET, quote_rows(ctx), key="devis")
    return render_tab(
        request,
        ctx,
        key="devis",
        table_class=QuoteTabTable,
        rows=filterset.qs,
        filterset=filterset,
        exclude=exclude,
    )


# --- Commandes ------------------------------------------------------------------------------------


def order_rows(ctx: SyntheseContext) -> QuerySet[Order]:
    """Business lines, period on the order's date, site, and the orders carrying the filtered
    contract (one of their lines)."""
    rows = owned_rows(Order, ctx, period="ordered_on")
    if ctx.contract_id:
        lines = OrderLine.objects.filter(
            tenant=ctx.tenant, order=OuterRef("pk"), service_contract_id=ctx.contract_id
        )
        rows = rows.filter(Exists(lines))
    return rows.select_related("deal", "business_line")


class OrderTabTable(TabTable):
    row_name = "commande"
    number = tables.Column(verbose_name=_("Numéro"), linkify=url_of("ventes:order_detail"))
    state = tables.Column(verbose_name=_("État"), accessor="get_state_display", order_by="state")
    ordered_on = tables.DateColumn(verbose_name=_("Date"), format="d/m/Y")
    deal = tables.Column(verbose_name=_("Affaire"), accessor="deal__number")
    total_excl_tax = money_column(_("Montant HT"))
    total_incl_tax = money_column(_("Montant TTC"))
    margin = money_column(_("Marge"))
    annual_service_revenue = money_column(_("CA SSC annuel"))
    annual_service_margin = money_column(_("Marge SSC annuelle"))
    exchange_count = ExchangesColumn()
    business_line = tables.Column(verbose_name=_("Activité"), accessor="business_line__name")

    class Meta(TabTable.Meta):
        order_by = ("-ordered_on", "-number")


def render_orders(request, ctx: SyntheseContext, *, exclude=()) -> str:
    rows = order_rows(ctx).annotate(exchange_count=exchanges_count(ctx, Order))
    return render_tab(request, ctx, key="commandes", table_class=OrderTabTable, rows=rows, exclude=exclude)


tab_register(
    Tab("devis", _("Devis commerciaux"), 40, "ventes.view_quote", rows=quote_rows, render=render_quotes)
)
tab_register(Tab("commandes", _("Commandes"), 80, "ventes.view_order", rows=order_rows, render=render_orders))
