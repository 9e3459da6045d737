"""Per-tenant counters that number business records (third-party codes, contact keys, orders...)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .tenancy import TenantModel


class Counter(TenantModel):
    key = models.CharField(_("compteur"), max_length=40)
    value = models.PositiveBigIntegerField(_("dernière valeur"), default=0)

    class Meta:
        verbose_name = _("compteur")
        verbose_name_plural = _("compteurs")
        constraints = [models.UniqueConstraint(fields=["tenant", "key"], name="counter_key_unique")]

    def __str__(self) -> str:
        return f"{self.key} = {self.value}"
