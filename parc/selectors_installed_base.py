"""The installed base of a customer, grouped by address, site, article, family, brand or business
line: one ``GROUP BY`` query whatever the number of assets (removed assets are not counted)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from crm.models import Company
from tiers.models import ThirdParty

from .models import AssetStatus
from .selectors_assets import assets_visible

DEFAULT_GROUP = "article"


@dataclass(frozen=True)
class Grouping:
    label: str
    # Columns of the GROUP BY; the first is the key, the others make the row's label.
    columns: tuple[str, ...]
    # The asset list's filter (name, column whose value it takes) a row links to, or None.
    list_filter: tuple[str, str] | None = None


GROUPINGS: dict[str, Grouping] = {
    "article": Grouping(_("Article"), ("article_id", "article__code", "article__label")),
    "family": Grouping(_("Famille"), ("article__family_id", "article__family__label"), ("famille", "key")),
    "brand": Grouping(_("Marque"), ("article__brand_id", "article__brand__name"), ("marque", "key")),
    "site": Grouping(_("Site"), ("site_id", "site__name")),
    "address": Grouping(
        _("Adresse"),
        (
            "site__address_id",
            "site__address__code",
            "site__address__line1",
            "site__address__postal_code",
            "site__address__city",
        ),
    ),
    "business_line": Grouping(
        _("Activité"), ("business_line_id", "business_line__name"), ("activite", "key")
    ),
}


@dataclass(frozen=True)
class GroupCount:
    key: int | None
    label: str
    count: int


def installed_base_counts(
    *, tenant: Company, user, customer: ThirdParty, group: str = DEFAULT_GROUP
) -> list[GroupCount]:
    """Assets of ``customer`` in the base (not removed) counted per ``group`` (one query);
    rows without a value (no site, no family...) come last as "Non renseigné"."""
    grouping = GROUPINGS.get(group, GROUPINGS[DEFAULT_GROUP])
    rows = (
        assets_visible(tenant=tenant, user=user)
        .filter(customer=customer)
        .exclude(status=AssetStatus.REMOVED)
        .values(*grouping.columns)
        .annotate(count=Count("pk"))
        .order_by(*grouping.columns[1:])
    )
    counts = []
    for row in rows:
        key = row[grouping.columns[0]]
        parts = [str(row[column]) for column in grouping.columns[1:] if row[column]]
        label = " — ".join(parts) if key is not None else str(_("Non renseigné"))
        counts.append(GroupCount(key=key, label=label, count=row["count"]))
    counts.sort(key=lambda item: item.key is None)
    return counts
