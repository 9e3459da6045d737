"""The meters and contracts steps of the demo data: readings and contracts on printing assets,
monotonic meters, skip without assets, idempotent."""

from __future__ import annotations

import random
from itertools import pairwise

from django_scopes import scope

from crm.demo import DEMO_TODAY, DemoContext
from parc import demo_contracts, demo_meters
from parc.models import BillingRule, ContractAsset, MeterReading, MeterType, ServiceContract
from parc.selectors_contracts import contracts_covering
from tests.parc.factories_assets import AssetFactory
from tests.tiers.factories import ThirdPartyFactory


def _context(*companies) -> DemoContext:
    return DemoContext(
        scale="small", seed=1, rng=random.Random(1), companies=list(companies), out=lambda line: None
    )


def _run(*companies) -> None:
    for step in (demo_meters.seed, demo_contracts.seed):
        step(_context(*companies))


def test_demo_meters_and_contracts_seed_printing_assets_once(tenant, other_tenant):
    with scope(tenant=tenant):
        customers = [ThirdPartyFactory(tenant=tenant) for _ in range(4)]
        assets = [AssetFactory(tenant=tenant, customer=customer) for customer in customers for _ in range(3)]

    _run(tenant, other_tenant)
    with scope(tenant=tenant):
        counts = (MeterReading.objects.count(), ServiceContract.objects.count(), BillingRule.objects.count())
    _run(tenant, other_tenant)

    with scope(tenant=tenant):
        assert counts == (
            MeterReading.objects.count(),
            ServiceContract.objects.count(),
            BillingRule.objects.count(),
        )
        black = MeterType.objects.get(code="NOIR")
        assert (
            MeterReading.objects.filter(meter_type=black).count() == len(assets) * demo_meters.READING_MONTHS
        )
        for asset in assets:
            values = [
                (reading.value, reading.is_replacement)
                for reading in MeterReading.objects.filter(
                    asset=asset, meter_type=black, is_estimated=False
                ).order_by("read_on")
            ]
            for (before, _flag), (after, replaced) in pairwise(values):
                assert after >= before or replaced
        assert ServiceContract.objects.exists()
        assert ContractAsset.objects.exists()
        assert BillingRule.objects.filter(meter_type=black, unit_cost__isnull=False).exists()
        covered = list(ContractAsset.objects.values_list("asset_id", flat=True))
        assert contracts_covering(tenant=tenant, asset_ids=covered, on_date=DEMO_TODAY)
    with scope(tenant=other_tenant):  # no assets: only the reference data
        assert MeterType.objects.filter(code__in=["NOIR", "COULEUR"]).count() == 2
        assert not MeterReading.objects.exists()
        assert not ServiceContract.objects.exists()
