"""Excel exports of the ventes lists (core's export framework), like parc/exports.py: the job
stores the list's effective query string; the exporter re-applies the same FilterSet over the
same selector as the screen, as the job's owner, in the screen's order, streaming rows.

Areas register their exporters in ``ventes/exports_<area>.py`` with ``owner_filterset`` below."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from crm.exports.registry import XLSX, Column, Exporter, Sheet, exporter_registry
from crm.models import ExportJob
from parc.exports import owner_filterset as _owner_filterset

from .filters import list_filterset
from .tables import ActionTable, DealTable, user_name

CHUNK_SIZE = 2000
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
MONEY_FORMAT = "#,##0.00"


def owner_filterset(job: ExportJob, list_key: str):
    """The ventes list's FilterSet as the job's owner sees it now, and the screen's sort."""
    return _owner_filterset(job, list_key, lists_filterset=list_filterset)


def table_rows(job: ExportJob, list_key: str, table_class):
    """The rows of the list as the screen orders them (the table applies the sort)."""
    filterset, sort = owner_filterset(job, list_key)
    return table_class(filterset.qs, order_by=sort or None).data.data


def name_or_blank(row) -> str:
    return row.name if row is not None else ""


class ListExporter(Exporter):
    """A ventes list to one sheet: the screen's ``table_class`` rows in its order, written by the
    subclass's ``_rows``."""

    formats = (XLSX,)
    table_class = None
    sheet_title = ""

    def sheets(self, job: ExportJob) -> list[Sheet]:
        rows = table_rows(job, self.key, self.table_class)
        return [
            Sheet(title=self.sheet_title, columns=self.columns, rows=self._rows(rows), count=rows.count())
        ]


@exporter_registry.register
class DealListExporter(ListExporter):
    key = "deals"
    label = _("Liste des affaires")
    formats = (XLSX,)
    permission = "ventes.view_deal"

    columns = (
        Column(_("Numéro"), width=18),
        Column(_("Intitulé"), width=36),
        Column(_("Code client"), width=12),
        Column(_("Client"), width=36),
        Column(_("Site"), width=24),
        Column(_("Activité"), width=18),
        Column(_("Organisation interne"), width=20),
        Column(_("Responsable"), width=22),
        Column(_("Montant"), width=14, number_format=MONEY_FORMAT),
        Column(_("Probabilité %"), width=12),
        Column(_("Statut"), width=12),
        Column(_("Ouverte le"), width=12, number_format=DATE_FORMAT),
        Column(_("Signature prévue"), width=12, number_format=DATE_FORMAT),
        Column(_("Clôturée le"), width=12, number_format=DATE_FORMAT),
    )

    table_class = DealTable
    sheet_title = _("Affaires")

    @staticmethod
    def _rows(queryset) -> Iterator[list[Any]]:
        for deal in queryset.iterator(chunk_size=CHUNK_SIZE):
            yield [
                deal.number,
                deal.title,
                deal.customer.code,
                deal.customer.name,
                deal.site.name if deal.site else "",
                deal.business_line.name if deal.business_line else "",
                deal.organisation.name if deal.organisation else "",
                user_name(deal.owner),
                deal.amount,
                deal.probability,
                deal.get_status_display(),
                deal.opened_on,
                deal.expected_on,
                deal.closed_on,
            ]


@exporter_registry.register
class ActionListExporter(ListExporter):
    key = "actions"
    label = _("Liste des actions commerciales")
    formats = (XLSX,)
    permission = "ventes.view_action"

    columns = (
        Column(_("Type"), width=16),
        Column(_("Objet"), width=36),
        Column(_("Code client"), width=12),
        Column(_("Client"), width=36),
        Column(_("Site"), width=24),
        Column(_("Personne à contacter"), width=24),
        Column(_("Affaire"), width=18),
        Column(_("Responsable"), width=22),
        Column(_("Activité"), width=18),
        Column(_("Prévue le"), width=16, number_format=DATETIME_FORMAT),
        Column(_("Faite le"), width=16, number_format=DATETIME_FORMAT),
        Column(_("Notes"), width=48),
    )

    table_class = ActionTable
    sheet_title = _("Actions")

    @staticmethod
    def _rows(queryset) -> Iterator[list[Any]]:
        for action in queryset.iterator(chunk_size=CHUNK_SIZE):
            yield [
                action.get_kind_display(),
                action.subject,
                action.customer.code,
                action.customer.name,
                action.site.name if action.site else "",
                str(action.contact) if action.contact else "",
                action.deal.number if action.deal else "",
                user_name(action.owner),
                action.business_line.name if action.business_line else "",
                action.planned_at,
                action.done_at,
                action.notes,
            ]
