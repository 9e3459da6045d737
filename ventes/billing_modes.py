"""Which invoice a delivered line goes on, by the order's billing mode (seed 003, "mode de
facturation"), as pure functions (no database access) shared by the invoice service and the demo.

- ``per_delivery``: one invoice per validated delivery;
- ``per_order``: one invoice per order, grouping its deliveries not invoiced yet;
- ``per_completed_order``: the same, but only once the order is fully delivered;
- ``grouped``: one invoice per customer, bill-to and business line for the billing period
  (``billing_periodicity`` of the customer: immediate = the delivery day, weekly = the week to
  Sunday, ten_days = 1-10, 11-20, 21-end, monthly = the calendar month), billed once the period is
  over (``period_end <= up_to``); an order whose grouping is forbidden gets its own invoice for the
  period.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from tiers.models import BillingMode, BillingPeriodicity


@dataclass(frozen=True)
class Billable:
    """A validated delivery line with a quantity not invoiced yet, and what decides its invoice."""

    delivery_id: int
    delivered_on: datetime.date
    order_id: int
    customer_id: int
    bill_to_id: int
    business_line_id: int | None
    billing_mode: str
    grouping_forbidden: bool
    order_fully_delivered: bool
    periodicity: str = BillingPeriodicity.IMMEDIATE


def period_end(day: datetime.date, periodicity: str) -> datetime.date:
    """The last day of the billing period that contains ``day``."""
    if periodicity == BillingPeriodicity.WEEKLY:
        return day + datetime.timedelta(days=6 - day.weekday())
    last = calendar.monthrange(day.year, day.month)[1]
    if periodicity == BillingPeriodicity.TEN_DAYS:
        return day.replace(day=10 if day.day <= 10 else 20 if day.day <= 20 else last)
    if periodicity == BillingPeriodicity.MONTHLY:
        return day.replace(day=last)
    return day


def invoice_key(item: Billable, *, up_to: datetime.date) -> tuple | None:
    """The key shared by the lines of one invoice, or None when the line is not billable yet."""
    if item.delivered_on > up_to:
        return None
    if item.billing_mode == BillingMode.PER_ORDER:
        return ("order", item.order_id)
    if item.billing_mode == BillingMode.PER_COMPLETED_ORDER:
        return ("order", item.order_id) if item.order_fully_delivered else None
    if item.billing_mode == BillingMode.GROUPED:
        end = period_end(item.delivered_on, item.periodicity)
        if end > up_to:
            return None
        if item.grouping_forbidden:
            return ("period-order", item.order_id, end)
        return ("period", item.customer_id, item.bill_to_id, item.business_line_id, end)
    return ("delivery", item.delivery_id)
