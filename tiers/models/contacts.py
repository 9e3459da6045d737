"""Contacts (interlocuteurs), shared by several third parties through links."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.models import TenantModel

from .third_parties import LANGUAGES


class Civility(models.TextChoices):
    MR = "M", _("M.")
    MRS = "MME", _("Mme")


class Contact(TenantModel):
    key = models.CharField(_("code"), max_length=15)
    civility = models.CharField(_("civilité"), max_length=3, choices=Civility.choices, blank=True)
    first_name = models.CharField(_("prénom"), max_length=60, blank=True)
    last_name = models.CharField(_("nom"), max_length=80)
    function = models.ForeignKey(
        "tiers.SegmentValue",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fonction"),
        limit_choices_to={"kind": "contact_function"},
    )
    department = models.CharField(_("service"), max_length=60, blank=True)
    language = models.CharField(_("langue"), max_length=2, choices=LANGUAGES, default="fr")
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    phone_digits = models.CharField(max_length=20, blank=True, editable=False)
    fax = models.CharField(_("fax"), max_length=20, blank=True)
    mobile = models.CharField(_("portable"), max_length=20, blank=True)
    mobile_digits = models.CharField(max_length=20, blank=True, editable=False)
    no_mailing = models.BooleanField(_("interdit mailing"), default=False)
    third_parties = models.ManyToManyField(
        "tiers.ThirdParty", through="ContactLink", related_name="contacts", verbose_name=_("tiers")
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["last_name", "first_name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "key"], name="contact_key_unique")]
        indexes = [
            models.Index(fields=["tenant", "last_name", "first_name"], name="contact_name_idx"),
            models.Index(fields=["tenant", "email"], name="contact_email_idx"),
            models.Index(fields=["tenant", "phone_digits"], name="contact_phone_idx"),
            models.Index(fields=["tenant", "mobile_digits"], name="contact_mobile_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}".strip()


class ContactLink(TenantModel):
    """A contact's link to one third party: its own active flag, address code and default flag."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="links")
    third_party = models.ForeignKey(
        "tiers.ThirdParty", on_delete=models.CASCADE, related_name="contact_links"
    )
    is_active = models.BooleanField(_("actif"), default=True)
    address = models.ForeignKey(
        "tiers.Address",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contact_links",
        verbose_name=_("code adresse"),
    )
    is_default = models.BooleanField(_("contact par défaut"), default=False)

    class Meta:
        verbose_name = _("lien contact — tiers")
        verbose_name_plural = _("liens contact — tiers")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "contact", "third_party"], name="contactlink_unique"),
            models.UniqueConstraint(
                fields=["tenant", "third_party"], condition=Q(is_default=True), name="contactlink_one_default"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "third_party", "is_active"], name="contactlink_tp_idx")]

    def __str__(self) -> str:
        return f"{self.contact_id} → {self.third_party_id}"
