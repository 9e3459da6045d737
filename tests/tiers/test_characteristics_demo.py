"""The characteristics step of the demo data: groups of both targets, values, idempotence."""

from __future__ import annotations

import random

from django_scopes import scope

from crm.demo import DemoContext
from tests.tiers.factories_sites_banks import CustomerFactory
from tiers.demo_characteristics import CUSTOMERS, seed
from tiers.models import CharacteristicField, CharacteristicGroup, CharacteristicValue
from tiers.selectors_characteristics import characteristics_for


def _context(tenant) -> DemoContext:
    return DemoContext(
        scale="small", seed=1, rng=random.Random(1), out=lambda _line: None, companies=[tenant]
    )


def test_demo_seeds_groups_fields_and_values_once(tenant):
    customers = [CustomerFactory(tenant=tenant) for _index in range(3)]

    seed(_context(tenant))
    with scope(tenant=tenant):
        counts = (
            CharacteristicGroup.objects.count(),
            CharacteristicField.objects.count(),
            CharacteristicValue.objects.count(),
        )
    seed(_context(tenant))

    with scope(tenant=tenant):
        again = (
            CharacteristicGroup.objects.count(),
            CharacteristicField.objects.count(),
            CharacteristicValue.objects.count(),
        )
        targets = set(CharacteristicGroup.objects.values_list("target", flat=True))
        groups = characteristics_for(tenant=tenant, record=customers[0], target="third_party")
    assert counts[:2] == (3, 9)
    assert 0 < counts[2] <= 7 * min(len(customers), CUSTOMERS)
    assert again == counts
    assert targets == {"third_party", "competitor_asset"}
    assert [group.label for group in groups] == ["Parc et équipement", "Organisation"]
