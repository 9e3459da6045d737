"""Postal addresses of a third party, with their phones and e-mails; sites, ship-to and bank accounts."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.fields import WebsiteField
from crm.models import TenantModel


class Address(TenantModel):
    third_party = models.ForeignKey("tiers.ThirdParty", on_delete=models.CASCADE, related_name="addresses")
    code = models.CharField(_("code adresse"), max_length=10)
    description = models.CharField(_("désignation"), max_length=100, blank=True)
    line1 = models.CharField(_("adresse ligne 1"), max_length=100, blank=True)
    line2 = models.CharField(_("adresse ligne 2"), max_length=100, blank=True)
    line3 = models.CharField(_("adresse ligne 3"), max_length=100, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=12, blank=True)
    city = models.CharField(_("ville"), max_length=80, blank=True)
    subdivision = models.CharField(_("département"), max_length=60, blank=True)
    country = models.ForeignKey(
        "crm.Country", on_delete=models.PROTECT, related_name="+", verbose_name=_("pays")
    )
    website = WebsiteField(_("site web"), blank=True)
    external_id = models.CharField(_("identifiant externe"), max_length=40, blank=True)
    is_default = models.BooleanField(_("adresse par défaut"), default=False)

    class Meta:
        verbose_name = _("adresse")
        verbose_name_plural = _("adresses")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "third_party", "code"], name="address_code_unique"),
            models.UniqueConstraint(
                fields=["tenant", "third_party"], condition=Q(is_default=True), name="address_one_default"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "postal_code"], name="address_postal_code_idx")]

    def __str__(self) -> str:
        place = " ".join(part for part in (self.postal_code, self.city) if part)
        return f"{self.code} — {place}" if place else self.code

    def lines(self) -> list[str]:
        return [line for line in (self.line1, self.line2, self.line3) if line]


class PhoneKind(models.TextChoices):
    PHONE = "phone", _("Téléphone")
    MOBILE = "mobile", _("Portable")
    FAX = "fax", _("Fax")


class AddressPhone(TenantModel):
    address = models.ForeignKey(Address, on_delete=models.CASCADE, related_name="phones")
    kind = models.CharField(_("type"), max_length=10, choices=PhoneKind.choices, default=PhoneKind.PHONE)
    number = models.CharField(_("numéro (E.164)"), max_length=20)
    digits = models.CharField(_("chiffres"), max_length=20, editable=False)

    class Meta:
        verbose_name = _("téléphone")
        verbose_name_plural = _("téléphones")
        ordering = ["id"]
        indexes = [models.Index(fields=["tenant", "digits"], name="addressphone_digits_idx")]

    def __str__(self) -> str:
        return self.number


class AddressEmail(TenantModel):
    address = models.ForeignKey(Address, on_delete=models.CASCADE, related_name="emails")
    email = models.EmailField(_("e-mail"))

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        ordering = ["id"]
        indexes = [models.Index(fields=["tenant", "email"], name="addressemail_email_idx")]

    def __str__(self) -> str:
        return self.email


class Site(TenantModel):
    """A customer location: one postal address plus GPS, business lines and the rep of each."""

    third_party = models.ForeignKey("tiers.ThirdParty", on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(_("nom du site"), max_length=100)
    address = models.ForeignKey(
        Address, on_delete=models.PROTECT, related_name="sites", verbose_name=_("adresse")
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    is_main = models.BooleanField(_("site principal"), default=False)
    business_lines = models.ManyToManyField(
        "crm.BusinessLine",
        through="SiteBusinessLine",
        blank=True,
        related_name="+",
        verbose_name=_("activités"),
    )

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["-is_main", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "third_party"], condition=Q(is_main=True), name="site_one_main"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="site_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="site_longitude_range",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="site_gps_both_or_none",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "third_party"], name="site_third_party_idx"),
            # Customers around a point (tiers.selectors_nearby): a bounding box on the main sites.
            models.Index(
                fields=["tenant", "latitude", "longitude"],
                name="site_main_gps_idx",
                condition=Q(is_main=True, latitude__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_gps(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class SiteBusinessLine(TenantModel):
    """A business line served at a site, with the rep in charge of it there."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="business_line_links")
    business_line = models.ForeignKey("crm.BusinessLine", on_delete=models.PROTECT, related_name="+")
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commercial"),
    )

    class Meta:
        verbose_name = _("activité du site")
        verbose_name_plural = _("activités du site")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "site", "business_line"], name="sitebusinessline_unique"
            )
        ]
        indexes = [models.Index(fields=["tenant", "business_line", "site"], name="sitebusinessline_bl_idx")]

    def __str__(self) -> str:
        return f"{self.site_id} → {self.business_line_id}"


