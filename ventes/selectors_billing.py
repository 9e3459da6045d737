"""Reads of deliveries, invoices and payments: the lists' rows (everything a row shows joined or
annotated: a fixed number of queries whatever the page size) and the visible objects of the
detail pages. Every read hides the rows of customers the user may not see."""

from __future__ import annotations

from django.db.models import DecimalField, ExpressionWrapper, F, QuerySet

from crm.models import Company
from tiers.selectors import visible_q

from .models import Delivery, DeliveryLine, Invoice, InvoiceLine, OrderLine, Payment, PaymentAllocation

AMOUNT = DecimalField(max_digits=14, decimal_places=2)


def _visible(model, *, tenant: Company, user, field: str = "customer") -> QuerySet:
    return model.objects.filter(tenant=tenant).filter(visible_q(tenant=tenant, user=user, field=field))


def deliveries_visible(*, tenant: Company, user) -> QuerySet[Delivery]:
    return _visible(Delivery, tenant=tenant, user=user)


def delivery_rows(*, tenant: Company, user) -> QuerySet[Delivery]:
    return deliveries_visible(tenant=tenant, user=user).select_related(
        "customer", "site", "business_line", "order"
    )


def delivery_get_visible(*, tenant: Company, user, pk: int) -> Delivery:
    return delivery_rows(tenant=tenant, user=user).select_related("ship_to_site").get(pk=pk)


def delivery_lines(*, tenant: Company, delivery: Delivery) -> QuerySet[DeliveryLine]:
    return (
        DeliveryLine.objects.filter(tenant=tenant, delivery=delivery)
        .select_related("order_line__article")
        .order_by("order_line__position", "pk")
    )


def order_lines_to_deliver(*, tenant: Company, order) -> QuerySet[OrderLine]:
    return (
        OrderLine.objects.filter(tenant=tenant, order=order)
        .select_related("article")
        .annotate(remaining=ExpressionWrapper(F("quantity") - F("delivered_quantity"), output_field=AMOUNT))
        .order_by("position", "pk")
    )


def invoices_visible(*, tenant: Company, user) -> QuerySet[Invoice]:
    return _visible(Invoice, tenant=tenant, user=user)


def invoice_rows(*, tenant: Company, user) -> QuerySet[Invoice]:
    return (
        invoices_visible(tenant=tenant, user=user)
        .select_related("customer", "payer", "business_line")
        .annotate(open_amount=ExpressionWrapper(F("total_incl_tax") - F("paid_amount"), output_field=AMOUNT))
    )


def invoice_get_visible(*, tenant: Company, user, pk: int) -> Invoice:
    return (
        invoice_rows(tenant=tenant, user=user)
        .select_related("bill_to", "site", "credited_invoice")
        .get(pk=pk)
    )


def invoice_lines(*, tenant: Company, invoice: Invoice) -> QuerySet[InvoiceLine]:
    return (
        InvoiceLine.objects.filter(tenant=tenant, invoice=invoice)
        .select_related("article", "delivery_line__delivery")
        .order_by("position", "pk")
    )


def invoice_allocations(*, tenant: Company, invoice: Invoice) -> QuerySet[PaymentAllocation]:
    return (
        PaymentAllocation.objects.filter(tenant=tenant, invoice=invoice)
        .select_related("payment")
        .order_by("payment__received_on", "pk")
    )


def recent_invoices_of_customer(*, tenant: Company, user, customer, limit: int = 10) -> list[Invoice]:
    """The customer's latest invoices and credit notes (one query), for its page's section."""
    return list(
        invoice_rows(tenant=tenant, user=user)
        .filter(customer=customer)
        .order_by("-invoice_date", "-pk")[:limit]
    )


def payments_visible(*, tenant: Company, user) -> QuerySet[Payment]:
    return _visible(Payment, tenant=tenant, user=user)


def payment_rows(*, tenant: Company, user) -> QuerySet[Payment]:
    return (
        payments_visible(tenant=tenant, user=user)
        .select_related("customer")
        .annotate(unallocated=ExpressionWrapper(F("amount") - F("allocated_amount"), output_field=AMOUNT))
    )


def payment_get_visible(*, tenant: Company, user, pk: int) -> Payment:
    return payment_rows(tenant=tenant, user=user).get(pk=pk)


def payment_allocations(*, tenant: Company, payment: Payment) -> QuerySet[PaymentAllocation]:
    return (
        PaymentAllocation.objects.filter(tenant=tenant, payment=payment)
        .select_related("invoice")
        .order_by("invoice__due_date", "pk")
    )


def order_get_visible(*, tenant: Company, user, pk: int):
    """The order ``pk`` if ``user`` may see its customer (raises Order.DoesNotExist)."""
    from .models import Order

    return _visible(Order, tenant=tenant, user=user).select_related("customer").get(pk=pk)
