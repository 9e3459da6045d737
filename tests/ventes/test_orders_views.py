"""Order pages (ventes/views/orders.py): list (query count, visibility), create (pre-filled links
and reps, the customer's observations, credit warning and blocking messages), detail with its
exchanges thread, the third party's "Commandes" section."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django_scopes import scope

from crm.rights import COMMERCIAL
from tests.factories import member
from tests.queries import REQUEST_QUERIES
from tests.ventes.factories_sales import (
    CustomerFactory,
    OrderFactory,
    OrderLineFactory,
    link,
    reserved_customer,
)
from tiers.models import CreditControl
from ventes.models import Order
from ventes.views.orders import _section_load

LIST = reverse("ventes:order_list") + "?activite=toutes"
NBSP = "\u00a0"


@pytest.fixture
def rep(tenant):
    return member(tenant, COMMERCIAL)


def _orders(tenant, count: int, customer=None) -> list[Order]:
    orders = []
    for _ in range(count):
        order = OrderFactory(tenant=tenant, **({"customer": customer} if customer else {}))
        OrderLineFactory(order=order)
        orders.append(order)
    return orders


def _form_data(customer, **fields) -> dict:
    return {
        "ordered_on": "2026-03-09",
        "bill_to": str(customer.pk),
        "ship_to": str(customer.pk),
        "partial_delivery": "allowed",
        "billing_mode": "per_delivery",
        "lignes-TOTAL_FORMS": "1",
        "lignes-INITIAL_FORMS": "0",
        "lignes-MIN_NUM_FORMS": "0",
        "lignes-MAX_NUM_FORMS": "1000",
        "lignes-0-label": "Copieur couleur",
        "lignes-0-quantity": "1",
        "lignes-0-unit_price": "1000",
        "lignes-0-discount_percent": "0",
        "lignes-0-vat_rate": "20",
        "lignes-0-unit_cost": "0",
        **fields,
    }


@pytest.mark.parametrize("count", [1, 4])
def test_order_list_query_count_does_not_grow(login, rep, tenant, count, django_assert_num_queries):
    _orders(tenant, count)
    client = login(rep)
    client.get(LIST)

    with django_assert_num_queries(REQUEST_QUERIES + 16):
        response = client.get(LIST)

    assert len(response.context["table"].page.object_list) == count


def test_order_list_hides_reserved_customers(login, rep, tenant):
    (visible,) = _orders(tenant, 1)
    (hidden,) = _orders(tenant, 1, customer=reserved_customer(tenant))

    content = login(rep).get(LIST).content.decode()

    assert visible.number in content and hidden.number not in content


def test_order_of_reserved_customer_is_404(login, rep, tenant):
    (order,) = _orders(tenant, 1, customer=reserved_customer(tenant))

    assert login(rep).get(reverse("ventes:order_detail", kwargs={"pk": order.pk})).status_code == 404


def test_order_of_another_tenant_is_404(login, other_tenant, tenant):
    (order,) = _orders(tenant, 1)

    response = login(member(other_tenant, "Administrateur")).get(
        reverse("ventes:order_detail", kwargs={"pk": order.pk})
    )

    assert response.status_code == 404


def test_order_detail_shows_the_exchanges_thread(login, rep, tenant):
    (order,) = _orders(tenant, 1)

    response = login(rep).get(reverse("ventes:order_detail", kwargs={"pk": order.pk}))

    assert response.status_code == 200
    assert 'id="order-exchanges"' in response.content.decode()


def test_order_detail_offers_delivery_to_billing_roles_only(login, rep, tenant):
    (order,) = _orders(tenant, 1)
    url = reverse("ventes:order_detail", kwargs={"pk": order.pk})
    delivery_url = reverse("ventes:delivery_create", kwargs={"pk": order.pk})

    assert delivery_url in login(member(tenant, "Manager")).get(url).content.decode()
    assert delivery_url not in login(rep).get(url).content.decode()  # Commercial: no add_delivery


def test_order_form_prefills_links_and_reps_and_shows_observations(login, rep, tenant):
    own_rep = member(tenant, COMMERCIAL)
    customer = CustomerFactory(tenant=tenant, rep_1=own_rep, observations="Livrer avant 10 h.")
    payer = CustomerFactory(tenant=tenant, name="Siège Facturation")
    link(customer, payer, is_default=True)

    response = login(rep).get(reverse("ventes:order_create", kwargs={"pk": customer.pk}))

    form = response.context["form"]
    assert (form.initial["bill_to"], form.initial["rep_1"]) == (payer, own_rep)
    assert [value for value, _label in form.fields["bill_to"].widget.choices] == [payer.pk, customer.pk]
    content = response.content.decode()
    assert 'class="alert alert-warning"' in content and "Livrer avant 10 h." in content


def test_order_create_refuses_an_unlinked_bill_to_with_the_message(login, rep, tenant):
    customer = CustomerFactory(tenant=tenant, name="Alpha")
    stranger = CustomerFactory(tenant=tenant, name="Omega")

    response = login(rep).post(
        reverse("ventes:order_create", kwargs={"pk": customer.pk}),
        _form_data(customer, bill_to=str(stranger.pk)),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["bill_to"] == [
        "Omega ne peut pas être le client facturé d'une commande de Alpha : choisissez le client "
        "lui-même ou un client lié par un lien de gestion « client à facturer »."
    ]


@pytest.mark.parametrize("rate", [":", "vingt", "NaN", "1e999999999"])
def test_order_create_refuses_a_vat_rate_that_is_no_number(login, rep, tenant, rate):
    """Found by tests/fuzz: Decimal's InvalidOperation on the rate was a server error."""
    customer = CustomerFactory(tenant=tenant, name="Alpha")

    response = login(rep).post(
        reverse("ventes:order_create", kwargs={"pk": customer.pk}),
        _form_data(customer, **{"lignes-0-vat_rate": rate}),
    )

    assert response.status_code == 200
    assert response.context["formset"][0].errors["vat_rate"] == [
        f"Sélectionnez un choix valide. {rate} n\u2019en fait pas partie."
    ]
    with scope(tenant=tenant):
        assert not Order.objects.exists()


