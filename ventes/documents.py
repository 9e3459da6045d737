"""Printed sales documents (quote, order acknowledgement, delivery note, invoice or credit note)
rendered to PDF by core's export framework, one exporter per kind.

The "Générer le PDF" button (ventes.views.documents) asks for a job whose parameters carry the
document id; the exporter runs in the Celery task (in-process without Redis) as the job's owner:
the owner's membership is activated again, the rights are checked again and the document is read
through the customer visibility rule, so a customer reserved since the request is refused. The
PDF is kept as an attachment of the document (ventes.services.documents.document_pdf_attach).

Amounts come from ventes.amounts only; values are formatted the French way here (dates
dd/mm/yyyy in the templates, amounts "12 345,67 €").
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any, ClassVar

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.numberformat import format as number_format
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from crm.exports.owner import job_owner_activate
from crm.exports.registry import PDF, Exporter, Progress, exporter_registry
from crm.models import Company, ExportJob
from tiers.models import Address, ShipTo, ThirdParty
from tiers.selectors import visible_q

from .amounts import document_totals, line_amounts_of, money
from .models import Delivery, Invoice, InvoiceKind, Order, Quote

NBSP = "\u00a0"
JOB_PERMISSION = "crm.add_exportjob"

# --- French formats ----------------------------------------------------------------------------


def amount_fr(value: Decimal | int) -> str:
    """12345.678 → "12 345,68 €" (no-break spaces, so an amount never wraps)."""
    text = number_format(money(value), ",", 2, 3, NBSP, force_grouping=True)
    return f"{text}{NBSP}€"


def number_fr(value: Decimal | int, places: int = 3) -> str:
    """A quantity or a rate without useless decimals: 2.000 → "2", 5.50 → "5,5"."""
    text = number_format(Decimal(value), ",", places, 3, NBSP, force_grouping=True)
    return text.rstrip("0").rstrip(",") if "," in text else text


def percent_fr(value: Decimal | int) -> str:
    return f"{number_fr(value, 2)}{NBSP}%"


# --- Reading the documents ---------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentKind:
    key: str  # URL segment and exporter key prefix
    model: type
    label: Any  # French, for the exporter
    template: str
    related: tuple[str, ...]

    @property
    def exporter_key(self) -> str:
        return f"ventes_{self.key}_pdf"

    @property
    def view_permission(self) -> str:
        return f"ventes.view_{self.model._meta.model_name}"


_PARTY = ("customer", "site")
DOCUMENT_KINDS: dict[str, DocumentKind] = {
    kind.key: kind
    for kind in (
        DocumentKind("quote", Quote, _("Devis (PDF)"), "ventes/pdf/quote.html", _PARTY),
        DocumentKind(
            "order",
            Order,
            _("Accusé de réception de commande (PDF)"),
            "ventes/pdf/order.html",
            (*_PARTY, "bill_to", "ship_to", "ship_to_site__address__country"),
        ),
        DocumentKind(
            "delivery",
            Delivery,
            _("Bon de livraison (PDF)"),
            "ventes/pdf/delivery.html",
            (*_PARTY, "order__ship_to", "ship_to_site__address__country", "order__ship_to_site__address"),
        ),
        DocumentKind(
            "invoice",
            Invoice,
            _("Facture ou avoir (PDF)"),
            "ventes/pdf/invoice.html",
            (*_PARTY, "bill_to__payment_term", "credited_invoice"),
        ),
    )
}


def documents_visible(kind: DocumentKind, *, tenant: Company, user) -> QuerySet:
    """The documents of ``kind`` whose customer ``user`` may see."""
    return (
        kind.model.objects.filter(tenant=tenant)
        .filter(visible_q(tenant=tenant, user=user, field="customer"))
        .select_related(*kind.related)
    )


def document_title(kind: DocumentKind, document) -> str:
    """The printed title: "Devis", "Accusé de réception de commande", "Facture", "Avoir"..."""
    if kind.key == "invoice":
        return str(_("Avoir") if document.kind == InvoiceKind.CREDIT_NOTE else _("Facture"))
    titles = {
        "quote": _("Devis"),
        "order": _("Accusé de réception de commande"),
        "delivery": _("Bon de livraison"),
    }
    return str(titles[kind.key])


def document_filename(kind: DocumentKind, document) -> str:
    """e.g. ``devis-dev-2026-000001.pdf``: also how a regenerated PDF finds the one it replaces."""
    return f"{slugify(document_title(kind, document))}-{slugify(document.number)}.pdf"


def _default_address(party: ThirdParty | None) -> Address | None:
    if party is None:
        return None
    return Address.objects.filter(third_party=party, is_default=True).select_related("country").first()


def _address_block(title, party: ThirdParty | None, address: Address | None) -> dict | None:
    if party is None:
        return None
    lines = address.lines() if address else []
    if address and (address.postal_code or address.city):
        lines.append(" ".join(part for part in (address.postal_code, address.city) if part))
    if address and address.country.code != "FR":
        lines.append(address.country.name)
    return {"title": title, "party": party, "lines": lines}


def _priced_lines(lines) -> tuple[list[dict], dict[str, Any]]:
    """Rows of a priced document and its VAT summary and totals (ventes.amounts only)."""
    rows, amounts = [], []
    for line in lines:
        line_total = line_amounts_of(line)
        amounts.append(line_total)
        rows.append(
            {
                "label": line.label,
                "quantity": number_fr(line.quantity),
                "unit_price": amount_fr(line.unit_price),
                "discount": percent_fr(line.discount_percent) if line.discount_percent else "",
                "vat_rate": percent_fr(line.vat_rate),
                "amount": amount_fr(line_total.excl_tax),
            }
        )
    totals = document_totals(amounts)
    summary = {
        "vat_rows": [
            {"rate": percent_fr(rate), "base": amount_fr(base), "vat": amount_fr(vat)}
            for rate, (base, vat) in totals.by_rate.items()
        ],
        "total_excl_tax": amount_fr(totals.excl_tax),
        "total_tax": amount_fr(totals.tax),
        "total_incl_tax": amount_fr(totals.incl_tax),
    }
    return rows, summary


def _customer_text(label, text: str) -> list[tuple[Any, str]]:
    """The customer's own text for this kind of document (tiers terms), when it has one."""
    return [(label, text)] if text.strip() else []


