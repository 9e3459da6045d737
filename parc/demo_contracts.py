"""Demo data of service contracts: per company, a few contract templates, then one maintenance
contract per customer with printing assets (most customers), covering most of its printing assets,
with its billing rules: a quarterly fixed fee (forfait), the NOIR meter and, for customers with
colour assets, the COULEUR meter with their unit costs; some contracts carry an old, inactive
meter rule, some are expired or inactive, a few are prepaid credits.

Rows are built in memory and bulk inserted (the big customer of --scale large alone has 5,000
covered assets); the contract code counter is moved past the demo codes, so the service's next
generated code is free. Skips gracefully when there are no assets. Idempotent: a company that
already has contracts is left as it is.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import groupby

from crm.demo import DemoContext, bulk_create_in_batches

from .demo_meters import printing_assets

COVERED_CUSTOMER_SHARE = 0.85
COVERED_ASSET_SHARE = 0.9
EXPIRED_SHARE = 0.1
INACTIVE_SHARE = 0.05
PREPAID_SHARE = 0.05
OLD_RULE_SHARE = 0.2
TEMPLATES = (
    # code, label, contract type code, kind, months, prepaid amount
    ("MAINT12", "Maintenance copieur 12 mois", "MAINTENANCE", "contract", 12, None),
    ("MAINT36", "Maintenance copieur 36 mois", "MAINTENANCE", "contract", 36, None),
    ("EXTGAR24", "Extension de garantie 24 mois", "EXT_GARANTIE", "contract", 24, None),
    ("LOC60", "Location évolutive 60 mois", "LOCATION", "subscription", 60, None),
    ("CREDIT20", "Crédit de 20 heures d'intervention", "MAINTENANCE", "prepaid", 12, Decimal("1800.00")),
)
BLACK_UNIT_COST = Decimal("0.00450")
COLOUR_UNIT_COST = Decimal("0.04500")


def seed(ctx: DemoContext) -> None:
    from crm.services.tenant_binding import tenant_context

    from .models import ContractTemplate, ContractType, ServiceContract
    from .services.reference import parc_reference_ensure

    for company in ctx.companies:
        with tenant_context(company):
            parc_reference_ensure(company)
            types = {t.code: t for t in ContractType.objects.filter(tenant=company)}
            for code, label, type_code, kind, months, amount in TEMPLATES:
                ContractTemplate.objects.get_or_create(
                    tenant=company,
                    code=code,
                    defaults={
                        "label": label,
                        "contract_type": types[type_code],
                        "kind": kind,
                        "duration_months": months,
                        "prepaid_amount": amount,
                    },
                )
            if ServiceContract.objects.filter(tenant=company).exists():
                continue
            count = _seed_company(ctx, company, types)
            ctx.out(f"    {company.code} : {count} contrats")


def _seed_company(ctx: DemoContext, company, types) -> int:
    from crm.models import Counter

    from .models import BLACK, COLOUR, ContractAsset, MeterType, ServiceContract
    from .services.contracts import (
        CODE_COUNTER,
        CODE_PREFIX,
        CODE_WIDTH,
        add_months,
        contract_end_from_duration,
    )

    rng = ctx.rng
    meter_types = {t.code: t for t in MeterType.objects.filter(tenant=company, code__in=[BLACK, COLOUR])}
    contracts: list[ServiceContract] = []
    covered: list[list] = []
    number = 0
    for customer_id, group in groupby(printing_assets(company), key=lambda asset: asset.customer_id):
        assets = list(group)
        if rng.random() > COVERED_CUSTOMER_SHARE:
            continue
        number += 1
        draw = rng.random()
        starts_on = add_months(ctx.today, -rng.randint(1, 30)).replace(day=1)
        if draw < EXPIRED_SHARE:
            starts_on = add_months(ctx.today, -rng.randint(40, 60)).replace(day=1)
        prepaid = draw > 1 - PREPAID_SHARE
        contracts.append(
            ServiceContract(
                tenant=company,
                code=f"{CODE_PREFIX}{number:0{CODE_WIDTH}d}",
                label="Crédit d'heures d'intervention" if prepaid else "Maintenance parc d'impression",
                customer_id=customer_id,
                site_id=assets[0].site_id,
                business_line_id=assets[0].business_line_id,
                contract_type=types["MAINTENANCE"],
                kind="prepaid" if prepaid else "contract",
                prepaid_balance=Decimal(rng.randint(200, 1800)) if prepaid else None,
                status="inactive" if EXPIRED_SHARE <= draw < EXPIRED_SHARE + INACTIVE_SHARE else "active",
                starts_on=starts_on,
                ends_on=contract_end_from_duration(starts_on, 36),
            )
        )
        covered.append([asset for asset in assets if rng.random() < COVERED_ASSET_SHARE] or assets[:1])
    if not contracts:
        return 0
    ServiceContract.objects.bulk_create(contracts, batch_size=2_000)
    bulk_create_in_batches(
        ContractAsset,
        (
            ContractAsset(contract_id=contract.pk, asset_id=asset.pk)
            for contract, assets in zip(contracts, covered, strict=True)
            for asset in assets
        ),
        tenant=company,
    )
    _seed_rules(ctx, company, contracts, covered, meter_types)
    counter, _created = Counter.objects.get_or_create(
        tenant=company, key=CODE_COUNTER, defaults={"value": number}
    )
    if counter.value < number:
        Counter.objects.filter(pk=counter.pk).update(value=number)
    return len(contracts)


def _seed_rules(ctx: DemoContext, company, contracts, covered, meter_types) -> None:
    from .models import BLACK, COLOUR, BillingRule, BillingTerm, BillingType, Periodicity
    from .services.contracts import add_months

    rng = ctx.rng

    def rules():
        for contract, assets in zip(contracts, covered, strict=True):
            owned = {
                "contract_id": contract.pk,
                "customer_id": contract.customer_id,
                "site_id": contract.site_id,
                "business_line_id": contract.business_line_id,
            }
            next_invoice = add_months(ctx.today.replace(day=1), rng.randint(0, 2))
            yield BillingRule(
                **owned,
                position=1,
                code="FORFAIT",
                label="Forfait maintenance",
                billing_type=BillingType.FIXED,
                periodicity=Periodicity.QUARTERLY,
                next_invoice_on=next_invoice,
                units_sold=len(assets),
            )
            meters = [(BLACK, "Copies noir et blanc", BLACK_UNIT_COST)]
            if any(asset.is_colour for asset in assets):
                meters.append((COLOUR, "Copies couleur", COLOUR_UNIT_COST))
            for position, (code, label, cost) in enumerate(meters, start=2):
                yield BillingRule(
                    **owned,
                    position=position,
                    code=code,
                    label=label,
                    billing_type=BillingType.METER,
                    term=BillingTerm.IN_ARREARS,
                    periodicity=Periodicity.QUARTERLY,
                    next_invoice_on=next_invoice,
                    units_sold=len(assets) * 3_000,
                    extra_unit_cost=cost,
                    meter_type=meter_types[code],
                    unit_cost=cost,
                )
            if rng.random() < OLD_RULE_SHARE:
                yield BillingRule(
                    **owned,
                    position=9,
                    code=f"{BLACK}-ANCIEN",
                    label="Copies noir et blanc (ancien tarif)",
                    billing_type=BillingType.METER,
                    term=BillingTerm.IN_ARREARS,
                    extra_unit_cost=Decimal("0.00600"),
                    meter_type=meter_types[BLACK],
                    unit_cost=Decimal("0.00600"),
                    is_active=False,
                )

    bulk_create_in_batches(BillingRule, rules(), tenant=company)
