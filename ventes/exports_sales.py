"""Excel exports of the quote and order lists (same FilterSet and selector as the screen, through
ventes.exports.table_rows), streamed in the screen's order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from crm.exports.registry import XLSX, Column, exporter_registry
from ventes.exports import CHUNK_SIZE, DATE_FORMAT, MONEY_FORMAT, ListExporter, name_or_blank
from ventes.filters_sales import ORDERS_LIST, QUOTES_LIST
from ventes.tables import user_name
from ventes.tables_sales import OrderTable, QuoteTable

_CUSTOMER = (Column(_("Code client"), width=12), Column(_("Client"), width=36))
_AMOUNTS = (
    Column(_("Montant HT"), width=14, number_format=MONEY_FORMAT),
    Column(_("Montant TTC"), width=14, number_format=MONEY_FORMAT),
    Column(_("Marge"), width=14, number_format=MONEY_FORMAT),
)


@exporter_registry.register
class QuoteListExporter(ListExporter):
    key = QUOTES_LIST
    label = _("Liste des devis")
    formats = (XLSX,)
    permission = "ventes.view_quote"

    columns = (
        Column(_("Numéro"), width=18),
        Column(_("Type"), width=16),
        Column(_("Date"), width=12, number_format=DATE_FORMAT),
        *_CUSTOMER,
        Column(_("Site"), width=24),
        Column(_("Affaire"), width=18),
        *_AMOUNTS,
        Column(_("Activité"), width=18),
        Column(_("Rédacteur"), width=22),
        Column(_("Statut"), width=12),
        Column(_("Commandé"), width=10),
    )

    table_class = QuoteTable
    sheet_title = _("Devis")

    @staticmethod
    def _rows(queryset) -> Iterator[list[Any]]:
        yes, no = str(_("Oui")), str(_("Non"))
        for quote in queryset.iterator(chunk_size=CHUNK_SIZE):
            yield [
                quote.number,
                quote.get_quote_type_display(),
                quote.issued_on,
                quote.customer.code,
                quote.customer.name,
                name_or_blank(quote.site),
                quote.deal.number if quote.deal else "",
                quote.total_excl_tax,
                quote.total_incl_tax,
                quote.margin,
                name_or_blank(quote.business_line),
                user_name(quote.owner),
                quote.get_status_display(),
                yes if quote.is_ordered else no,
            ]


@exporter_registry.register
class OrderListExporter(ListExporter):
    key = ORDERS_LIST
    label = _("Liste des commandes")
    formats = (XLSX,)
    permission = "ventes.view_order"

    columns = (
        Column(_("Numéro"), width=18),
        Column(_("État"), width=18),
        Column(_("Date"), width=12, number_format=DATE_FORMAT),
        *_CUSTOMER,
        Column(_("Client livré"), width=30),
        Column(_("Affaire"), width=18),
        *_AMOUNTS,
        Column(_("CA SSC annuel"), width=14, number_format=MONEY_FORMAT),
        Column(_("Marge SSC annuelle"), width=14, number_format=MONEY_FORMAT),
        Column(_("Échanges"), width=10),
        Column(_("Activité"), width=18),
    )

    table_class = OrderTable
    sheet_title = _("Commandes")

    @staticmethod
    def _rows(queryset) -> Iterator[list[Any]]:
        for order in queryset.iterator(chunk_size=CHUNK_SIZE):
            yield [
                order.number,
                order.get_state_display(),
                order.ordered_on,
                order.customer.code,
                order.customer.name,
                order.ship_to.name,
                order.deal.number if order.deal else "",
                order.total_excl_tax,
                order.total_incl_tax,
                order.margin,
                order.annual_service_revenue,
                order.annual_service_margin,
                order.exchange_count,
                name_or_blank(order.business_line),
            ]
