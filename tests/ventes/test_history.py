"""Purchase history of a customer: every invoice line newest first, filters by period, document,
article code and label, pagination with a fixed query count, tenancy and reservation."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import member
from tests.parc.factories_assets import ArticleFactory
from tests.queries import REQUEST_QUERIES
from tests.tiers.factories import ThirdPartyFactory
from tests.tiers.factories_sites_banks import reserved_customer
from tests.ventes.factories_billing import billing_order, invoice_of

pytestmark = pytest.mark.django_db


def _url(customer) -> str:
    return reverse("ventes:purchase_history", kwargs={"pk": customer.pk})


def _labels(response) -> list[str]:
    return [row.record.label for row in response.context["table"].page.object_list]


@pytest.fixture
def history(tenant):
    """Two invoices of one customer: a toner in March, a copier (article CP-100) in May."""
    customer = ThirdPartyFactory(tenant=tenant)
    toner = billing_order(tenant, customer=customer, article=ArticleFactory(tenant=tenant, code="TN-1"))
    copier = billing_order(tenant, customer=customer, article=ArticleFactory(tenant=tenant, code="CP-100"))
    march = invoice_of(toner, up_to=datetime.date(2026, 3, 31))
    may = invoice_of(copier, up_to=datetime.date(2026, 5, 31))
    return customer, march, may


def test_history_lists_every_line_newest_first(history, tenant, login):
    customer, march, may = history

    response = login(member(tenant, "Commercial")).get(_url(customer))

    rows = [row.record for row in response.context["table"].page.object_list]
    assert [(row.invoice.number, row.article.code) for row in rows] == [
        (may.number, "CP-100"),
        (march.number, "TN-1"),
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"du": "2026-04-01"}, ["CP-100"]),
        ({"au": "2026-04-01"}, ["TN-1"]),
        ({"article": "cp"}, ["CP-100"]),
        ({"libelle": "article 1"}, ["CP-100", "TN-1"]),
        ({"libelle": "absent"}, []),
    ],
)
def test_history_filters(history, tenant, login, params, expected):
    customer, _march, _may = history

    response = login(member(tenant, "Commercial")).get(_url(customer), params)

    assert [row.record.article.code for row in response.context["table"].page.object_list] == expected


def test_history_filters_on_the_document_number(history, tenant, login):
    customer, march, _may = history

    response = login(member(tenant, "Commercial")).get(_url(customer), {"document": march.number})

    assert [row.record.invoice_id for row in response.context["table"].page.object_list] == [march.pk]


def test_history_query_count_is_the_same_for_few_and_many_lines(tenant, login, django_assert_num_queries):
    customer = ThirdPartyFactory(tenant=tenant)
    client = login(member(tenant, "Commercial"))
    invoice_of(billing_order(tenant, customer=customer, lines=[("1", "10")] * 2))
    client.get(_url(customer))
    with CaptureQueriesContext(connection) as queries:
        client.get(_url(customer))
    invoice_of(billing_order(tenant, customer=customer, lines=[("1", "10")] * 30))

    with django_assert_num_queries(len(queries)):
        response = client.get(_url(customer))

    assert len(response.context["table"].page.object_list) == 25
    assert len(queries) == REQUEST_QUERIES + 15


def test_history_of_a_reserved_or_other_tenants_customer_is_a_404(tenant, other_tenant, login):
    hidden = reserved_customer(tenant)
    shown = ThirdPartyFactory(tenant=tenant)

    assert login(member(tenant, "Manager")).get(_url(hidden)).status_code == 404
    assert login(member(other_tenant, "Administrateur")).get(_url(shown)).status_code == 404
