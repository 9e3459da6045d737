"""The payment pages: a payment of a third party with its allocation (chosen, automatic,
refused with the message), the allocation of what is left, tenancy."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.urls import reverse
from django_scopes import scope

from tests.factories import member
from tests.ventes.factories_billing import billing_order, invoice_of
from ventes.models import Invoice, Payment

pytestmark = pytest.mark.django_db


def _data(**extra) -> dict:
    return {
        "received_on": "2026-04-15",
        "amount": "500.00",
        "method": "cheque",
        "reference": "CHQ 1",
        **extra,
    }


def test_payment_page_allocates_the_chosen_amounts_and_shows_the_rest(tenant, login):
    invoice = invoice_of(billing_order(tenant))  # 240.00 TTC
    url = reverse("ventes:payment_create", kwargs={"pk": invoice.payer_id})
    client = login(member(tenant, "Manager"))

    response = client.post(url, _data(**{f"amount_{invoice.pk}": "100.00"}), follow=True)

    with scope(tenant=tenant):
        payment = Payment.objects.get()
        assert Invoice.objects.get(pk=invoice.pk).paid_amount == D("100.00")
    assert payment.allocated_amount == D("100.00")
    assert "400,00" in response.content.decode() or "400.00" in response.content.decode()


def test_payment_page_refuses_more_than_the_invoice_open_amount(tenant, login):
    invoice = invoice_of(billing_order(tenant))
    url = reverse("ventes:payment_create", kwargs={"pk": invoice.payer_id})

    response = login(member(tenant, "Manager")).post(url, _data(**{f"amount_{invoice.pk}": "300.00"}))

    assert response.context["form"].non_field_errors() == [
        f"Le montant affecté (300.00) dépasse le reste dû (240.00) de la facture {invoice.number}."
    ]


def test_unallocated_payment_then_automatic_allocation(tenant, login):
    invoice = invoice_of(billing_order(tenant))
    client = login(member(tenant, "Manager"))
    client.post(
        reverse("ventes:payment_create", kwargs={"pk": invoice.payer_id}), _data()
    )  # automatic unchecked
    with scope(tenant=tenant):
        payment = Payment.objects.get()
    assert payment.allocated_amount == 0

    response = client.post(reverse("ventes:payment_allocate", kwargs={"pk": payment.pk}), {"automatic": "on"})

    assert response.status_code == 302
    with scope(tenant=tenant):
        payment.refresh_from_db()
    assert payment.allocated_amount == D("240.00")


def test_commercial_sees_payments_but_may_not_record_one(tenant, login):
    invoice = invoice_of(billing_order(tenant))
    client = login(member(tenant, "Commercial"))

    assert client.get(reverse("ventes:payment_list"), {"activite": "toutes"}).status_code == 200
    assert client.get(reverse("ventes:payment_create", kwargs={"pk": invoice.payer_id})).status_code == 403


def test_another_tenants_payment_is_a_404(tenant, other_tenant, login):
    invoice = invoice_of(billing_order(tenant))
    login(member(tenant, "Manager")).post(
        reverse("ventes:payment_create", kwargs={"pk": invoice.payer_id}), _data(automatic="on")
    )
    with scope(tenant=tenant):
        payment = Payment.objects.get()

    response = login(member(other_tenant, "Administrateur")).get(
        reverse("ventes:payment_detail", kwargs={"pk": payment.pk})
    )

    assert response.status_code == 404
