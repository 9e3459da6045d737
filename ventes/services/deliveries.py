"""Deliveries (bons de livraison) of an order.

``delivery_create`` enters a draft delivery with the quantities chosen per order line (default:
what remains to deliver); ``delivery_validate`` applies it to the order in one transaction with
the order lines locked (``SELECT … FOR UPDATE``): each line's delivered quantity grows and the
order's state follows (``order_state_refresh``). The order's partial-delivery rule is checked at
both steps, against the locked rows at validation:

- ``allowed``: any quantity up to the line's remaining quantity;
- ``complete_line``: each delivered line is delivered in full (its whole remaining quantity);
- ``complete_order``: the whole order at once (every line, in full).

An order is "Soldée" (closed) when every line is fully delivered and fully invoiced, "partiellement
livrée" once something is delivered, else "en cours".
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crm.models import Company
from crm.services.audit import audit_record
from tiers.models import PartialDelivery
from ventes.models import Delivery, DeliveryLine, DeliveryState, Order, OrderLine, OrderState
from ventes.services.lines import document_number_next

ZERO = Decimal(0)


def document_number(*, tenant: Company, prefix: str, on: datetime.date) -> str:
    """The next number of a yearly series (ventes.services.lines): BL-2026-000001, FA-…, AV-…."""
    return document_number_next(tenant=tenant, prefix=prefix, year=on.year)


def quantity_field(line: OrderLine) -> str:
    """The form field (and error key) of an order line's quantity."""
    return f"quantity_{line.pk}"


def remaining_to_deliver(line: OrderLine) -> Decimal:
    return line.quantity - line.delivered_quantity


def order_state_of(lines) -> str:
    lines = list(lines)
    if (
        lines
        and all(line.delivered_quantity >= line.quantity for line in lines)
        and all(line.invoiced_quantity >= line.quantity for line in lines)
    ):
        return OrderState.CLOSED
    if any(line.delivered_quantity > 0 for line in lines):
        return OrderState.PARTLY_DELIVERED
    return OrderState.OPEN


def order_state_refresh(*, order: Order, lines) -> None:
    """Save the order's state computed from its (locked, up to date) lines when it changed."""
    state = order_state_of(lines)
    if state != order.state:
        Order.objects.filter(tenant=order.tenant_id, pk=order.pk).update(state=state)
        order.state = state


def _quantity(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        quantity = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return Decimal("NaN")
    return quantity


def quantities_check(*, order: Order, lines, quantities: Mapping[int, Decimal]) -> dict[int, Decimal]:
    """The quantities to deliver ({order line id: quantity > 0}) once every rule holds; raises a
    ValidationError keyed by line field (``quantity_<id>``) or on the form."""
    errors: dict[str, list[str]] = {}
    chosen: dict[int, Decimal] = {}
    known = {line.pk for line in lines}
    if set(quantities) - known:
        errors.setdefault(NON_FIELD_ERRORS, []).append(_("Ligne inconnue sur cette commande."))
    for line in lines:
        quantity = _quantity(quantities.get(line.pk))
        if quantity is None or quantity == 0:
            continue
        remaining = remaining_to_deliver(line)
        field = quantity_field(line)
        if not quantity.is_finite() or quantity < 0:
            errors.setdefault(field, []).append(_("La quantité livrée doit être un nombre positif."))
        elif quantity > remaining:
            errors.setdefault(field, []).append(
                _("La quantité livrée (%(quantity)s) dépasse le reste à livrer (%(remaining)s).")
                % {"quantity": quantity.normalize(), "remaining": remaining.normalize()}
            )
        elif order.partial_delivery == PartialDelivery.COMPLETE_LINE and quantity != remaining:
            errors.setdefault(field, []).append(
                _("Livraison par ligne complète : livrez toute la ligne (%(remaining)s) ou rien.")
                % {"remaining": remaining.normalize()}
            )
        else:
            chosen[line.pk] = quantity
    if errors:
        raise ValidationError(errors)
    if not chosen:
        raise ValidationError({NON_FIELD_ERRORS: [_("Indiquez au moins une quantité à livrer.")]})
    if order.partial_delivery == PartialDelivery.COMPLETE_ORDER:
        partial = [
            line
            for line in lines
            if remaining_to_deliver(line) > 0 and chosen.get(line.pk) != remaining_to_deliver(line)
        ]
        if partial or any(line.delivered_quantity > 0 for line in lines):
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: [
                        _(
                            "Livraison de la commande complète : toutes les lignes de la commande "
                            "%(number)s doivent être livrées en une fois."
                        )
                        % {"number": order.number}
                    ]
                }
            )
    return chosen


