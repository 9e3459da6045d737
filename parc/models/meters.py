"""Meters: the kinds of counters (grandeurs), their readings (relevés) and the monthly volumes
(VMM) the monthly batch computes from them."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import TenantModel
from tiers.models import CustomerOwnedModel, customer_indexes

BLACK = "NOIR"
COLOUR = "COULEUR"


class MeterType(TenantModel):
    """Grandeur, with a stable code (NOIR, COULEUR, ...) that exports and the VMM read."""

    code = models.CharField(_("code"), max_length=20)
    label = models.CharField(_("libellé"), max_length=60)
    position = models.PositiveSmallIntegerField(_("ordre"), default=1)

    class Meta:
        verbose_name = _("grandeur")
        verbose_name_plural = _("grandeurs")
        ordering = ["position", "code"]
        constraints = [models.UniqueConstraint(fields=["tenant", "code"], name="metertype_code_unique")]

    def __str__(self) -> str:
        return self.label


class ReadingSource(models.TextChoices):
    MANUAL = "manual", _("Saisie")
    TECHNICIAN = "technician", _("Technicien")
    CUSTOMER = "customer", _("Client")
    TELEMETRY = "telemetry", _("Télérelève")
    IMPORT = "import", _("Import")


class MeterReading(CustomerOwnedModel):
    asset = models.ForeignKey(
        "parc.Asset", on_delete=models.CASCADE, related_name="readings", verbose_name=_("bien")
    )
    meter_type = models.ForeignKey(
        MeterType, on_delete=models.PROTECT, related_name="+", verbose_name=_("grandeur")
    )
    read_on = models.DateField(_("date du relevé"))
    value = models.BigIntegerField(_("valeur"))
    source = models.CharField(
        _("origine"), max_length=10, choices=ReadingSource.choices, default=ReadingSource.MANUAL
    )
    is_estimated = models.BooleanField(_("estimé"), default=False)
    is_replacement = models.BooleanField(_("remplacement du compteur"), default=False)
    created_at = models.DateTimeField(_("saisi le"), auto_now_add=True)

    class Meta:
        verbose_name = _("relevé")
        verbose_name_plural = _("relevés")
        ordering = ["asset", "meter_type", "read_on"]
        indexes = [
            *customer_indexes("meterreading"),
            # The VMM batch scans index-only: every column it reads is in the index.
            models.Index(
                fields=["tenant", "asset", "meter_type", "read_on"],
                include=["value", "is_estimated", "is_replacement"],
                name="meterreading_scan_idx",
            ),
        ]
        constraints = [models.CheckConstraint(condition=Q(value__gte=0), name="meterreading_value_positive")]

    def __str__(self) -> str:
        return f"{self.asset_id} {self.meter_type_id} {self.read_on}: {self.value}"


class MonthlyVolume(CustomerOwnedModel):
    """VMM of an asset's meter for a month (first day of the month), or no value with its reason."""

    asset = models.ForeignKey("parc.Asset", on_delete=models.CASCADE, related_name="monthly_volumes")
    meter_type = models.ForeignKey(
        MeterType, on_delete=models.PROTECT, related_name="+", verbose_name=_("grandeur")
    )
    month = models.DateField(_("mois"))
    value = models.DecimalField(_("VMM"), max_digits=14, decimal_places=2, null=True, blank=True)
    reason = models.CharField(_("motif d'absence"), max_length=200, blank=True)
    last_reading_on = models.DateField(_("dernier relevé"), null=True, blank=True)
    # Set by the VMM upsert only when the row changes (a rerun that changes nothing keeps it).
    computed_at = models.DateTimeField(_("calculé le"), default=timezone.now)

    class Meta:
        verbose_name = _("volume mensuel moyen")
        verbose_name_plural = _("volumes mensuels moyens")
        indexes = customer_indexes("monthlyvolume")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "asset", "meter_type", "month"], name="monthlyvolume_unique"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="monthlyvolume_first_of_month"),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | ~Q(reason=""), name="monthlyvolume_value_or_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.asset_id} {self.meter_type_id} {self.month:%Y-%m}: {self.value}"
