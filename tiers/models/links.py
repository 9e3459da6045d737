"""Links between third parties: management links (ordering party → bill-to or ship-to party, read
by sales documents), filiation links (a network of companies, for information and analysis) and
relations of admin-defined types between directory records (contacts and third parties)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.models import TenantModel

ORDERING_PARTY = "DONORDRE"
BILL_TO = "CL_A_FACT"
SHIP_TO_SITE = "SITE_LIV"


class ManagementLinkType(TenantModel):
    """Type de lien de gestion. The codes DONORDRE, CL_A_FACT and SITE_LIV carry the behaviour."""

    code = models.CharField(_("code"), max_length=20)
    label = models.CharField(_("libellé"), max_length=100)

    class Meta:
        verbose_name = _("type de lien de gestion")
        verbose_name_plural = _("types de liens de gestion")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="managementlinktype_code_unique")
        ]

    def __str__(self) -> str:
        return self.label


class ManagementLink(TenantModel):
    """``third_party`` plays ``role`` and ``linked`` plays ``linked_role``; one of them is DONORDRE.
    At most one default per third party (the bill-to proposed on its sales documents)."""

    third_party = models.ForeignKey(
        "tiers.ThirdParty", on_delete=models.CASCADE, related_name="management_links"
    )
    role = models.ForeignKey(
        ManagementLinkType, on_delete=models.PROTECT, related_name="+", verbose_name=_("type de lien")
    )
    linked = models.ForeignKey(
        "tiers.ThirdParty",
        on_delete=models.CASCADE,
        related_name="management_linked",
        verbose_name=_("tiers lié"),
    )
    linked_role = models.ForeignKey(
        ManagementLinkType,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("type de lien du tiers lié"),
    )
    is_default = models.BooleanField(_("par défaut"), default=False)

    class Meta:
        verbose_name = _("lien de gestion")
        verbose_name_plural = _("liens de gestion")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "third_party", "role", "linked", "linked_role"],
                name="managementlink_unique",
            ),
            models.UniqueConstraint(
                fields=["tenant", "third_party"],
                condition=Q(is_default=True),
                name="managementlink_one_default",
            ),
            models.CheckConstraint(
                condition=~Q(third_party=models.F("linked")), name="managementlink_not_self"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "linked"], name="managementlink_linked_idx")]

    def __str__(self) -> str:
        return f"{self.third_party_id} ({self.role_id}) → {self.linked_id} ({self.linked_role_id})"


class Direction(models.TextChoices):
    ASCENDING = "ascending", _("Ascendant")
    DESCENDING = "descending", _("Descendant")
    TRANSVERSE = "transverse", _("Transverse")


class FiliationLinkType(TenantModel):
    """Type de lien de filiation (maison mère, filiale, agence...) with its direction: ascending
    means the linked party is above (the parent), descending below (a subsidiary)."""

    code = models.CharField(_("code"), max_length=20)
    label = models.CharField(_("libellé"), max_length=100)
    direction = models.CharField(
        _("sens"), max_length=10, choices=Direction.choices, default=Direction.TRANSVERSE
    )

    class Meta:
        verbose_name = _("type de lien de filiation")
        verbose_name_plural = _("types de liens de filiation")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="filiationlinktype_code_unique")
        ]

    def __str__(self) -> str:
        return self.label


class FiliationLink(TenantModel):
    third_party = models.ForeignKey(
        "tiers.ThirdParty", on_delete=models.CASCADE, related_name="filiation_links"
    )
    linked = models.ForeignKey(
        "tiers.ThirdParty",
        on_delete=models.CASCADE,
        related_name="filiation_linked",
        verbose_name=_("tiers lié"),
    )
    link_type = models.ForeignKey(
        FiliationLinkType, on_delete=models.PROTECT, related_name="+", verbose_name=_("type de lien")
    )

    class Meta:
        verbose_name = _("lien de filiation")
        verbose_name_plural = _("liens de filiation")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "third_party", "linked", "link_type"], name="filiationlink_unique"
            ),
            models.CheckConstraint(
                condition=~Q(third_party=models.F("linked")), name="filiationlink_not_self"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "linked"], name="filiationlink_linked_idx")]

    def __str__(self) -> str:
        return f"{self.third_party_id} → {self.linked_id} ({self.link_type_id})"


class RelationType(TenantModel):
    """Admin-defined relation between directory records: salarié de, partenaire de, membre de..."""

    code = models.CharField(_("code"), max_length=20)
    label = models.CharField(_("libellé"), max_length=100)

    class Meta:
        verbose_name = _("type de relation")
        verbose_name_plural = _("types de relations")
        ordering = ["label"]
        constraints = [models.UniqueConstraint(fields=["tenant", "code"], name="relationtype_code_unique")]

    def __str__(self) -> str:
        return self.label


class Relation(TenantModel):
    """A contact or a third party (exactly one) related to a third party."""

    source_third_party = models.ForeignKey(
        "tiers.ThirdParty",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="relations_from",
        verbose_name=_("tiers"),
    )
    source_contact = models.ForeignKey(
        "tiers.Contact",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="relations",
        verbose_name=_("contact"),
    )
    relation_type = models.ForeignKey(
        RelationType, on_delete=models.PROTECT, related_name="+", verbose_name=_("relation")
    )
    target = models.ForeignKey(
        "tiers.ThirdParty",
        on_delete=models.CASCADE,
        related_name="relations_to",
        verbose_name=_("tiers cible"),
    )
    comment = models.CharField(_("commentaire"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("relation")
        verbose_name_plural = _("relations")
        constraints = [
            models.CheckConstraint(
                condition=Q(source_third_party__isnull=True, source_contact__isnull=False)
                | Q(source_third_party__isnull=False, source_contact__isnull=True),
                name="relation_one_source",
            ),
            models.CheckConstraint(
                condition=~Q(source_third_party=models.F("target")), name="relation_not_self"
            ),
            models.UniqueConstraint(
                fields=["tenant", "source_third_party", "source_contact", "relation_type", "target"],
                name="relation_unique",
                nulls_distinct=False,
            ),
        ]
        indexes = [models.Index(fields=["tenant", "target"], name="relation_target_idx")]

    def __str__(self) -> str:
        return f"{self.source_third_party_id or self.source_contact_id} → {self.target_id}"
