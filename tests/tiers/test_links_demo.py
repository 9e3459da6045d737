"""The links step of the demo data: types per company, a handful of links, idempotent."""

from __future__ import annotations

import random

from django_scopes import scope

from crm.demo import DemoContext
from tests.tiers.factories_links import CustomerFactory
from tiers.demo_links import LINKED_CUSTOMERS, seed
from tiers.models import FiliationLink, ManagementLink, ManagementLinkType, Relation


def _context(*companies) -> DemoContext:
    return DemoContext(scale="small", seed=1, rng=random.Random(1), companies=list(companies))


def test_demo_links_creates_types_and_links_once(tenant, other_tenant):
    for _ in range(LINKED_CUSTOMERS):
        CustomerFactory(tenant=tenant)

    seed(_context(tenant, other_tenant))
    seed(_context(tenant, other_tenant))

    with scope(tenant=tenant):
        assert set(ManagementLinkType.objects.values_list("code", "label")) == {
            ("DONORDRE", "Donneur d'ordre"),
            ("CL_A_FACT", "Client à facturer"),
            ("SITE_LIV", "Site de livraison"),
        }
        assert ManagementLink.objects.count() == 2
        assert ManagementLink.objects.filter(is_default=True, linked_role__code="CL_A_FACT").count() == 1
        assert FiliationLink.objects.count() == 3
        assert Relation.objects.count() == 2
    with scope(tenant=other_tenant):  # too few customers: only the types
        assert ManagementLinkType.objects.count() == 3
        assert not ManagementLink.objects.exists()
