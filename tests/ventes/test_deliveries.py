"""Deliveries of an order (ventes.services.deliveries): quantities, partial-delivery rules, the
order's delivered quantities and state."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope

from tests.ventes.factories_billing import billing_order, deliver, order_lines
from ventes.models import DeliveryState, OrderState
from ventes.services.deliveries import delivery_create, delivery_validate

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 10)


def _messages(error: ValidationError) -> list[str]:
    return [message for messages in error.message_dict.values() for message in messages]


def _create(order, quantities, validate=True):
    lines = {line.position: line.pk for line in order_lines(order)}
    with scope(tenant=order.tenant):
        return delivery_create(
            tenant=order.tenant,
            actor=None,
            order=order,
            quantities={lines[pos]: D(q) for pos, q in quantities.items()},
            delivered_on=DAY,
            validate=validate,
        )


def test_delivery_defaults_to_what_remains_and_updates_the_order(tenant):
    order = billing_order(tenant, lines=[("3", "10"), ("2", "5")])

    delivery = deliver(order)

    with scope(tenant=tenant):
        assert delivery.state == DeliveryState.VALIDATED
        assert delivery.number == "BL-2026-000001"
        assert [line.delivered_quantity for line in order_lines(order)] == [D("3"), D("2")]
        order.refresh_from_db()
        # Delivered but not invoiced yet: not "soldée".
        assert order.state == OrderState.PARTLY_DELIVERED


def test_partial_delivery_allowed_then_the_rest(tenant):
    order = billing_order(tenant, lines=[("3", "10")])

    _create(order, {1: "1"})
    _create(order, {1: "2"})

    assert order_lines(order)[0].delivered_quantity == D("3")


def test_delivery_refused_over_the_remaining_quantity(tenant):
    order = billing_order(tenant, lines=[("3", "10")])
    _create(order, {1: "2"})

    with pytest.raises(ValidationError) as error:
        _create(order, {1: "2"})

    assert _messages(error.value) == ["La quantité livrée (2) dépasse le reste à livrer (1)."]
    assert order_lines(order)[0].delivered_quantity == D("2")


def test_delivery_refused_without_any_quantity(tenant):
    order = billing_order(tenant)

    with pytest.raises(ValidationError) as error:
        _create(order, {1: "0"})

    assert _messages(error.value) == ["Indiquez au moins une quantité à livrer."]


def test_complete_line_accepts_a_whole_line_and_refuses_part_of_one(tenant):
    order = billing_order(tenant, lines=[("3", "10"), ("2", "5")], partial_delivery="complete_line")

    with pytest.raises(ValidationError) as error:
        _create(order, {1: "1"})
    _create(order, {2: "2"})

    assert _messages(error.value) == ["Livraison par ligne complète : livrez toute la ligne (3) ou rien."]
    assert [line.delivered_quantity for line in order_lines(order)] == [D("0"), D("2")]


def test_complete_order_accepts_everything_at_once_and_refuses_one_line(tenant):
    order = billing_order(tenant, lines=[("3", "10"), ("2", "5")], partial_delivery="complete_order")
    other = billing_order(tenant, lines=[("3", "10"), ("2", "5")], partial_delivery="complete_order")

    with pytest.raises(ValidationError) as error:
        _create(order, {1: "3"})
    _create(other, {1: "3", 2: "2"})

    assert _messages(error.value) == [
        f"Livraison de la commande complète : toutes les lignes de la commande {order.number} "
        "doivent être livrées en une fois."
    ]
    assert [line.delivered_quantity for line in order_lines(other)] == [D("3"), D("2")]


def test_validation_rechecks_the_remaining_quantity_on_locked_lines(tenant):
    order = billing_order(tenant, lines=[("3", "10")])
    draft = _create(order, {1: "2"}, validate=False)
    _create(order, {1: "2"})

    with scope(tenant=tenant), pytest.raises(ValidationError) as error:
        delivery_validate(tenant=tenant, actor=None, delivery=draft)

    assert _messages(error.value) == ["La quantité livrée (2) dépasse le reste à livrer (1)."]


def test_validating_twice_is_refused(tenant):
    order = billing_order(tenant)
    delivery = deliver(order)

    with scope(tenant=tenant), pytest.raises(ValidationError) as error:
        delivery_validate(tenant=tenant, actor=None, delivery=delivery)

    assert _messages(error.value) == [f"La livraison {delivery.number} est déjà validée."]


def test_closed_order_refuses_a_delivery(tenant):
    order = billing_order(tenant, state=OrderState.CLOSED)

    with pytest.raises(ValidationError) as error:
        deliver(order)

    assert _messages(error.value) == [f"La commande {order.number} est soldée."]
