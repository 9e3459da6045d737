"""Reads of service contracts (SSC), their covered assets, billing rules (RFC) and templates.

Every read of a contract hides those of customers the user may not see
(``tiers.selectors.visible_q(field="customer")``). Inactive billing rules never appear
downstream: ``billing_rules_of`` and ``billing_rule_rows`` return active rules only unless the
caller asks for every rule (the contract page's toggle for users who may change rules).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from crm.models import Company
from tiers.selectors import visible_q

from .models import BillingRule, ContractAsset, ContractTemplate, ServiceContract
from .selectors_assets import active_contracts_q, assets_visible


def contracts_visible(*, tenant: Company, user) -> QuerySet[ServiceContract]:
    return ServiceContract.objects.filter(tenant=tenant).filter(
        visible_q(tenant=tenant, user=user, field="customer")
    )


def _count_of(queryset: QuerySet) -> Coalesce:
    """A correlated ``COUNT(*)`` subquery (no GROUP BY on the outer query)."""
    counted = queryset.order_by().values("contract").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def contract_rows(*, tenant: Company, user) -> QuerySet[ServiceContract]:
    """The contract list's rows: customer, site, type and business line joined; the number of
    covered assets and of active billing rules annotated (constant query count)."""
    return (
        contracts_visible(tenant=tenant, user=user)
        .select_related("customer", "site", "contract_type", "business_line")
        .annotate(
            asset_count=_count_of(ContractAsset.objects.filter(tenant=tenant, contract=OuterRef("pk"))),
            rule_count=_count_of(
                BillingRule.objects.filter(tenant=tenant, contract=OuterRef("pk"), is_active=True)
            ),
        )
    )


def contract_get_visible(*, tenant: Company, user, pk: int) -> ServiceContract:
    """The contract ``pk`` if ``user`` may see its customer; raises ServiceContract.DoesNotExist."""
    return (
        contracts_visible(tenant=tenant, user=user)
        .select_related("customer", "site", "contract_type", "business_line", "template")
        .get(pk=pk)
    )


def contract_assets(*, tenant: Company, contract: ServiceContract) -> QuerySet:
    """The assets ``contract`` covers, with their article and site."""
    return contract.assets.filter(tenant=tenant).select_related("article", "site").order_by("label", "pk")


def contract_assets_addable(*, tenant: Company, user, contract: ServiceContract) -> QuerySet:
    """The customer's assets the contract does not cover yet."""
    covered = ContractAsset.objects.filter(tenant=tenant, contract=contract, asset=OuterRef("pk"))
    return (
        assets_visible(tenant=tenant, user=user)
        .filter(customer_id=contract.customer_id)
        .exclude(Exists(covered))
        .order_by("label", "pk")
    )


def billing_rules_of(
    *, tenant: Company, contract: ServiceContract, include_inactive: bool = False
) -> QuerySet[BillingRule]:
    """The contract's billing rules by position; inactive ones only when asked."""
    rules = BillingRule.objects.filter(tenant=tenant, contract=contract).select_related("meter_type")
    if not include_inactive:
        rules = rules.filter(is_active=True)
    return rules.order_by("position", "code")


# A billing rule's own fields, in the form's order (the form, the services and the export).
RULE_FIELDS = (
    "position",
    "code",
    "label",
    "billing_type",
    "term",
    "periodicity",
    "next_invoice_on",
    "units_sold",
    "extra_unit_cost",
    "meter_type",
    "unit_cost",
)
BILLING_RULE_EXPORT_FIELDS = (
    "contract_code",
    "contract_label",
    "contract_status",
    *("meter_type_code" if name == "meter_type" else name for name in RULE_FIELDS),
)


def billing_rule_rows(
    *, tenant: Company, user, contract_ids: Iterable[int] | None = None, include_inactive: bool = False
) -> QuerySet:
    """Export-friendly rows (dicts, ``BILLING_RULE_EXPORT_FIELDS``) of the billing rules of the
    contracts the user may see; active rules only unless asked."""
    rules = BillingRule.objects.filter(tenant=tenant).filter(
        visible_q(tenant=tenant, user=user, field="customer")
    )
    if not include_inactive:
        rules = rules.filter(is_active=True)
    if contract_ids is not None:
        rules = rules.filter(contract_id__in=list(contract_ids))
    return rules.order_by("contract__code", "position", "code").values(
        *(name for name in RULE_FIELDS if name != "meter_type"),
        contract_code=F("contract__code"),
        contract_label=F("contract__label"),
        contract_status=F("contract__status"),
        meter_type_code=F("meter_type__code"),
    )


def contracts_covering(
    *, tenant: Company, asset_ids: Iterable[int], on_date: datetime.date
) -> list[ServiceContract]:
    """The active contracts running on ``on_date`` that cover any of ``asset_ids`` (one query), each
    with its type and ``covered_asset_ids`` (the given assets it covers), warranties first."""
    asset_ids = list(asset_ids)
    if not asset_ids:
        return []
    links = ContractAsset.objects.filter(tenant=tenant, contract=OuterRef("pk"), asset_id__in=asset_ids)
    return list(
        ServiceContract.objects.filter(tenant=tenant)
        .filter(active_contracts_q(on=on_date))
        .filter(Exists(links))
        .select_related("contract_type")
        .annotate(
            covered_asset_ids=ArrayAgg(
                "asset_links__asset_id",
                filter=Q(asset_links__asset_id__in=asset_ids),
                distinct=True,
                order_by="asset_links__asset_id",
            )
        )
        .order_by("-contract_type__is_warranty", "starts_on", "code")
    )


def contract_templates_of(*, tenant: Company) -> QuerySet[ContractTemplate]:
    return ContractTemplate.objects.filter(tenant=tenant).select_related("contract_type").order_by("label")


def contract_template_get(*, tenant: Company, pk: int) -> ContractTemplate:
    return contract_templates_of(tenant=tenant).get(pk=pk)


def contract_template_usage(*, tenant: Company, template: ContractTemplate) -> int:
    """How many contracts were created from ``template``."""
    return ServiceContract.objects.filter(tenant=tenant, template=template).count()
