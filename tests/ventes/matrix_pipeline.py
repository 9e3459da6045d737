"""Permission matrix entries of the deals and actions pages (ventes/views/{deals,actions}.py).
Every actor of the matrix holds a CRM licence; the ARTIS refusal is tested in test_deals_views
and test_actions_views."""

from __future__ import annotations

from tests.matrix import Entry, MatrixContext
from tests.tiers.factories import ThirdPartyFactory
from tests.ventes.factories_pipeline import ActionFactory, DealFactory


def _customer(ctx: MatrixContext) -> dict:
    return {"pk": ThirdPartyFactory(tenant=ctx.tenant).pk}


def _deal(ctx: MatrixContext) -> dict:
    return {"pk": DealFactory(tenant=ctx.tenant, customer=ThirdPartyFactory(tenant=ctx.tenant)).pk}


def _action(ctx: MatrixContext) -> dict:
    return {"pk": ActionFactory(tenant=ctx.tenant, customer=ThirdPartyFactory(tenant=ctx.tenant)).pk}


ENTRIES = {
    "ventes:deal_list": Entry(),
    "ventes:deal_detail": Entry(kwargs=_deal, tenant_object=True),
    "ventes:deal_update": Entry(kwargs=_deal, tenant_object=True),
    "ventes:deal_treat": Entry(kwargs=_deal, method="post", success=302, tenant_object=True),
    "ventes:deal_create": Entry(kwargs=_customer, tenant_object=True),
    "ventes:action_list": Entry(),
    "ventes:action_detail": Entry(kwargs=_action, tenant_object=True),
    "ventes:action_update": Entry(kwargs=_action, tenant_object=True),
    "ventes:action_done": Entry(kwargs=_action, method="post", success=302, tenant_object=True),
    "ventes:action_create": Entry(kwargs=_customer, tenant_object=True),
}
