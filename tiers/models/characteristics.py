"""Characteristic groups: admin-defined custom fields, grouped in sections, attachable to third
parties and (by later apps) to other records. Values point at their record generically, so a
later app attaches groups to its own models without a change here, and a merge moves them."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.models import TenantModel


class CharacteristicTarget(models.TextChoices):
    THIRD_PARTY = "third_party", _("Tiers")
    COMPETITOR_ASSET = "competitor_asset", _("Parc concurrent")


class CharacteristicGroup(TenantModel):
    code = models.CharField(_("code"), max_length=20)
    label = models.CharField(_("libellé"), max_length=100)
    target = models.CharField(
        _("rattaché à"),
        max_length=20,
        choices=CharacteristicTarget.choices,
        default=CharacteristicTarget.THIRD_PARTY,
    )
    # For competitor assets, the group applies to one type of competitor asset (blank: all types).
    target_kind = models.CharField(_("type rattaché"), max_length=20, blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=1)
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("groupe de caractéristiques")
        verbose_name_plural = _("groupes de caractéristiques")
        ordering = ["position", "label"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="characteristicgroup_code_unique")
        ]

    def __str__(self) -> str:
        return self.label


class FieldKind(models.TextChoices):
    TEXT = "text", _("Texte")
    NUMBER = "number", _("Nombre")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Liste de choix")
    BOOLEAN = "boolean", _("Oui / non")


class CharacteristicField(TenantModel):
    group = models.ForeignKey(
        CharacteristicGroup, on_delete=models.CASCADE, related_name="fields", verbose_name=_("groupe")
    )
    code = models.CharField(_("code"), max_length=30)
    label = models.CharField(_("libellé"), max_length=100)
    kind = models.CharField(_("type"), max_length=10, choices=FieldKind.choices, default=FieldKind.TEXT)
    choices = models.TextField(
        _("valeurs proposées"), blank=True, help_text=_("Une valeur par ligne (type liste).")
    )
    is_required = models.BooleanField(_("obligatoire"), default=False)
    visible_in_synthese = models.BooleanField(_("visible dans la synthèse"), default=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=1)

    class Meta:
        verbose_name = _("caractéristique")
        verbose_name_plural = _("caractéristiques")
        ordering = ["group__position", "position", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "group", "code"], name="characteristicfield_code_unique"
            ),
            models.CheckConstraint(
                condition=~Q(kind="choice") | ~Q(choices=""), name="characteristicfield_choice_has_values"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class CharacteristicValue(TenantModel):
    """The value of one field for one record; exactly the column of the field's kind is used."""

    field = models.ForeignKey(CharacteristicField, on_delete=models.CASCADE, related_name="values")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    value_text = models.CharField(max_length=500, blank=True)
    value_number = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    value_date = models.DateField(null=True, blank=True)
    value_bool = models.BooleanField(null=True, blank=True)

    class Meta:
        verbose_name = _("valeur de caractéristique")
        verbose_name_plural = _("valeurs de caractéristiques")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "field", "content_type", "object_id"], name="characteristicvalue_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["tenant", "content_type", "object_id"], name="characteristicvalue_record_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.field_id} @ {self.content_type_id}:{self.object_id}"
