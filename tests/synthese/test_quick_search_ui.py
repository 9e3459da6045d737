"""The quick-search endpoint as the Ctrl+K overlay and integrations use it: where each result
leads by licence, hostile input, constant cost; and the overlay's markup in every page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from crm.models import Licence
from tests.factories import member
from tests.queries import REQUEST_QUERIES
from tests.tiers.factories import ContactLinkFactory, ThirdPartyFactory
from tests.ventes.factories_documents import OrderFactory

pytestmark = pytest.mark.django_db

HOSTILE = [
    "x" * 3000,
    "ab" + " cd" * 1500,
    'O\'Reilly "Dupont"',
    "'; DROP TABLE crm_searchentry; --",
    "1 OR 1=1",
    "%_% \\ _%",
    "acme\x00",
    "<script>alert(1)</script>",
    "é" * 200,
    "+33 (0)1 23--45",
]


def search(client, query):
    return client.get(reverse("synthese:quick_search"), {"q": query}, headers={"accept": "application/json"})


def results(response) -> list[dict]:
    return [row for group in response.json()["groups"] for row in group["results"]]


@pytest.mark.parametrize("licence", [Licence.CRM, Licence.ARTIS])
def test_customer_and_contact_open_the_synthese_whatever_the_licence(client, tenant, licence):
    customer = ThirdPartyFactory(tenant=tenant, name="Imprimerie Zola")
    link = ContactLinkFactory(tenant=tenant, third_party=customer, contact__last_name="Zolan")
    client.force_login(member(tenant, "Commercial", licence=licence))
    rows = results(search(client, "zol"))
    synthese = reverse("synthese:customer", kwargs={"pk": customer.pk})
    assert [(row["kind"], row["synthese_url"]) for row in rows] == [
        ("Client", synthese),
        ("Personne", f"{synthese}?contact={link.contact_id}"),
    ]


def test_order_opens_its_synthese_tab_with_crm_and_its_record_with_artis(client, tenant):
    order = OrderFactory(tenant=tenant, number="CMD-2031-000777")
    synthese = reverse("synthese:customer", kwargs={"pk": order.customer_id})
    record = reverse("ventes:order_detail", kwargs={"pk": order.pk})

    client.force_login(member(tenant, "Commercial", licence=Licence.CRM))
    [crm_row] = results(search(client, "CMD-2031-0007"))
    client.force_login(member(tenant, "Commercial", licence=Licence.ARTIS))
    [artis_row] = results(search(client, "cmd2031000777"))

    assert crm_row["synthese_url"] == f"{synthese}?onglet=commandes&ligne=commande-{order.pk}"
    assert artis_row["synthese_url"] == record
    assert crm_row["record_url"] == artis_row["record_url"] == record
    assert set(crm_row) == {"kind", "id", "label", "sublabel", "customer_id", "record_url", "synthese_url"}


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_input_is_answered_without_error(client, tenant, query):
    ThirdPartyFactory(tenant=tenant, name="ACME O'Reilly")
    client.force_login(member(tenant, "Commercial"))
    response = search(client, query)
    assert response.status_code == 200
    assert len(response.json()["query"]) <= 100
    assert "DROP" not in str(results(response))


def test_other_tenants_rows_are_not_answered(client, tenant, other_tenant):
    ThirdPartyFactory(tenant=other_tenant, name="Voisin Secret")
    client.force_login(member(tenant, "Manager"))
    assert results(search(client, "voisin")) == []


@pytest.mark.parametrize("size", [1, 5])
def test_endpoint_cost_does_not_grow_with_the_results(client, tenant, django_assert_num_queries, size):
    for index in range(size):
        customer = ThirdPartyFactory(tenant=tenant, name=f"Durand {index}")
        ContactLinkFactory(tenant=tenant, third_party=customer, contact__last_name=f"Durandal{index}")
        OrderFactory(tenant=tenant, customer=customer, number=f"DUR-{index}")
    client.force_login(member(tenant, "Commercial"))
    search(client, "zz")  # warm the session
    # Session, user, membership, the role's permissions, the savepoint pair, the search itself.
    with django_assert_num_queries(REQUEST_QUERIES + 7):
        response = search(client, "dur")
    assert len(results(response)) == 3 * size


def test_every_page_carries_the_overlay_and_its_scripts(client, tenant):
    client.force_login(member(tenant, "Commercial"))
    page = client.get(reverse("home")).content.decode()
    assert '<dialog id="quick-search"' in page
    assert f'data-url="{reverse("synthese:quick_search")}"' in page
    assert f'data-poll-url="{reverse("synthese:cti_poll")}"' in page
    for script in ("quick-search", "hotkeys", "cti"):
        assert re.search(rf'<script src="[^"]*js/{script}\.js" defer></script>', page), script
    assert "<script>" not in page and " style=" not in page  # nothing inline (strict CSP)


def test_login_page_has_no_overlay(client, db):
    assert "quick-search" not in client.get(reverse("login")).content.decode()
