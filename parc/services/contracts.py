"""Writes of service contracts (SSC), their covered assets and billing rules (RFC).

Contract rules: the code is unique in the company and generated from the company's counter
(``SSC000042``) when left blank; the site, when given, is one of the customer's sites; the end is
on or after the start; a prepaid credit needs its balance and only a prepaid credit has one;
covered assets belong to the contract's customer. ``contract_create_from_template`` copies the
template's type, kind, duration (end = start + duration months - 1 day) and prepaid amount.
Billing rule rules: the code is unique in the contract; a rule that bills a meter type needs the
meter type's unit cost; costs are not negative; a rule is deactivated, never deleted. Audited.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from crm.models import Company
from crm.services.audit import audit_changes, audit_record, audit_snapshot
from crm.services.counters import counter_format
from parc.models import (
    Asset,
    BillingRule,
    ContractAsset,
    ContractKind,
    ContractStatus,
    ContractTemplate,
    ServiceContract,
)
from parc.selectors_contracts import RULE_FIELDS
from tiers.models import Site, ThirdParty

from .assets import _fields_check, _tenant_check, message_foreign_site

CODE_COUNTER = "service_contracts"
CODE_PREFIX = "SSC"
CODE_WIDTH = 6

CONTRACT_FIELDS = (
    "code",
    "label",
    "contract_type",
    "kind",
    "prepaid_balance",
    "status",
    "starts_on",
    "ends_on",
    "site",
    "business_line",
    "template",
)
_CONTRACT_AUDITED = tuple(
    f"{name}_id" if name in {"contract_type", "site", "business_line", "template"} else name
    for name in CONTRACT_FIELDS
)
_RULE_AUDITED = (*(f"{n}_id" if n == "meter_type" else n for n in RULE_FIELDS), "is_active")


def message_code_taken(code: str) -> str:
    return _("Le code de contrat %(code)s existe déjà.") % {"code": code}


def message_dates_order() -> str:
    return _("La date de fin doit être postérieure ou égale à la date de début.")


def message_prepaid_balance_required() -> str:
    return _("Un crédit prépayé doit avoir un solde.")


def message_balance_only_prepaid() -> str:
    return _("Seul un crédit prépayé a un solde : videz ce champ ou choisissez la nature « Crédit prépayé ».")


def message_foreign_asset(asset: Asset, customer: ThirdParty) -> str:
    return _("Le bien %(asset)s n'appartient pas au client %(customer)s du contrat.") % {
        "asset": asset.display_label,
        "customer": customer.name,
    }


def message_rule_code_taken(code: str) -> str:
    return _("La règle %(code)s existe déjà dans ce contrat.") % {"code": code}


def message_unit_cost_required() -> str:
    return _("Une règle qui facture une grandeur doit indiquer le coût unitaire de cette grandeur.")


def message_negative_cost() -> str:
    return _("Le coût ne peut pas être négatif.")


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (the month's last day when it is shorter: 31/01 + 1 → 28/02)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def contract_end_from_duration(starts_on: datetime.date, duration_months: int) -> datetime.date:
    """The last day of a contract of ``duration_months`` months starting on ``starts_on``."""
    return add_months(starts_on, duration_months) - datetime.timedelta(days=1)


def _contract_clean(contract: ServiceContract) -> None:
    errors: dict[str, list[str]] = {}
    if contract.site is not None and contract.site.third_party_id != contract.customer_id:
        errors["site"] = [message_foreign_site()]
    if contract.starts_on and contract.ends_on and contract.ends_on < contract.starts_on:
        errors["ends_on"] = [message_dates_order()]
    if contract.kind == ContractKind.PREPAID and contract.prepaid_balance is None:
        errors["prepaid_balance"] = [message_prepaid_balance_required()]
    elif contract.kind != ContractKind.PREPAID and contract.prepaid_balance is not None:
        errors["prepaid_balance"] = [message_balance_only_prepaid()]
    if (
        contract.code
        and ServiceContract.objects.filter(tenant_id=contract.tenant_id, code=contract.code)
        .exclude(pk=contract.pk)
        .exists()
    ):
        errors["code"] = [message_code_taken(contract.code)]
    if errors:
        raise ValidationError(errors)


def _contract_save(contract: ServiceContract) -> None:
    _contract_clean(contract)
    if not contract.code:
        contract.code = counter_format(
            tenant=contract.tenant, key=CODE_COUNTER, width=CODE_WIDTH, prefix=CODE_PREFIX
        )
    contract.full_clean()
    contract.save()


def _assets_check(tenant: Company, contract: ServiceContract, assets: Iterable[Asset]) -> list[Asset]:
    assets = list(assets)
    _tenant_check(tenant, *assets)
    for asset in assets:
        if asset.customer_id != contract.customer_id:
            raise ValidationError({"assets": [message_foreign_asset(asset, contract.customer)]})
    return assets


def _links_create(tenant: Company, contract: ServiceContract, assets: list[Asset]) -> list[int]:
    existing = set(
        ContractAsset.objects.filter(tenant=tenant, contract=contract, asset__in=assets).values_list(
            "asset_id", flat=True
        )
    )
    new = [asset for asset in assets if asset.pk not in existing]
    ContractAsset.objects.bulk_create(
        [ContractAsset(tenant=tenant, contract=contract, asset=asset) for asset in new]
    )
    return [asset.pk for asset in new]


@transaction.atomic
def contract_create(
    *, tenant: Company, actor, customer: ThirdParty, assets: Iterable[Asset] = (), **fields: Any
) -> ServiceContract:
    """Create a contract of ``customer`` (``fields``: see CONTRACT_FIELDS; a blank code is generated)
    covering ``assets``."""
    _fields_check(fields, CONTRACT_FIELDS)
    contract = ServiceContract(tenant=tenant, customer=customer, **fields)
    contract.code = (contract.code or "").strip()
    _tenant_check(tenant, customer, contract.contract_type, contract.site, contract.business_line)
    _contract_save(contract)
    asset_ids = _links_create(tenant, contract, _assets_check(tenant, contract, assets))
    changes = audit_changes({}, audit_snapshot(contract, _CONTRACT_AUDITED))
    if asset_ids:
        changes["assets"] = [[], asset_ids]
    audit_record(
        tenant=tenant, actor=actor, action="service_contract.create", instance=contract, changes=changes
    )
    return contract


@transaction.atomic
def contract_create_from_template(
    *,
    tenant: Company,
    actor,
    template: ContractTemplate,
    customer: ThirdParty,
    site: Site | None,
    starts_on: datetime.date,
    assets: Iterable[Asset] = (),
) -> ServiceContract:
    """A new contract of ``customer`` copying ``template``'s type, kind, duration and prepaid amount."""
    _tenant_check(tenant, template)
    return contract_create(
        tenant=tenant,
        actor=actor,
        customer=customer,
        assets=assets,
        label=template.label,
        contract_type=template.contract_type,
        kind=template.kind,
        prepaid_balance=template.prepaid_amount if template.kind == ContractKind.PREPAID else None,
        starts_on=starts_on,
        ends_on=contract_end_from_duration(starts_on, template.duration_months),
        site=site,
        template=template,
    )


