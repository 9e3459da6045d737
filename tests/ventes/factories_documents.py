"""Sales documents as the services leave them, for the printed document tests: a quote, an order
with its delivery, an invoice, each with priced lines (amounts from ventes.amounts)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory

from tests.factories import CompanyFactory, TenantFactory, UserFactory
from tests.tiers.factories_sites_banks import CustomerFactory
from ventes import models as ventes
from ventes.amounts import line_amounts_of


class _LineFactory(TenantFactory):
    """A priced line; its stored amounts are ventes.amounts' (as the services store them)."""

    class Meta:
        abstract = True

    position = factory.Sequence(lambda n: n + 1)
    label = factory.Sequence(lambda n: f"Copieur couleur {n}")
    quantity = Decimal("2")
    unit_price = Decimal("1000.00")
    vat_rate = Decimal("20")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        parent = next(kwargs[name] for name in ("quote", "order", "invoice") if name in kwargs)
        kwargs.update(tenant=parent.tenant, customer=parent.customer, site=parent.site)
        line = model_class(**kwargs)
        amounts = line_amounts_of(line)
        kwargs.update(total_excl_tax=amounts.excl_tax, total_tax=amounts.tax)
        return super()._create(model_class, *args, **kwargs)


class QuoteFactory(TenantFactory):
    class Meta:
        model = ventes.Quote

    tenant = factory.SubFactory(CompanyFactory)
    customer = factory.SubFactory(CustomerFactory, tenant=factory.SelfAttribute("..tenant"))
    number = factory.Sequence(lambda n: f"DEV-2026-{n:06d}")
    issued_on = datetime.date(2026, 3, 5)
    owner = factory.SubFactory(UserFactory)


class QuoteLineFactory(_LineFactory):
    class Meta:
        model = ventes.QuoteLine

    quote = factory.SubFactory(QuoteFactory)


class OrderFactory(TenantFactory):
    class Meta:
        model = ventes.Order

    tenant = factory.SubFactory(CompanyFactory)
    customer = factory.SubFactory(CustomerFactory, tenant=factory.SelfAttribute("..tenant"))
    number = factory.Sequence(lambda n: f"CMD-2026-{n:06d}")
    ordered_on = datetime.date(2026, 3, 9)
    bill_to = factory.SelfAttribute("customer")
    ship_to = factory.SelfAttribute("customer")


class OrderLineFactory(_LineFactory):
    class Meta:
        model = ventes.OrderLine

    order = factory.SubFactory(OrderFactory)


class DeliveryFactory(TenantFactory):
    class Meta:
        model = ventes.Delivery

    order = factory.SubFactory(OrderFactory)
    tenant = factory.SelfAttribute("order.tenant")
    customer = factory.SelfAttribute("order.customer")
    number = factory.Sequence(lambda n: f"BL-2026-{n:06d}")
    delivered_on = datetime.date(2026, 3, 12)
    state = ventes.DeliveryState.VALIDATED


class DeliveryLineFactory(TenantFactory):
    class Meta:
        model = ventes.DeliveryLine

    delivery = factory.SubFactory(DeliveryFactory)
    tenant = factory.SelfAttribute("delivery.tenant")
    customer = factory.SelfAttribute("delivery.customer")
    order_line = factory.SubFactory(OrderLineFactory, order=factory.SelfAttribute("..delivery.order"))
    quantity = Decimal("1")


class InvoiceFactory(TenantFactory):
    """A validated invoice (number, due date and validation time set, as the service leaves it)."""

    class Meta:
        model = ventes.Invoice

    tenant = factory.SubFactory(CompanyFactory)
    customer = factory.SubFactory(CustomerFactory, tenant=factory.SelfAttribute("..tenant"))
    number = factory.Sequence(lambda n: f"FAC-2026-{n:06d}")
    state = ventes.InvoiceState.VALIDATED
    invoice_date = datetime.date(2026, 3, 31)
    due_date = datetime.date(2026, 4, 30)
    validated_at = factory.LazyFunction(lambda: datetime.datetime(2026, 3, 31, 9, 0, tzinfo=datetime.UTC))
    bill_to = factory.SelfAttribute("customer")
    payer = factory.SelfAttribute("customer")


class InvoiceLineFactory(_LineFactory):
    class Meta:
        model = ventes.InvoiceLine

    invoice = factory.SubFactory(InvoiceFactory)
