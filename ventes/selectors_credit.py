"""Credit control (en-cours): a customer's exposure and the customers over their limit.

exposure = unpaid invoices (validated invoices' TTC not yet paid, less validated credit notes not
yet used) + delivered not invoiced (validated deliveries' remaining quantities at the order
line's TTC unit value) + open orders (ordered quantities not yet delivered, same valuation).
Three grouped queries whatever the number of customers asked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import Coalesce

from crm.models import Company
from ventes.amounts import ZERO, money
from ventes.models import (
    DeliveryLine,
    DeliveryState,
    Invoice,
    InvoiceKind,
    InvoiceState,
    OrderLine,
    OrderState,
)

AMOUNT = DecimalField(max_digits=18, decimal_places=4)


@dataclass(frozen=True)
class Exposure:
    unpaid_invoices: Decimal = ZERO
    delivered_not_invoiced: Decimal = ZERO
    open_orders: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.unpaid_invoices + self.delivered_not_invoiced + self.open_orders


def _line_value(line_prefix: str, remaining) -> ExpressionWrapper:
    """TTC value of ``remaining`` units of an order line (its TTC amount spread over its quantity)."""
    ttc = F(f"{line_prefix}total_excl_tax") + F(f"{line_prefix}total_tax")
    return ExpressionWrapper(ttc * remaining / F(f"{line_prefix}quantity"), output_field=AMOUNT)


def _sum_by_customer(queryset, value) -> dict[int, Decimal]:
    rows = queryset.values("customer_id").annotate(amount=Coalesce(Sum(value), ZERO, output_field=AMOUNT))
    return {row["customer_id"]: money(row["amount"]) for row in rows}


def credit_exposures(*, tenant: Company, customer_ids: Iterable[int]) -> dict[int, Exposure]:
    ids = list(customer_ids)
    open_amount = ExpressionWrapper(F("total_incl_tax") - F("paid_amount"), output_field=AMOUNT)
    invoices = Invoice.objects.filter(tenant=tenant, customer_id__in=ids, state=InvoiceState.VALIDATED)
    unpaid = _sum_by_customer(invoices.filter(kind=InvoiceKind.INVOICE), open_amount)
    credits = _sum_by_customer(invoices.filter(kind=InvoiceKind.CREDIT_NOTE), open_amount)
    delivered = _sum_by_customer(
        DeliveryLine.objects.filter(
            tenant=tenant, customer_id__in=ids, delivery__state=DeliveryState.VALIDATED
        ).filter(quantity__gt=F("invoiced_quantity")),
        _line_value("order_line__", F("quantity") - F("invoiced_quantity")),
    )
    ordered = _sum_by_customer(
        OrderLine.objects.filter(tenant=tenant, customer_id__in=ids)
        .filter(~Q(order__state=OrderState.CLOSED))
        .filter(quantity__gt=F("delivered_quantity")),
        _line_value("", F("quantity") - F("delivered_quantity")),
    )
    return {
        customer_id: Exposure(
            unpaid_invoices=unpaid.get(customer_id, ZERO) - credits.get(customer_id, ZERO),
            delivered_not_invoiced=delivered.get(customer_id, ZERO),
            open_orders=ordered.get(customer_id, ZERO),
        )
        for customer_id in ids
    }


def credit_exposure(*, tenant: Company, customer_id: int) -> Exposure:
    return credit_exposures(tenant=tenant, customer_ids=[customer_id])[customer_id]


@dataclass(frozen=True)
class OverLimit:
    """A customer over its credit limit, with its exposure's breakdown."""

    customer: object
    exposure: Exposure

    @property
    def limit(self) -> Decimal:
        return self.customer.credit_limit

    @property
    def overshoot(self) -> Decimal:
        return self.exposure.total - self.customer.credit_limit


def controlled_customers(*, tenant: Company, user):
    """The visible customers whose exposure is controlled: a limit and a control type."""
    from tiers.models import CreditControl
    from tiers.selectors import third_parties_visible

    return (
        third_parties_visible(tenant=tenant, user=user)
        .filter(credit_limit__isnull=False)
        .exclude(credit_control=CreditControl.NONE)
        .only("code", "name", "credit_limit", "credit_control")
        .order_by("code")
    )


def customers_over_limit(*, tenant: Company, user) -> list[OverLimit]:
    """The controlled customers whose exposure exceeds their limit, biggest overshoot first: one
    query for the customers and the exposure's grouped queries, whatever their number."""
    customers = list(controlled_customers(tenant=tenant, user=user))
    exposures = credit_exposures(tenant=tenant, customer_ids=[customer.pk for customer in customers])
    over = [
        OverLimit(customer=customer, exposure=exposures[customer.pk])
        for customer in customers
        if exposures[customer.pk].total > customer.credit_limit
    ]
    return sorted(over, key=lambda row: (-row.overshoot, row.customer.code))
