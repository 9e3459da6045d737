"""The catalogue and installed-base steps of the demo data (small scale): idempotent, consistent."""

from __future__ import annotations

import pytest
from django.db.models import F
from django_scopes import scope

from crm.demo import SIZES, DemoContext, demo_run, step_rng
from crm.models import Company
from parc import demo_assets, demo_catalogue
from parc.models import Article, Asset, Equipment, Financing


@pytest.fixture
def seeded(db):
    demo_run(scale="small", out=lambda _line: None)
    return list(Company.objects.filter(code__in=["durand", "martin"]).order_by("code"))


def test_demo_installed_base_is_consistent_and_idempotent(seeded):
    company = seeded[0]
    with scope(tenant=company):
        counts = (
            Article.objects.count(),
            Asset.objects.count(),
            Financing.objects.count(),
            Equipment.objects.count(),
        )
        ctx = DemoContext(scale="small", seed=42, rng=step_rng(42, "again"), companies=seeded)
        demo_catalogue.seed(ctx)
        demo_assets.seed(ctx)

        assert (
            Article.objects.count(),
            Asset.objects.count(),
            Financing.objects.count(),
            Equipment.objects.count(),
        ) == counts
        assert counts[0] >= 15 and counts[1] == SIZES["small"]["assets"] and counts[2] > 0 and counts[3] > 0
        assert not Asset.objects.exclude(business_line=F("article__business_line")).exists()
        assert not Asset.objects.exclude(site__isnull=True).exclude(site__third_party=F("customer")).exists()
        assert not Financing.objects.exclude(financer__is_financer=True).exists()
        assert not Equipment.objects.exclude(serial=F("asset__serial")).exists()
