"""Models of the synthese app: it owns only the user's preferences of its screens (DESIGN.md §2)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.models import TenantModel


class UserPreference(TenantModel):
    """One preference of a user in a tenant (column choice of a tab, last export selection...):
    a JSON value under a key such as ``colonnes:affaires`` or ``export:sections``."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("clé"), max_length=60)
    value = models.JSONField(_("valeur"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("préférence utilisateur")
        verbose_name_plural = _("préférences utilisateur")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user", "key"], name="synthese_userpreference_unique")
        ]

    def __str__(self) -> str:
        return self.key


class CtiToken(TenantModel):
    """The tenant's webhook token of the telephony system (CTI): only its SHA-256 is stored; the
    plain token is shown once, when ``cti_token_rotate`` creates it. One per tenant."""

    token_hash = models.CharField(_("empreinte du jeton"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    # Read before any tenant is known (the webhook finds its tenant from the token's hash).
    unscoped = models.Manager()

    class Meta:
        verbose_name = _("jeton de téléphonie")
        verbose_name_plural = _("jetons de téléphonie")
        constraints = [models.UniqueConstraint(fields=["tenant"], name="synthese_ctitoken_one_per_tenant")]

    def __str__(self) -> str:
        return str(self.tenant_id)


class CallNotification(TenantModel):
    """An incoming call waiting for the called user's open tab (polled, taken once)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    caller_number = models.CharField(_("numéro appelant"), max_length=40)
    # The caller found through the search index (None: unknown number).
    customer = models.ForeignKey(
        "tiers.ThirdParty", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    label = models.CharField(_("libellé"), max_length=300, blank=True)
    url = models.CharField(_("adresse de la synthèse"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("reçu le"), auto_now_add=True)
    taken_at = models.DateTimeField(_("affiché le"), null=True, blank=True)

    class Meta:
        verbose_name = _("appel entrant")
        verbose_name_plural = _("appels entrants")
        indexes = [
            # The poll: the user's calls not yet shown.
            models.Index(
                fields=["tenant", "user", "created_at"],
                name="synthese_call_pending",
                condition=models.Q(taken_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.caller_number
