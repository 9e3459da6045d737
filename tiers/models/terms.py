"""Commercial and financial terms of a third party, read later by sales documents and credit
control: the reference tables they point to, the fields themselves (an abstract base of
ThirdParty) and the representatives in charge."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.models import TenantModel


class DueDateBasis(models.TextChoices):
    INVOICE = "invoice", _("Date de facture")
    DELIVERY = "delivery", _("Date de livraison")


class PaymentTerm(TenantModel):
    """Condition de paiement: due date = basis date + days, then end of month when asked."""

    code = models.CharField(_("code"), max_length=20)
    label = models.CharField(_("libellé"), max_length=100)
    due_date_basis = models.CharField(
        _("base de calcul de l'échéance"),
        max_length=10,
        choices=DueDateBasis.choices,
        default=DueDateBasis.INVOICE,
    )
    days = models.PositiveSmallIntegerField(
        _("nombre de jours"), default=30, validators=[MaxValueValidator(365)]
    )
    end_of_month = models.BooleanField(_("fin de mois"), default=False)
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("condition de paiement")
        verbose_name_plural = _("conditions de paiement")
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="paymentterm_code_unique"),
            models.CheckConstraint(condition=Q(days__lte=365), name="paymentterm_days_range"),
        ]

    def __str__(self) -> str:
        return self.label


class StatisticalAxis(TenantModel):
    """One of the tenant's customer statistical family axes (famille statistique 1, 2...).
    A prospect is converted to a customer only once every active axis has a value."""

    code = models.CharField(_("code"), max_length=20)
    label = models.CharField(_("libellé"), max_length=100)
    position = models.PositiveSmallIntegerField(_("ordre"), default=1)
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("axe de famille statistique")
        verbose_name_plural = _("axes de familles statistiques")
        ordering = ["position", "code"]
        constraints = [models.UniqueConstraint(fields=["tenant", "code"], name="statisticalaxis_code_unique")]

    def __str__(self) -> str:
        return self.label


class StatisticalFamily(TenantModel):
    axis = models.ForeignKey(
        StatisticalAxis, on_delete=models.CASCADE, related_name="families", verbose_name=_("axe")
    )
    code = models.CharField(_("code"), max_length=20)
    label = models.CharField(_("libellé"), max_length=100)
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("famille statistique")
        verbose_name_plural = _("familles statistiques")
        ordering = ["axis__position", "label"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "axis", "code"], name="statisticalfamily_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.axis.label} : {self.label}" if self.axis_id else self.label


class ThirdPartyStatisticalFamily(TenantModel):
    """The third party's value on one axis (at most one per axis)."""

    third_party = models.ForeignKey(
        "tiers.ThirdParty", on_delete=models.CASCADE, related_name="statistical_families"
    )
    axis = models.ForeignKey(StatisticalAxis, on_delete=models.PROTECT, related_name="+")
    family = models.ForeignKey(StatisticalFamily, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("famille statistique du tiers")
        verbose_name_plural = _("familles statistiques du tiers")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "third_party", "axis"], name="tpstatfamily_axis_unique")
        ]

    def __str__(self) -> str:
        return f"{self.third_party_id} → {self.family_id}"


class AbcCategory(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"


class PartialDelivery(models.TextChoices):
    ALLOWED = "allowed", _("Autorisée")
    COMPLETE_LINE = "complete_line", _("Ligne complète")
    COMPLETE_ORDER = "complete_order", _("Commande complète")


class PriceType(models.TextChoices):
    EXCL_TAX = "ht", _("HT")
    INCL_TAX = "ttc", _("TTC")


class BillingMode(models.TextChoices):
    PER_DELIVERY = "per_delivery", _("1 facture / livraison")
    PER_ORDER = "per_order", _("1 facture / commande")
    PER_COMPLETED_ORDER = "per_completed_order", _("1 facture / commande soldée")
    GROUPED = "grouped", _("Regroupement des livraisons de la période")


class BillingPeriodicity(models.TextChoices):
    IMMEDIATE = "immediate", _("Immédiate")
    WEEKLY = "weekly", _("Hebdomadaire")
    TEN_DAYS = "ten_days", _("Décadaire")
    MONTHLY = "monthly", _("Mensuelle")


class FreeShipping(models.TextChoices):
    NEVER = "never", _("Jamais")
    ALWAYS = "always", _("Toujours")
    ABOVE_EXCL_TAX = "above_ht", _("Au-delà d'un seuil HT")
    ABOVE_INCL_TAX = "above_ttc", _("Au-delà d'un seuil TTC")


class PaymentMethod(models.TextChoices):
    """The customer's usual payment method (mode de règlement habituel)."""

    TRANSFER = "transfer", _("Virement")
    DIRECT_DEBIT = "direct_debit", _("Prélèvement")
    CHEQUE = "cheque", _("Chèque")
    CARD = "card", _("Carte bancaire")
    BILL_OF_EXCHANGE = "lcr", _("LCR (lettre de change)")
    CASH = "cash", _("Espèces")


class VatTreatment(models.TextChoices):
    """Soumission à la TVA: derived from the country and the VAT number (tiers.vat) unless forced."""

    AUTO = "auto", _("Automatique (selon le pays)")
    FRENCH_VAT = "french_vat", _("TVA française")
    REVERSE_CHARGE = "reverse_charge", _("Autoliquidation (intracommunautaire)")
    EXEMPT = "exempt", _("Exonéré (hors Union européenne)")


class InvoiceSending(models.TextChoices):
    EMAIL = "email", _("Par e-mail")
    POST = "post", _("Par courrier")
    EMAIL_AND_POST = "email_post", _("Par e-mail et par courrier")


class CreditControl(models.TextChoices):
    NONE = "none", _("Aucun")
    WARNING = "warning", _("Avertissement")
    BLOCKING = "blocking", _("Bloquant")


def _segment(kind: str, label):
    return models.ForeignKey(
        "tiers.SegmentValue",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=label,
        limit_choices_to={"kind": kind},
    )


def _party(label):
    return models.ForeignKey(
        "tiers.ThirdParty",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=label,
    )


def _address(label):
    return models.ForeignKey(
        "tiers.Address",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=label,
    )


def _rep(label):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=label,
    )


