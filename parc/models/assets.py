"""The installed base: assets (biens) with their financing, equipment seen by an inventory tool,
and the competitors' assets at the customer."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tiers.models import CustomerOwnedModel, customer_indexes


class AssetStatus(models.TextChoices):
    IN_BASE = "in_base", _("Dans le parc client")
    ON_LOAN = "on_loan", _("En prêt")
    REMOVED = "removed", _("Retiré")


class Asset(CustomerOwnedModel):
    article = models.ForeignKey(
        "parc.Article", on_delete=models.PROTECT, related_name="+", verbose_name=_("article")
    )
    serial = models.CharField(_("identifiant fabricant"), max_length=60, blank=True)
    provider_id = models.CharField(_("identifiant prestataire"), max_length=60, blank=True)
    label = models.CharField(_("libellé"), max_length=150)
    installed_on = models.DateField(_("date d'installation"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=AssetStatus.choices, default=AssetStatus.IN_BASE
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("bien")
        verbose_name_plural = _("biens")
        ordering = ["label"]
        indexes = [
            *customer_indexes("asset"),
            models.Index(fields=["tenant", "serial"], name="asset_serial_idx"),
            models.Index(fields=["tenant", "provider_id"], name="asset_provider_idx"),
        ]

    def __str__(self) -> str:
        return self.display_label

    @property
    def display_label(self) -> str:
        """Provider id, manufacturer id and label, as the "Situation actuelle" export shows a Bien."""
        return " ".join(part for part in (self.provider_id, self.serial, self.label) if part)


class Financing(CustomerOwnedModel):
    asset = models.ForeignKey(
        Asset, on_delete=models.CASCADE, related_name="financings", verbose_name=_("bien")
    )
    financer = models.ForeignKey(
        "tiers.ThirdParty", on_delete=models.PROTECT, related_name="+", verbose_name=_("financeur")
    )
    internal_number = models.CharField(_("n° d'accord interne"), max_length=40, blank=True)
    external_number = models.CharField(_("n° d'accord externe"), max_length=40, blank=True)
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))
    duration_months = models.PositiveSmallIntegerField(_("durée (mois)"))
    rent = models.DecimalField(_("loyer"), max_digits=12, decimal_places=2)
    remaining = models.DecimalField(_("reste à payer"), max_digits=14, decimal_places=2, default=0)
    financing_type = models.CharField(_("type de financement"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("financement")
        verbose_name_plural = _("financements")
        indexes = [
            *customer_indexes("financing"),
            models.Index(fields=["tenant", "asset"], name="financing_asset_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lte=models.F("ends_on")), name="financing_dates_order"
            ),
            models.CheckConstraint(
                condition=Q(rent__gte=0) & Q(remaining__gte=0), name="financing_amounts_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.internal_number or self.external_number or self.pk}"


class Equipment(CustomerOwnedModel):
    """A device detected by an inventory tool (imported), matched to an asset on its serial."""

    asset = models.ForeignKey(
        Asset,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="equipment",
        verbose_name=_("bien"),
    )
    serial = models.CharField(_("n° de série"), max_length=60)
    hostname = models.CharField(_("nom d'hôte"), max_length=100, blank=True)
    model = models.CharField(_("modèle"), max_length=100, blank=True)
    is_active = models.BooleanField(_("actif"), default=True)
    last_seen_at = models.DateTimeField(_("vu le"), null=True, blank=True)

    class Meta:
        verbose_name = _("équipement")
        verbose_name_plural = _("équipements")
        ordering = ["hostname", "serial"]
        indexes = customer_indexes("equipment")
        constraints = [models.UniqueConstraint(fields=["tenant", "serial"], name="equipment_serial_unique")]

    def __str__(self) -> str:
        return self.hostname or self.serial


class CompetitorAssetKind(models.TextChoices):
    CAMERA = "camera", _("Caméra")
    PHONE = "phone", _("Téléphonie")
    TELECOM = "telecom", _("Télécom")
    PRINTING = "printing", _("Impression")
    SOLUTION = "solution", _("Solution")


class CompetitorAsset(CustomerOwnedModel):
    """Parc concurrent: what a competitor installed, with its contract and financing."""

    kind = models.CharField(_("type"), max_length=10, choices=CompetitorAssetKind.choices)
    competitor = models.CharField(_("concurrent"), max_length=100)
    description = models.CharField(_("description"), max_length=200, blank=True)
    contract_initial_end_on = models.DateField(_("fin initiale du contrat"), null=True, blank=True)
    contract_type = models.CharField(_("type de contrat"), max_length=60, blank=True)
    contract_comment = models.TextField(_("commentaire contrat"), blank=True)
    financing_starts_on = models.DateField(_("début du financement"), null=True, blank=True)
    financing_ends_on = models.DateField(_("fin du financement"), null=True, blank=True)
    financing_duration_months = models.PositiveSmallIntegerField(_("durée (mois)"), null=True, blank=True)
    financing_type = models.CharField(_("type de financement"), max_length=60, blank=True)
    financer = models.CharField(_("financeur"), max_length=100, blank=True)
    financing_comment = models.TextField(_("commentaire financement"), blank=True)

    class Meta:
        verbose_name = _("parc concurrent")
        verbose_name_plural = _("parcs concurrents")
        ordering = ["kind", "competitor"]
        indexes = customer_indexes("competitorasset")
        constraints = [
            models.CheckConstraint(
                condition=Q(financing_starts_on__isnull=True)
                | Q(financing_ends_on__isnull=True)
                | Q(financing_starts_on__lte=models.F("financing_ends_on")),
                name="competitorasset_financing_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.competitor}"
