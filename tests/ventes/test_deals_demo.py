"""The pipeline step of the demo data: deals and actions of the demo customers, relationship
dates set in bulk, the deal counter past the demo numbers, idempotent."""

from __future__ import annotations

import random

from django_scopes import scope

from crm.demo import SIZES, DemoContext
from tests.factories import member
from tests.tiers.factories import ContactLinkFactory, ThirdPartyFactory
from tiers.models import ThirdParty
from ventes import demo_pipeline
from ventes.models import Action, Deal
from ventes.services.deals import deal_create


def _run(*companies) -> None:
    demo_pipeline.seed(
        DemoContext(
            scale="small", seed=1, rng=random.Random(1), companies=list(companies), out=lambda line: None
        )
    )


def test_demo_pipeline_is_seeded_once_with_relationship_dates(tenant, other_tenant):
    rep = member(tenant, "Commercial")
    customers = [ThirdPartyFactory(tenant=tenant) for _ in range(4)]
    for customer in customers:
        ContactLinkFactory(tenant=tenant, third_party=customer)

    _run(tenant, other_tenant)
    _run(tenant, other_tenant)

    with scope(tenant=tenant):
        assert Deal.objects.count() == SIZES["small"]["deals"]
        assert Action.objects.count() == SIZES["small"]["actions"]
        assert not Action.objects.filter(done_at__isnull=False, contact__isnull=True).exists()
        touched = ThirdParty.objects.filter(pk__in=[c.pk for c in customers], last_contact_at__isnull=False)
        assert touched.count() == 4
        assert ThirdParty.objects.filter(next_contact_at__isnull=False).exists()
        for third_party in touched:
            last = Action.objects.filter(customer=third_party, done_at__isnull=False).latest("done_at")
            assert third_party.last_contact_at == last.done_at
            assert third_party.last_contact_kind == last.get_kind_display()
        created = deal_create(tenant=tenant, actor=rep, customer=customers[0], title="Après la démo")
        assert Deal.objects.filter(number=created.number).count() == 1
