"""Factories of the loyalty app: programmes, and accounts opened through the join service."""

from __future__ import annotations

from decimal import Decimal

import factory
from django_scopes import scope

from fidelite import models as fidelite
from tests.factories import CompanyFactory, TenantFactory
from tests.tiers.factories import ThirdPartyFactory


class LoyaltyProgramFactory(TenantFactory):
    class Meta:
        model = fidelite.LoyaltyProgram

    tenant = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Programme {n}")
    points_per_euro = Decimal("1")
    point_value = Decimal("0.01")


def account_of(tenant, customer=None, program=None, **program_fields) -> fidelite.LoyaltyAccount:
    """A customer's account opened by the join service (a new customer and programme by default)."""
    from fidelite.services.accounts import loyalty_join

    customer = customer or ThirdPartyFactory(tenant=tenant)
    program = program or LoyaltyProgramFactory(tenant=tenant, **program_fields)
    with scope(tenant=tenant):
        return loyalty_join(tenant=tenant, actor=None, customer=customer, program=program)


def credit(account, points: int, reason: str = "Geste commercial", actor=None) -> fidelite.PointEntry:
    from fidelite.services.ledger import points_credit_manual

    with scope(tenant=account.tenant):
        return points_credit_manual(
            tenant=account.tenant, actor=actor, account=account, points=points, reason=reason
        )


def balance(account) -> int:
    from fidelite.services.ledger import account_balance

    with scope(tenant=account.tenant):
        return account_balance(tenant=account.tenant, account=account)
