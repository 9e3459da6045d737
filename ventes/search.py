"""What the quick search finds in ventes (registered with core's index, crm.search): deals
("Affaire": number, title), orders ("Commande") and quotes ("Devis") by number."""

from __future__ import annotations

from crm.models import SearchKind
from crm.search import owned_document_builder, reverse_or_none, search_registry

from .models import Deal, Order, Quote


def _dated(state: str, day) -> str:
    return f"{state} · {day:%d/%m/%Y}" if day else state


def register() -> None:
    search_registry.register(
        (SearchKind.DEAL,),
        Deal,
        document=owned_document_builder(
            SearchKind.DEAL,
            label=lambda row: f"{row.number} — {row.title}",
            codes=lambda row: [row.number],
            words=lambda row: [row.title],
            sublabel=lambda row: str(row.get_status_display()),
        ),
        fields={"number", "title", "status", "customer"},
        record_url=lambda pk, customer_id: reverse_or_none("ventes:deal_detail", pk=pk),
    )
    search_registry.register(
        (SearchKind.ORDER,),
        Order,
        document=owned_document_builder(
            SearchKind.ORDER,
            label=lambda row: row.number,
            codes=lambda row: [row.number],
            sublabel=lambda row: _dated(str(row.get_state_display()), row.ordered_on),
        ),
        fields={"number", "state", "ordered_on", "customer"},
        record_url=lambda pk, customer_id: reverse_or_none("ventes:order_detail", pk=pk),
    )
    search_registry.register(
        (SearchKind.QUOTE,),
        Quote,
        document=owned_document_builder(
            SearchKind.QUOTE,
            label=lambda row: row.number,
            codes=lambda row: [row.number],
            sublabel=lambda row: _dated(str(row.get_status_display()), row.issued_on),
        ),
        fields={"number", "status", "issued_on", "customer"},
        record_url=lambda pk, customer_id: reverse_or_none("ventes:quote_detail", pk=pk),
    )
