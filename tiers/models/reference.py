"""Reference data of the tiers app: global lists (postal codes, NAF) and per-tenant segmentation lists."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.models import TenantModel


class PostalCode(models.Model):
    """A French postal code ↔ commune pair (committed fixture generated from a registry package)."""

    country_code = models.CharField(_("pays"), max_length=2, default="FR")
    postal_code = models.CharField(_("code postal"), max_length=10)
    city = models.CharField(_("ville"), max_length=80)
    city_search = models.CharField(_("ville (recherche)"), max_length=80, db_collation="C")
    insee_code = models.CharField(_("code INSEE"), max_length=5, blank=True)
    subdivision = models.CharField(_("département"), max_length=3, blank=True)

    class Meta:
        verbose_name = _("code postal")
        verbose_name_plural = _("codes postaux")
        ordering = ["postal_code", "city"]
        indexes = [
            models.Index(fields=["country_code", "postal_code"], name="postalcode_code_idx"),
            models.Index(fields=["country_code", "city_search"], name="postalcode_city_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["country_code", "postal_code", "insee_code", "city"], name="postalcode_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.postal_code} {self.city}"


class NafCode(models.Model):
    """A NAF rév. 2 sub-class (e.g. 62.01Z) with its French label (committed fixture)."""

    code = models.CharField(_("code NAF"), max_length=6, unique=True)
    label = models.CharField(_("libellé"), max_length=250)

    class Meta:
        verbose_name = _("code NAF")
        verbose_name_plural = _("codes NAF")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"


class SegmentKind(models.TextChoices):
    CATEGORY = "category", _("Catégorie")
    CLASSIFICATION = "classification", _("Classification")
    ACTIVITY = "activity", _("Activité (segmentation)")
    ORIGIN = "origin", _("Origine")
    CONTACT_FUNCTION = "contact_function", _("Fonction d'un contact")
    REMINDER_GROUP = "reminder_group", _("Groupe de relance")
    TAX_REGIME = "tax_regime", _("Régime de taxe")
    COMMISSION_CATEGORY = "commission_category", _("Catégorie de commission")
    REP_ROLE = "rep_role", _("Rôle d'un représentant secondaire")
    PRODUCT_FAMILY = "product_family", _("Famille commerciale de produit")
    PRICE_LIST = "price_list", _("Grille tarifaire")


class SegmentValue(TenantModel):
    """One value of an admin-defined segmentation list of the tenant."""

    kind = models.CharField(_("liste"), max_length=20, choices=SegmentKind.choices)
    code = models.CharField(_("code"), max_length=20)
    label = models.CharField(_("libellé"), max_length=100)
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("valeur de segmentation")
        verbose_name_plural = _("listes de segmentation")
        ordering = ["kind", "label"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "kind", "code"], name="segmentvalue_code_unique")
        ]

    def __str__(self) -> str:
        return self.label


class Tag(TenantModel):
    label = models.CharField(_("libellé"), max_length=50)

    class Meta:
        verbose_name = _("étiquette")
        verbose_name_plural = _("étiquettes")
        ordering = ["label"]
        constraints = [models.UniqueConstraint(fields=["tenant", "label"], name="tag_label_unique")]

    def __str__(self) -> str:
        return self.label
