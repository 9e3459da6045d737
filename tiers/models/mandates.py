"""Payment authorisations of a third party (autorisations de prélèvement): a direct debit on a
bank account (SEPA mandate, with its unique mandate reference, RUM), on a bank card, or by LCR
(lettre de change relevé). Written by tiers.services.mandates; a revoked mandate is kept."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.models import TenantModel


class MandateKind(models.TextChoices):
    SEPA = "sepa", _("Prélèvement sur compte (SEPA)")
    CARD = "card", _("Prélèvement sur carte bancaire")
    LCR = "lcr", _("LCR (lettre de change relevé)")


class MandateStatus(models.TextChoices):
    ACTIVE = "active", _("Actif")
    REVOKED = "revoked", _("Révoqué")


class PaymentMandate(TenantModel):
    third_party = models.ForeignKey(
        "tiers.ThirdParty", on_delete=models.CASCADE, related_name="payment_mandates", verbose_name=_("tiers")
    )
    kind = models.CharField(_("type d'autorisation"), max_length=10, choices=MandateKind.choices)
    # SET_NULL: deleting or merging away the account keeps the mandate's history.
    bank_account = models.ForeignKey(
        "tiers.BankAccount",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mandates",
        verbose_name=_("compte bancaire"),
    )
    reference = models.CharField(_("référence du mandat (RUM)"), max_length=35, blank=True)
    signed_on = models.DateField(_("signé le"))
    ends_on = models.DateField(_("fin de validité"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=MandateStatus.choices, default=MandateStatus.ACTIVE
    )
    revoked_on = models.DateField(_("révoqué le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("saisi le"), auto_now_add=True)

    class Meta:
        verbose_name = _("autorisation de prélèvement")
        verbose_name_plural = _("autorisations de prélèvement")
        ordering = ["status", "-signed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "reference"],
                condition=~Q(reference=""),
                name="paymentmandate_reference_unique",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "third_party"], name="paymentmandate_tp_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}".strip()
