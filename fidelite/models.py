"""Loyalty: programmes (earning, spending, expiry, service debit and offer rules), customer
accounts, and the append-only points ledger (PointEntry). The balance is the sum of the ledger."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.models import TenantModel


class LoyaltyProgram(TenantModel):
    name = models.CharField(_("nom"), max_length=100)
    points_per_euro = models.DecimalField(
        _("points par euro HT facturé"), max_digits=8, decimal_places=2, default=1
    )
    minimum_invoice_amount = models.DecimalField(
        _("montant HT minimum de la facture"), max_digits=12, decimal_places=2, default=0
    )
    point_value = models.DecimalField(_("valeur d'un point (€)"), max_digits=8, decimal_places=4, default=0)
    expiry_months = models.PositiveSmallIntegerField(
        _("expiration (mois)"),
        null=True,
        blank=True,
        help_text=_("Les points expirent N mois après le mois où ils ont été acquis ; vide : jamais."),
    )
    service_points_per_hour = models.PositiveIntegerField(
        _("points débités par heure d'intervention"), default=0
    )
    offer_threshold = models.PositiveIntegerField(_("seuil d'offre (points)"), null=True, blank=True)
    offer_template = models.ForeignKey(
        "parc.ContractTemplate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("modèle de contrat offert"),
    )
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("programme de fidélité")
        verbose_name_plural = _("programmes de fidélité")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="loyaltyprogram_name_unique"),
            models.CheckConstraint(condition=Q(points_per_euro__gte=0), name="loyaltyprogram_rate_positive"),
            models.CheckConstraint(condition=Q(point_value__gte=0), name="loyaltyprogram_value_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class LoyaltyFamilyRate(TenantModel):
    """The programme's rate for the articles of one family (or sub-family), instead of its own."""

    program = models.ForeignKey(LoyaltyProgram, on_delete=models.CASCADE, related_name="family_rates")
    family = models.ForeignKey(
        "parc.ArticleFamily", on_delete=models.PROTECT, related_name="+", verbose_name=_("famille")
    )
    points_per_euro = models.DecimalField(_("points par euro HT"), max_digits=8, decimal_places=2)

    class Meta:
        verbose_name = _("taux par famille")
        verbose_name_plural = _("taux par famille")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "program", "family"], name="loyaltyfamilyrate_unique"),
            models.CheckConstraint(condition=Q(points_per_euro__gte=0), name="loyaltyfamilyrate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.family} : {self.points_per_euro}"


class AccountStatus(models.TextChoices):
    ACTIVE = "active", _("Actif")
    SUSPENDED = "suspended", _("Suspendu")
    CLOSED = "closed", _("Clos")


class LoyaltyAccount(TenantModel):
    customer = models.ForeignKey(
        "tiers.ThirdParty", on_delete=models.PROTECT, related_name="+", verbose_name=_("client")
    )
    program = models.ForeignKey(
        LoyaltyProgram, on_delete=models.PROTECT, related_name="accounts", verbose_name=_("programme")
    )
    number = models.CharField(_("numéro de fidélité"), max_length=20)
    joined_on = models.DateField(_("adhésion le"))
    status = models.CharField(
        _("statut"), max_length=10, choices=AccountStatus.choices, default=AccountStatus.ACTIVE
    )
    threshold_override = models.PositiveIntegerField(
        _("seuil d'offre propre au client"), null=True, blank=True
    )
    template_override = models.ForeignKey(
        "parc.ContractTemplate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("modèle de contrat propre au client"),
    )
    # The offer marker: set once, when the threshold is first reached (never offered twice).
    offered_contract = models.ForeignKey(
        "parc.ServiceContract",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contrat offert"),
    )
    offered_at = models.DateTimeField(_("offert le"), null=True, blank=True)

    class Meta:
        verbose_name = _("compte de fidélité")
        verbose_name_plural = _("comptes de fidélité")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="loyaltyaccount_number_unique"),
            models.UniqueConstraint(fields=["tenant", "customer"], name="loyaltyaccount_customer_unique"),
        ]

    def __str__(self) -> str:
        return self.number


class EntryKind(models.TextChoices):
    EARNED = "earned", _("Acquis sur facture")
    MANUAL_CREDIT = "manual_credit", _("Crédit manuel")
    MANUAL_DEBIT = "manual_debit", _("Débit manuel")
    SPENT = "spent", _("Utilisés")
    EXPIRED = "expired", _("Expirés")
    SERVICE_DEBIT = "service_debit", _("Débit intervention")


DEBIT_KINDS = (EntryKind.MANUAL_DEBIT, EntryKind.SPENT, EntryKind.EXPIRED, EntryKind.SERVICE_DEBIT)


class PointEntry(TenantModel):
    """One line of the ledger; never updated nor deleted (services only append)."""

    account = models.ForeignKey(LoyaltyAccount, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("nature"), max_length=15, choices=EntryKind.choices)
    points = models.IntegerField(_("points"))
    occurred_on = models.DateField(_("date"))
    reason = models.CharField(_("motif"), max_length=200, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    source_invoice = models.ForeignKey(
        "ventes.Invoice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("facture"),
    )
    source_request = models.ForeignKey(
        "parc.ServiceRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("demande d'intervention"),
    )
    # Expired entries: the month of the expiry run (one per account and month).
    period = models.DateField(_("période"), null=True, blank=True)
    created_at = models.DateTimeField(_("enregistré le"), auto_now_add=True)

    class Meta:
        verbose_name = _("mouvement de points")
        verbose_name_plural = _("mouvements de points")
        ordering = ["-occurred_on", "-pk"]
        permissions = [("adjust_points", _("Créditer ou débiter des points manuellement"))]
        indexes = [models.Index(fields=["tenant", "account", "occurred_on"], name="pointentry_account_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "account", "kind", "source_invoice"],
                condition=Q(source_invoice__isnull=False),
                name="pointentry_invoice_once",
            ),
            models.UniqueConstraint(
                fields=["tenant", "account", "kind", "source_request"],
                condition=Q(source_request__isnull=False),
                name="pointentry_request_once",
            ),
            models.UniqueConstraint(
                fields=["tenant", "account", "kind", "period"],
                condition=Q(period__isnull=False),
                name="pointentry_period_once",
            ),
            models.CheckConstraint(condition=~Q(points=0), name="pointentry_points_not_zero"),
            models.CheckConstraint(
                condition=~Q(kind="manual_credit") | Q(points__gt=0), name="pointentry_credit_positive"
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=[k.value for k in DEBIT_KINDS]) | Q(points__lt=0),
                name="pointentry_debit_negative",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["manual_credit", "manual_debit"]) | ~Q(reason=""),
                name="pointentry_manual_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.points:+d}"