def _quote_context(quote: Quote) -> dict[str, Any]:
    rows, summary = _priced_lines(quote.lines.order_by("position", "pk"))
    facts = [(_("Date"), quote.issued_on)]
    if quote.valid_until:
        facts.append((_("Valable jusqu'au"), quote.valid_until))
    address = _address_block(_("Client"), quote.customer, _default_address(quote.customer))
    return {"date": quote.issued_on, "facts": facts, "addresses": [address], "lines": rows, **summary}


def _order_context(order: Order) -> dict[str, Any]:
    rows, summary = _priced_lines(order.lines.order_by("position", "pk"))
    ship_address = order.ship_to_site.address if order.ship_to_site else _default_address(order.ship_to)
    addresses = [
        _address_block(_("Adresse de facturation"), order.bill_to, _default_address(order.bill_to)),
        _address_block(_("Adresse de livraison"), order.ship_to, ship_address),
    ]
    facts = [(_("Date de commande"), order.ordered_on)]
    texts = _customer_text(_("Accusé de réception"), order.customer.order_ack_text)
    context = {
        "date": order.ordered_on,
        "facts": facts,
        "addresses": addresses,
        "lines": rows,
        "texts": texts,
    }
    return {**context, **summary}


def _delivery_context(delivery: Delivery) -> dict[str, Any]:
    order = delivery.order
    site = delivery.ship_to_site or order.ship_to_site
    address = site.address if site else _default_address(order.ship_to)
    ship_to = ShipTo.objects.filter(address=address).first() if address else None
    lines = delivery.lines.select_related("order_line").order_by("order_line__position", "pk")
    rows = [
        {
            "label": line.order_line.label,
            "ordered": number_fr(line.order_line.quantity),
            "quantity": number_fr(line.quantity),
        }
        for line in lines
    ]
    texts = (
        [(_("Texte bon de livraison"), ship_to.delivery_note)] if ship_to and ship_to.delivery_note else []
    )
    return {
        "date": delivery.delivered_on,
        "facts": [(_("Date de livraison"), delivery.delivered_on), (_("Commande"), order.number)],
        "addresses": [_address_block(_("Adresse de livraison"), order.ship_to, address)],
        "lines": rows,
        "texts": texts,
    }


