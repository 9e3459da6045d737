"""The cells of the synthèse's filter table (issue "synthèse client", § Filtres), as plain indexed
conditions on the rows every tab reads: each customer-owned row stores its customer, site and
business line (tiers.models.CustomerOwnedModel).

    filter          what it restricts (— : nothing)
    business lines  every customer-owned tab but Pièces jointes and Signatures; Détails: the sites
    period          the tab's own date (``since`` … today; planned rows after today are kept)
    site            the rows of that site (SSC: contracts covering its assets; Détails: contacts
                    linked at the site's address)
    contract        SSC: that contract; Parc: the assets it covers; DIT: the requests it covers;
                    Commandes: the orders carrying it; Pièces jointes: its documents
    asset           SSC: the contracts covering it; Parc: that asset; DIT: its requests;
                    Pièces jointes: its documents
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from parc.models import Asset, ContractAsset, ServiceContract
from tiers.models import Exchange

from .context import SyntheseContext


def since_for(model: type[models.Model], field_name: str, ctx: SyntheseContext):
    """The first moment of the history period, typed for ``field_name`` (date or datetime)."""
    field = model._meta.get_field(field_name)
    return ctx.since_datetime if isinstance(field, models.DateTimeField) else ctx.since


def owned_rows(
    model: type[models.Model],
    ctx: SyntheseContext,
    *,
    lines: bool = True,
    period: str | None = None,
    site: bool = True,
) -> QuerySet:
    """The customer's rows of ``model`` under the global filters the tab honours: business lines
    (``lines``), the period on the date field ``period``, the site (``site``)."""
    rows = model.objects.filter(tenant=ctx.tenant, customer=ctx.customer)
    if lines and ctx.business_line_ids:
        rows = rows.filter(business_line_id__in=ctx.business_line_ids)
    if period:
        rows = rows.filter(**{f"{period}__gte": since_for(model, period, ctx)})
    if site and ctx.site_id:
        rows = rows.filter(site_id=ctx.site_id)
    return rows


def contracts_covering_site(ctx: SyntheseContext) -> Exists:
    """``EXISTS`` an asset of the filtered site covered by the outer contract."""
    site_assets = Asset.objects.filter(tenant=ctx.tenant, customer=ctx.customer, site_id=ctx.site_id)
    links = ContractAsset.objects.filter(
        tenant=ctx.tenant, contract_id=OuterRef("pk"), asset_id__in=site_assets.values("pk")
    )
    return Exists(links)


def targeting(ctx: SyntheseContext, rows: QuerySet) -> QuerySet:
    """Records (documents…) about the filtered contract or asset, when such a filter is set."""
    if ctx.contract_id:
        rows = rows.filter(
            target_type=ContentType.objects.get_for_model(ServiceContract), target_id=ctx.contract_id
        )
    if ctx.asset_id:
        rows = rows.filter(target_type=ContentType.objects.get_for_model(Asset), target_id=ctx.asset_id)
    return rows


def count_of(queryset: QuerySet, column: str) -> Coalesce:
    """A correlated ``COUNT(*)`` of ``queryset`` grouped by ``column`` (its link to the outer row)."""
    counted = queryset.order_by().values(column).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def exchanges_count(ctx: SyntheseContext, model: type[models.Model]) -> Coalesce:
    """The number of exchanges about the outer row of ``model`` (the "Ech." columns)."""
    exchanges = Exchange.objects.filter(
        tenant=ctx.tenant,
        customer=ctx.customer,
        target_type=ContentType.objects.get_for_model(model),
        target_id=OuterRef("pk"),
    )
    return count_of(exchanges, "target_id")
