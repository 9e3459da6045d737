"""The tenant (Company), the abstract TenantModel and what a user holds in a company."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class Company(models.Model):
    """The tenant. Every domain row belongs to exactly one company."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("raison sociale"), max_length=150)
    country = models.ForeignKey(
        "crm.Country", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("pays")
    )
    currency = models.ForeignKey(
        "crm.Currency", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("devise")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("société")
        verbose_name_plural = _("sociétés")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TenantModel(models.Model):
    """Base of every domain table: its own tenant column and a manager that refuses to run unscoped."""

    tenant = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="+", verbose_name=_("société"), editable=False
    )

    objects = ScopedManager(tenant="tenant")

    class Meta:
        abstract = True


class BusinessLine(TenantModel):
    """Activité / métier (Impression, Informatique, Téléphonie...)."""

    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("libellé"), max_length=100)

    class Meta:
        verbose_name = _("activité")
        verbose_name_plural = _("activités")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "code"], name="businessline_code_unique")]

    def __str__(self) -> str:
        return self.name


class InternalOrganisation(TenantModel):
    """One of the tenant's own entities that hold commercial relations (agency, subsidiary)."""

    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("libellé"), max_length=100)

    class Meta:
        verbose_name = _("organisation interne")
        verbose_name_plural = _("organisations internes")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "code"], name="internalorg_code_unique")]

    def __str__(self) -> str:
        return self.name


class Licence(models.TextChoices):
    ARTIS = "artis", "ARTIS"
    CRM = "crm", "CRM"


class Membership(TenantModel):
    """A user's seat in a company: role (a group of permissions), licence, business lines, organisations."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("utilisateur"),
    )
    role = models.ForeignKey("auth.Group", on_delete=models.PROTECT, related_name="+", verbose_name=_("rôle"))
    licence = models.CharField(_("licence"), max_length=10, choices=Licence.choices, default=Licence.ARTIS)
    is_active = models.BooleanField(_("active"), default=True)
    business_lines = models.ManyToManyField(
        BusinessLine, through="MembershipBusinessLine", blank=True, verbose_name=_("activités")
    )
    internal_organisations = models.ManyToManyField(
        InternalOrganisation,
        through="MembershipOrganisation",
        blank=True,
        verbose_name=_("organisations internes"),
    )
    # Read before any tenant is known (login, active company, switcher). Always filter by user.
    unscoped = models.Manager()
    objects = ScopedManager(tenant="tenant")

    class Meta:
        default_manager_name = "objects"
        verbose_name = _("rattachement")
        verbose_name_plural = _("rattachements")
        constraints = [models.UniqueConstraint(fields=["tenant", "user"], name="membership_user_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.tenant}"

    @property
    def has_crm_licence(self) -> bool:
        return self.licence == Licence.CRM


class MembershipBusinessLine(TenantModel):
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE)
    business_line = models.ForeignKey(BusinessLine, on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("activité du rattachement")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "membership", "business_line"], name="membership_bl_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} → {self.business_line_id}"


class MembershipOrganisation(TenantModel):
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE)
    organisation = models.ForeignKey(InternalOrganisation, on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("organisation du rattachement")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "membership", "organisation"], name="membership_org_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} → {self.organisation_id}"


class Parameter(TenantModel):
    """A per-tenant setting; read through crm.services.parameters.parameter_get (typed, with defaults)."""

    key = models.CharField(_("paramètre"), max_length=60)
    value = models.JSONField(_("valeur"))

    class Meta:
        verbose_name = _("paramètre")
        verbose_name_plural = _("paramètres")
        ordering = ["key"]
        constraints = [models.UniqueConstraint(fields=["tenant", "key"], name="parameter_key_unique")]

    def __str__(self) -> str:
        return self.key