def _invoice_context(invoice: Invoice) -> dict[str, Any]:
    rows, summary = _priced_lines(invoice.lines.order_by("position", "pk"))
    facts = [(_("Date"), invoice.invoice_date)]
    if invoice.credited_invoice:
        facts.append((_("Facture d'origine"), invoice.credited_invoice.number))
    if invoice.kind == InvoiceKind.INVOICE:
        if invoice.due_date:
            facts.append((_("Date d'échéance"), invoice.due_date))
        if invoice.bill_to.payment_term:
            facts.append((_("Condition de paiement"), invoice.bill_to.payment_term.label))
    address = _address_block(_("Adresse de facturation"), invoice.bill_to, _default_address(invoice.bill_to))
    texts = _customer_text(_("Informations"), invoice.customer.invoice_text)
    context = {
        "date": invoice.invoice_date,
        "facts": facts,
        "addresses": [address],
        "lines": rows,
        "texts": texts,
    }
    return {**context, **summary}


CONTEXT_BUILDERS = {
    "quote": _quote_context,
    "order": _order_context,
    "delivery": _delivery_context,
    "invoice": _invoice_context,
}


def document_context(kind: DocumentKind, document, *, tenant: Company) -> dict[str, Any]:
    """Everything the print template of ``document`` shows, already formatted."""
    context = {"texts": [], **CONTEXT_BUILDERS[kind.key](document)}
    context["addresses"] = [block for block in context["addresses"] if block]
    return {
        **context,
        "company": tenant,
        "kind": kind.key,
        "title": document_title(kind, document),
        "document": document,
        "customer": document.customer,
        "generated_at": timezone.localtime(),
    }


# --- Exporters ---------------------------------------------------------------------------------


class DocumentPdfExporter(Exporter):
    """Prints one document. Allowed to whoever may see documents of this kind and ask for a job
    (printing one's own documents is not a data export: crm.export_data is not required)."""

    kind_key: ClassVar[str]
    formats = (PDF,)

    @property
    def kind(self) -> DocumentKind:
        return DOCUMENT_KINDS[self.kind_key]

    def is_allowed(self, user) -> bool:
        return bool(user.has_perm(JOB_PERMISSION) and user.has_perm(self.kind.view_permission))

    def document(self, job: ExportJob):
        """The job's document as its owner may see it now; cached on the job for this run."""
        cached = getattr(job, "_ventes_document", None)
        if cached is not None:
            return cached
        owner = job_owner_activate(job)
        document_id = (job.parameters or {}).get("document_id")
        document = documents_visible(self.kind, tenant=job.tenant, user=owner).get(pk=document_id)
        job._ventes_document = document
        return document

    def filename(self, job: ExportJob) -> str:
        return document_filename(self.kind, self.document(job))

    def write(self, *, job: ExportJob, output: IO[bytes], progress: Progress) -> None:
        from crm.exports.pdf import pdf_render

        from .services.documents import document_pdf_attach

        document = self.document(job)
        context = document_context(self.kind, document, tenant=job.tenant)
        content = pdf_render(self.kind.template, context)
        output.write(content)
        document_pdf_attach(
            tenant=job.tenant,
            actor=job.owner,
            document=document,
            title=f"{context['title']} {document.number}",
            filename=document_filename(self.kind, document),
            content=content,
        )


@exporter_registry.register
class QuotePdfExporter(DocumentPdfExporter):
    kind_key = "quote"
    key = DOCUMENT_KINDS["quote"].exporter_key
    label = DOCUMENT_KINDS["quote"].label


@exporter_registry.register
class OrderPdfExporter(DocumentPdfExporter):
    kind_key = "order"
    key = DOCUMENT_KINDS["order"].exporter_key
    label = DOCUMENT_KINDS["order"].label


@exporter_registry.register
class DeliveryPdfExporter(DocumentPdfExporter):
    kind_key = "delivery"
    key = DOCUMENT_KINDS["delivery"].exporter_key
    label = DOCUMENT_KINDS["delivery"].label


@exporter_registry.register
class InvoicePdfExporter(DocumentPdfExporter):
    kind_key = "invoice"
    key = DOCUMENT_KINDS["invoice"].exporter_key
    label = DOCUMENT_KINDS["invoice"].label
