"""A customer's sales documents and their lines as ONE list (the customer record's Ventes
section): quotes, orders, deliveries and invoices in a ``UNION ALL`` of dict rows, filtered per
kind before the union, then sorted and paginated by PostgreSQL (a count and a page: two queries
whatever the customer's size).

Each kind appears only when the user may view its model, for a customer the user may see. Per
kind, ``row_done`` is what the status filters ask about: a quote is ordered (an order points at
it), an order is closed ("soldée"), a delivery or an invoice is validated. A document is "in
progress" while a quote is open and not ordered, an order not closed, a delivery a draft, an
invoice a draft or not fully paid.
"""

from __future__ import annotations

from django.db.models import (
    BooleanField,
    CharField,
    DateField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
)

from crm.models import Company
from tiers.models import ThirdParty
from tiers.selectors import visible_q

from .models import (
    Delivery,
    DeliveryState,
    Invoice,
    InvoiceLine,
    InvoiceState,
    Order,
    OrderLine,
    OrderState,
    Quote,
    QuoteLine,
    QuoteStatus,
)

QUOTE, ORDER, DELIVERY, INVOICE = "devis", "commande", "livraison", "facture"
KINDS = (QUOTE, ORDER, DELIVERY, INVOICE)
DOCUMENT_COLUMNS = (
    "row_id",
    "row_kind",
    "row_number",
    "row_date",
    "row_state",
    "row_excl_tax",
    "row_incl_tax",
    "row_done",
)
LINE_COLUMNS = (
    "row_id",
    "row_kind",
    "row_document",
    "row_number",
    "row_date",
    "row_article",
    "row_label",
    "row_quantity",
    "row_unit_price",
    "row_excl_tax",
)
_MONEY = DecimalField(max_digits=14, decimal_places=2)


def _flag(condition) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=BooleanField())


def _documents(tenant: Company) -> dict[str, tuple[type, str, dict, Q]]:
    """kind → (model, view permission, its columns, the "in progress" condition)."""
    ordered = Exists(Order.objects.filter(tenant=tenant, quote=OuterRef("pk")))
    return {
        QUOTE: (
            Quote,
            "ventes.view_quote",
            {"row_date": F("issued_on"), "row_state": F("status"), "row_done": ordered},
            Q(status=QuoteStatus.IN_PROGRESS, row_done=False),
        ),
        ORDER: (
            Order,
            "ventes.view_order",
            {
                "row_date": F("ordered_on"),
                "row_state": F("state"),
                "row_done": _flag(Q(state=OrderState.CLOSED)),
            },
            ~Q(state=OrderState.CLOSED),
        ),
        DELIVERY: (
            Delivery,
            "ventes.view_delivery",
            {
                "row_date": F("delivered_on"),
                "row_state": F("state"),
                "row_done": _flag(Q(state=DeliveryState.VALIDATED)),
                "row_excl_tax": Value(None, output_field=_MONEY),
                "row_incl_tax": Value(None, output_field=_MONEY),
            },
            Q(state=DeliveryState.DRAFT),
        ),
        INVOICE: (
            Invoice,
            "ventes.view_invoice",
            {
                "row_date": F("invoice_date"),
                "row_state": F("state"),
                "row_done": _flag(Q(state=InvoiceState.VALIDATED)),
            },
            Q(state=InvoiceState.DRAFT) | Q(paid_amount__lt=F("total_incl_tax")),
        ),
    }


def _union(parts: list[QuerySet], empty: QuerySet) -> QuerySet:
    if not parts:
        return empty.none().values()  # no kind the user may view: no rows
    first, *others = parts
    return first.union(*others, all=True) if others else first


def customer_documents(
    *,
    tenant: Company,
    user,
    customer: ThirdParty,
    kinds: tuple[str, ...] = KINDS,
    in_progress: bool = False,
    done: dict[str, bool | None] | None = None,
) -> QuerySet:
    """The customer's documents of ``kinds`` (dict rows with ``DOCUMENT_COLUMNS``), newest first;
    ``in_progress`` keeps the documents in progress; ``done`` ({kind: True/False/None}) keeps
    only those kinds, with the rows whose ``row_done`` is that value (None: every row)."""
    parts = []
    for kind, (model, permission, columns, progress) in _documents(tenant).items():
        if kind not in kinds or (done and kind not in done) or not user.has_perm(permission):
            continue
        annotations = {
            "row_id": F("pk"),
            "row_kind": Value(kind, output_field=CharField()),
            "row_number": F("number"),
            "row_excl_tax": F("total_excl_tax"),
            "row_incl_tax": F("total_incl_tax"),
            **columns,
        }
        rows = (
            model.objects.filter(tenant=tenant, customer=customer)
            .filter(visible_q(tenant=tenant, user=user, field="customer"))
            .order_by()
            .annotate(**{name: annotations[name] for name in DOCUMENT_COLUMNS})
        )
        if in_progress:
            rows = rows.filter(progress)
        if done and done[kind] is not None:
            rows = rows.filter(row_done=done[kind])
        parts.append(rows.values(*DOCUMENT_COLUMNS))
    return _union(parts, Quote.objects).order_by("-row_date", "-row_id")


def _lines() -> dict[str, tuple[type, str, str, str]]:
    """kind → (line model, view permission, the document's field, the document's date)."""
    return {
        QUOTE: (QuoteLine, "ventes.view_quoteline", "quote", "issued_on"),
        ORDER: (OrderLine, "ventes.view_orderline", "order", "ordered_on"),
        INVOICE: (InvoiceLine, "ventes.view_invoiceline", "invoice", "invoice_date"),
    }


def customer_document_lines(
    *, tenant: Company, user, customer: ThirdParty, kinds: tuple[str, ...] = KINDS
) -> QuerySet:
    """The lines of the customer's quotes, orders and invoices (dict rows with ``LINE_COLUMNS``),
    newest document first."""
    parts = []
    for kind, (model, permission, document, date) in _lines().items():
        if kind not in kinds or not user.has_perm(permission):
            continue
        annotations = {
            "row_id": F("pk"),
            "row_kind": Value(kind, output_field=CharField()),
            "row_document": F(f"{document}_id"),
            "row_number": F(f"{document}__number"),
            "row_date": ExpressionWrapper(F(f"{document}__{date}"), output_field=DateField()),
            "row_article": F("article__code"),
            "row_label": F("label"),
            "row_quantity": F("quantity"),
            "row_unit_price": F("unit_price"),
            "row_excl_tax": F("total_excl_tax"),
        }
        rows = (
            model.objects.filter(tenant=tenant, customer=customer)
            .filter(visible_q(tenant=tenant, user=user, field="customer"))
            .order_by()
            .annotate(**{name: annotations[name] for name in LINE_COLUMNS})
        )
        parts.append(rows.values(*LINE_COLUMNS))
    return _union(parts, QuoteLine.objects).order_by("-row_date", "-row_number", "row_id")
