"""The delivery, invoice and payment lists (query counts, tenancy, reservation, export) and the
invoice pages (billing run, validation, immutability, credit note, rights)."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope

from crm.models import ExportJob
from tests.factories import member
from tests.queries import REQUEST_QUERIES
from tests.tiers.factories import ThirdPartyFactory
from tests.tiers.factories_sites_banks import reserved_customer
from tests.ventes.factories_billing import billed, billing_order, deliver, invoice_of
from ventes.models import Invoice, InvoiceState

pytestmark = pytest.mark.django_db
LISTS = ("ventes:delivery_list", "ventes:invoice_list", "ventes:payment_list")
# Measured: session, user, membership and permissions, visibility, business lines, the page's
# count and rows, the navigation; the invoice and delivery filters read the business lines too.
QUERIES = {
    "ventes:delivery_list": REQUEST_QUERIES + 16,
    "ventes:invoice_list": REQUEST_QUERIES + 16,
    "ventes:payment_list": REQUEST_QUERIES + 15,
}
ALL = {"activite": "toutes"}


def _count(client, url, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


def _rows(response) -> list:
    return [row.record for row in response.context["table"].page.object_list]


@pytest.mark.parametrize("name", LISTS)
def test_list_query_count_is_the_same_for_few_and_many_rows(tenant, login, django_assert_num_queries, name):
    client = login(member(tenant, "Commercial"))
    url = reverse(name)
    billed(tenant, 2)
    client.get(url, ALL)  # warm the session and permission caches like any later page
    small = _count(client, url, ALL)
    billed(tenant, 26)

    with django_assert_num_queries(small):
        response = client.get(url, ALL)

    assert len(_rows(response)) == 25
    assert small == QUERIES[name]


@pytest.mark.parametrize("name", LISTS)
def test_reserved_customer_rows_are_absent_and_another_tenant_sees_nothing(tenant, other_tenant, login, name):
    billed(tenant, 1, customer=reserved_customer(tenant))
    (visible,) = billed(tenant, 1)

    mine = _rows(login(member(tenant, "Manager")).get(reverse(name), ALL))
    theirs = _rows(login(member(other_tenant, "Administrateur")).get(reverse(name), ALL))

    assert {row.customer_id for row in mine} == {visible.customer_id}
    assert theirs == []


def test_reserved_or_other_tenants_invoice_is_a_404(tenant, other_tenant, login):
    (hidden,) = billed(tenant, 1, customer=reserved_customer(tenant))
    (shown,) = billed(tenant, 1)
    url = reverse("ventes:invoice_detail", kwargs={"pk": hidden.pk})
    shown_url = reverse("ventes:invoice_detail", kwargs={"pk": shown.pk})

    assert login(member(tenant, "Manager")).get(url).status_code == 404
    assert login(member(other_tenant, "Administrateur")).get(shown_url).status_code == 404


def test_commercial_views_billing_but_may_not_bill(tenant, login):
    (invoice,) = billed(tenant, 1)
    client = login(member(tenant, "Commercial"))

    assert client.get(reverse("ventes:invoice_detail", kwargs={"pk": invoice.pk})).status_code == 200
    assert client.get(reverse("ventes:invoice_generate")).status_code == 403
    assert client.post(reverse("ventes:invoice_validate", kwargs={"pk": invoice.pk})).status_code == 403
    assert "Facturer les livraisons" not in client.get(reverse("ventes:invoice_list"), ALL).content.decode()


def test_billing_run_then_validation_from_the_pages(tenant, login):
    order = billing_order(tenant)
    deliver(order)
    client = login(member(tenant, "Manager"))

    response = client.post(
        reverse("ventes:invoice_generate"), {"up_to": "2026-03-31", "client": ""}, follow=True
    )
    with scope(tenant=tenant):
        invoice = Invoice.objects.get(customer=order.customer)
    validate = reverse("ventes:invoice_validate", kwargs={"pk": invoice.pk})
    client.post(validate)
    again = client.post(validate, follow=True)

    assert "1 facture(s) brouillon créée(s)." in response.content.decode()
    with scope(tenant=tenant):
        invoice.refresh_from_db()
    assert (invoice.state, invoice.number) == (InvoiceState.VALIDATED, "FA-2026-000001")
    assert "La facture FA-2026-000001 est déjà validée." in again.content.decode()


def test_billing_run_refuses_an_unknown_customer_code(tenant, login):
    response = login(member(tenant, "Manager")).post(
        reverse("ventes:invoice_generate"), {"up_to": "2026-03-31", "client": "INCONNU"}
    )

    assert response.context["form"].errors == {"client": ["Client inconnu."]}


def test_editing_a_validated_invoice_is_refused_with_its_message(tenant, login):
    invoice = invoice_of(billing_order(tenant))
    url = reverse("ventes:invoice_update", kwargs={"pk": invoice.pk})

    response = login(member(tenant, "Manager")).post(url, {"invoice_date": "2026-04-01"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        f"La facture {invoice.number} est validée : elle ne peut plus être modifiée."
    ]


def test_credit_note_page_refuses_more_than_invoiced_and_accepts_a_part(tenant, login):
    invoice = invoice_of(billing_order(tenant, lines=[("3", "10")]))
    with scope(tenant=tenant):
        line = invoice.lines.get()
    url = reverse("ventes:credit_note_create", kwargs={"pk": invoice.pk})
    client = login(member(tenant, "Manager"))

    refused = client.post(url, {"credit_date": "2026-04-02", f"quantity_{line.pk}": "4"})
    accepted = client.post(url, {"credit_date": "2026-04-02", f"quantity_{line.pk}": "1"})

    assert refused.context["form"].errors[f"quantity_{line.pk}"] == [
        "La quantité à avoir (4) dépasse la quantité facturée non encore avoirée (3)."
    ]
    assert accepted.status_code == 302
    with scope(tenant=tenant):
        assert Invoice.objects.get(credited_invoice=invoice).total_excl_tax == 10


@pytest.mark.usefixtures("celery_eager")
def test_invoice_export_contains_the_filtered_rows(
    tenant, login, settings, tmp_path, django_capture_on_commit_callbacks
):
    from openpyxl import load_workbook

    settings.MEDIA_ROOT = tmp_path / "media"
    manager = member(tenant, "Manager")
    first, _second = billed(tenant, 2)
    client = login(manager)
    page = client.get(reverse("ventes:invoice_list"), {**ALL, "q": first.number})

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("exports:request"),
            {"exporter": "invoices", "format": "xlsx", "query": page.context["export_query"]},
        )

    with scope(tenant=tenant):
        job = ExportJob.objects.filter(owner=manager).latest("pk")
        assert job.status == ExportJob.Status.DONE, job.error
        with job.file.open("rb") as handle:
            rows = list(load_workbook(io.BytesIO(handle.read())).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Numéro", "Nature", "Date")
    assert [row[0] for row in rows[1:]] == [first.number]


def test_third_party_page_invoices_section_has_a_fixed_query_count(tenant, login, django_assert_num_queries):
    customer = ThirdPartyFactory(tenant=tenant)
    client = login(member(tenant, "Commercial"))
    url = reverse("tiers:detail", kwargs={"pk": customer.pk})
    billed(tenant, 1, customer=customer)
    client.get(url)
    small = _count(client, url, {})
    billed(tenant, 12, customer=customer)

    with django_assert_num_queries(small):
        response = client.get(url)

    content = response.content.decode()
    assert "Factures" in content and "En-cours et balance âgée" in content
    assert content.count('href="/ventes/factures/') >= 10
