"""Purchase vouchers (bons d'achat) given to a customer: an amount used in parts until nothing
remains or the voucher expires. Written by ventes.services.vouchers."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tiers.models import CustomerOwnedModel, customer_indexes


class VoucherStatus(models.TextChoices):
    ACTIVE = "active", _("En cours")
    USED = "used", _("Utilisé")


class Voucher(CustomerOwnedModel):
    number = models.CharField(_("numéro"), max_length=30)
    label = models.CharField(_("motif"), max_length=100, blank=True)
    amount = models.DecimalField(_("montant"), max_digits=14, decimal_places=2)
    remaining_amount = models.DecimalField(_("reste disponible"), max_digits=14, decimal_places=2)
    issued_on = models.DateField(_("émis le"))
    expires_on = models.DateField(_("valable jusqu'au"))
    status = models.CharField(
        _("statut"), max_length=10, choices=VoucherStatus.choices, default=VoucherStatus.ACTIVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("saisi le"), auto_now_add=True)

    class Meta:
        verbose_name = _("bon d'achat")
        verbose_name_plural = _("bons d'achat")
        ordering = ["-issued_on", "-id"]
        indexes = customer_indexes("voucher")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="voucher_number_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="voucher_amount_positive"),
            models.CheckConstraint(
                condition=Q(remaining_amount__gte=0) & Q(remaining_amount__lte=models.F("amount")),
                name="voucher_remaining_range",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__gte=models.F("issued_on")), name="voucher_expiry_after_issue"
            ),
        ]

    def __str__(self) -> str:
        return self.number
