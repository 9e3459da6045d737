"""Custom permissions that belong to no single table (a model without a table holds them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BusinessPermission(models.Model):
    class Meta:
        managed = False
        default_permissions = ()
        verbose_name = _("droit métier")
        permissions = [
            ("export_data", _("Exporter une synthèse et des listes")),
            ("reveal_secret", _("Révéler un secret du coffre-fort")),
            ("view_closed_accounts", _("Voir les comptes fermés")),
            ("validate_prospect", _("Valider et convertir les prospects")),
            ("merge_thirdparty", _("Fusionner des tiers")),
            ("delete_thirdparty", _("Supprimer définitivement des tiers")),
            ("manage_parameters", _("Gérer les paramètres, les utilisateurs et les rôles")),
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
