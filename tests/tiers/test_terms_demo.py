"""The terms step of the demo data: reference tables, customers' terms and reps, idempotence."""

from __future__ import annotations

import pytest
from django.db.models import Count
from django_scopes import scope

from crm.demo import DemoContext, demo_run, step_rng
from crm.models import Company
from tiers.demo_terms import PAYMENT_TERMS, seed
from tiers.models import (
    CommercialFollowUp,
    Lifecycle,
    PaymentTerm,
    SecondaryRep,
    StatisticalAxis,
    ThirdParty,
    ThirdPartyStatisticalFamily,
)


@pytest.fixture
def seeded(db):
    ctx = demo_run(scale="small", out=lambda _line: None)
    return ctx, list(Company.objects.filter(code__in=["durand", "martin"]).order_by("code"))


def _counts(company) -> dict:
    with scope(tenant=company):
        return {
            "terms": PaymentTerm.objects.count(),
            "families": ThirdPartyStatisticalFamily.objects.count(),
            "secondary": SecondaryRep.objects.count(),
            "follow_ups": CommercialFollowUp.objects.count(),
            "rep_2": ThirdParty.objects.filter(rep_2__isnull=False).count(),
        }


def test_demo_terms_seeds_references_and_every_customers_terms(seeded):
    _ctx, companies = seeded
    for company in companies:
        with scope(tenant=company):
            customers = ThirdParty.objects.filter(lifecycle=Lifecycle.CUSTOMER)
            assert PaymentTerm.objects.filter(label="30 jours fin de mois", end_of_month=True).exists()
            assert PaymentTerm.objects.count() == len(PAYMENT_TERMS)
            assert StatisticalAxis.objects.count() == 2
            assert not customers.filter(payment_term__isnull=True).exists()
            assert not customers.filter(rep_1__isnull=True).exists()
            assert customers.filter(free_shipping="above_ht", free_shipping_threshold__gt=0).exists()
            per_customer = customers.annotate(n=Count("statistical_families")).values_list("n", flat=True)
            assert set(per_customer) == {2}
            assert SecondaryRep.objects.exists() and CommercialFollowUp.objects.exists()


def test_demo_terms_is_idempotent(seeded):
    ctx, companies = seeded
    before = [_counts(company) for company in companies]

    seed(DemoContext(scale="small", seed=42, rng=step_rng(42, "again"), out=ctx.out, companies=ctx.companies))

    assert [_counts(company) for company in companies] == before
