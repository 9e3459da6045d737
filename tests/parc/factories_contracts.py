"""Factories of contract types, templates, service contracts, covered assets and billing rules."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory

from parc import models as parc
from tests.factories import CompanyFactory, TenantFactory
from tests.tiers.factories import ThirdPartyFactory


class ContractTypeFactory(TenantFactory):
    class Meta:
        model = parc.ContractType
        django_get_or_create = ("tenant", "code")

    tenant = factory.SubFactory(CompanyFactory)
    code = "MAINTENANCE"
    label = "Maintenance"


class ContractTemplateFactory(TenantFactory):
    class Meta:
        model = parc.ContractTemplate

    tenant = factory.SubFactory(CompanyFactory)
    code = factory.Sequence(lambda n: f"MOD{n}")
    label = factory.Sequence(lambda n: f"Maintenance copieur {n}")
    contract_type = factory.SubFactory(ContractTypeFactory, tenant=factory.SelfAttribute("..tenant"))
    duration_months = 12


class ServiceContractFactory(TenantFactory):
    class Meta:
        model = parc.ServiceContract

    tenant = factory.SubFactory(CompanyFactory)
    customer = factory.SubFactory(ThirdPartyFactory, tenant=factory.SelfAttribute("..tenant"))
    code = factory.Sequence(lambda n: f"T{n:06d}")
    label = factory.Sequence(lambda n: f"Maintenance parc {n}")
    contract_type = factory.SubFactory(ContractTypeFactory, tenant=factory.SelfAttribute("..tenant"))
    starts_on = datetime.date(2024, 1, 1)
    ends_on = datetime.date(2099, 12, 31)


def cover(contract: parc.ServiceContract, *assets: parc.Asset) -> None:
    """Make ``contract`` cover ``assets`` (as contract_assets_add does)."""
    from django_scopes import scope

    with scope(tenant=contract.tenant):
        parc.ContractAsset.objects.bulk_create(
            [parc.ContractAsset(tenant=contract.tenant, contract=contract, asset=asset) for asset in assets]
        )


class BillingRuleFactory(TenantFactory):
    class Meta:
        model = parc.BillingRule

    contract = factory.SubFactory(ServiceContractFactory)
    tenant = factory.SelfAttribute("contract.tenant")
    customer = factory.SelfAttribute("contract.customer")
    position = factory.Sequence(lambda n: n + 1)
    code = factory.Sequence(lambda n: f"R{n}")
    label = "Forfait maintenance"
    billing_type = parc.BillingType.FIXED
    units_sold = 1
    extra_unit_cost = Decimal("0")
