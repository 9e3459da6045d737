"""Deal services: numbering, rules with their exact messages, treated status, audit."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from crm.models import AuditEntry
from tests.factories import BusinessLineFactory, member
from tests.tiers.factories import SiteFactory, ThirdPartyFactory
from tests.ventes.factories_pipeline import DealFactory
from ventes.models import DealStatus
from ventes.services.deals import deal_create, deal_mark_treated, deal_update

pytestmark = pytest.mark.usefixtures("in_tenant")
TODAY = datetime.date(2026, 3, 10)


@pytest.fixture
def rep(tenant):
    return member(tenant, "Commercial")


@pytest.fixture
def customer(tenant):
    return ThirdPartyFactory(tenant=tenant)


def _create(tenant, rep, customer, **fields):
    values = {"title": "Renouvellement du parc", "opened_on": TODAY, **fields}
    return deal_create(tenant=tenant, actor=rep, customer=customer, **values)


def messages_of(error: ValidationError) -> dict:
    return error.value.message_dict


def test_deal_create_numbers_from_the_tenant_counter_and_audits(tenant, rep, customer):
    line = BusinessLineFactory(tenant=tenant)
    site = SiteFactory(third_party=customer, tenant=tenant)

    first = _create(tenant, rep, customer, site=site, business_line=line, amount=Decimal("1500.50"))
    second = _create(tenant, rep, customer, number="")

    assert (first.number, second.number) == ("AFF-2026-000001", "AFF-2026-000002")
    assert first.owner == rep and first.status == DealStatus.UNTREATED
    assert first.site == site and first.business_line == line and first.amount == Decimal("1500.50")
    entry = AuditEntry.objects.get(action="deal.create", object_id=str(first.pk))
    assert entry.changes["number"] == [None, "AFF-2026-000001"]


def test_deal_create_keeps_a_given_number_and_refuses_a_taken_one(tenant, rep, customer):
    _create(tenant, rep, customer, number="AFF-SPECIAL")

    with pytest.raises(ValidationError) as error:
        _create(tenant, rep, customer, number="AFF-SPECIAL")

    assert messages_of(error) == {"number": ["Le numéro d'affaire AFF-SPECIAL existe déjà."]}


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"amount": Decimal("-1")}, {"amount": ["Le montant doit être positif ou nul."]}),
        ({"probability": 101}, {"probability": ["La probabilité doit être comprise entre 0 et 100."]}),
        (
            {"expected_on": TODAY - datetime.timedelta(days=1)},
            {
                "expected_on": [
                    "La date de signature prévue doit être postérieure ou égale à la date d'ouverture."
                ]
            },
        ),
        (
            {"status": DealStatus.TREATED},
            {"closed_on": ["Une affaire traitée doit avoir une date de clôture."]},
        ),
        ({"closed_on": TODAY}, {"closed_on": ["Une affaire non traitée n'a pas de date de clôture."]}),
        (
            {"status": DealStatus.TREATED, "closed_on": TODAY - datetime.timedelta(days=1)},
            {"closed_on": ["La date de clôture doit être postérieure ou égale à la date d'ouverture."]},
        ),
    ],
)
def test_deal_create_refuses_broken_rules(tenant, rep, customer, fields, expected):
    with pytest.raises(ValidationError) as error:
        _create(tenant, rep, customer, **fields)

    assert messages_of(error) == expected


@pytest.mark.parametrize(
    "fields",
    [
        {"amount": Decimal("0"), "probability": 0},
        {"probability": 100, "expected_on": TODAY},
        {"status": DealStatus.TREATED, "closed_on": TODAY},
    ],
)
def test_deal_create_accepts_the_limits(tenant, rep, customer, fields):
    deal = _create(tenant, rep, customer, **fields)

    assert deal.pk is not None


def test_deal_create_refuses_another_customers_site_and_a_non_member_owner(
    tenant, rep, customer, other_tenant
):
    foreign_site = SiteFactory(tenant=tenant)
    outsider = member(other_tenant, "Commercial")

    with pytest.raises(ValidationError) as error:
        _create(tenant, rep, customer, site=foreign_site, owner=outsider)

    assert messages_of(error) == {
        "site": ["Ce site n'appartient pas à ce client."],
        "owner": ["Le responsable doit être membre de la société."],
    }


def test_deal_update_audits_the_changes(tenant, rep, customer):
    deal = _create(tenant, rep, customer)

    deal_update(tenant=tenant, actor=rep, deal=deal, title="Nouveau titre", probability=80)

    entry = AuditEntry.objects.get(action="deal.update", object_id=str(deal.pk))
    assert entry.changes == {"title": ["Renouvellement du parc", "Nouveau titre"], "probability": [50, 80]}


def test_deal_mark_treated_closes_today_and_refuses_twice(tenant, rep, customer):
    deal = DealFactory(tenant=tenant, customer=customer, opened_on=TODAY)

    deal_mark_treated(tenant=tenant, actor=rep, deal=deal, on=TODAY)
    with pytest.raises(ValidationError) as error:
        deal_mark_treated(tenant=tenant, actor=rep, deal=deal, on=TODAY)

    deal.refresh_from_db()
    assert (deal.status, deal.closed_on) == (DealStatus.TREATED, TODAY)
    assert messages_of(error) == {"status": ["Cette affaire est déjà traitée."]}
    assert AuditEntry.objects.filter(action="deal.treat", object_id=str(deal.pk)).count() == 1
