"""Service debit when a points-covered request closes, FIFO expiry, and the merge hook."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django_scopes import scope

from fidelite.models import EntryKind, LoyaltyAccount, PointEntry
from fidelite.services.expiry import account_points_expire, expiry_date, points_expire
from fidelite.services.ledger import account_locked, entry_append
from parc.models import RequestState, ServiceRequestCoverage
from parc.services.requests import service_request_close
from tests.fidelite.factories import account_of, balance, credit
from tests.parc.factories_contracts import ServiceContractFactory
from tests.parc.factories_requests import InterventionFactory, ServiceRequestFactory
from tests.tiers.factories import ThirdPartyFactory
from tiers.services.merge import third_party_merge

pytestmark = pytest.mark.django_db


def closed_request(account, minutes: int = 90, coverage=None):
    request = ServiceRequestFactory(tenant=account.tenant, customer=account.customer)
    InterventionFactory(request=request, duration_minutes=minutes)
    with scope(tenant=account.tenant):
        if coverage is not None:
            ServiceRequestCoverage.objects.create(
                tenant=account.tenant, request=request, contract=coverage, is_selected=True
            )
        return service_request_close(tenant=account.tenant, actor=None, request=request)


def test_closing_a_points_covered_request_debits_the_points(tenant):
    account = account_of(tenant, service_points_per_hour=60)
    credit(account, 200)

    request = closed_request(account, minutes=90)

    with scope(tenant=tenant):
        entry = PointEntry.objects.get(kind=EntryKind.SERVICE_DEBIT)
    assert (entry.points, entry.source_request_id) == (-90, request.pk)
    assert balance(account) == 110


def test_closing_a_request_without_enough_points_is_refused(tenant):
    account = account_of(tenant, service_points_per_hour=60)
    credit(account, 30)

    with pytest.raises(ValidationError) as refused:
        closed_request(account, minutes=90)

    assert refused.value.messages == ["Solde de points insuffisant : 30 points disponibles, 90 demandés."]
    assert balance(account) == 30


def test_a_request_covered_by_a_contract_debits_no_points(tenant):
    account = account_of(tenant, service_points_per_hour=60)
    credit(account, 200)
    contract = ServiceContractFactory(tenant=tenant, customer=account.customer)

    request = closed_request(account, coverage=contract)

    assert request.state == RequestState.CLOSED
    assert balance(account) == 200


def test_expiry_date_is_n_months_after_the_month_earned():
    assert expiry_date(datetime.date(2026, 1, 31), 2) == datetime.date(2026, 4, 1)
    assert expiry_date(datetime.date(2026, 11, 3), 1) == datetime.date(2027, 1, 1)


def _entry(account, points: int, on: datetime.date) -> None:
    tenant = account.tenant
    kind = EntryKind.MANUAL_CREDIT if points > 0 else EntryKind.MANUAL_DEBIT
    with scope(tenant=tenant), transaction.atomic():
        locked = account_locked(tenant=tenant, account=account)
        entry_append(
            tenant=tenant, actor=None, account=locked, kind=kind, points=points, occurred_on=on, reason="Test"
        )


def test_points_expire_first_in_first_out_once_per_month(tenant):
    account = account_of(tenant, expiry_months=2)
    _entry(account, 100, datetime.date(2026, 1, 10))
    _entry(account, 50, datetime.date(2026, 2, 5))
    _entry(account, -30, datetime.date(2026, 3, 1))  # consumes January's points first

    with scope(tenant=tenant):
        first = account_points_expire(tenant=tenant, account=account, on=datetime.date(2026, 4, 1))
        again = account_points_expire(tenant=tenant, account=account, on=datetime.date(2026, 4, 20))
        nothing_yet = points_expire(tenant=tenant, on=datetime.date(2026, 4, 25))
        may = points_expire(tenant=tenant, on=datetime.date(2026, 5, 1))
        may_again = points_expire(tenant=tenant, on=datetime.date(2026, 5, 2))
        expired = list(
            PointEntry.objects.filter(kind=EntryKind.EXPIRED).order_by("pk").values_list("points", "period")
        )

    assert (first.points, again, nothing_yet, may, may_again) == (-70, None, 0, 1, 0)
    assert expired == [(-70, datetime.date(2026, 4, 1)), (-50, datetime.date(2026, 5, 1))]
    assert balance(account) == 0


def test_points_of_a_programme_without_expiry_never_expire(tenant):
    account = account_of(tenant)
    _entry(account, 100, datetime.date(2020, 1, 10))

    with scope(tenant=tenant):
        assert points_expire(tenant=tenant, on=datetime.date(2026, 5, 1)) == 0


def test_merge_moves_the_losers_entries_into_the_survivors_account(tenant, users_by_role):
    survivor = account_of(tenant)
    loser = account_of(tenant, program=survivor.program)
    credit(survivor, 100)
    credit(loser, 40)
    credit(loser, 2)

    with scope(tenant=tenant):
        third_party_merge(
            tenant=tenant, actor=users_by_role["Manager"], survivor=survivor.customer, loser=loser.customer
        )
        accounts = list(LoyaltyAccount.objects.values_list("pk", "customer_id"))

    assert accounts == [(survivor.pk, survivor.customer_id)]
    assert balance(survivor) == 142


def test_merge_keeps_the_losers_account_when_the_survivor_has_none(tenant, users_by_role):
    survivor = ThirdPartyFactory(tenant=tenant)
    loser = account_of(tenant)
    credit(loser, 40)

    with scope(tenant=tenant):
        third_party_merge(
            tenant=tenant, actor=users_by_role["Manager"], survivor=survivor, loser=loser.customer
        )
        accounts = list(LoyaltyAccount.objects.values_list("pk", "customer_id"))

    assert accounts == [(loser.pk, survivor.pk)]
    assert balance(loser) == 40
