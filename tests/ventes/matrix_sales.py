"""Permission matrix entries of the quote and order pages (ventes/views/quotes.py, orders.py); see
tests/matrix.py. Form GETs are called; form POSTs are tested in tests/ventes/test_*_views.py."""

from __future__ import annotations

from tests.matrix import Entry, MatrixContext
from tests.ventes.factories_sales import CustomerFactory, OrderFactory, QuoteFactory, QuoteLineFactory


def _customer(ctx: MatrixContext) -> dict:
    return {"pk": CustomerFactory(tenant=ctx.tenant).pk}


def _quote(ctx: MatrixContext) -> dict:
    return {"pk": QuoteLineFactory(quote=QuoteFactory(tenant=ctx.tenant)).quote_id}


def _accepted_quote(ctx: MatrixContext) -> dict:
    return {"pk": QuoteLineFactory(quote=QuoteFactory(tenant=ctx.tenant, status="accepted")).quote_id}


def _order(ctx: MatrixContext) -> dict:
    return {"pk": OrderFactory(tenant=ctx.tenant).pk}


ENTRIES = {
    "ventes:quote_list": Entry(),
    "ventes:quote_detail": Entry(kwargs=_quote, tenant_object=True),
    "ventes:quote_update": Entry(kwargs=_quote, tenant_object=True),
    "ventes:quote_status": Entry(
        kwargs=_quote, method="post", data=lambda ctx: {"statut": "refused"}, success=302, tenant_object=True
    ),
    "ventes:quote_to_order": Entry(kwargs=_accepted_quote, method="post", success=302, tenant_object=True),
    "ventes:quote_create": Entry(kwargs=_customer, tenant_object=True),
    "ventes:order_list": Entry(),
    "ventes:order_detail": Entry(kwargs=_order, tenant_object=True),
    "ventes:order_update": Entry(kwargs=_order, tenant_object=True),
    "ventes:order_create": Entry(kwargs=_customer, tenant_object=True),
}
