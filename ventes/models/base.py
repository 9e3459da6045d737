"""What every sales document and line shares: amounts (Decimal, computed in ventes.amounts) and
the line's article, quantity, price, discount and VAT rate."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tiers.models import CustomerOwnedModel


def _money(label):
    return models.DecimalField(label, max_digits=14, decimal_places=2, default=0)


class DocumentTotals(CustomerOwnedModel):
    total_excl_tax = _money(_("total HT"))
    total_tax = _money(_("total TVA"))
    total_incl_tax = _money(_("total TTC"))
    margin = _money(_("marge"))

    class Meta:
        abstract = True


class DocumentLine(CustomerOwnedModel):
    position = models.PositiveSmallIntegerField(_("rang"), default=1)
    article = models.ForeignKey(
        "parc.Article",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("article"),
    )
    label = models.CharField(_("désignation"), max_length=200)
    quantity = models.DecimalField(_("quantité"), max_digits=12, decimal_places=3)
    unit_price = models.DecimalField(_("prix unitaire HT"), max_digits=14, decimal_places=4)
    discount_percent = models.DecimalField(_("remise %"), max_digits=5, decimal_places=2, default=0)
    vat_rate = models.DecimalField(_("taux de TVA %"), max_digits=5, decimal_places=2, default=20)
    unit_cost = models.DecimalField(_("coût unitaire"), max_digits=14, decimal_places=4, default=0)
    total_excl_tax = _money(_("montant HT"))
    total_tax = _money(_("montant TVA"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.position}. {self.label}"


LINE_CHECKS = (
    models.Q(quantity__gt=0),
    models.Q(unit_price__gte=0),
    models.Q(discount_percent__gte=0) & models.Q(discount_percent__lte=100),
    models.Q(vat_rate__gte=0) & models.Q(vat_rate__lte=100),
)


def line_constraints(prefix: str) -> list[models.CheckConstraint]:
    names = ("quantity_positive", "price_positive", "discount_range", "vat_range")
    return [
        models.CheckConstraint(condition=check, name=f"{prefix}_{name}")
        for check, name in zip(LINE_CHECKS, names, strict=True)
    ]