@transaction.atomic
def contract_update(*, tenant: Company, actor, contract: ServiceContract, **fields: Any) -> ServiceContract:
    _fields_check(fields, CONTRACT_FIELDS)
    if contract.tenant_id != tenant.pk:
        raise ValueError("The contract does not belong to the tenant.")
    before = audit_snapshot(contract, _CONTRACT_AUDITED)
    for name, value in fields.items():
        setattr(contract, name, value)
    contract.code = (contract.code or "").strip()
    _tenant_check(tenant, contract.contract_type, contract.site, contract.business_line)
    _contract_save(contract)
    changes = audit_changes(before, audit_snapshot(contract, _CONTRACT_AUDITED))
    if changes:
        audit_record(
            tenant=tenant, actor=actor, action="service_contract.update", instance=contract, changes=changes
        )
    return contract


def contract_activate(*, tenant: Company, actor, contract: ServiceContract) -> ServiceContract:
    return contract_update(tenant=tenant, actor=actor, contract=contract, status=ContractStatus.ACTIVE)


def contract_deactivate(*, tenant: Company, actor, contract: ServiceContract) -> ServiceContract:
    return contract_update(tenant=tenant, actor=actor, contract=contract, status=ContractStatus.INACTIVE)


@transaction.atomic
def contract_assets_add(*, tenant: Company, actor, contract: ServiceContract, assets: Iterable[Asset]) -> int:
    """Cover ``assets`` (already covered ones are skipped); returns how many were added."""
    if contract.tenant_id != tenant.pk:
        raise ValueError("The contract does not belong to the tenant.")
    added = _links_create(tenant, contract, _assets_check(tenant, contract, assets))
    if added:
        audit_record(
            tenant=tenant,
            actor=actor,
            action="service_contract.assets_add",
            instance=contract,
            changes={"assets": [[], added]},
        )
    return len(added)


