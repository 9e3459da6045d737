"""Quotes (devis commerciaux et techniques)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tiers.models import customer_indexes

from .base import DocumentLine, DocumentTotals, line_constraints


class QuoteType(models.TextChoices):
    COMMERCIAL = "commercial", _("Devis commercial")
    TECHNICAL = "technical", _("Devis technique")


class QuoteStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("En cours")
    ACCEPTED = "accepted", _("Accepté")
    REFUSED = "refused", _("Refusé")


class Quote(DocumentTotals):
    """A quote's "ordered" state is derived: an order points at it (Order.quote)."""

    quote_type = models.CharField(
        _("type"), max_length=10, choices=QuoteType.choices, default=QuoteType.COMMERCIAL
    )
    number = models.CharField(_("numéro"), max_length=30)
    deal = models.ForeignKey(
        "ventes.Deal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quotes",
        verbose_name=_("affaire"),
    )
    status = models.CharField(
        _("statut"), max_length=12, choices=QuoteStatus.choices, default=QuoteStatus.IN_PROGRESS
    )
    issued_on = models.DateField(_("date"))
    valid_until = models.DateField(_("valable jusqu'au"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("rédacteur")
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("devis")
        verbose_name_plural = _("devis")
        ordering = ["-issued_on", "-number"]
        indexes = [
            *customer_indexes("quote"),
            models.Index(fields=["tenant", "customer", "-issued_on"], name="quote_recent_idx"),
        ]
        constraints = [models.UniqueConstraint(fields=["tenant", "number"], name="quote_number_unique")]

    def __str__(self) -> str:
        return self.number


class QuoteLine(DocumentLine):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")

    class Meta:
        verbose_name = _("ligne de devis")
        verbose_name_plural = _("lignes de devis")
        ordering = ["quote", "position"]
        indexes = [models.Index(fields=["tenant", "quote"], name="quoteline_quote_idx")]
        constraints = line_constraints("quoteline")
