"""The quotes and orders demo step (ventes/demo_orders.py): priced like the services, numbered
from the counters, idempotent."""

from __future__ import annotations

import random

from django_scopes import scope

from crm.demo import DemoContext
from tests.factories import member
from tests.parc.factories_assets import ArticleFactory
from tests.ventes.factories_sales import CustomerFactory, line
from ventes import demo_orders
from ventes.amounts import document_totals, line_amounts_of
from ventes.models import Order, OrderLine, Quote
from ventes.services.orders import order_create


def test_demo_orders_are_priced_numbered_and_idempotent(tenant):
    rep = member(tenant, "Commercial")
    for _ in range(3):
        CustomerFactory(tenant=tenant)
    ArticleFactory(tenant=tenant)
    ctx = DemoContext(scale="small", seed=1, rng=random.Random(1), companies=[tenant])

    demo_orders.seed(ctx)
    demo_orders.seed(ctx)

    with scope(tenant=tenant):
        assert Quote.objects.count() == ctx.sizes["quotes"]
        assert Order.objects.count() >= ctx.sizes["orders"]
        order = Order.objects.order_by("ordered_on", "pk").first()
        lines = list(OrderLine.objects.filter(order=order))
        totals = document_totals(line_amounts_of(row) for row in lines)
        assert (order.total_excl_tax, order.total_incl_tax) == (totals.excl_tax, totals.incl_tax)
        assert order.number == f"CMD-{order.ordered_on.year}-000001"
        assert order.customer.first_order_on is not None
        # The service's next number follows the demo's.
        last = Order.objects.filter(ordered_on__year=order.ordered_on.year).count()
        new = order_create(
            tenant=tenant,
            actor=rep,
            customer=order.customer,
            lines=[line()],
            ordered_on=order.ordered_on,
        )
        assert new.number == f"CMD-{order.ordered_on.year}-{last + 1:06d}"