@transaction.atomic
def contract_asset_remove(*, tenant: Company, actor, contract: ServiceContract, asset: Asset) -> None:
    if contract.tenant_id != tenant.pk:
        raise ValueError("The contract does not belong to the tenant.")
    deleted, _rows = ContractAsset.objects.filter(tenant=tenant, contract=contract, asset=asset).delete()
    if deleted:
        audit_record(
            tenant=tenant,
            actor=actor,
            action="service_contract.asset_remove",
            instance=contract,
            changes={"assets": [[asset.pk], []]},
        )


# --- Billing rules --------------------------------------------------------------------------------


def _rule_clean(rule: BillingRule) -> None:
    errors: dict[str, list[str]] = {}
    if rule.meter_type_id is not None and rule.unit_cost is None:
        errors["unit_cost"] = [message_unit_cost_required()]
    for name in ("extra_unit_cost", "unit_cost"):
        value = getattr(rule, name)
        if value is not None and Decimal(value) < 0:
            errors[name] = [message_negative_cost()]
    if (
        rule.code
        and BillingRule.objects.filter(tenant_id=rule.tenant_id, contract_id=rule.contract_id, code=rule.code)
        .exclude(pk=rule.pk)
        .exists()
    ):
        errors["code"] = [message_rule_code_taken(rule.code)]
    if errors:
        raise ValidationError(errors)
    rule.full_clean()


@transaction.atomic
def billing_rule_create(*, tenant: Company, actor, contract: ServiceContract, **fields: Any) -> BillingRule:
    """Add a billing rule to ``contract`` (``fields``: see RULE_FIELDS); the position defaults to
    after the last rule; the rule stores the contract's customer, site and business line."""
    _fields_check(fields, RULE_FIELDS)
    if contract.tenant_id != tenant.pk:
        raise ValueError("The contract does not belong to the tenant.")
    if fields.get("position") is None:
        last = BillingRule.objects.filter(tenant=tenant, contract=contract).aggregate(last=Max("position"))[
            "last"
        ]
        fields["position"] = (last or 0) + 1
    rule = BillingRule(
        tenant=tenant,
        contract=contract,
        customer_id=contract.customer_id,
        site_id=contract.site_id,
        business_line_id=contract.business_line_id,
        **fields,
    )
    _tenant_check(tenant, rule.meter_type)
    _rule_clean(rule)
    rule.save()
    audit_record(
        tenant=tenant,
        actor=actor,
        action="billing_rule.create",
        instance=rule,
        changes=audit_changes({}, audit_snapshot(rule, _RULE_AUDITED)),
    )
    return rule


@transaction.atomic
def billing_rule_update(*, tenant: Company, actor, rule: BillingRule, **fields: Any) -> BillingRule:
    _fields_check(fields, (*RULE_FIELDS, "is_active"))
    if rule.tenant_id != tenant.pk:
        raise ValueError("The billing rule does not belong to the tenant.")
    before = audit_snapshot(rule, _RULE_AUDITED)
    for name, value in fields.items():
        setattr(rule, name, value)
    _tenant_check(tenant, rule.meter_type)
    _rule_clean(rule)
    rule.save()
    changes = audit_changes(before, audit_snapshot(rule, _RULE_AUDITED))
    if changes:
        audit_record(tenant=tenant, actor=actor, action="billing_rule.update", instance=rule, changes=changes)
    return rule


def billing_rule_deactivate(*, tenant: Company, actor, rule: BillingRule) -> BillingRule:
    """Deactivate ``rule``: it no longer appears downstream (kept for history)."""
    return billing_rule_update(tenant=tenant, actor=actor, rule=rule, is_active=False)
