"""Permission matrix entries of the delivery, invoice, payment, credit control and purchase
history pages (ventes/views/{deliveries,invoices,payments,credit,history}.py); see tests/matrix.py.
Form GETs are called; their POSTs are tested in tests/ventes/test_*_views.py, except the POST
buttons (validate, delete a draft), which have no GET."""

from __future__ import annotations

from django_scopes import scope

from tests.matrix import Entry, MatrixContext
from tests.tiers.factories import ThirdPartyFactory
from tests.ventes.factories_billing import billing_order, deliver, invoice_of


def _customer(ctx: MatrixContext) -> dict:
    return {"pk": ThirdPartyFactory(tenant=ctx.tenant).pk}


def _order(ctx: MatrixContext) -> dict:
    return {"pk": billing_order(ctx.tenant).pk}


def _delivery(ctx: MatrixContext) -> dict:
    return {"pk": deliver(billing_order(ctx.tenant)).pk}


def _draft(ctx: MatrixContext) -> dict:
    return {"pk": invoice_of(billing_order(ctx.tenant), validate=False).pk}


def _invoice(ctx: MatrixContext) -> dict:
    return {"pk": invoice_of(billing_order(ctx.tenant)).pk}


def _payment(ctx: MatrixContext) -> dict:
    from ventes.services.payments import payment_record

    invoice = invoice_of(billing_order(ctx.tenant))
    with scope(tenant=ctx.tenant):
        payment = payment_record(
            tenant=ctx.tenant,
            actor=None,
            payer=invoice.payer,
            received_on=invoice.invoice_date,
            amount=invoice.total_incl_tax,
            method="transfer",
            allocate=False,
        )
    return {"pk": payment.pk}


ENTRIES = {
    "ventes:delivery_list": Entry(),
    "ventes:delivery_detail": Entry(kwargs=_delivery, tenant_object=True),
    "ventes:delivery_create": Entry(kwargs=_order, tenant_object=True),
    "ventes:invoice_list": Entry(),
    "ventes:invoice_generate": Entry(),
    "ventes:invoice_detail": Entry(kwargs=_invoice, tenant_object=True),
    "ventes:invoice_update": Entry(kwargs=_draft, tenant_object=True),
    "ventes:invoice_validate": Entry(kwargs=_draft, method="post", success=302, tenant_object=True),
    "ventes:invoice_delete": Entry(kwargs=_draft, method="post", success=302, tenant_object=True),
    "ventes:credit_note_create": Entry(kwargs=_invoice, tenant_object=True),
    "ventes:payment_list": Entry(),
    "ventes:payment_detail": Entry(kwargs=_payment, tenant_object=True),
    "ventes:payment_allocate": Entry(kwargs=_payment, tenant_object=True),
    "ventes:payment_create": Entry(kwargs=_customer, tenant_object=True),
    "ventes:credit_control": Entry(),
    "ventes:aged_balance": Entry(),
    "ventes:purchase_history": Entry(kwargs=_customer, tenant_object=True),
}
