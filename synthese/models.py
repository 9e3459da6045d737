"""Models of the synthese app: it owns only the user's preferences of its screens (DESIGN.md §2)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.models import TenantModel


class UserPreference(TenantModel):
    """One preference of a user in a tenant (column choice of a tab, last export selection...):
    a JSON value under a key such as ``colonnes:affaires`` or ``export:sections``."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("clé"), max_length=60)
    value = models.JSONField(_("valeur"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("préférence utilisateur")
        verbose_name_plural = _("préférences utilisateur")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user", "key"], name="synthese_userpreference_unique")
        ]

    def __str__(self) -> str:
        return self.key
