"""Global reference data, shared by every tenant.

The rows come from fixtures/countries.json and fixtures/currencies.json, generated from registry
packages by scripts/generate_reference_data.py and loaded by the data migration
``crm.0002_reference_data`` (again by ``manage.py load_reference_data``).
"""

import re

from django.db import models
from django.utils.translation import gettext_lazy as _


class Country(models.Model):
    code = models.CharField(_("code ISO"), max_length=2, unique=True)
    name = models.CharField(_("nom"), max_length=100)
    # Anchored (``^(?:...)$``); empty when the country has no postal codes.
    postal_code_regex = models.CharField(_("format du code postal"), max_length=500, blank=True)
    postal_code_required = models.BooleanField(_("code postal obligatoire"), default=False)
    legal_ids_required = models.BooleanField(
        _("SIRET et TVA intracommunautaire obligatoires pour une personne morale"), default=False
    )
    phone_region = models.CharField(_("région téléphonique"), max_length=2, blank=True)
    calling_code = models.PositiveSmallIntegerField(_("indicatif téléphonique"), null=True, blank=True)
    iban_used = models.BooleanField(_("IBAN utilisé"), default=False)
    eu_member = models.BooleanField(_("membre de l'Union européenne"), default=False)

    class Meta:
        verbose_name = _("pays")
        verbose_name_plural = _("pays")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def postal_code_matches(self, value: str) -> bool:
        """Whether ``value`` has this country's postal-code format (any value when it has none)."""
        if not self.postal_code_regex:
            return True
        return re.fullmatch(self.postal_code_regex, value, flags=re.ASCII) is not None


class Currency(models.Model):
    code = models.CharField(_("code ISO"), max_length=3, unique=True)
    name = models.CharField(_("nom"), max_length=100)
    decimals = models.PositiveSmallIntegerField(_("décimales"), default=2)

    class Meta:
        verbose_name = _("devise")
        verbose_name_plural = _("devises")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"
