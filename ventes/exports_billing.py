"""Excel exports of the delivery, invoice and payment lists (same FilterSet and selector as the
screen, through ventes.exports.table_rows), streamed in the screen's order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from crm.exports.registry import XLSX, Column, Exporter, Sheet, exporter_registry
from crm.models import ExportJob

from .exports import CHUNK_SIZE, DATE_FORMAT, MONEY_FORMAT, table_rows
from .filters_billing import DELIVERIES_LIST, INVOICES_LIST, PAYMENTS_LIST
from .tables_billing import DeliveryTable, InvoiceTable, PaymentTable


def _name(row) -> str:
    return row.name if row is not None else ""


@exporter_registry.register
class DeliveryListExporter(Exporter):
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

    def sheets(self, job: ExportJob) -> list[Sheet]:
        rows = table_rows(job, self.key, DeliveryTable)
        return [Sheet(title=_("Livraisons"), columns=self.columns, rows=self._rows(rows), count=rows.count())]

    @staticmethod
    def _rows(queryset) -> Iterator[list[Any]]:
        for delivery in queryset.iterator(chunk_size=CHUNK_SIZE):
            yield [
                delivery.number,
                delivery.delivered_on,
                delivery.customer.code,
                delivery.customer.name,
                _name(delivery.site),
                delivery.order.number,
                _name(delivery.business_line),
                delivery.get_state_display(),
            ]


@exporter_registry.register
class InvoiceListExporter(Exporter):
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

    def sheets(self, job: ExportJob) -> list[Sheet]:
        rows = table_rows(job, self.key, InvoiceTable)
        return [Sheet(title=_("Factures"), columns=self.columns, rows=self._rows(rows), count=rows.count())]

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
                _name(invoice.business_line),
                invoice.total_excl_tax,
                invoice.total_tax,
                invoice.total_incl_tax,
                invoice.paid_amount,
                invoice.open_amount,
                invoice.get_state_display(),
            ]


@exporter_registry.register
class PaymentListExporter(Exporter):
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

    def sheets(self, job: ExportJob) -> list[Sheet]:
        rows = table_rows(job, self.key, PaymentTable)
        return [Sheet(title=_("Règlements"), columns=self.columns, rows=self._rows(rows), count=rows.count())]

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
