"""Invoices and credit notes, payments and their allocation to invoices."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.models import TenantModel
from tiers.models import CustomerOwnedModel, customer_indexes

from .base import DocumentLine, DocumentTotals, line_constraints


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Facture")
    CREDIT_NOTE = "credit_note", _("Avoir")


class InvoiceState(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    VALIDATED = "validated", _("Validée")


class Invoice(DocumentTotals):
    """Amounts of a credit note are positive; its kind gives the sign in balances."""

    number = models.CharField(_("numéro"), max_length=30, blank=True)
    kind = models.CharField(
        _("nature"), max_length=12, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE
    )
    state = models.CharField(
        _("état"), max_length=10, choices=InvoiceState.choices, default=InvoiceState.DRAFT
    )
    invoice_date = models.DateField(_("date de facture"))
    due_date = models.DateField(_("date d'échéance"), null=True, blank=True)
    bill_to = models.ForeignKey(
        "tiers.ThirdParty", on_delete=models.PROTECT, related_name="+", verbose_name=_("client facturé")
    )
    payer = models.ForeignKey(
        "tiers.ThirdParty", on_delete=models.PROTECT, related_name="+", verbose_name=_("tiers payeur")
    )
    credited_invoice = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
        verbose_name=_("facture avoirée"),
    )
    paid_amount = models.DecimalField(_("montant réglé"), max_digits=14, decimal_places=2, default=0)
    validated_at = models.DateTimeField(_("validée le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("facture")
        verbose_name_plural = _("factures")
        ordering = ["-invoice_date", "-number"]
        indexes = [
            *customer_indexes("invoice"),
            models.Index(fields=["tenant", "customer", "-invoice_date"], name="invoice_recent_idx"),
            models.Index(fields=["tenant", "payer", "due_date"], name="invoice_payer_due_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "number"], condition=~Q(number=""), name="invoice_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(state="draft")
                | (~Q(number="") & Q(due_date__isnull=False) & Q(validated_at__isnull=False)),
                name="invoice_validated_is_complete",
            ),
            models.CheckConstraint(
                condition=Q(kind="invoice", credited_invoice__isnull=True) | Q(kind="credit_note"),
                name="invoice_credit_link_only_on_credit_notes",
            ),
            models.CheckConstraint(condition=Q(paid_amount__gte=0), name="invoice_paid_positive"),
        ]

    def __str__(self) -> str:
        return self.number or str(_("Brouillon"))


class InvoiceLine(DocumentLine):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        "ventes.OrderLine", on_delete=models.PROTECT, null=True, blank=True, related_name="invoice_lines"
    )
    delivery_line = models.ForeignKey(
        "ventes.DeliveryLine", on_delete=models.PROTECT, null=True, blank=True, related_name="invoice_lines"
    )

    class Meta:
        verbose_name = _("ligne de facture")
        verbose_name_plural = _("lignes de facture")
        ordering = ["invoice", "position"]
        indexes = [
            models.Index(fields=["tenant", "invoice"], name="invoiceline_invoice_idx"),
            # Purchase history: every article a customer bought, newest first.
            models.Index(fields=["tenant", "customer", "article"], name="invoiceline_history_idx"),
        ]
        constraints = line_constraints("invoiceline")


class PaymentMethod(models.TextChoices):
    TRANSFER = "transfer", _("Virement")
    DIRECT_DEBIT = "direct_debit", _("Prélèvement")
    CHEQUE = "cheque", _("Chèque")
    CARD = "card", _("Carte bancaire")
    CASH = "cash", _("Espèces")


class Payment(CustomerOwnedModel):
    received_on = models.DateField(_("date de réception"))
    amount = models.DecimalField(_("montant"), max_digits=14, decimal_places=2)
    method = models.CharField(_("mode de règlement"), max_length=15, choices=PaymentMethod.choices)
    reference = models.CharField(_("référence"), max_length=60, blank=True)
    allocated_amount = models.DecimalField(_("montant affecté"), max_digits=14, decimal_places=2, default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("saisi le"), auto_now_add=True)

    class Meta:
        verbose_name = _("règlement")
        verbose_name_plural = _("règlements")
        ordering = ["-received_on"]
        indexes = customer_indexes("payment")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(allocated_amount__gte=0) & Q(allocated_amount__lte=models.F("amount")),
                name="payment_allocated_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.received_on} {self.amount}"


class PaymentAllocation(TenantModel):
    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="allocations")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(_("montant"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("affectation de règlement")
        verbose_name_plural = _("affectations de règlements")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "payment", "invoice"], name="paymentallocation_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="paymentallocation_amount_positive"),
        ]
        indexes = [models.Index(fields=["tenant", "invoice"], name="paymentallocation_invoice_idx")]

    def __str__(self) -> str:
        return f"{self.payment_id} → {self.invoice_id}: {self.amount}"
