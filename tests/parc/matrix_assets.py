"""Permission matrix entries of the catalogue, assets, financing, equipment, competitors' assets
and installed-base pages (parc/views/{articles,assets,equipment,competitors,installed_base}.py)."""

from __future__ import annotations

from tests.matrix import Entry, MatrixContext
from tests.parc.factories_assets import (
    ArticleFactory,
    AssetFactory,
    CompetitorAssetFactory,
    EquipmentFactory,
    FinancingFactory,
)
from tests.tiers.factories import ThirdPartyFactory


def _article(ctx: MatrixContext) -> dict:
    return {"pk": ArticleFactory(tenant=ctx.tenant).pk}


def _asset(ctx: MatrixContext) -> dict:
    return {"pk": AssetFactory(tenant=ctx.tenant).pk}


def _financing(ctx: MatrixContext) -> dict:
    financing = FinancingFactory(asset=AssetFactory(tenant=ctx.tenant))
    return {"pk": financing.asset_id, "financing_pk": financing.pk}


def _customer(ctx: MatrixContext) -> dict:
    return {"pk": ThirdPartyFactory(tenant=ctx.tenant).pk}


def _equipment(ctx: MatrixContext) -> dict:
    return {"pk": EquipmentFactory(tenant=ctx.tenant).pk}


def _competitor(ctx: MatrixContext) -> dict:
    return {"pk": CompetitorAssetFactory(tenant=ctx.tenant).pk}


ENTRIES = {
    "parc:article_list": Entry(),
    "parc:article_create": Entry(),
    "parc:article_detail": Entry(kwargs=_article, tenant_object=True),
    "parc:article_update": Entry(kwargs=_article, tenant_object=True),
    "parc:asset_list": Entry(),
    "parc:asset_detail": Entry(kwargs=_asset, tenant_object=True),
    "parc:asset_update": Entry(kwargs=_asset, tenant_object=True),
    "parc:asset_create": Entry(kwargs=_customer, tenant_object=True),
    "parc:financing_create": Entry(kwargs=_asset, tenant_object=True),
    "parc:financing_update": Entry(kwargs=_financing, tenant_object=True),
    "parc:equipment_list": Entry(),
    "parc:equipment_detail": Entry(kwargs=_equipment, tenant_object=True),
    "parc:competitor_list": Entry(),
    "parc:competitor_detail": Entry(kwargs=_competitor, tenant_object=True),
    "parc:competitor_update": Entry(kwargs=_competitor, tenant_object=True),
    "parc:competitor_characteristics": Entry(kwargs=_competitor, tenant_object=True),
    "parc:competitor_create": Entry(kwargs=_customer, tenant_object=True),
    "parc:installed_base": Entry(kwargs=_customer, tenant_object=True),
}
