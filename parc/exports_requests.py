"""Excel export of the service request list (same FilterSet and selector as the screen, through
parc.exports.owner_filterset), streamed in the screen's order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.exports.registry import XLSX, Column, Exporter, Sheet, exporter_registry
from crm.models import ExportJob

from .exports import CHUNK_SIZE, owner_filterset
from .filters_requests import REQUESTS_LIST
from .selectors_requests import minutes_display
from .tables_requests import RequestTable


def _naive(moment):
    """Excel has no time zones: the local wall-clock time."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


@exporter_registry.register
class RequestListExporter(Exporter):
    key = REQUESTS_LIST
    label = _("Liste des demandes d'intervention")
    formats = (XLSX,)
    permission = "parc.view_servicerequest"

    columns = (
        Column(_("Numéro"), width=18),
        Column(_("Début"), width=16, number_format="DD/MM/YYYY HH:MM"),
        Column(_("Code client"), width=12),
        Column(_("Client"), width=36),
        Column(_("Site"), width=24),
        Column(_("Nature"), width=22),
        Column(_("Activité"), width=18),
        Column(_("Demandeur"), width=24),
        Column(_("Donneur d'ordre"), width=30),
        Column(_("Détail"), width=60),
        Column(_("Temps passé (HH.MM)"), width=12),
        Column(_("État"), width=12),
        Column(_("Clôturée le"), width=16, number_format="DD/MM/YYYY HH:MM"),
    )

    def sheets(self, job: ExportJob) -> list[Sheet]:
        filterset, sort = owner_filterset(job, self.key)
        rows = RequestTable(filterset.qs, order_by=sort or None).data.data
        return [Sheet(title=_("Demandes"), columns=self.columns, rows=self._rows(rows), count=rows.count())]

    @staticmethod
    def _rows(queryset) -> Iterator[list[Any]]:
        for request in queryset.iterator(chunk_size=CHUNK_SIZE):
            yield [
                request.number,
                _naive(request.started_at),
                request.customer.code,
                request.customer.name,
                request.site.name if request.site else "",
                request.get_nature_display(),
                request.business_line.name if request.business_line else "",
                str(request.requester) if request.requester else "",
                request.principal.name,
                request.detail,
                minutes_display(request.total_minutes),
                request.get_state_display(),
                _naive(request.closed_at),
            ]
