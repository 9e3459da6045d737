"""Excel exports of the customer, prospect and contact lists (core's export framework).

The list's "Exporter (Excel)" button stores the list's effective query string on the job
(``parameters["query"]``); the exporter re-applies the same FilterSet over the same selector as
the screen, as the job's owner, so the file holds exactly the rows the list shows (every page),
in the same order. Rows are streamed with ``.iterator()``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from crm.exports.owner import owner_filterset, table_rows
from crm.exports.registry import PDF, XLSX, Column, Exporter, Sheet, exporter_registry
from crm.exports.sheets_pdf import SheetsPdfMixin
from crm.models import ExportJob
from crm.normalize import phone_display

from .filters import list_filterset
from .tables import ContactTable, ThirdPartyTable, status_badges

CHUNK_SIZE = 2000


def _owner_filterset(job: ExportJob, list_key: str):
    return owner_filterset(job, list_key, list_filterset)


_ordered = table_rows


class _ThirdPartyListExporter(SheetsPdfMixin, Exporter):
    """Excel, or printed (PDF) with the same rows."""

    formats = (XLSX, PDF)
    sheet_title = ""

    columns = (
        Column(_("Code"), width=12),
        Column(_("Raison sociale"), width=40),
        Column(_("Statut"), width=24),
        Column(_("Adresse"), width=36),
        Column(_("Code postal"), width=10),
        Column(_("Ville"), width=24),
        Column(_("Téléphone"), width=16),
        Column(_("E-mail"), width=30),
        Column(_("Activités"), width=30),
        Column(_("Étiquettes"), width=30),
        Column(_("SIRET"), width=16),
        Column(_("N° TVA intracommunautaire"), width=18),
        Column(_("Code NAF/APE"), width=10),
    )

    def sheets(self, job: ExportJob) -> list[Sheet]:
        filterset, sort = _owner_filterset(job, self.key)
        rows = _ordered(ThirdPartyTable, filterset.qs, sort)
        return [
            Sheet(title=self.sheet_title, columns=self.columns, rows=self._rows(rows), count=rows.count())
        ]

    @staticmethod
    def _rows(queryset) -> Iterator[list[Any]]:
        for third_party in queryset.iterator(chunk_size=CHUNK_SIZE):
            yield [
                third_party.code,
                third_party.name,
                ", ".join(label for _css, label in status_badges(third_party)),
                third_party.main_line1 or "",
                third_party.main_postal_code or "",
                third_party.main_city or "",
                phone_display(third_party.main_phone or ""),
                third_party.main_email or "",
                ", ".join(third_party.business_line_names or []),
                ", ".join(third_party.tag_labels or []),
                third_party.siret,
                third_party.vat_number,
                third_party.naf,
            ]


@exporter_registry.register
class CustomerListExporter(_ThirdPartyListExporter):
    key = "customers"
    label = _("Liste des clients")
    sheet_title = _("Clients")


@exporter_registry.register
class ProspectListExporter(_ThirdPartyListExporter):
    key = "prospects"
    label = _("Liste des prospects")
    sheet_title = _("Prospects")


@exporter_registry.register
class ContactListExporter(Exporter):
    key = "contacts"
    label = _("Liste des contacts")
    formats = (XLSX,)

    columns = (
        Column(_("Code"), width=16),
        Column(_("Civilité"), width=8),
        Column(_("Nom"), width=24),
        Column(_("Prénom"), width=20),
        Column(_("Fonction"), width=24),
        Column(_("Service"), width=20),
        Column(_("Tiers"), width=40),
        Column(_("Téléphone"), width=16),
        Column(_("Portable"), width=16),
        Column(_("E-mail"), width=30),
    )

    def sheets(self, job: ExportJob) -> list[Sheet]:
        filterset, sort = _owner_filterset(job, self.key)
        rows = _ordered(ContactTable, filterset.qs, sort)
        return [Sheet(title=_("Contacts"), columns=self.columns, rows=self._rows(rows), count=rows.count())]

    @staticmethod
    def _rows(queryset) -> Iterator[list[Any]]:
        for contact in queryset.iterator(chunk_size=CHUNK_SIZE):
            yield [
                contact.key,
                contact.get_civility_display(),
                contact.last_name,
                contact.first_name,
                contact.function.label if contact.function else "",
                contact.department,
                ", ".join(
                    f"{link.third_party.code} {link.third_party.name}" for link in contact.visible_links
                ),
                phone_display(contact.phone),
                phone_display(contact.mobile),
                contact.email,
            ]
