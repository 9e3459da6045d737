"""F10 (synthese/f10.py, static/js/hotkeys.js): every record page declares its customer on
<body data-customer>; synthese:f10 opens that customer's synthèse, else the search screen."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import member
from tests.tiers.factories import ThirdPartyFactory
from tests.tiers.factories_sites_banks import reserved_customer
from tests.ventes.factories_documents import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def commercial_client(client, tenant):
    client.force_login(member(tenant, "Commercial"))
    return client


def f10(client, customer=None):
    url = reverse("synthese:f10")
    return client.get(url, {"client": customer} if customer is not None else {})


def test_f10_with_a_customer_opens_its_synthese(commercial_client, tenant):
    customer = ThirdPartyFactory(tenant=tenant)
    response = f10(commercial_client, str(customer.pk))
    assert response.status_code == 302
    assert response["Location"] == reverse("synthese:customer", kwargs={"pk": customer.pk})


@pytest.mark.parametrize("value", [None, "", "abc", "0", "-3", "1 OR 1=1", "9" * 40, "12345678"])
def test_f10_without_a_usable_customer_opens_the_search_screen(commercial_client, value):
    response = f10(commercial_client, value)
    assert response.status_code == 302
    assert response["Location"] == reverse("synthese:search")


def test_f10_never_opens_another_tenants_or_a_reserved_customer(commercial_client, tenant, other_tenant):
    for customer in (ThirdPartyFactory(tenant=other_tenant), reserved_customer(tenant)):
        assert f10(commercial_client, str(customer.pk))["Location"] == reverse("synthese:search")


def test_order_page_declares_its_customer_and_loads_the_hotkeys(commercial_client, tenant):
    order = OrderFactory(tenant=tenant)
    page = commercial_client.get(reverse("ventes:order_detail", kwargs={"pk": order.pk})).content.decode()
    assert f'data-customer="{order.customer_id}"' in page
    assert re.search(r'<script src="[^"]*js/hotkeys\.js" defer>', page)
    assert f'data-f10-url="{reverse("synthese:f10")}"' in page


def test_page_without_customer_declares_none(commercial_client):
    page = commercial_client.get(reverse("home")).content.decode()
    assert 'data-customer=""' in page
