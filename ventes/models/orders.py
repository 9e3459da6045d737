"""Orders (commandes) and deliveries."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tiers.models import CustomerOwnedModel, customer_indexes

from .base import DocumentLine, DocumentTotals, line_constraints


class OrderState(models.TextChoices):
    OPEN = "open", _("En cours")
    PARTLY_DELIVERED = "partly_delivered", _("Partiellement livrée")
    CLOSED = "closed", _("Soldée")


def _user(label):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=label,
    )


class Order(DocumentTotals):
    number = models.CharField(_("numéro"), max_length=30)
    state = models.CharField(_("état"), max_length=20, choices=OrderState.choices, default=OrderState.OPEN)
    ordered_on = models.DateField(_("date de commande"))
    deal = models.ForeignKey(
        "ventes.Deal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("affaire"),
    )
    quote = models.ForeignKey(
        "ventes.Quote",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("devis"),
    )
    rep_1 = _user(_("représentant 1"))
    rep_2 = _user(_("représentant 2"))
    bill_to = models.ForeignKey(
        "tiers.ThirdParty", on_delete=models.PROTECT, related_name="+", verbose_name=_("client facturé")
    )
    ship_to = models.ForeignKey(
        "tiers.ThirdParty", on_delete=models.PROTECT, related_name="+", verbose_name=_("client livré")
    )
    ship_to_site = models.ForeignKey(
        "tiers.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("site de livraison"),
    )
    # Copied from the customer's terms at entry (may be changed on the order).
    partial_delivery = models.CharField(_("livraison partielle"), max_length=15, default="allowed")
    grouping_forbidden = models.BooleanField(_("regroupement interdit"), default=False)
    billing_mode = models.CharField(_("mode de facturation"), max_length=20, default="per_delivery")
    annual_service_revenue = models.DecimalField(
        _("CA SSC annuel"), max_digits=14, decimal_places=2, default=0
    )
    annual_service_margin = models.DecimalField(
        _("marge SSC annuelle"), max_digits=14, decimal_places=2, default=0
    )
    created_by = _user(_("saisie par"))
    created_at = models.DateTimeField(_("saisie le"), auto_now_add=True)

    class Meta:
        verbose_name = _("commande")
        verbose_name_plural = _("commandes")
        ordering = ["-ordered_on", "-number"]
        indexes = [
            *customer_indexes("order"),
            models.Index(fields=["tenant", "customer", "-ordered_on"], name="order_recent_idx"),
            models.Index(fields=["tenant", "state"], name="order_state_idx", condition=~Q(state="closed")),
        ]
        constraints = [models.UniqueConstraint(fields=["tenant", "number"], name="order_number_unique")]

    def __str__(self) -> str:
        return self.number


class OrderLine(DocumentLine):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    delivered_quantity = models.DecimalField(_("quantité livrée"), max_digits=12, decimal_places=3, default=0)
    invoiced_quantity = models.DecimalField(
        _("quantité facturée"), max_digits=12, decimal_places=3, default=0
    )
    service_contract = models.ForeignKey(
        "parc.ServiceContract",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("solution de service"),
    )

    class Meta:
        verbose_name = _("ligne de commande")
        verbose_name_plural = _("lignes de commande")
        ordering = ["order", "position"]
        indexes = [models.Index(fields=["tenant", "order"], name="orderline_order_idx")]
        constraints = [
            *line_constraints("orderline"),
            models.CheckConstraint(
                condition=Q(delivered_quantity__gte=0) & Q(delivered_quantity__lte=models.F("quantity")),
                name="orderline_delivered_range",
            ),
            models.CheckConstraint(
                condition=Q(invoiced_quantity__gte=0) & Q(invoiced_quantity__lte=models.F("quantity")),
                name="orderline_invoiced_range",
            ),
        ]


class DeliveryState(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    VALIDATED = "validated", _("Validée")


class Delivery(CustomerOwnedModel):
    number = models.CharField(_("numéro"), max_length=30)
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("commande")
    )
    state = models.CharField(
        _("état"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.DRAFT
    )
    delivered_on = models.DateField(_("date de livraison"))
    ship_to_site = models.ForeignKey(
        "tiers.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("site de livraison"),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("livraison")
        verbose_name_plural = _("livraisons")
        ordering = ["-delivered_on", "-number"]
        indexes = [
            *customer_indexes("delivery"),
            models.Index(fields=["tenant", "order"], name="delivery_order_idx"),
        ]
        constraints = [models.UniqueConstraint(fields=["tenant", "number"], name="delivery_number_unique")]

    def __str__(self) -> str:
        return self.number


class DeliveryLine(CustomerOwnedModel):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="delivery_lines")
    quantity = models.DecimalField(_("quantité"), max_digits=12, decimal_places=3)
    invoiced_quantity = models.DecimalField(
        _("quantité facturée"), max_digits=12, decimal_places=3, default=0
    )

    class Meta:
        verbose_name = _("ligne de livraison")
        verbose_name_plural = _("lignes de livraison")
        indexes = [
            models.Index(fields=["tenant", "delivery"], name="deliveryline_delivery_idx"),
            models.Index(fields=["tenant", "order_line"], name="deliveryline_orderline_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="deliveryline_quantity_positive"),
            models.CheckConstraint(
                condition=Q(invoiced_quantity__gte=0) & Q(invoiced_quantity__lte=models.F("quantity")),
                name="deliveryline_invoiced_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.order_line_id} x {self.quantity}"
