"""Reads of the article catalogue and of the installed base (assets, financing, equipment,
competitors' assets), shared by the list screens, their Excel export and the detail pages.

Every read of a customer-owned row hides the rows of customers the user may not see
(``tiers.selectors.visible_q(field="customer")``): a reserved or closed customer's assets are
absent from lists and a 404 on their pages. List rows carry what their columns show as
``select_related`` joins and annotations ("covered by contract" is one ``EXISTS``), so a page
costs the same number of queries for 2 rows and for 25.
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from crm.models import Company
from tiers.models import ThirdParty
from tiers.selectors import third_parties_visible, visible_q

from .models import (
    Article,
    ArticleFamily,
    Asset,
    CompetitorAsset,
    ContractAsset,
    ContractStatus,
    Equipment,
    Financing,
    ServiceContract,
)


def today() -> datetime.date:
    return timezone.localdate()


# --- Catalogue ------------------------------------------------------------------------------------


def article_rows(*, tenant: Company, user=None) -> QuerySet[Article]:
    """The tenant's articles with what the list shows (business line, family, sub-family, brand)."""
    return Article.objects.filter(tenant=tenant).select_related(
        "business_line", "family", "sub_family", "brand"
    )


def article_get(*, tenant: Company, pk: int) -> Article:
    return article_rows(tenant=tenant).get(pk=pk)


def families_of(*, tenant: Company) -> QuerySet[ArticleFamily]:
    """Top-level families (no parent)."""
    return ArticleFamily.objects.filter(tenant=tenant, parent__isnull=True).order_by("label")


def sub_families_of(*, tenant: Company) -> QuerySet[ArticleFamily]:
    return ArticleFamily.objects.filter(tenant=tenant, parent__isnull=False).select_related("parent")


# --- Coverage -------------------------------------------------------------------------------------


def active_contracts_q(*, on: datetime.date, prefix: str = "") -> Q:
    """Active service contracts running on ``on`` (``prefix``: the path to the contract)."""
    return Q(**{f"{prefix}status": ContractStatus.ACTIVE, f"{prefix}starts_on__lte": on}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": on})
    )


def covered_exists(*, tenant: Company, on: datetime.date | None = None) -> Exists:
    """``EXISTS`` an active contract covering the outer asset on ``on`` (today by default)."""
    links = ContractAsset.objects.filter(tenant=tenant, asset=OuterRef("pk")).filter(
        active_contracts_q(on=on or today(), prefix="contract__")
    )
    return Exists(links)


# --- Assets ---------------------------------------------------------------------------------------


def assets_visible(*, tenant: Company, user) -> QuerySet[Asset]:
    return Asset.objects.filter(tenant=tenant).filter(visible_q(tenant=tenant, user=user, field="customer"))


def asset_rows(*, tenant: Company, user) -> QuerySet[Asset]:
    """The asset list's rows: joins for article, family, brand, customer, site and business line;
    ``is_covered`` annotated."""
    return (
        assets_visible(tenant=tenant, user=user)
        .select_related("article__family", "article__brand", "customer", "site__address", "business_line")
        .annotate(is_covered=covered_exists(tenant=tenant))
    )


def asset_get_visible(*, tenant: Company, user, pk: int) -> Asset:
    """The asset ``pk`` if ``user`` may see its customer; raises Asset.DoesNotExist otherwise."""
    return (
        asset_rows(tenant=tenant, user=user)
        .select_related("article__sub_family", "article__business_line")
        .prefetch_related(
            Prefetch(
                "financings",
                queryset=Financing.objects.filter(tenant=tenant)
                .select_related("financer")
                .order_by("-starts_on"),
            ),
            Prefetch(
                "equipment", queryset=Equipment.objects.filter(tenant=tenant).order_by("hostname", "serial")
            ),
        )
        .get(pk=pk)
    )


def asset_contracts(*, tenant: Company, asset: Asset) -> list[ServiceContract]:
    """The contracts covering ``asset`` (active or not), each with ``is_running`` for today."""
    on = today()
    contracts = list(
        ServiceContract.objects.filter(tenant=tenant, asset_links__asset=asset)
        .select_related("contract_type")
        .order_by("-starts_on", "code")
    )
    for contract in contracts:
        contract.is_running = (
            contract.status == ContractStatus.ACTIVE
            and contract.starts_on <= on
            and (contract.ends_on is None or contract.ends_on >= on)
        )
    return contracts


def financing_get(*, tenant: Company, asset: Asset, pk: int) -> Financing:
    return Financing.objects.filter(tenant=tenant, asset=asset).select_related("financer").get(pk=pk)


def financers_visible(*, tenant: Company, user) -> QuerySet[ThirdParty]:
    """Third parties with the financer role the user may see (few rows: a select is fine)."""
    return third_parties_visible(tenant=tenant, user=user).filter(is_financer=True).order_by("name")


# --- Equipment ------------------------------------------------------------------------------------


def equipment_rows(*, tenant: Company, user) -> QuerySet[Equipment]:
    return (
        Equipment.objects.filter(tenant=tenant)
        .filter(visible_q(tenant=tenant, user=user, field="customer"))
        .select_related("customer", "site", "asset")
    )


def equipment_get_visible(*, tenant: Company, user, pk: int) -> Equipment:
    return equipment_rows(tenant=tenant, user=user).select_related("asset__article").get(pk=pk)


# --- Competitors' assets --------------------------------------------------------------------------


def competitor_asset_rows(*, tenant: Company, user) -> QuerySet[CompetitorAsset]:
    return (
        CompetitorAsset.objects.filter(tenant=tenant)
        .filter(visible_q(tenant=tenant, user=user, field="customer"))
        .select_related("customer", "site", "business_line")
    )


def competitor_asset_get_visible(*, tenant: Company, user, pk: int) -> CompetitorAsset:
    return competitor_asset_rows(tenant=tenant, user=user).get(pk=pk)