class Incoterm(models.TextChoices):
    EXW = "EXW", "EXW — À l'usine"
    FCA = "FCA", "FCA — Franco transporteur"
    CPT = "CPT", "CPT — Port payé jusqu'à"
    CIP = "CIP", "CIP — Port payé, assurance comprise"
    DAP = "DAP", "DAP — Rendu au lieu de destination"
    DPU = "DPU", "DPU — Rendu au lieu de destination déchargé"
    DDP = "DDP", "DDP — Rendu droits acquittés"
    FAS = "FAS", "FAS — Franco le long du navire"
    FOB = "FOB", "FOB — Franco à bord"
    CFR = "CFR", "CFR — Coût et fret"
    CIF = "CIF", "CIF — Coût, assurance et fret"


class ShipTo(TenantModel):
    """Delivery terms of one address code of a customer (client livré)."""

    third_party = models.ForeignKey("tiers.ThirdParty", on_delete=models.CASCADE, related_name="ship_tos")
    address = models.ForeignKey(
        Address, on_delete=models.PROTECT, related_name="ship_tos", verbose_name=_("code adresse")
    )
    lead_time_days = models.PositiveSmallIntegerField(_("délai de livraison (jours)"), default=0)
    carrier = models.ForeignKey(
        "tiers.ThirdParty",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("transporteur"),
        limit_choices_to={"is_carrier": True},
    )
    incoterm = models.CharField(_("incoterm"), max_length=3, choices=Incoterm.choices, blank=True)
    working_days = models.JSONField(_("jours ouvrés"), default=list, blank=True)
    picking_note = models.TextField(_("texte bon de préparation"), blank=True)
    delivery_note = models.TextField(_("texte bon de livraison"), blank=True)
    vat_number = models.CharField(_("n° TVA intracommunautaire"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("client livré")
        verbose_name_plural = _("clients livrés")
        constraints = [models.UniqueConstraint(fields=["tenant", "address"], name="shipto_address_unique")]
        indexes = [models.Index(fields=["tenant", "third_party"], name="shipto_third_party_idx")]

    def __str__(self) -> str:
        return str(self.address)


class BankAccount(TenantModel):
    third_party = models.ForeignKey(
        "tiers.ThirdParty", on_delete=models.CASCADE, related_name="bank_accounts"
    )
    address = models.ForeignKey(
        Address, on_delete=models.PROTECT, related_name="bank_accounts", verbose_name=_("code adresse")
    )
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    bank_name = models.CharField(_("banque"), max_length=100)
    domiciliation = models.CharField(_("domiciliation"), max_length=100)
    holder = models.CharField(_("titulaire"), max_length=100, blank=True)
    currency = models.ForeignKey(
        "crm.Currency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("devise"),
    )
    intermediary_bic = models.CharField(_("BIC banque intermédiaire"), max_length=11, blank=True)
    intermediary_bank_name = models.CharField(_("banque intermédiaire"), max_length=100, blank=True)
    intermediary_country = models.ForeignKey(
        "crm.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pays de la banque intermédiaire"),
    )
    is_default = models.BooleanField(_("compte par défaut"), default=False)

    class Meta:
        verbose_name = _("compte bancaire")
        verbose_name_plural = _("comptes bancaires")
        ordering = ["-is_default", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "third_party"], condition=Q(is_default=True), name="bankaccount_one_default"
            ),
            models.UniqueConstraint(fields=["tenant", "third_party", "iban"], name="bankaccount_iban_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.bank_name} — {self.iban[:4]}…{self.iban[-4:]}"
