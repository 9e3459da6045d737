"""Tables of the quote and order lists (every column a joined or annotated attribute of the row,
ventes.selectors_sales, so a page's query count does not grow)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ventes.models import OrderState, QuoteStatus
from ventes.tables import NUMBER_ATTRS, VentesTable, customer_column, money_column, url_of, user_name

QUOTE_BADGES = {
    QuoteStatus.IN_PROGRESS: "badge-warning",
    QuoteStatus.ACCEPTED: "badge-success",
    QuoteStatus.REFUSED: "badge-muted",
}
ORDER_BADGES = {
    OrderState.OPEN: "badge-warning",
    OrderState.PARTLY_DELIVERED: "",
    OrderState.CLOSED: "badge-success",
}


def quote_status_badge(quote) -> str:
    """The quote's status badge, plus "Commandé" when an order points at it."""
    badge = format_html(
        '<span class="badge {}">{}</span>', QUOTE_BADGES[quote.status], quote.get_status_display()
    )
    if getattr(quote, "is_ordered", False):
        badge = format_html('{} <span class="badge badge-success">{}</span>', badge, _("Commandé"))
    return badge


def order_state_badge(order) -> str:
    return format_html(
        '<span class="badge {}">{}</span>', ORDER_BADGES[order.state], order.get_state_display()
    )


class QuoteTable(VentesTable):
    number = tables.Column(verbose_name=_("Numéro"), linkify=url_of("ventes:quote_detail"))
    quote_type = tables.Column(
        verbose_name=_("Type"), accessor="get_quote_type_display", order_by="quote_type"
    )
    issued_on = tables.DateColumn(verbose_name=_("Date"), format="d/m/Y")
    customer = customer_column()
    site = tables.Column(verbose_name=_("Site"), accessor="site__name")
    deal = tables.Column(verbose_name=_("Affaire"), accessor="deal__number")
    total_excl_tax = money_column(_("Montant HT"))
    total_incl_tax = money_column(_("Montant TTC"))
    margin = money_column(_("Marge"))
    business_line = tables.Column(verbose_name=_("Activité"), accessor="business_line__name")
    owner = tables.Column(verbose_name=_("Rédacteur"), order_by=("owner__last_name", "owner__username"))
    status = tables.Column(verbose_name=_("Statut"), order_by="status")

    class Meta(VentesTable.Meta):
        pass

    def render_owner(self, value) -> str:
        return user_name(value)

    def render_status(self, record) -> str:
        return quote_status_badge(record)


class OrderTable(VentesTable):
    number = tables.Column(verbose_name=_("Numéro"), linkify=url_of("ventes:order_detail"))
    state = tables.Column(verbose_name=_("État"), order_by="state")
    ordered_on = tables.DateColumn(verbose_name=_("Date"), format="d/m/Y")
    customer = customer_column()
    ship_to = tables.Column(verbose_name=_("Client livré"), accessor="ship_to__name")
    deal = tables.Column(verbose_name=_("Affaire"), accessor="deal__number")
    total_excl_tax = money_column(_("Montant HT"))
    total_incl_tax = money_column(_("Montant TTC"))
    margin = money_column(_("Marge"))
    annual_service_revenue = money_column(_("CA SSC annuel"))
    annual_service_margin = money_column(_("Marge SSC annuelle"))
    exchange_count = tables.Column(verbose_name=_("Éch."), attrs=NUMBER_ATTRS)
    business_line = tables.Column(verbose_name=_("Activité"), accessor="business_line__name")

    class Meta(VentesTable.Meta):
        pass

    def render_state(self, record) -> str:
        return order_state_badge(record)
