"""Relationship dates: one race-free UPDATE each (GREATEST/LEAST), no read before the write."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.tiers.factories_sites_banks import CustomerFactory
from tiers.services.relationship import (
    relationship_contact_record,
    relationship_order_record,
    relationship_quote_record,
)

NOW = timezone.now()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def customer(tenant):
    return CustomerFactory(tenant=tenant)


def reload(customer):
    customer.refresh_from_db()
    return customer


def test_done_contacts_keep_the_first_and_the_last_with_its_kind(in_tenant, customer):
    relationship_contact_record(tenant=in_tenant, third_party=customer, at=NOW - 5 * DAY, kind="Appel")
    relationship_contact_record(tenant=in_tenant, third_party=customer, at=NOW - 10 * DAY, kind="Visite")
    relationship_contact_record(tenant=in_tenant, third_party=customer, at=NOW - 2 * DAY, kind="E-mail")
    relationship_contact_record(tenant=in_tenant, third_party=customer, at=NOW - 3 * DAY, kind="Note")

    reload(customer)
    assert customer.first_contact_at == NOW - 10 * DAY
    assert (customer.last_contact_at, customer.last_contact_kind) == (NOW - 2 * DAY, "E-mail")


def test_contact_record_is_one_update_statement_with_greatest_and_least(in_tenant, customer):
    with CaptureQueriesContext(connection) as queries:
        relationship_contact_record(tenant=in_tenant, third_party=customer, at=NOW, kind="Appel")

    assert len(queries) == 1
    sql = queries[0]["sql"]
    assert sql.startswith("UPDATE") and "GREATEST" in sql and "LEAST" in sql


def test_planned_contact_keeps_the_earliest_future_one(in_tenant, customer):
    relationship_contact_record(
        tenant=in_tenant, third_party=customer, at=NOW + 5 * DAY, kind="RDV", done=False
    )
    relationship_contact_record(
        tenant=in_tenant, third_party=customer, at=NOW + 9 * DAY, kind="Appel", done=False
    )
    relationship_contact_record(
        tenant=in_tenant, third_party=customer, at=NOW + 2 * DAY, kind="Visite", done=False
    )

    reload(customer)
    assert (customer.next_contact_at, customer.next_contact_kind) == (NOW + 2 * DAY, "Visite")
    assert customer.last_contact_at is None and customer.first_contact_at is None


def test_planned_contact_in_the_past_is_ignored(in_tenant, customer):
    updated = relationship_contact_record(
        tenant=in_tenant, third_party=customer, at=NOW - DAY, kind="RDV", done=False
    )

    assert updated == 0
    assert reload(customer).next_contact_at is None


def test_planned_contact_replaces_a_next_contact_already_past(in_tenant, customer):
    type(customer).objects.filter(pk=customer.pk).update(next_contact_at=NOW - DAY, next_contact_kind="Vieux")

    relationship_contact_record(
        tenant=in_tenant, third_party=customer, at=NOW + 9 * DAY, kind="Appel", done=False
    )

    assert (reload(customer).next_contact_at, customer.next_contact_kind) == (NOW + 9 * DAY, "Appel")


def test_planned_contact_done_clears_the_next_contact_only_when_it_was_that_one(in_tenant, customer):
    planned = NOW + 2 * DAY
    relationship_contact_record(tenant=in_tenant, third_party=customer, at=planned, kind="RDV", done=False)

    relationship_contact_record(tenant=in_tenant, third_party=customer, at=NOW, kind="Appel")
    assert reload(customer).next_contact_at == planned

    relationship_contact_record(tenant=in_tenant, third_party=customer, at=planned, kind="RDV")
    reload(customer)
    assert (customer.next_contact_at, customer.next_contact_kind) == (None, "")
    assert (customer.last_contact_at, customer.last_contact_kind) == (planned, "RDV")


def test_quote_record_keeps_the_latest_quote_date(in_tenant, customer):
    for day in (datetime.date(2025, 3, 1), datetime.date(2025, 5, 1), datetime.date(2025, 4, 1)):
        relationship_quote_record(tenant=in_tenant, third_party=customer, on=day)

    assert reload(customer).last_quote_on == datetime.date(2025, 5, 1)


def test_order_record_keeps_the_first_order_date(in_tenant, customer):
    for day in (datetime.date(2025, 3, 1), datetime.date(2025, 1, 15), datetime.date(2025, 4, 1)):
        relationship_order_record(tenant=in_tenant, third_party=customer, on=day)

    assert reload(customer).first_order_on == datetime.date(2025, 1, 15)


@pytest.mark.parametrize(
    ("service", "function"),
    [(relationship_quote_record, "GREATEST"), (relationship_order_record, "LEAST")],
)
def test_quote_and_order_records_are_one_update_statement(in_tenant, customer, service, function):
    with CaptureQueriesContext(connection) as queries:
        service(tenant=in_tenant, third_party=customer, on=datetime.date(2025, 1, 1))

    assert len(queries) == 1
    assert queries[0]["sql"].startswith("UPDATE") and function in queries[0]["sql"]


def test_records_never_touch_another_tenants_third_party(in_tenant, other_tenant):
    foreign = CustomerFactory(tenant=other_tenant)

    updated = relationship_order_record(tenant=in_tenant, third_party=foreign, on=datetime.date(2025, 1, 1))

    assert updated == 0
