"""Exporters of the core app (registered when ``crm.apps.CoreConfig.ready`` imports this module)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from crm.exports.registry import XLSX, Column, Exporter, Sheet, exporter_registry
from crm.models import ExportJob
from crm.selectors import memberships_for_export

CHUNK_SIZE = 2000


@exporter_registry.register
class UsersExporter(Exporter):
    """One row per membership of the current tenant."""

    key = "users"
    label = _("Utilisateurs de la société")
    formats = (XLSX,)
    on_export_page = True

    columns = (
        Column(_("Identifiant"), width=20),
        Column(_("Nom"), width=20),
        Column(_("Prénom"), width=20),
        Column(_("E-mail"), width=32),
        Column(_("Rôle"), width=16),
        Column(_("Licence"), width=10),
        Column(_("Activités"), width=32),
        Column(_("Actif"), width=8),
        Column(_("Dernière connexion"), width=18),
    )

    def sheets(self, job: ExportJob) -> list[Sheet]:
        memberships = memberships_for_export(tenant=job.tenant)
        return [
            Sheet(
                title=_("Utilisateurs"),
                columns=self.columns,
                rows=self._rows(memberships),
                count=memberships.count(),
            )
        ]

    @staticmethod
    def _rows(memberships) -> Iterator[list[Any]]:
        for membership in memberships.iterator(chunk_size=CHUNK_SIZE):
            user = membership.user
            yield [
                user.get_username(),
                user.last_name,
                user.first_name,
                user.email,
                membership.role.name,
                membership.get_licence_display(),
                ", ".join(line.name for line in membership.business_lines.all()),
                membership.is_active and user.is_active,
                user.last_login,
            ]
