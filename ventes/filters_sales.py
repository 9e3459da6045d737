"""FilterSets of the quote and order lists, registered into ventes.filters.LISTS (built from the
query string, the tenant and the user, so the Excel export re-applies them from its job)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ventes.filters import (
    LISTS,
    VentesFilterSet,
    business_line_filter,
    customer_code_filter,
    date_filter,
    search_widget,
)
from ventes.models import OrderState, QuoteStatus, QuoteType
from ventes.selectors_sales import order_rows, quote_rows

QUOTES_LIST = "quotes"
ORDERS_LIST = "orders"
YES, NO = "oui", "non"


def _number_search() -> django_filters.CharFilter:
    return django_filters.CharFilter(
        label=_("Numéro"), field_name="number", lookup_expr="istartswith", widget=search_widget()
    )


class QuoteFilterSet(VentesFilterSet):
    q = _number_search()
    client = customer_code_filter()
    type = django_filters.ChoiceFilter(
        label=_("Type"), choices=QuoteType.choices, field_name="quote_type", empty_label=_("Tous")
    )
    statut = django_filters.ChoiceFilter(
        label=_("Statut"), choices=QuoteStatus.choices, field_name="status", empty_label=_("Tous")
    )
    commande = django_filters.ChoiceFilter(
        label=_("Commandé"),
        choices=[(YES, _("Oui")), (NO, _("Non"))],
        method="filter_ordered",
        empty_label=_("Tous"),
    )
    activite = business_line_filter("business_line")
    du = date_filter(_("Du"), "issued_on", "gte")
    au = date_filter(_("Au"), "issued_on", "lte")

    def filter_ordered(self, queryset, name, value):
        return queryset.filter(is_ordered=(value == YES))


class OrderFilterSet(VentesFilterSet):
    q = _number_search()
    client = customer_code_filter()
    etat = django_filters.ChoiceFilter(
        label=_("État"), choices=OrderState.choices, field_name="state", empty_label=_("Tous")
    )
    affaire = django_filters.CharFilter(label=_("Affaire"), method="filter_deal")
    activite = business_line_filter("business_line")
    du = date_filter(_("Du"), "ordered_on", "gte")
    au = date_filter(_("Au"), "ordered_on", "lte")

    def filter_deal(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(deal__number__istartswith=value)) if value else queryset


LISTS[QUOTES_LIST] = (QuoteFilterSet, quote_rows)
LISTS[ORDERS_LIST] = (OrderFilterSet, order_rows)
