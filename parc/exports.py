"""Excel export of the asset list (core's export framework), like tiers/exports.py: the job stores
the list's effective query string; the exporter re-applies the same FilterSet over the same
selector as the screen, as the job's owner, in the screen's order, streaming rows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from crm.exports.owner import owner_filterset as _owner_filterset
from crm.exports.registry import XLSX, Column, Exporter, Sheet, exporter_registry
from crm.models import ExportJob

from .filters import list_filterset
from .tables import AssetTable

CHUNK_SIZE = 2000


def owner_filterset(job: ExportJob, list_key: str, lists_filterset=list_filterset):
    """The list's FilterSet as the job's owner sees it now; ``lists_filterset`` is the app's
    list_filterset (parc's by default)."""
    return _owner_filterset(job, list_key, lists_filterset)


@exporter_registry.register
class AssetListExporter(Exporter):
    key = "assets"
    label = _("Liste des biens")
    formats = (XLSX,)
    permission = "parc.view_asset"

    columns = (
        Column(_("Libellé"), width=36),
        Column(_("Identifiant fabricant"), width=20),
        Column(_("Identifiant prestataire"), width=20),
        Column(_("Code article"), width=16),
        Column(_("Article"), width=36),
        Column(_("Famille"), width=20),
        Column(_("Marque"), width=16),
        Column(_("Code client"), width=12),
        Column(_("Client"), width=36),
        Column(_("Site"), width=24),
        Column(_("Activité"), width=18),
        Column(_("Date d'installation"), width=14, number_format="DD/MM/YYYY"),
        Column(_("Statut"), width=18),
        Column(_("Sous contrat"), width=12),
    )

    def sheets(self, job: ExportJob) -> list[Sheet]:
        filterset, sort = owner_filterset(job, self.key)
        rows = AssetTable(filterset.qs, order_by=sort or None).data.data
        return [Sheet(title=_("Biens"), columns=self.columns, rows=self._rows(rows), count=rows.count())]

    @staticmethod
    def _rows(queryset) -> Iterator[list[Any]]:
        yes, no = str(_("Oui")), str(_("Non"))
        for asset in queryset.iterator(chunk_size=CHUNK_SIZE):
            article = asset.article
            yield [
                asset.label,
                asset.serial,
                asset.provider_id,
                article.code,
                article.label,
                article.family.label if article.family else "",
                article.brand.name if article.brand else "",
                asset.customer.code,
                asset.customer.name,
                asset.site.name if asset.site else "",
                asset.business_line.name if asset.business_line else "",
                asset.installed_on,
                asset.get_status_display(),
                yes if asset.is_covered else no,
            ]