def _order_open_check(order: Order) -> None:
    if order.state == OrderState.CLOSED:
        raise ValidationError(
            {NON_FIELD_ERRORS: [_("La commande %(number)s est soldée.") % {"number": order.number}]}
        )


def _lines_locked(*, tenant: Company, order: Order) -> list[OrderLine]:
    # Locked in primary key order, as the billing run locks them (no deadlock between the two).
    lines = list(OrderLine.objects.select_for_update().filter(tenant=tenant, order=order).order_by("pk"))
    return sorted(lines, key=lambda line: (line.position, line.pk))


@transaction.atomic
def delivery_create(
    *,
    tenant: Company,
    actor,
    order: Order,
    quantities: Mapping[int, Decimal] | None = None,
    delivered_on: datetime.date,
    validate: bool = False,
) -> Delivery:
    """A draft delivery of ``order`` (``quantities``: {order line id: quantity}; None: everything
    that remains); validated at once when ``validate``."""
    order = Order.objects.select_for_update().get(tenant=tenant, pk=order.pk)
    _order_open_check(order)
    lines = _lines_locked(tenant=tenant, order=order)
    if quantities is None:
        quantities = {line.pk: remaining_to_deliver(line) for line in lines}
    chosen = quantities_check(order=order, lines=lines, quantities=quantities)
    owned = {"tenant": tenant, "customer_id": order.customer_id, "site_id": order.site_id}
    delivery = Delivery(
        **owned,
        business_line_id=order.business_line_id,
        number=document_number(tenant=tenant, prefix="BL", on=delivered_on),
        order=order,
        delivered_on=delivered_on,
        ship_to_site_id=order.ship_to_site_id,
    )
    delivery.full_clean()
    delivery.save()
    DeliveryLine.objects.bulk_create(
        [
            DeliveryLine(
                tenant=tenant,
                customer_id=line.customer_id,
                site_id=line.site_id,
                business_line_id=line.business_line_id,
                delivery=delivery,
                order_line=line,
                quantity=chosen[line.pk],
            )
            for line in lines
            if line.pk in chosen
        ]
    )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="delivery.create",
        instance=delivery,
        changes={"lines": [None, {str(pk): str(quantity) for pk, quantity in chosen.items()}]},
    )
    if validate:
        return delivery_validate(tenant=tenant, actor=actor, delivery=delivery)
    return delivery


@transaction.atomic
def delivery_validate(*, tenant: Company, actor, delivery: Delivery) -> Delivery:
    """Apply the draft ``delivery`` to its order: delivered quantities and the order's state."""
    delivery = Delivery.objects.select_for_update().get(tenant=tenant, pk=delivery.pk)
    if delivery.state == DeliveryState.VALIDATED:
        raise ValidationError(
            {NON_FIELD_ERRORS: [_("La livraison %(number)s est déjà validée.") % {"number": delivery.number}]}
        )
    order = Order.objects.select_for_update().get(tenant=tenant, pk=delivery.order_id)
    _order_open_check(order)
    lines = _lines_locked(tenant=tenant, order=order)
    delivered = dict(
        DeliveryLine.objects.filter(tenant=tenant, delivery=delivery).values_list("order_line_id", "quantity")
    )
    quantities_check(order=order, lines=lines, quantities=delivered)
    for line in lines:
        if line.pk in delivered:
            line.delivered_quantity += delivered[line.pk]
    OrderLine.objects.bulk_update([line for line in lines if line.pk in delivered], ["delivered_quantity"])
    order_state_refresh(order=order, lines=lines)
    delivery.state = DeliveryState.VALIDATED
    delivery.save(update_fields=["state"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="delivery.validate",
        instance=delivery,
        changes={"state": [DeliveryState.DRAFT, DeliveryState.VALIDATED], "order_state": [None, order.state]},
    )
    return delivery
