"""Export and print of the customers over their credit limit ("Clients en dépassement
d'encours"), Excel or PDF: the rows of the screen (ventes.selectors_credit.customers_over_limit),
read as the job's owner, in the screen's order (biggest overshoot first)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from crm.exports.owner import job_owner_activate
from crm.exports.registry import PDF, XLSX, Column, Exporter, Sheet, exporter_registry
from crm.exports.sheets_pdf import SheetsPdfMixin
from crm.models import ExportJob

from .exports import MONEY_FORMAT
from .selectors_credit import OverLimit, customers_over_limit

OVER_LIMIT = "credit_over_limit"


@exporter_registry.register
class OverLimitExporter(SheetsPdfMixin, Exporter):
    key = OVER_LIMIT
    label = _("Clients en dépassement d'encours")
    formats = (XLSX, PDF)
    permission = "ventes.view_invoice"

    columns = (
        Column(_("Code"), width=12),
        Column(_("Client"), width=36),
        Column(_("Contrôle"), width=14),
        Column(_("Encours autorisé"), width=14, number_format=MONEY_FORMAT),
        Column(_("Factures non réglées"), width=14, number_format=MONEY_FORMAT),
        Column(_("Livré non facturé"), width=14, number_format=MONEY_FORMAT),
        Column(_("Commandes en cours"), width=14, number_format=MONEY_FORMAT),
        Column(_("En-cours"), width=14, number_format=MONEY_FORMAT),
        Column(_("Dépassement"), width=14, number_format=MONEY_FORMAT),
    )

    def sheets(self, job: ExportJob) -> list[Sheet]:
        owner = job_owner_activate(job)
        rows = customers_over_limit(tenant=job.tenant, user=owner)
        return [Sheet(title=_("Dépassements"), columns=self.columns, rows=self._rows(rows), count=len(rows))]

    @staticmethod
    def _rows(rows: list[OverLimit]) -> Iterator[list[Any]]:
        for row in rows:
            yield [
                row.customer.code,
                row.customer.name,
                row.customer.get_credit_control_display(),
                row.limit,
                row.exposure.unpaid_invoices,
                row.exposure.delivered_not_invoiced,
                row.exposure.open_orders,
                row.exposure.total,
                row.overshoot,
            ]
