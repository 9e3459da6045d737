"""Service requests (DIT) with the assets and contract coverages they concern, and the
technicians' interventions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.models import TenantModel
from tiers.models import CustomerOwnedModel, customer_indexes


class RequestState(models.TextChoices):
    NEW = "new", _("Nouvelle")
    IN_PROGRESS = "in_progress", _("En cours")
    WAITING = "waiting", _("En attente")
    CLOSED = "closed", _("Clôturée")
    CANCELLED = "cancelled", _("Annulée")


OPEN_STATES = (RequestState.NEW, RequestState.IN_PROGRESS, RequestState.WAITING)


class RequestNature(models.TextChoices):
    BREAKDOWN = "breakdown", _("Panne")
    MAINTENANCE = "maintenance", _("Maintenance préventive")
    INSTALLATION = "installation", _("Installation")
    WARRANTY = "warranty", _("Demande de garantie")
    TRAINING = "training", _("Formation")
    OTHER = "other", _("Autre")


class ServiceRequest(CustomerOwnedModel):
    number = models.CharField(_("numéro"), max_length=30)
    detail = models.TextField(_("détail"))
    requester = models.ForeignKey(
        "tiers.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("demandeur"),
    )
    state = models.CharField(_("état"), max_length=12, choices=RequestState.choices, default=RequestState.NEW)
    nature = models.CharField(
        _("nature"), max_length=12, choices=RequestNature.choices, default=RequestNature.BREAKDOWN
    )
    started_at = models.DateTimeField(_("date de début"))
    closed_at = models.DateTimeField(_("clôturée le"), null=True, blank=True)
    principal = models.ForeignKey(
        "tiers.ThirdParty", on_delete=models.PROTECT, related_name="+", verbose_name=_("donneur d'ordre")
    )
    assets = models.ManyToManyField(
        "parc.Asset", through="ServiceRequestAsset", related_name="service_requests", verbose_name=_("biens")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("demande d'intervention")
        verbose_name_plural = _("demandes d'intervention")
        ordering = ["-started_at"]
        indexes = [
            *customer_indexes("servicerequest"),
            models.Index(fields=["tenant", "customer", "-started_at"], name="servicerequest_recent_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="servicerequest_number_unique"),
            models.CheckConstraint(
                condition=~Q(state="closed") | Q(closed_at__isnull=False),
                name="servicerequest_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class ServiceRequestAsset(TenantModel):
    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="asset_links")
    asset = models.ForeignKey("parc.Asset", on_delete=models.PROTECT, related_name="request_links")

    class Meta:
        verbose_name = _("bien de la demande")
        verbose_name_plural = _("biens de la demande")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "request", "asset"], name="requestasset_unique")
        ]
        indexes = [models.Index(fields=["tenant", "asset"], name="requestasset_asset_idx")]

    def __str__(self) -> str:
        return f"{self.request_id} → {self.asset_id}"


class ServiceRequestCoverage(TenantModel):
    """A contract that covers one of the request's assets: proposed checked, the user may uncheck;
    the selection is stored."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="coverages")
    contract = models.ForeignKey("parc.ServiceContract", on_delete=models.PROTECT, related_name="+")
    is_selected = models.BooleanField(_("retenue"), default=True)

    class Meta:
        verbose_name = _("couverture de la demande")
        verbose_name_plural = _("couvertures de la demande")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "request", "contract"], name="requestcoverage_unique")
        ]

    def __str__(self) -> str:
        return f"{self.request_id} → {self.contract_id} ({self.is_selected})"


class Intervention(CustomerOwnedModel):
    request = models.ForeignKey(
        ServiceRequest, on_delete=models.CASCADE, related_name="interventions", verbose_name=_("demande")
    )
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("technicien")
    )
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"), null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(_("durée (minutes)"), default=0)
    report = models.TextField(_("compte rendu"), blank=True)

    class Meta:
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        ordering = ["-starts_at"]
        indexes = [
            *customer_indexes("intervention"),
            models.Index(fields=["tenant", "request"], name="intervention_request_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(starts_at__lte=models.F("ends_at")),
                name="intervention_dates_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.starts_at:%Y-%m-%d}"

    @property
    def duration_display(self) -> str:
        """Hours.minutes (HH.MM), as technicians read durations."""
        hours, minutes = divmod(self.duration_minutes, 60)
        return f"{hours:02d}.{minutes:02d}"
