"""The third party (one table for customers, prospects and every other role) and its visibility."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.fields import WebsiteField
from crm.models import TenantModel

from .terms import TERMS_CONSTRAINTS, ThirdPartyTerms


class Lifecycle(models.TextChoices):
    """The only source of prospect vs customer: a record is never both."""

    PROSPECT_DRAFT = "prospect_draft", _("Prospect brouillon")
    PROSPECT_VALIDATED = "prospect_validated", _("Prospect validé")
    CUSTOMER = "customer", _("Client")


PROSPECT_LIFECYCLES = (Lifecycle.PROSPECT_DRAFT, Lifecycle.PROSPECT_VALIDATED)

LANGUAGES = [
    ("fr", _("Français")),
    ("en", _("Anglais")),
    ("de", _("Allemand")),
    ("es", _("Espagnol")),
    ("it", _("Italien")),
]


class ThirdParty(ThirdPartyTerms, TenantModel):
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("raison sociale"), max_length=150)
    name_search = models.CharField(
        _("raison sociale (recherche)"), max_length=300, editable=False, default=""
    )
    short_name = models.CharField(_("intitulé court"), max_length=40, blank=True)
    acronym = models.CharField(_("sigle"), max_length=20, blank=True)
    is_natural_person = models.BooleanField(_("personne physique"), default=False)
    country = models.ForeignKey(
        "crm.Country", on_delete=models.PROTECT, related_name="+", verbose_name=_("pays")
    )
    language = models.CharField(_("langue"), max_length=2, choices=LANGUAGES, default="fr")
    currency = models.ForeignKey(
        "crm.Currency", on_delete=models.PROTECT, related_name="+", verbose_name=_("devise")
    )
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    naf = models.CharField(_("code NAF/APE"), max_length=6, blank=True)
    vat_number = models.CharField(_("n° TVA intracommunautaire"), max_length=20, blank=True)
    website = WebsiteField(_("site web"), blank=True)
    no_mailing = models.BooleanField(_("interdit mailing"), default=False)
    category = models.ForeignKey(
        "tiers.SegmentValue",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("catégorie"),
        limit_choices_to={"kind": "category"},
    )
    activity = models.ForeignKey(
        "tiers.SegmentValue",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("activité"),
        limit_choices_to={"kind": "activity"},
    )
    origin = models.ForeignKey(
        "tiers.SegmentValue",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("origine"),
        limit_choices_to={"kind": "origin"},
    )
    classifications = models.ManyToManyField(
        "tiers.SegmentValue",
        through="ThirdPartyClassification",
        blank=True,
        related_name="+",
        verbose_name=_("classifications"),
    )
    tags = models.ManyToManyField(
        "tiers.Tag", through="ThirdPartyTag", blank=True, verbose_name=_("étiquettes")
    )
    client_since = models.DateField(_("client depuis"), null=True, blank=True)
    observations = models.TextField(_("observations"), blank=True)
    lifecycle = models.CharField(
        _("statut"), max_length=20, choices=Lifecycle.choices, default=Lifecycle.PROSPECT_DRAFT
    )
    is_closed = models.BooleanField(_("fermé"), default=False)
    closed_at = models.DateTimeField(_("fermé le"), null=True, blank=True)
    is_blocked = models.BooleanField(_("compte bloqué"), default=False)
    is_supplier = models.BooleanField(_("fournisseur"), default=False)
    is_carrier = models.BooleanField(_("transporteur"), default=False)
    is_service_provider = models.BooleanField(_("prestataire"), default=False)
    is_financer = models.BooleanField(_("financeur"), default=False)
    is_misc = models.BooleanField(_("tiers divers"), default=False)
    is_reserved = models.BooleanField(_("réservé à des utilisateurs"), default=False, editable=False)
    allowed_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="ThirdPartyAllowedUser",
        blank=True,
        related_name="+",
        verbose_name=_("utilisateurs autorisés"),
    )
    # Relationship dates, kept up to date by tiers.services.relationship (called by later apps).
    first_contact_at = models.DateTimeField(_("premier contact"), null=True, blank=True, editable=False)
    last_contact_at = models.DateTimeField(_("dernier contact"), null=True, blank=True, editable=False)
    last_contact_kind = models.CharField(
        _("type du dernier contact"), max_length=40, blank=True, editable=False
    )
    next_contact_at = models.DateTimeField(_("prochain contact"), null=True, blank=True, editable=False)
    next_contact_kind = models.CharField(
        _("type du prochain contact"), max_length=40, blank=True, editable=False
    )
    last_quote_on = models.DateField(_("date du dernier devis"), null=True, blank=True, editable=False)
    first_order_on = models.DateField(
        _("date de la première commande"), null=True, blank=True, editable=False
    )
    characteristic_values = GenericRelation("tiers.CharacteristicValue", related_query_name="third_party")
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("tiers")
        verbose_name_plural = _("tiers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="thirdparty_code_unique"),
            models.CheckConstraint(
                condition=Q(lifecycle__in=[choice.value for choice in Lifecycle]),
                name="thirdparty_lifecycle_valid",
            ),
            models.CheckConstraint(
                condition=Q(is_closed=False) | Q(closed_at__isnull=False), name="thirdparty_closed_has_date"
            ),
            *TERMS_CONSTRAINTS,
        ]
        indexes = [
            models.Index(fields=["tenant", "lifecycle", "name"], name="thirdparty_list_idx"),
            models.Index(fields=["tenant", "siren"], name="thirdparty_siren_idx"),
            models.Index(fields=["tenant", "vat_number"], name="thirdparty_vat_idx"),
            models.Index(fields=["tenant", "rep_1"], name="thirdparty_rep1_idx"),
            models.Index(fields=["tenant", "rep_2"], name="thirdparty_rep2_idx"),
            models.Index(fields=["tenant", "group"], name="thirdparty_group_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def is_customer(self) -> bool:
        return self.lifecycle == Lifecycle.CUSTOMER

    @property
    def is_prospect(self) -> bool:
        return self.lifecycle in PROSPECT_LIFECYCLES


class ThirdPartyVisibility(TenantModel):
    """Narrow per-third-party row read by list and search SQL: is it hidden from some users?

    Kept in the same transaction as every change of ``is_closed`` or of the allowed users, so
    hiding a closed or reserved customer (and all its rows) is one join on a small table.
    """

    third_party = models.OneToOneField(
        ThirdParty, on_delete=models.CASCADE, primary_key=True, related_name="visibility"
    )
    is_closed = models.BooleanField(default=False)
    is_reserved = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("visibilité d'un tiers")
        indexes = [
            models.Index(
                fields=["tenant", "third_party"],
                name="tpvisibility_hidden_idx",
                condition=Q(is_closed=True) | Q(is_reserved=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.third_party_id}: fermé={self.is_closed} réservé={self.is_reserved}"


class ThirdPartyAllowedUser(TenantModel):
    """When a third party has allowed users, it is reserved to them (and invisible to everyone else)."""

    third_party = models.ForeignKey(ThirdParty, on_delete=models.CASCADE, related_name="allowed_user_links")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("utilisateur autorisé")
        verbose_name_plural = _("utilisateurs autorisés")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "third_party", "user"], name="tpalloweduser_unique")
        ]
        indexes = [models.Index(fields=["tenant", "user"], name="tpalloweduser_user_idx")]

    def __str__(self) -> str:
        return f"{self.third_party_id} → {self.user_id}"


class ThirdPartyTag(TenantModel):
    third_party = models.ForeignKey(ThirdParty, on_delete=models.CASCADE)
    tag = models.ForeignKey("tiers.Tag", on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("étiquette du tiers")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "third_party", "tag"], name="thirdpartytag_unique")
        ]

    def __str__(self) -> str:
        return f"{self.third_party_id} → {self.tag_id}"


class ThirdPartyClassification(TenantModel):
    third_party = models.ForeignKey(ThirdParty, on_delete=models.CASCADE)
    value = models.ForeignKey("tiers.SegmentValue", on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("classification du tiers")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "third_party", "value"], name="thirdpartyclassification_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.third_party_id} → {self.value_id}"