def _amount(label):
    return models.DecimalField(label, max_digits=14, decimal_places=2, null=True, blank=True)


class ThirdPartyTerms(models.Model):
    """The commercial and financial fields of a third party (abstract: they live on its row)."""

    accounting_code = models.CharField(_("code comptable"), max_length=20, blank=True)
    payment_term = models.ForeignKey(
        PaymentTerm,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("condition de paiement"),
    )
    payment_days = ArrayField(
        models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(31)]),
        verbose_name=_("jours de règlement"),
        default=list,
        blank=True,
        size=4,
    )
    unavailable_from = models.DateField(_("indisponible du"), null=True, blank=True)
    unavailable_to = models.DateField(_("indisponible au"), null=True, blank=True)
    reminder_group = _segment("reminder_group", _("groupe de relance"))
    tax_regime = _segment("tax_regime", _("régime de taxe"))
    is_vat_liable = models.BooleanField(_("assujetti à la TVA"), default=True)
    abc_category = models.CharField(_("catégorie ABC"), max_length=1, choices=AbcCategory.choices, blank=True)
    minimum_order_amount = _amount(_("montant minimum de commande HT"))
    loans_allowed = models.BooleanField(_("prêt autorisé"), default=False)
    order_grouping_forbidden = models.BooleanField(_("regroupement des commandes interdit"), default=False)
    partial_delivery = models.CharField(
        _("livraison partielle"),
        max_length=15,
        choices=PartialDelivery.choices,
        default=PartialDelivery.ALLOWED,
    )
    price_type = models.CharField(
        _("type de prix"), max_length=3, choices=PriceType.choices, default=PriceType.EXCL_TAX
    )
    billing_mode = models.CharField(
        _("mode de facturation"), max_length=20, choices=BillingMode.choices, default=BillingMode.PER_DELIVERY
    )
    billing_periodicity = models.CharField(
        _("périodicité de facturation"),
        max_length=10,
        choices=BillingPeriodicity.choices,
        default=BillingPeriodicity.IMMEDIATE,
    )
    free_shipping = models.CharField(
        _("franco de port"), max_length=10, choices=FreeShipping.choices, default=FreeShipping.NEVER
    )
    free_shipping_threshold = _amount(_("seuil du franco"))
    credit_limit = _amount(_("encours autorisé"))
    credit_control = models.CharField(
        _("contrôle de l'encours"), max_length=10, choices=CreditControl.choices, default=CreditControl.NONE
    )
    credit_insurance_amount = _amount(_("montant de l'assurance crédit"))
    credit_insurance_expiry = models.DateField(_("expiration de l'assurance crédit"), null=True, blank=True)
    credit_insurer = _party(_("assureur crédit"))
    bill_to = _party(_("client facturé"))
    payer = _party(_("tiers payeur"))
    group = _party(_("client groupe"))
    commission_category = _segment("commission_category", _("catégorie de commission"))
    # Printed on the customer's order acknowledgements and invoices (ventes/documents.py).
    order_ack_text = models.TextField(_("texte des accusés de réception de commande"), blank=True)
    invoice_text = models.TextField(_("texte des factures"), blank=True)
    rep_1 = _rep(_("représentant 1"))
    rep_2 = _rep(_("représentant 2"))
    # Conditions and billing shown by the record's "Informations complémentaires".
    price_list = _segment("price_list", _("grille tarifaire"))
    payment_method = models.CharField(
        _("mode de règlement"), max_length=15, choices=PaymentMethod.choices, blank=True
    )
    vat_treatment = models.CharField(
        _("soumission à la TVA"), max_length=15, choices=VatTreatment.choices, default=VatTreatment.AUTO
    )
    billing_address = _address(_("adresse de facturation par défaut"))
    delivery_address = _address(_("adresse de livraison par défaut"))
    invoice_sending = models.CharField(
        _("mode d'envoi des factures"),
        max_length=10,
        choices=InvoiceSending.choices,
        default=InvoiceSending.EMAIL,
    )

    class Meta:
        abstract = True


