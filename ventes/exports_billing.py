"""Excel exports of the delivery, invoice and payment lists (same FilterSet and selector as the
screen, through ventes.exports.table_rows), streamed in the screen's order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from crm.exports.registry import XLSX, Column, exporter_registry

from .exports import CHUNK_SIZE, DATE_FORMAT, MONEY_FORMAT, ListExporter, name_or_blank
from .filters_billing import DELIVERIES_LIST, INVOICES_LIST, PAYMENTS_LIST
from .tables_billing import DeliveryTable, InvoiceTable, PaymentTable


@exporter_registry.register
class DeliveryListExporter(ListExporter):
    key = DELIVERIES_LIST
    label = _("Liste des livraisons")
    formats = (XLSX,)
    permission = "ventes.view_delivery"

    columns = (
        Column(_("Numéro"), width=18),
        Column(_("Livrée le"), width=12, number_format=DATE_FORMAT),
        Column(_("Code client"), width=12),
        Column(_("Client"), width=36),
        Column(_("Site"), width=24),
        Column(_("Commande"), width=18),
        Column(_("Activité"), width=18),
        Column(_("État"), width=12),
    )

    table_class = DeliveryTable
    sheet_title = _("Livraisons")

    @staticmethod
    def _rows(queryset) -> Iterator[list[Any]]:
        for delivery in queryset.iterator(chunk_size=CHUNK_SIZE):
            yield [
                delivery.number,
                delivery.delivered_on,
                delivery.customer.code,
                delivery.customer.name,
                name_or_blank(delivery.site),
                delivery.order.number,
                name_or_blank(delivery.business_line),
                delivery.get_state_display(),
            ]


@exporter_registry.register
class InvoiceListExporter(ListExporter):
    key = INVOICES_LIST
    label = _("Liste des factures")
    formats = (XLSX,)
    permission = "ventes.view_invoice"

    columns = (
        Column(_("Numéro"), width=18),
        Column(_("Nature"), width=10),
        Column(_("Date"), width=12, number_format=DATE_FORMAT),
        Column(_("Échéance"), width=12, number_format=DATE_FORMAT),
        Column(_("Code client"), width=12),
        Column(_("Client"), width=36),
        Column(_("Code payeur"), width=12),
        Column(_("Payeur"), width=36),
        Column(_("Activité"), width=18),
        Column(_("Total HT"), width=14, number_format=MONEY_FORMAT),
        Column(_("Total TVA"), width=14, number_format=MONEY_FORMAT),
        Column(_("Total TTC"), width=14, number_format=MONEY_FORMAT),
        Column(_("Réglé"), width=14, number_format=MONEY_FORMAT),
        Column(_("Reste à régler"), width=14, number_format=MONEY_FORMAT),
        Column(_("État"), width=12),
    )

    table_class = InvoiceTable
    sheet_title = _("Factures")

    @staticmethod
    def _rows(queryset) -> Iterator[list[Any]]:
        for invoice in queryset.iterator(chunk_size=CHUNK_SIZE):
            yield [
                invoice.number or str(_("Brouillon")),
                invoice.get_kind_display(),
                invoice.invoice_date,
                invoice.due_date,
                invoice.customer.code,
                invoice.customer.name,
                invoice.payer.code,
                invoice.payer.name,
                name_or_blank(invoice.business_line),
                invoice.total_excl_tax,
                invoice.total_tax,
                invoice.total_incl_tax,
                invoice.paid_amount,
                invoice.open_amount,
                invoice.get_state_display(),
            ]


@exporter_registry.register
class PaymentListExporter(ListExporter):
    key = PAYMENTS_LIST
    label = _("Liste des règlements")
    formats = (XLSX,)
    permission = "ventes.view_payment"

    columns = (
        Column(_("Reçu le"), width=12, number_format=DATE_FORMAT),
        Column(_("Code payeur"), width=12),
        Column(_("Payeur"), width=36),
        Column(_("Mode"), width=14),
        Column(_("Référence"), width=20),
        Column(_("Montant"), width=14, number_format=MONEY_FORMAT),
        Column(_("Affecté"), width=14, number_format=MONEY_FORMAT),
        Column(_("Non affecté"), width=14, number_format=MONEY_FORMAT),
    )

    table_class = PaymentTable
    sheet_title = _("Règlements")

    @staticmethod
    def _rows(queryset) -> Iterator[list[Any]]:
        for payment in queryset.iterator(chunk_size=CHUNK_SIZE):
            yield [
                payment.received_on,
                payment.customer.code,
                payment.customer.name,
                payment.get_method_display(),
                payment.reference,
                payment.amount,
                payment.allocated_amount,
                payment.unallocated,
            ]
