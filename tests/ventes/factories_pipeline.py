"""factory_boy factories of deals and commercial actions (rows as the services leave them)."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from crm.rights import ADMINISTRATEUR
from tests.factories import CompanyFactory, TenantFactory, member
from tests.tiers.factories import ThirdPartyFactory
from ventes import models as ventes


def _owner(row) -> object:
    return member(row.tenant, ADMINISTRATEUR)


class DealFactory(TenantFactory):
    class Meta:
        model = ventes.Deal

    tenant = factory.SubFactory(CompanyFactory)
    customer = factory.SubFactory(ThirdPartyFactory, tenant=factory.SelfAttribute("..tenant"))
    number = factory.Sequence(lambda n: f"AFF-2026-{n:06d}")
    title = factory.Sequence(lambda n: f"Renouvellement copieurs {n}")
    owner = factory.LazyAttribute(_owner)
    amount = 1000
    probability = 50
    opened_on = datetime.date(2026, 1, 15)


class ActionFactory(TenantFactory):
    class Meta:
        model = ventes.Action

    tenant = factory.SubFactory(CompanyFactory)
    customer = factory.SubFactory(ThirdPartyFactory, tenant=factory.SelfAttribute("..tenant"))
    subject = factory.Sequence(lambda n: f"Appel de suivi {n}")
    owner = factory.LazyAttribute(_owner)
    planned_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=2))
