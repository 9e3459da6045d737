"""Rules of parc.services.contracts and the contract selectors (coverage, inactive rules)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from parc.models import BillingRule, ContractKind, ContractStatus
from parc.selectors_contracts import billing_rule_rows, billing_rules_of, contracts_covering
from parc.services.contracts import (
    billing_rule_create,
    billing_rule_deactivate,
    contract_assets_add,
    contract_create,
    contract_create_from_template,
    contract_deactivate,
)
from tests.factories import member
from tests.parc.factories_assets import AssetFactory
from tests.parc.factories_contracts import (
    BillingRuleFactory,
    ContractTemplateFactory,
    ContractTypeFactory,
    ServiceContractFactory,
    cover,
)
from tests.parc.factories_meters import MeterTypeFactory
from tests.tiers.factories import ThirdPartyFactory

D = datetime.date


@pytest.fixture
def customer(in_tenant):
    return ThirdPartyFactory(tenant=in_tenant)


@pytest.fixture
def contract_type(in_tenant):
    return ContractTypeFactory(tenant=in_tenant)


def create(customer, contract_type, **fields):
    values = {"code": "", "label": "Maintenance", "contract_type": contract_type, "starts_on": D(2025, 1, 1)}
    return contract_create(tenant=customer.tenant, actor=None, customer=customer, **{**values, **fields})


def test_contract_create_generates_the_code_from_the_counter(customer, contract_type):
    first = create(customer, contract_type)
    second = create(customer, contract_type)

    assert (first.code, second.code) == ("SSC000001", "SSC000002")


def test_contract_create_refused_with_a_code_already_used(customer, contract_type):
    create(customer, contract_type, code="M-1")

    with pytest.raises(ValidationError) as excinfo:
        create(customer, contract_type, code="M-1")

    assert excinfo.value.message_dict == {"code": ["Le code de contrat M-1 existe déjà."]}


def test_contract_create_refused_when_it_ends_before_it_starts(customer, contract_type):
    with pytest.raises(ValidationError) as excinfo:
        create(customer, contract_type, ends_on=D(2024, 12, 31))

    assert excinfo.value.message_dict == {
        "ends_on": ["La date de fin doit être postérieure ou égale à la date de début."]
    }


def test_prepaid_contract_refused_without_balance(customer, contract_type):
    with pytest.raises(ValidationError) as excinfo:
        create(customer, contract_type, kind=ContractKind.PREPAID)

    assert excinfo.value.message_dict == {"prepaid_balance": ["Un crédit prépayé doit avoir un solde."]}


def test_prepaid_contract_accepted_with_balance(customer, contract_type):
    contract = create(customer, contract_type, kind=ContractKind.PREPAID, prepaid_balance=Decimal("500.00"))

    assert contract.prepaid_balance == Decimal("500.00")


def test_balance_refused_on_a_contract_that_is_not_prepaid(customer, contract_type):
    with pytest.raises(ValidationError) as excinfo:
        create(customer, contract_type, prepaid_balance=Decimal("500.00"))

    assert excinfo.value.message_dict == {
        "prepaid_balance": [
            "Seul un crédit prépayé a un solde : videz ce champ ou choisissez la nature « Crédit prépayé »."
        ]
    }


def test_contract_create_from_template_copies_type_kind_duration_and_amount(customer, in_tenant):
    template = ContractTemplateFactory(
        tenant=in_tenant, kind=ContractKind.PREPAID, duration_months=12, prepaid_amount=Decimal("1800.00")
    )
    asset = AssetFactory(tenant=in_tenant, customer=customer)

    contract = contract_create_from_template(
        tenant=in_tenant,
        actor=None,
        template=template,
        customer=customer,
        site=None,
        starts_on=D(2025, 3, 1),
        assets=[asset],
    )

    assert (contract.contract_type, contract.kind, contract.prepaid_balance, contract.template) == (
        template.contract_type,
        ContractKind.PREPAID,
        Decimal("1800.00"),
        template,
    )
    assert (contract.starts_on, contract.ends_on) == (D(2025, 3, 1), D(2026, 2, 28))
    assert list(contract.assets.all()) == [asset]


def test_contract_end_from_template_on_the_31st(customer, in_tenant):
    template = ContractTemplateFactory(tenant=in_tenant, duration_months=1)

    contract = contract_create_from_template(
        tenant=in_tenant,
        actor=None,
        template=template,
        customer=customer,
        site=None,
        starts_on=D(2025, 1, 31),
    )

    assert contract.ends_on == D(2025, 2, 27)


def test_covering_an_asset_of_another_customer_is_refused(customer, contract_type, in_tenant):
    contract = create(customer, contract_type)
    other = AssetFactory(tenant=in_tenant, label="Copieur étage 2", serial="SN9", provider_id="P9")

    with pytest.raises(ValidationError) as excinfo:
        contract_assets_add(tenant=in_tenant, actor=None, contract=contract, assets=[other])

    assert excinfo.value.message_dict == {
        "assets": [f"Le bien P9 SN9 Copieur étage 2 n'appartient pas au client {customer.name} du contrat."]
    }


def test_covering_assets_of_the_customer_skips_those_already_covered(customer, contract_type, in_tenant):
    contract = create(customer, contract_type)
    first, second = (
        AssetFactory(tenant=in_tenant, customer=customer),
        AssetFactory(tenant=in_tenant, customer=customer),
    )
    contract_assets_add(tenant=in_tenant, actor=None, contract=contract, assets=[first])

    added = contract_assets_add(tenant=in_tenant, actor=None, contract=contract, assets=[first, second])

    assert added == 1
    assert contract.assets.count() == 2


def test_billing_rule_with_a_meter_type_refused_without_unit_cost(in_tenant):
    contract = ServiceContractFactory(tenant=in_tenant)
    black = MeterTypeFactory(tenant=in_tenant)

    with pytest.raises(ValidationError) as excinfo:
        billing_rule_create(
            tenant=in_tenant,
            actor=None,
            contract=contract,
            code="NOIR",
            label="Copies",
            billing_type="meter",
            meter_type=black,
        )

    assert excinfo.value.message_dict == {
        "unit_cost": ["Une règle qui facture une grandeur doit indiquer le coût unitaire de cette grandeur."]
    }


def test_billing_rule_with_a_meter_type_accepted_with_its_unit_cost(in_tenant):
    contract = ServiceContractFactory(tenant=in_tenant)
    BillingRuleFactory(contract=contract, position=4)
    black = MeterTypeFactory(tenant=in_tenant)

    rule = billing_rule_create(
        tenant=in_tenant,
        actor=None,
        contract=contract,
        code="NOIR",
        label="Copies",
        billing_type="meter",
        meter_type=black,
        unit_cost=Decimal("0.0045"),
    )

    assert (rule.position, rule.customer_id, rule.unit_cost) == (5, contract.customer_id, Decimal("0.0045"))


def test_billing_rule_code_refused_twice_in_a_contract(in_tenant):
    rule = BillingRuleFactory(contract=ServiceContractFactory(tenant=in_tenant), code="FORFAIT")

    with pytest.raises(ValidationError) as excinfo:
        billing_rule_create(
            tenant=in_tenant,
            actor=None,
            contract=rule.contract,
            code="FORFAIT",
            label="x",
            billing_type="fixed",
        )

    assert excinfo.value.message_dict == {"code": ["La règle FORFAIT existe déjà dans ce contrat."]}


def test_inactive_billing_rules_never_appear_downstream(in_tenant):
    contract = ServiceContractFactory(tenant=in_tenant)
    active = BillingRuleFactory(contract=contract, code="FORFAIT")
    old = BillingRuleFactory(contract=contract, code="ANCIEN")
    billing_rule_deactivate(tenant=in_tenant, actor=None, rule=old)
    user = member(in_tenant, "Commercial")

    assert list(billing_rules_of(tenant=in_tenant, contract=contract)) == [active]
    assert [row["code"] for row in billing_rule_rows(tenant=in_tenant, user=user)] == ["FORFAIT"]
    assert set(billing_rules_of(tenant=in_tenant, contract=contract, include_inactive=True)) == {active, old}
    assert BillingRule.objects.get(pk=old.pk).is_active is False


def test_billing_rule_rows_carry_the_export_columns(in_tenant):
    black = MeterTypeFactory(tenant=in_tenant)
    rule = BillingRuleFactory(
        contract=ServiceContractFactory(tenant=in_tenant, code="SSC1", label="Maintenance"),
        code="NOIR",
        billing_type="meter",
        meter_type=black,
        unit_cost=Decimal("0.00450"),
    )

    (row,) = billing_rule_rows(tenant=in_tenant, user=member(in_tenant, "Commercial"))

    assert (row["contract_code"], row["contract_label"], row["contract_status"], row["code"]) == (
        "SSC1",
        "Maintenance",
        "active",
        rule.code,
    )
    assert (row["meter_type_code"], row["unit_cost"], row["billing_type"]) == (
        "NOIR",
        Decimal("0.00450"),
        "meter",
    )


def test_contracts_covering_returns_running_active_contracts_in_one_query(
    in_tenant, django_assert_num_queries
):
    asset, other_asset = AssetFactory(tenant=in_tenant), AssetFactory(tenant=in_tenant)
    running = ServiceContractFactory(tenant=in_tenant, customer=asset.customer)
    expired = ServiceContractFactory(tenant=in_tenant, customer=asset.customer, ends_on=D(2024, 12, 31))
    inactive = ServiceContractFactory(
        tenant=in_tenant, customer=asset.customer, status=ContractStatus.INACTIVE
    )
    future = ServiceContractFactory(tenant=in_tenant, customer=asset.customer, starts_on=D(2026, 1, 1))
    elsewhere = ServiceContractFactory(tenant=in_tenant, customer=other_asset.customer)
    for contract in (running, expired, inactive, future):
        cover(contract, asset)
    cover(elsewhere, other_asset)

    with django_assert_num_queries(1):
        contracts = contracts_covering(tenant=in_tenant, asset_ids=[asset.pk], on_date=D(2025, 6, 1))
        types = [contract.contract_type.label for contract in contracts]

    assert contracts == [running]
    assert contracts[0].covered_asset_ids == [asset.pk]
    assert types == ["Maintenance"]


def test_contract_deactivate_is_audited(customer, contract_type):
    from crm.models import AuditEntry

    contract = create(customer, contract_type)

    contract_deactivate(tenant=customer.tenant, actor=None, contract=contract)

    assert contract.status == ContractStatus.INACTIVE
    entry = AuditEntry.objects.get(action="service_contract.update", object_id=str(contract.pk))
    assert entry.changes == {"status": ["active", "inactive"]}
