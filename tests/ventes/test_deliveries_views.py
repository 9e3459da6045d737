"""The delivery page of an order: quantities per line (accepted and refused with the message),
rights, tenancy and reservation."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_scopes import scope

from tests.factories import member
from tests.tiers.factories_sites_banks import reserved_customer
from tests.ventes.factories_billing import billing_order, deliver, order_lines
from ventes.models import Delivery

pytestmark = pytest.mark.django_db


def _url(order) -> str:
    return reverse("ventes:delivery_create", kwargs={"pk": order.pk})


def test_delivery_page_proposes_the_remaining_quantities_and_delivers(tenant, login):
    order = billing_order(tenant, lines=[("3", "10")])
    deliver(order, quantities={1: "1"})
    (line,) = order_lines(order)
    client = login(member(tenant, "Manager"))

    form = client.get(_url(order)).context["form"]
    response = client.post(_url(order), {"delivered_on": "2026-03-12", f"quantity_{line.pk}": "2"})

    assert form.fields[f"quantity_{line.pk}"].initial == 2
    assert response.status_code == 302
    assert order_lines(order)[0].delivered_quantity == 3


def test_delivery_page_refuses_more_than_remains_with_the_message(tenant, login):
    order = billing_order(tenant, lines=[("3", "10")])
    (line,) = order_lines(order)

    response = login(member(tenant, "Manager")).post(
        _url(order), {"delivered_on": "2026-03-12", f"quantity_{line.pk}": "5"}
    )

    assert response.context["form"].errors[f"quantity_{line.pk}"] == [
        "La quantité livrée (5) dépasse le reste à livrer (3)."
    ]
    with scope(tenant=tenant):
        assert not Delivery.objects.exists()


def test_complete_order_rule_message_on_the_page(tenant, login):
    order = billing_order(tenant, lines=[("3", "10"), ("1", "5")], partial_delivery="complete_order")
    first, _second = order_lines(order)

    response = login(member(tenant, "Manager")).post(
        _url(order), {"delivered_on": "2026-03-12", f"quantity_{first.pk}": "3"}
    )

    assert response.context["form"].non_field_errors() == [
        f"Livraison de la commande complète : toutes les lignes de la commande {order.number} "
        "doivent être livrées en une fois."
    ]


def test_commercial_sees_deliveries_but_may_not_deliver(tenant, login):
    order = billing_order(tenant)
    delivery = deliver(billing_order(tenant))
    client = login(member(tenant, "Commercial"))

    assert client.get(reverse("ventes:delivery_detail", kwargs={"pk": delivery.pk})).status_code == 200
    assert client.get(_url(order)).status_code == 403


def test_reserved_customers_order_and_delivery_are_404_and_another_tenants_too(tenant, other_tenant, login):
    hidden_order = billing_order(tenant, customer=reserved_customer(tenant))
    hidden = deliver(billing_order(tenant, customer=reserved_customer(tenant)))
    shown = deliver(billing_order(tenant))
    manager = login(member(tenant, "Manager"))

    assert manager.get(_url(hidden_order)).status_code == 404
    assert manager.get(reverse("ventes:delivery_detail", kwargs={"pk": hidden.pk})).status_code == 404
    outsider = login(member(other_tenant, "Administrateur"))
    assert outsider.get(reverse("ventes:delivery_detail", kwargs={"pk": shown.pk})).status_code == 404
