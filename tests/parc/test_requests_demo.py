"""The service requests step of the demo data: requests with assets, coverages and interventions,
numbers past which the counter continues, the big customer at --scale large, idempotent."""

from __future__ import annotations

import random

from django_scopes import scope

from crm.demo import SIZES, DemoContext
from parc import demo_contracts, demo_requests
from parc.models import Intervention, RequestState, ServiceRequest, ServiceRequestCoverage
from parc.services.requests import service_request_create
from tests.factories import member
from tests.parc.factories_assets import AssetFactory
from tests.tiers.factories import ThirdPartyFactory


def _context(*companies, scale="small") -> DemoContext:
    return DemoContext(
        scale=scale, seed=1, rng=random.Random(1), companies=list(companies), out=lambda line: None
    )


def _run(*companies, scale="small") -> None:
    for step in (demo_contracts.seed, demo_requests.seed):
        step(_context(*companies, scale=scale))


def test_demo_requests_are_seeded_once_with_coverages_and_interventions(tenant, other_tenant):
    tech = member(tenant, "Technicien")
    with scope(tenant=tenant):
        customers = [ThirdPartyFactory(tenant=tenant) for _ in range(3)]
        for customer in customers:
            for _ in range(3):
                AssetFactory(tenant=tenant, customer=customer)

    _run(tenant, other_tenant)
    with scope(tenant=tenant):
        count = ServiceRequest.objects.count()
    _run(tenant, other_tenant)

    with scope(tenant=tenant):
        assert ServiceRequest.objects.count() == count == 30
        assert ServiceRequestCoverage.objects.exists()
        assert Intervention.objects.filter(technician=tech).exists()
        closed = ServiceRequest.objects.filter(state=RequestState.CLOSED)
        assert closed.exists() and not closed.filter(closed_at__isnull=True).exists()
        created = service_request_create(tenant=tenant, actor=tech, customer=customers[0], detail="Nouvelle")
        assert not ServiceRequest.objects.filter(number=created.number).exclude(pk=created.pk).exists()
    with scope(tenant=other_tenant):
        assert not ServiceRequest.objects.exists()


def test_demo_requests_large_scale_gives_the_big_customer_2000_requests(tenant, monkeypatch):
    # Only the big customer's extra requests matter here: keep the general count small.
    monkeypatch.setitem(SIZES["large"], "service_requests", 10)
    member(tenant, "Technicien")
    with scope(tenant=tenant):
        small, big = ThirdPartyFactory(tenant=tenant), ThirdPartyFactory(tenant=tenant)
        AssetFactory(tenant=tenant, customer=small)
        for _ in range(3):
            AssetFactory(tenant=tenant, customer=big)

    demo_requests.seed(_context(tenant, scale="large"))

    with scope(tenant=tenant):
        assert ServiceRequest.objects.filter(customer=big).count() >= demo_requests.BIG_CUSTOMER_REQUESTS
        assert ServiceRequest.objects.count() == demo_requests.BIG_CUSTOMER_REQUESTS + 10
