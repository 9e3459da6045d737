"""Printed sales documents: what each print template shows (the HTML given to WeasyPrint), the
attachment kept on the document, and the "Générer le PDF" button. The real PDF runs are in
test_documents_pdf.py (they need Pango)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django_scopes import scope

from crm.models import ExportJob, Membership
from tests.factories import member
from tests.tiers.factories import AddressFactory, SiteFactory
from tests.tiers.factories_records import FileAttachmentFactory, media_root, signature_with_token  # noqa: F401
from tests.tiers.factories_sites_banks import CustomerFactory, ShipToFactory, reserved_customer
from tests.tiers.factories_terms import PaymentTermFactory
from tests.ventes.factories_documents import (
    DeliveryFactory,
    DeliveryLineFactory,
    InvoiceFactory,
    InvoiceLineFactory,
    OrderFactory,
    OrderLineFactory,
    QuoteFactory,
    QuoteLineFactory,
)
from tiers.models import Attachment
from ventes.documents import DOCUMENT_KINDS, document_context, document_filename
from ventes.models import InvoiceKind, InvoiceState
from ventes.services.documents import document_pdf_attach, document_pdf_request

NBSP = "\u00a0"
DRAFT_REFUSED = "Une facture brouillon ne peut pas être imprimée : validez-la d'abord."


def eur(text: str) -> str:
    """ "2 400,00 €" as printed (no-break spaces)."""
    return text.replace(" ", NBSP)


def _customer(tenant, **fields):
    customer = CustomerFactory(tenant=tenant, code="C000042", name="Imprimerie Durand", **fields)
    AddressFactory(third_party=customer, tenant=tenant, code="001", line1="3 quai Perrache", city="LYON")
    return customer


def _html(tenant, kind: str, document) -> str:
    with scope(tenant=tenant):
        context = document_context(DOCUMENT_KINDS[kind], document, tenant=tenant)
        return render_to_string(DOCUMENT_KINDS[kind].template, context)


def _quote(tenant):
    quote = QuoteFactory(tenant=tenant, customer=_customer(tenant), number="DEV-2026-000007")
    QuoteLineFactory(quote=quote, label="Copieur A3", quantity=Decimal("2"), unit_price=Decimal("5000"))
    QuoteLineFactory(
        quote=quote, label="Livre technique", quantity=Decimal("3"), unit_price=Decimal("10"), vat_rate=5.5
    )
    QuoteLineFactory(
        quote=quote, label="Toner", quantity=Decimal("1.5"), unit_price=Decimal("100"), discount_percent=10
    )
    return quote


# --- What the print templates show -------------------------------------------------------------


def test_quote_shows_company_number_customer_lines_vat_summary_and_french_totals(tenant):
    html = _html(tenant, "quote", _quote(tenant))

    assert "ACME Bureautique" in html  # the tenant's header
    assert "Devis n° DEV-2026-000007" in html and "du 05/03/2026" in html
    assert "C000042" in html and "Imprimerie Durand" in html and "3 quai Perrache" in html
    # Lines: 2 x 5 000 = 10 000,00; 3 x 10 at 5,5 %; 1,5 x 100 - 10 % = 135,00.
    assert "Copieur A3" in html and eur("5 000,00 €") in html and eur("10 000,00 €") in html
    assert "1,5" in html and eur("10 %") in html and eur("135,00 €") in html
    # VAT summary by rate (ventes.amounts): 20 % on 10 135,00 = 2 027,00; 5,5 % on 30,00 = 1,65.
    assert eur("5,5 %") in html and eur("1,65 €") in html and eur("2 027,00 €") in html
    assert eur("10 165,00 €") in html  # total HT
    assert eur("2 028,65 €") in html  # total TVA
    assert eur("12 193,65 €") in html  # total TTC


def test_order_shows_billing_and_delivery_addresses(tenant):
    customer = _customer(tenant)
    ship_to = CustomerFactory(tenant=tenant, code="C000099", name="Entrepôt Nord")
    site = SiteFactory(
        tenant=tenant,
        third_party=ship_to,
        address=AddressFactory(third_party=ship_to, tenant=tenant, line1="9 rue du Port", city="LILLE"),
    )
    order = OrderFactory(
        tenant=tenant, customer=customer, ship_to=ship_to, ship_to_site=site, number="CMD-2026-000003"
    )
    OrderLineFactory(order=order, quantity=Decimal("1"), unit_price=Decimal("1234.5"))

    html = _html(tenant, "order", order)

    assert "Accusé de réception de commande n° CMD-2026-000003" in html and "09/03/2026" in html
    assert "Adresse de facturation" in html and "3 quai Perrache" in html
    assert "Adresse de livraison" in html and "Entrepôt Nord" in html and "9 rue du Port" in html
    assert eur("1 234,50 €") in html and eur("1 481,40 €") in html


def test_delivery_note_shows_the_ship_to_site_and_its_delivery_note_text_without_prices(tenant):
    customer = _customer(tenant)
    site = SiteFactory(
        tenant=tenant,
        third_party=customer,
        address=AddressFactory(
            third_party=customer, tenant=tenant, code="002", line1="Zone des Gaulnes", is_default=False
        ),
        is_main=False,
    )
    ShipToFactory(
        tenant=tenant, third_party=customer, address=site.address, delivery_note="Livrer quai 3, avant 11 h."
    )
    delivery = DeliveryFactory(
        order=OrderFactory(tenant=tenant, customer=customer, number="CMD-2026-000004"),
        ship_to_site=site,
        number="BL-2026-000011",
    )
    DeliveryLineFactory(delivery=delivery, quantity=Decimal("1"), order_line__label="Copieur A3")

    html = _html(tenant, "delivery", delivery)

    assert "Bon de livraison n° BL-2026-000011" in html and "12/03/2026" in html
    assert "CMD-2026-000004" in html and "Imprimerie Durand" in html
    assert "Zone des Gaulnes" in html and "3 quai Perrache" not in html  # the site, not the default
    assert "Texte bon de livraison" in html and "Livrer quai 3, avant 11 h." in html
    assert "Copieur A3" in html and "€" not in html


def test_invoice_shows_due_date_payment_term_and_bill_to_address(tenant):
    customer = _customer(tenant)
    bill_to = CustomerFactory(
        tenant=tenant,
        code="C000077",
        name="Durand Holding",
        payment_term=PaymentTermFactory(tenant=tenant, label="30 jours fin de mois"),
    )
    AddressFactory(third_party=bill_to, tenant=tenant, line1="1 place Bellecour", city="LYON")
    invoice = InvoiceFactory(tenant=tenant, customer=customer, bill_to=bill_to, number="FAC-2026-000021")
    InvoiceLineFactory(invoice=invoice, quantity=Decimal("3"), unit_price=Decimal("19.99"))

    html = _html(tenant, "invoice", invoice)

    assert "Facture n° FAC-2026-000021" in html and "31/03/2026" in html
    assert "Date d&#x27;échéance" in html and "30/04/2026" in html
    assert "30 jours fin de mois" in html
    assert "Durand Holding" in html and "1 place Bellecour" in html and "3 quai Perrache" not in html
    assert "C000042" in html  # the customer
    assert eur("59,97 €") in html and eur("11,99 €") in html and eur("71,96 €") in html


def test_order_and_invoice_print_the_customer_texts_only_when_it_has_them(tenant):
    customer = _customer(
        tenant, order_ack_text="Merci de votre confiance.", invoice_text="Escompte 1 % à 8 jours."
    )
    order = OrderFactory(tenant=tenant, customer=customer, number="CMD-2026-000005")
    OrderLineFactory(order=order, quantity=Decimal("1"), unit_price=Decimal("10"))
    invoice = InvoiceFactory(tenant=tenant, customer=customer, bill_to=customer, number="FAC-2026-000023")
    InvoiceLineFactory(invoice=invoice, quantity=Decimal("1"), unit_price=Decimal("10"))
    plain = CustomerFactory(tenant=tenant, code="C000088", name="Sans Texte")
    AddressFactory(third_party=plain, tenant=tenant, code="001", line1="1 rue Neuve", city="LYON")
    plain_order = OrderFactory(tenant=tenant, customer=plain, number="CMD-2026-000006")
    OrderLineFactory(order=plain_order, quantity=Decimal("1"), unit_price=Decimal("10"))

    order_html = _html(tenant, "order", order)
    invoice_html = _html(tenant, "invoice", invoice)

    assert "Merci de votre confiance." in order_html and "Escompte" not in order_html
    assert "Escompte 1 % à 8 jours." in invoice_html and "Merci de votre confiance" not in invoice_html
    assert "Accusé de réception</h2>" not in _html(tenant, "order", plain_order)


def test_credit_note_is_titled_avoir_and_names_the_credited_invoice(tenant):
    customer = _customer(tenant)
    invoice = InvoiceFactory(tenant=tenant, customer=customer, number="FAC-2026-000022")
    credit = InvoiceFactory(
        tenant=tenant,
        customer=customer,
        kind=InvoiceKind.CREDIT_NOTE,
        credited_invoice=invoice,
        number="AV-2026-000001",
    )
    InvoiceLineFactory(invoice=credit, quantity=Decimal("1"), unit_price=Decimal("100"))

    html = _html(tenant, "invoice", credit)

    assert "Avoir n° AV-2026-000001" in html and "FAC-2026-000022" in html
    assert "échéance" not in html and eur("120,00 €") in html


# --- The attachment ----------------------------------------------------------------------------


def _attachments(tenant, document):
    with scope(tenant=tenant):
        return list(
            Attachment.objects.filter(
                target_type=ContentType.objects.get_for_model(document), target_id=document.pk
            ).order_by("pk")
        )


def _attach(tenant, user, quote, content=b"%PDF-1.7 essai"):
    with scope(tenant=tenant):
        return document_pdf_attach(
            tenant=tenant,
            actor=user,
            document=quote,
            title=f"Devis {quote.number}",
            filename=document_filename(DOCUMENT_KINDS["quote"], quote),
            content=content,
        )


@pytest.mark.usefixtures("media_root")
def test_pdf_attachment_is_stored_on_the_document_with_its_customer_and_replaced_when_regenerated(tenant):
    user = member(tenant)
    quote = _quote(tenant)

    first = _attach(tenant, user, quote)
    second = _attach(tenant, user, quote, content=b"%PDF-1.7 nouvelle version")

    [kept] = _attachments(tenant, quote)
    assert kept.pk == second.pk != first.pk
    assert kept.customer_id == quote.customer_id and kept.title == "Devis DEV-2026-000007"
    assert kept.original_name == "devis-dev-2026-000007.pdf" and kept.mime_type == "application/pdf"
    with kept.file.open("rb") as handle:
        assert handle.read() == b"%PDF-1.7 nouvelle version"


@pytest.mark.usefixtures("media_root")
def test_pdf_submitted_for_signature_is_kept_when_regenerated(tenant):
    user = member(tenant)
    quote = _quote(tenant)
    signed = FileAttachmentFactory(
        customer=quote.customer,
        target_type=ContentType.objects.get_for_model(quote),
        target_id=quote.pk,
        original_name="devis-dev-2026-000007.pdf",
    )
    signature_with_token(tenant, document=signed)

    new = _attach(tenant, user, quote)

    assert [item.pk for item in _attachments(tenant, quote)] == [signed.pk, new.pk]


def test_draft_invoice_cannot_be_printed(tenant):
    invoice = InvoiceFactory(
        tenant=tenant, number="", state=InvoiceState.DRAFT, due_date=None, validated_at=None
    )

    with scope(tenant=tenant), pytest.raises(ValidationError) as error:
        document_pdf_request(
            tenant=tenant, actor=member(tenant, "Manager"), kind=DOCUMENT_KINDS["invoice"], document=invoice
        )

    assert error.value.messages == [DRAFT_REFUSED]


# --- The button --------------------------------------------------------------------------------


def _url(kind: str, pk: int) -> str:
    return reverse("ventes:document_pdf", kwargs={"kind": kind, "pk": pk})


@pytest.mark.parametrize(
    ("kind", "make"),
    [
        ("quote", lambda t: QuoteFactory(tenant=t)),
        ("order", lambda t: OrderFactory(tenant=t)),
        ("delivery", lambda t: DeliveryFactory(order=OrderFactory(tenant=t))),
        ("invoice", lambda t: InvoiceFactory(tenant=t)),
    ],
)
def test_button_asks_for_the_pdf_job_and_goes_to_my_exports(tenant, login, kind, make):
    user = member(tenant, "Commercial")
    document = make(tenant)

    response = login(user).post(_url(kind, document.pk))

    assert response.status_code == 302 and response.url == reverse("exports:list")
    with scope(tenant=tenant):
        job = ExportJob.objects.get(owner=user)
    assert job.exporter == f"ventes_{kind}_pdf" and job.format == "pdf"
    assert job.parameters == {"document_id": document.pk}


def test_button_refuses_a_draft_invoice_with_its_message(tenant, login):
    invoice = InvoiceFactory(
        tenant=tenant, number="", state=InvoiceState.DRAFT, due_date=None, validated_at=None
    )

    response = login(member(tenant, "Manager")).post(_url("invoice", invoice.pk))

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [DRAFT_REFUSED]


def test_button_is_refused_to_a_technician(tenant, login):
    quote = QuoteFactory(tenant=tenant)

    assert login(member(tenant, "Technicien")).post(_url("quote", quote.pk)).status_code == 403


def test_button_hides_a_reserved_customer_another_tenant_and_unknown_kinds(tenant, other_tenant, login):
    client = login(member(tenant, "Manager"))
    reserved = QuoteFactory(tenant=tenant, customer=reserved_customer(tenant))
    elsewhere = QuoteFactory(tenant=other_tenant)
    mine = QuoteFactory(tenant=tenant)

    assert client.post(_url("quote", reserved.pk)).status_code == 404
    assert client.post(_url("quote", elsewhere.pk)).status_code == 404
    assert client.post(_url("facture", mine.pk)).status_code == 404
    assert client.get(_url("quote", mine.pk)).status_code == 405
    with scope(tenant=tenant):
        assert not ExportJob.objects.exists()


def test_exporters_are_offered_only_with_the_documents_view_permission(tenant):
    from crm.exports.registry import exporter_registry
    from crm.services.tenancy import membership_activate

    technician = member(tenant, "Technicien")
    commercial = member(tenant, "Commercial")
    with scope(tenant=tenant):
        for user in (technician, commercial):
            membership_activate(user, Membership.objects.get(user=user))

    exporter = exporter_registry.get("ventes_invoice_pdf")
    assert not exporter.is_allowed(technician)  # may see invoices, may not ask for a job
    assert exporter.is_allowed(commercial)
