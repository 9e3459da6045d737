"""Service contracts (SSC), the templates they are created from, and their billing rules (RFC)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.models import TenantModel
from tiers.models import CustomerOwnedModel, customer_indexes


class ContractType(TenantModel):
    """Reference data seeded with extension de garantie, garantie de base constructeur, location,
    maintenance; admins add their own."""

    code = models.CharField(_("code"), max_length=20)
    label = models.CharField(_("libellé"), max_length=100)
    is_warranty = models.BooleanField(_("garantie"), default=False)

    class Meta:
        verbose_name = _("type de contrat")
        verbose_name_plural = _("types de contrats")
        ordering = ["label"]
        constraints = [models.UniqueConstraint(fields=["tenant", "code"], name="contracttype_code_unique")]

    def __str__(self) -> str:
        return self.label


class ContractKind(models.TextChoices):
    CONTRACT = "contract", _("Contrat")
    SUBSCRIPTION = "subscription", _("Abonnement")
    PREPAID = "prepaid", _("Crédit prépayé")


class ContractTemplate(TenantModel):
    """Modèle de contrat: what a new contract copies (loyalty offers create contracts from one)."""

    code = models.CharField(_("code"), max_length=20)
    label = models.CharField(_("libellé"), max_length=100)
    contract_type = models.ForeignKey(
        ContractType, on_delete=models.PROTECT, related_name="+", verbose_name=_("type")
    )
    kind = models.CharField(
        _("nature"), max_length=15, choices=ContractKind.choices, default=ContractKind.CONTRACT
    )
    duration_months = models.PositiveSmallIntegerField(_("durée (mois)"), default=12)
    prepaid_amount = models.DecimalField(
        _("crédit prépayé"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("modèle de contrat")
        verbose_name_plural = _("modèles de contrats")
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="contracttemplate_code_unique")
        ]

    def __str__(self) -> str:
        return self.label


class ContractStatus(models.TextChoices):
    ACTIVE = "active", _("Actif")
    INACTIVE = "inactive", _("Inactif")


class ServiceContract(CustomerOwnedModel):
    code = models.CharField(_("code"), max_length=30)
    label = models.CharField(_("libellé"), max_length=150)
    contract_type = models.ForeignKey(
        ContractType, on_delete=models.PROTECT, related_name="+", verbose_name=_("type")
    )
    kind = models.CharField(
        _("nature"), max_length=15, choices=ContractKind.choices, default=ContractKind.CONTRACT
    )
    prepaid_balance = models.DecimalField(
        _("solde du crédit"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=ContractStatus.choices, default=ContractStatus.ACTIVE
    )
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"), null=True, blank=True)
    template = models.ForeignKey(
        ContractTemplate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("modèle"),
    )
    assets = models.ManyToManyField(
        "parc.Asset", through="ContractAsset", related_name="contracts", verbose_name=_("biens couverts")
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("solution de service")
        verbose_name_plural = _("solutions de service")
        ordering = ["-starts_on", "code"]
        indexes = customer_indexes("servicecontract")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="servicecontract_code_unique"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__lte=models.F("ends_on")),
                name="servicecontract_dates_order",
            ),
            models.CheckConstraint(
                condition=Q(kind="prepaid", prepaid_balance__isnull=False)
                | (~Q(kind="prepaid") & Q(prepaid_balance__isnull=True)),
                name="servicecontract_prepaid_balance",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class ContractAsset(TenantModel):
    contract = models.ForeignKey(ServiceContract, on_delete=models.CASCADE, related_name="asset_links")
    asset = models.ForeignKey("parc.Asset", on_delete=models.CASCADE, related_name="contract_links")

    class Meta:
        verbose_name = _("bien couvert")
        verbose_name_plural = _("biens couverts")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "contract", "asset"], name="contractasset_unique")
        ]
        indexes = [models.Index(fields=["tenant", "asset"], name="contractasset_asset_idx")]

    def __str__(self) -> str:
        return f"{self.contract_id} → {self.asset_id}"


class BillingType(models.TextChoices):
    FIXED = "fixed", _("Forfait")
    METER = "meter", _("Compteur")
    RENT = "rent", _("Location")
    PREPAID = "prepaid", _("Crédit prépayé")


class BillingTerm(models.TextChoices):
    IN_ADVANCE = "advance", _("À échoir")
    IN_ARREARS = "arrears", _("Échu")


class Periodicity(models.TextChoices):
    MONTHLY = "monthly", _("Mensuelle")
    QUARTERLY = "quarterly", _("Trimestrielle")
    HALF_YEARLY = "half_yearly", _("Semestrielle")
    YEARLY = "yearly", _("Annuelle")


class BillingRule(CustomerOwnedModel):
    """Règle de facturation (RFC) of a contract; an inactive rule never appears downstream."""

    contract = models.ForeignKey(ServiceContract, on_delete=models.CASCADE, related_name="billing_rules")
    position = models.PositiveSmallIntegerField(_("rang"), default=1)
    code = models.CharField(_("code"), max_length=30)
    label = models.CharField(_("libellé"), max_length=150)
    billing_type = models.CharField(_("type de facturation"), max_length=10, choices=BillingType.choices)
    term = models.CharField(
        _("terme"), max_length=10, choices=BillingTerm.choices, default=BillingTerm.IN_ADVANCE
    )
    periodicity = models.CharField(
        _("périodicité"), max_length=12, choices=Periodicity.choices, default=Periodicity.QUARTERLY
    )
    next_invoice_on = models.DateField(_("prochaine facture théorique le"), null=True, blank=True)
    units_sold = models.PositiveIntegerField(_("nombre d'unités vendues"), default=0)
    extra_unit_cost = models.DecimalField(
        _("coût unitaire supplémentaire"), max_digits=12, decimal_places=5, default=0
    )
    meter_type = models.ForeignKey(
        "parc.MeterType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("grandeur"),
    )
    unit_cost = models.DecimalField(
        _("coût unitaire de la grandeur"), max_digits=12, decimal_places=5, null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("règle de facturation")
        verbose_name_plural = _("règles de facturation")
        ordering = ["contract", "position"]
        indexes = [
            *customer_indexes("billingrule"),
            models.Index(fields=["tenant", "contract"], name="billingrule_contract_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "contract", "code"], name="billingrule_code_unique"),
            models.CheckConstraint(
                condition=Q(meter_type__isnull=True) | Q(unit_cost__isnull=False),
                name="billingrule_meter_has_cost",
            ),
            models.CheckConstraint(
                condition=Q(extra_unit_cost__gte=0), name="billingrule_extra_cost_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"