def _exposed_customer(tenant, control):
    customer = CustomerFactory(tenant=tenant, credit_control=control, credit_limit=Decimal("10000"))
    OrderLineFactory(order=OrderFactory(tenant=tenant, customer=customer), quantity=1, unit_price=7500)
    return customer


def test_order_create_with_credit_warning(login, rep, tenant):
    customer = _exposed_customer(tenant, CreditControl.WARNING)

    response = login(rep).post(
        reverse("ventes:order_create", kwargs={"pk": customer.pk}), _form_data(customer), follow=True
    )

    messages = [str(message) for message in response.context["messages"]]
    assert (
        f"Attention : avec cette commande, l'encours du client (10{NBSP}200,00{NBSP}€) dépasse son "
        f"encours autorisé (10{NBSP}000,00{NBSP}€)."
    ) in messages
    with scope(tenant=tenant):
        assert Order.objects.filter(customer=customer).count() == 2


def test_order_create_with_credit_blocking(login, rep, tenant):
    customer = _exposed_customer(tenant, CreditControl.BLOCKING)

    response = login(rep).post(
        reverse("ventes:order_create", kwargs={"pk": customer.pk}), _form_data(customer)
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        f"Commande refusée : avec cette commande, l'encours du client (10{NBSP}200,00{NBSP}€) "
        f"dépasserait son encours autorisé (10{NBSP}000,00{NBSP}€)."
    ]
    with scope(tenant=tenant):
        assert Order.objects.filter(customer=customer).count() == 1


def test_technician_may_not_create_an_order(login, tenant):
    customer = CustomerFactory(tenant=tenant)

    response = login(member(tenant, "Technicien")).get(
        reverse("ventes:order_create", kwargs={"pk": customer.pk})
    )

    assert response.status_code == 403


@pytest.mark.parametrize("count", [1, 4])
def test_third_party_orders_section_query_count(login, rep, tenant, count, django_assert_num_queries):
    customer = CustomerFactory(tenant=tenant)
    _orders(tenant, count, customer=customer)
    request = SimpleNamespace(tenant=tenant, user=rep)

    with scope(tenant=tenant), django_assert_num_queries(1):
        html = render_to_string(
            "ventes/orders/_section.html", {"actions": {}, **_section_load(request, customer)}
        )

    assert html.count('href="/ventes/commandes/') == count + 1  # the rows and "Toutes les commandes"
    page = login(rep).get(reverse("tiers:detail", kwargs={"pk": customer.pk})).content.decode()
    assert 'id="section-orders"' in page
