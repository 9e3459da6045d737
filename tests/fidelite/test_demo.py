"""The demo step: a programme per company, accounts for some customers, the points of their
invoices; a second run adds nothing."""

from __future__ import annotations

import random

import pytest
from django_scopes import scope

from crm.demo import DemoContext
from fidelite import demo
from fidelite.models import EntryKind, LoyaltyAccount, LoyaltyProgram, PointEntry
from tests.tiers.factories import ThirdPartyFactory
from tests.ventes.factories_billing import billing_order, invoice_of

pytestmark = pytest.mark.django_db


def test_demo_seeds_accounts_and_points_idempotently(tenant):
    customers = [ThirdPartyFactory(tenant=tenant) for _index in range(3)]
    invoice_of(billing_order(tenant, customer=customers[0], lines=(("1", "250.00"),)))
    ctx = DemoContext(scale="small", seed=1, rng=random.Random(1), out=lambda _line: None, companies=[tenant])

    demo.seed(ctx)
    demo.seed(ctx)

    with scope(tenant=tenant):
        assert LoyaltyProgram.objects.count() == 1
        assert LoyaltyAccount.objects.count() == 3
        assert list(PointEntry.objects.values_list("kind", "points")) == [(EntryKind.EARNED, 250)]
