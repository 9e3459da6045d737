"""Tables of the record's Ventes section over the dict rows of ventes.selectors_customer: the
documents (number opening the document, state, amounts, print and deliver buttons) and their
lines. Sortable and paginated by django-tables2 on the union's columns."""

from __future__ import annotations

import django_tables2 as tables
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from tiers.tables import _BaseTable
from ventes.models import DeliveryState, InvoiceState, OrderState, QuoteStatus
from ventes.selectors_customer import DELIVERY, INVOICE, ORDER, QUOTE
from ventes.tables import NUMBER_ATTRS, money_column

KIND_LABELS = {QUOTE: _("Devis"), ORDER: _("Commande"), DELIVERY: _("Livraison"), INVOICE: _("Facture")}
DETAIL_URLS = {
    QUOTE: "ventes:quote_detail",
    ORDER: "ventes:order_detail",
    DELIVERY: "ventes:delivery_detail",
    INVOICE: "ventes:invoice_detail",
}
# The key of the document's PDF in ventes.documents.DOCUMENT_KINDS.
PDF_KINDS = {QUOTE: "quote", ORDER: "order", DELIVERY: "delivery", INVOICE: "invoice"}
STATES = {
    QUOTE: dict(QuoteStatus.choices),
    ORDER: dict(OrderState.choices),
    DELIVERY: dict(DeliveryState.choices),
    INVOICE: dict(InvoiceState.choices),
}
PRINT_PERMISSION = "crm.add_exportjob"


def document_url(record: dict) -> str:
    return reverse(DETAIL_URLS[record["row_kind"]], kwargs={"pk": record["row_id"]})


def _line_document_url(record: dict) -> str:
    return reverse(DETAIL_URLS[record["row_kind"]], kwargs={"pk": record["row_document"]})


class _RecordTable(_BaseTable):
    class Meta(_BaseTable.Meta):
        empty_text = _("Aucun document pour ces filtres.")

    def __init__(self, *args, key: str, **kwargs):
        super().__init__(*args, prefix=f"{key}-", **kwargs)


class DocumentTable(_RecordTable):
    row_kind = tables.Column(verbose_name=_("Type"))
    row_number = tables.Column(verbose_name=_("Numéro"), linkify=document_url, empty_values=())
    row_date = tables.DateColumn(verbose_name=_("Date"), format="d/m/Y")
    row_state = tables.Column(verbose_name=_("État"))
    row_excl_tax = money_column(_("Montant HT"))
    row_incl_tax = money_column(_("Montant TTC"))
    actions = tables.Column(verbose_name="", accessor="row_id", orderable=False, empty_values=())

    class Meta(_RecordTable.Meta):
        order_by = ("-row_date",)
        row_attrs = {"data-document": lambda record: f"{record['row_kind']}-{record['row_id']}"}

    def __init__(self, *args, can_print: bool, can_deliver: bool, **kwargs):
        self.can_print, self.can_deliver = can_print, can_deliver
        super().__init__(*args, **kwargs)

    def render_row_kind(self, value) -> str:
        return str(KIND_LABELS[value])

    def render_row_number(self, record, value) -> str:
        return value or _("Brouillon")

    def render_row_state(self, record, value) -> str:
        if record["row_kind"] == QUOTE and record["row_done"]:
            return _("Commandé")
        return str(STATES[record["row_kind"]].get(value, value))

    def render_actions(self, record) -> str:
        parts = []
        kind = record["row_kind"]
        if self.can_deliver and kind == ORDER and not record["row_done"]:
            url = reverse("ventes:delivery_create", kwargs={"pk": record["row_id"]})
            parts.append(
                format_html('<a class="btn btn-small" data-deliver href="{}">{}</a> ', url, _("Livrer"))
            )
        if self.can_print and (kind != INVOICE or record["row_number"]):
            url = reverse("ventes:document_pdf", kwargs={"kind": PDF_KINDS[kind], "pk": record["row_id"]})
            parts.append(
                format_html(
                    '<form method="post" action="{}" class="form-inline" data-print>'
                    '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
                    '<button type="submit" class="btn btn-small">{}</button></form>',
                    url,
                    get_token(self.request),
                    _("Imprimer"),
                )
            )
        return format_html_join(" ", "{}", ((part,) for part in parts))


class DocumentLineTable(_RecordTable):
    row_date = tables.DateColumn(verbose_name=_("Date"), format="d/m/Y")
    row_kind = tables.Column(verbose_name=_("Type"))
    row_number = tables.Column(verbose_name=_("Document"), linkify=_line_document_url, empty_values=())
    row_article = tables.Column(verbose_name=_("Code article"))
    row_label = tables.Column(verbose_name=_("Désignation"))
    row_quantity = tables.Column(verbose_name=_("Quantité"), attrs=NUMBER_ATTRS)
    row_unit_price = money_column(_("Prix unitaire HT"))
    row_excl_tax = money_column(_("Montant HT"))

    class Meta(_RecordTable.Meta):
        empty_text = _("Aucune ligne pour ces filtres.")

    def render_row_kind(self, value) -> str:
        return str(KIND_LABELS[value])

    def render_row_number(self, value) -> str:
        return value or _("Brouillon")

    def render_row_quantity(self, value) -> str:
        return f"{value.normalize():f}".replace(".", ",")
