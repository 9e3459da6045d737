"""The abstract base of every row that belongs to a customer (assets, contracts, deals, orders...).

Customer, site and business line are stored on the row itself (not reached through a parent), so
every list can be filtered by customer, site and business line with one indexed condition, and the
visibility rule of tiers.selectors.visible_q(field="customer") applies to any of them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.models import TenantModel


class CustomerOwnedModel(TenantModel):
    customer = models.ForeignKey(
        "tiers.ThirdParty", on_delete=models.PROTECT, related_name="+", verbose_name=_("client")
    )
    site = models.ForeignKey(
        "tiers.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("site"),
    )
    business_line = models.ForeignKey(
        "crm.BusinessLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("activité"),
    )

    class Meta:
        abstract = True


def customer_indexes(prefix: str) -> list[models.Index]:
    """The indexes every customer-owned table needs: by customer, by site, by business line."""
    return [
        models.Index(fields=["tenant", "customer"], name=f"{prefix}_customer_idx"),
        models.Index(fields=["tenant", "site"], name=f"{prefix}_site_idx"),
        models.Index(fields=["tenant", "business_line"], name=f"{prefix}_bl_idx"),
    ]