# Declared on ThirdParty's Meta (an abstract base's constraints would be replaced by the child's).
TERMS_CONSTRAINTS = [
    models.CheckConstraint(
        condition=Q(rep_2__isnull=True) | Q(rep_1__isnull=False), name="thirdparty_rep2_needs_rep1"
    ),
    models.CheckConstraint(
        condition=Q(unavailable_from__isnull=True, unavailable_to__isnull=True)
        | Q(
            unavailable_from__isnull=False,
            unavailable_to__isnull=False,
            unavailable_from__lte=models.F("unavailable_to"),
        ),
        name="thirdparty_unavailability_range",
    ),
    models.CheckConstraint(
        condition=Q(free_shipping__in=["above_ht", "above_ttc"], free_shipping_threshold__isnull=False)
        | (~Q(free_shipping__in=["above_ht", "above_ttc"]) & Q(free_shipping_threshold__isnull=True)),
        name="thirdparty_free_shipping_threshold",
    ),
    models.CheckConstraint(
        condition=Q(credit_control="none") | Q(credit_limit__isnull=False),
        name="thirdparty_credit_control_limit",
    ),
    models.CheckConstraint(
        condition=Q(minimum_order_amount__isnull=True) | Q(minimum_order_amount__gte=0),
        name="thirdparty_minimum_order_positive",
    ),
    models.CheckConstraint(
        condition=Q(credit_limit__isnull=True) | Q(credit_limit__gte=0),
        name="thirdparty_credit_limit_positive",
    ),
]


class FooterItemKind(models.TextChoices):
    DISCOUNT = "discount", _("Remise")
    FEE = "fee", _("Frais")


class FooterValueType(models.TextChoices):
    PERCENT = "percent", _("Pourcentage")
    AMOUNT_EXCL_TAX = "amount_ht", _("Montant HT")
    AMOUNT_INCL_TAX = "amount_ttc", _("Montant TTC")


class InvoiceFooterItem(TenantModel):
    """A discount or a fee of the customer's invoice footer (pied de facture: remises et frais),
    as a percentage or an amount HT or TTC."""

    third_party = models.ForeignKey(
        "tiers.ThirdParty", on_delete=models.CASCADE, related_name="invoice_footer_items"
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=1)
    code = models.CharField(_("code"), max_length=20)
    label = models.CharField(_("intitulé"), max_length=100)
    kind = models.CharField(_("nature"), max_length=10, choices=FooterItemKind.choices)
    value_type = models.CharField(_("type de valeur"), max_length=10, choices=FooterValueType.choices)
    value = models.DecimalField(_("valeur"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("remise ou frais de pied de facture")
        verbose_name_plural = _("remises et frais de pied de facture")
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["tenant", "third_party"], name="footeritem_party_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(value__gt=0), name="footeritem_value_positive"),
            models.CheckConstraint(
                condition=~Q(value_type="percent") | Q(value__lte=100), name="footeritem_percent_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"


class SecondaryRep(TenantModel):
    """A further collaborator on the account, by role and product family (représentant secondaire)."""

    third_party = models.ForeignKey(
        "tiers.ThirdParty", on_delete=models.CASCADE, related_name="secondary_reps"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("représentant")
    )
    role = _segment("rep_role", _("rôle"))
    product_family = _segment("product_family", _("famille de produit"))

    class Meta:
        verbose_name = _("représentant secondaire")
        verbose_name_plural = _("représentants secondaires")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "third_party", "user", "role", "product_family"],
                name="secondaryrep_unique",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.third_party_id} → {self.user_id}"


class CommercialFollowUp(TenantModel):
    """Suivi commercial: the rep in charge of the customer for one internal organisation and business line."""

    third_party = models.ForeignKey("tiers.ThirdParty", on_delete=models.CASCADE, related_name="follow_ups")
    organisation = models.ForeignKey(
        "crm.InternalOrganisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation interne"),
    )
    business_line = models.ForeignKey(
        "crm.BusinessLine", on_delete=models.PROTECT, related_name="+", verbose_name=_("activité")
    )
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("commercial")
    )

    class Meta:
        verbose_name = _("suivi commercial")
        verbose_name_plural = _("suivis commerciaux")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "third_party", "organisation", "business_line"], name="followup_unique"
            )
        ]
        indexes = [models.Index(fields=["tenant", "rep"], name="followup_rep_idx")]

    def __str__(self) -> str:
        return f"{self.third_party_id} / {self.organisation_id} / {self.business_line_id} → {self.rep_id}"
