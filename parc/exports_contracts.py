"""Excel export of the service contract list (same FilterSet and selector as the screen, through
parc.exports.owner_filterset), streamed in the screen's order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from crm.exports.registry import XLSX, Column, Exporter, Sheet, exporter_registry
from crm.models import ExportJob

from .exports import CHUNK_SIZE, owner_filterset
from .filters_contracts import CONTRACTS_LIST
from .tables_contracts import ContractTable


@exporter_registry.register
class ContractListExporter(Exporter):
    key = CONTRACTS_LIST
    label = _("Liste des contrats de service")
    formats = (XLSX,)
    permission = "parc.view_servicecontract"

    columns = (
        Column(_("Code"), width=14),
        Column(_("Libellé"), width=36),
        Column(_("Code client"), width=12),
        Column(_("Client"), width=36),
        Column(_("Site"), width=24),
        Column(_("Type"), width=28),
        Column(_("Nature"), width=16),
        Column(_("Activité"), width=18),
        Column(_("Début"), width=12, number_format="DD/MM/YYYY"),
        Column(_("Fin"), width=12, number_format="DD/MM/YYYY"),
        Column(_("Solde du crédit"), width=14, number_format="#,##0.00"),
        Column(_("Biens couverts"), width=10),
        Column(_("Règles actives"), width=10),
        Column(_("Statut"), width=10),
    )

    def sheets(self, job: ExportJob) -> list[Sheet]:
        filterset, sort = owner_filterset(job, self.key)
        rows = ContractTable(filterset.qs, order_by=sort or None).data.data
        return [Sheet(title=_("Contrats"), columns=self.columns, rows=self._rows(rows), count=rows.count())]

    @staticmethod
    def _rows(queryset) -> Iterator[list[Any]]:
        for contract in queryset.iterator(chunk_size=CHUNK_SIZE):
            yield [
                contract.code,
                contract.label,
                contract.customer.code,
                contract.customer.name,
                contract.site.name if contract.site else "",
                contract.contract_type.label,
                contract.get_kind_display(),
                contract.business_line.name if contract.business_line else "",
                contract.starts_on,
                contract.ends_on,
                contract.prepaid_balance,
                contract.asset_count,
                contract.rule_count,
                contract.get_status_display(),
            ]
