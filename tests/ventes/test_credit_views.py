"""The credit control page (customers over their limit), the aged balance page and the "En-cours
et balance âgée" section: fixed query counts, reservation, tenancy, rights."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import member
from tests.queries import REQUEST_QUERIES
from tests.tiers.factories import ThirdPartyFactory
from tests.tiers.factories_sites_banks import reserved_customer
from tests.ventes.factories_billing import billing_order, invoice_of

pytestmark = pytest.mark.django_db
CREDIT, BALANCE = "ventes:credit_control", "ventes:aged_balance"
AT = {"date": "2026-12-31"}


def _over_limit(tenant, count: int, customer=None) -> None:
    for _index in range(count):
        over = customer or ThirdPartyFactory(tenant=tenant, credit_limit=D("10"), credit_control="warning")
        invoice_of(billing_order(tenant, customer=over, lines=[("1", "100")]))


def _count(client, url, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize(("name", "expected"), [(CREDIT, 17), (BALANCE, 14)])
def test_query_count_is_the_same_for_few_and_many_customers(
    tenant, login, django_assert_num_queries, name, expected
):
    client = login(member(tenant, "Commercial"))
    url = reverse(name)
    _over_limit(tenant, 2)
    client.get(url, AT)
    small = _count(client, url, AT)
    _over_limit(tenant, 10)

    with django_assert_num_queries(small):
        response = client.get(url, AT)

    assert len(response.context["table"].page.object_list) == 12
    assert small == REQUEST_QUERIES + expected


def test_credit_control_lists_only_controlled_customers_over_their_limit(tenant, login):
    over = ThirdPartyFactory(tenant=tenant, credit_limit=D("100"), credit_control="blocking")
    under = ThirdPartyFactory(tenant=tenant, credit_limit=D("1000"), credit_control="warning")
    uncontrolled = ThirdPartyFactory(tenant=tenant, credit_limit=D("1"), credit_control="none")
    hidden = reserved_customer(tenant)
    for customer in (over, under, uncontrolled):
        invoice_of(billing_order(tenant, customer=customer, lines=[("1", "100")]))

    response = login(member(tenant, "Manager")).get(reverse(CREDIT))

    rows = [row.record for row in response.context["table"].page.object_list]
    assert [(row.customer.pk, row.exposure.total, row.overshoot) for row in rows] == [
        (over.pk, D("120.00"), D("20.00"))
    ]
    assert hidden.pk not in {row.customer.pk for row in rows}


def test_aged_balance_page_hides_reserved_payers_and_other_tenants(tenant, other_tenant, login):
    visible = ThirdPartyFactory(tenant=tenant)
    invoice_of(billing_order(tenant, customer=visible))
    invoice_of(billing_order(tenant, customer=reserved_customer(tenant)))

    mine = login(member(tenant, "Manager")).get(reverse(BALANCE), AT)
    theirs = login(member(other_tenant, "Administrateur")).get(reverse(BALANCE), AT)

    assert [row.record["payer_id"] for row in mine.context["table"].page.object_list] == [visible.pk]
    assert list(theirs.context["table"].page.object_list) == []


def test_technician_views_the_credit_pages(tenant, login):
    client = login(member(tenant, "Technicien"))

    assert client.get(reverse(CREDIT)).status_code == 200  # technicians view billing (grants)
    assert client.get(reverse(BALANCE)).status_code == 200


def test_third_party_section_shows_exposure_and_aged_balance(tenant, login):
    customer = ThirdPartyFactory(tenant=tenant, credit_limit=D("100"), credit_control="warning")
    invoice_of(billing_order(tenant, customer=customer, lines=[("1", "100")]))

    content = login(member(tenant, "Commercial")).get(reverse("tiers:detail", kwargs={"pk": customer.pk}))
    content = content.content.decode()

    assert "En-cours et balance âgée" in content
    assert "120.00 €" in content or "120,00 €" in content
    assert "Avertissement" in content


@pytest.mark.parametrize("count", [1, 6])
def test_section_loaders_have_a_fixed_query_count(tenant, rf, django_assert_num_queries, count):
    from django_scopes import scope

    from ventes.views import credit, invoices

    customer = ThirdPartyFactory(tenant=tenant, credit_limit=D("10"), credit_control="warning")
    _over_limit(tenant, count, customer=customer)
    request = rf.get("/")
    request.tenant, request.user = tenant, member(tenant, "Commercial")
    request.user.has_perm("crm.view_closed_accounts")  # the membership's permissions, cached

    with scope(tenant=tenant), django_assert_num_queries(1):
        invoices_context = invoices._section_load(request, customer)
    with scope(tenant=tenant), django_assert_num_queries(5):
        credit_context = credit._section_load(request, customer)

    assert len(invoices_context["recent_invoices"]) == count
    assert credit_context["exposure"].unpaid_invoices == D("120.00") * count
