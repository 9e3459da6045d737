"""Permission matrix entries of the contract, billing rule and contract template pages
(parc/views/contracts*.py); see tests/matrix.py. Form GETs are called; POSTs are tested in
tests/parc/test_contracts_views.py, except the status POST (no GET)."""

from __future__ import annotations

from tests.matrix import Entry, MatrixContext
from tests.parc.factories_assets import AssetFactory
from tests.parc.factories_contracts import (
    BillingRuleFactory,
    ContractTemplateFactory,
    ServiceContractFactory,
    cover,
)
from tests.tiers.factories import ThirdPartyFactory


def _contract(ctx: MatrixContext) -> dict:
    return {"pk": ServiceContractFactory(tenant=ctx.tenant).pk}


def _customer(ctx: MatrixContext) -> dict:
    return {"pk": ThirdPartyFactory(tenant=ctx.tenant).pk}


def _covered_asset(ctx: MatrixContext) -> dict:
    asset = AssetFactory(tenant=ctx.tenant)
    contract = ServiceContractFactory(tenant=ctx.tenant, customer=asset.customer)
    cover(contract, asset)
    return {"pk": contract.pk, "asset_pk": asset.pk}


def _rule(ctx: MatrixContext) -> dict:
    rule = BillingRuleFactory(contract=ServiceContractFactory(tenant=ctx.tenant))
    return {"pk": rule.contract_id, "rule_pk": rule.pk}


def _template(ctx: MatrixContext) -> dict:
    return {"pk": ContractTemplateFactory(tenant=ctx.tenant).pk}


ENTRIES = {
    "parc:contract_list": Entry(),
    "parc:contract_detail": Entry(kwargs=_contract, tenant_object=True),
    "parc:contract_update": Entry(kwargs=_contract, tenant_object=True),
    "parc:contract_status": Entry(
        kwargs=_contract,
        method="post",
        data=lambda ctx: {"statut": "inactive"},
        success=302,
        tenant_object=True,
    ),
    "parc:contract_assets_add": Entry(kwargs=_contract, tenant_object=True),
    "parc:contract_asset_remove": Entry(kwargs=_covered_asset, tenant_object=True),
    "parc:contract_create": Entry(kwargs=_customer, tenant_object=True),
    "parc:contract_create_from_template": Entry(kwargs=_customer, tenant_object=True),
    "parc:billing_rule_create": Entry(kwargs=_contract, tenant_object=True),
    "parc:billing_rule_update": Entry(kwargs=_rule, tenant_object=True),
    "parc:billing_rule_deactivate": Entry(kwargs=_rule, tenant_object=True),
    "parc:contract_template_list": Entry(),
    "parc:contract_template_detail": Entry(kwargs=_template, tenant_object=True),
}
