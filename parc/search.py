"""What the quick search finds in parc (registered with core's index, crm.search): assets
("Bien": serial, provider id, label), service contracts ("SSC": code, label) and service
requests ("DIT": number, the start of the detail)."""

from __future__ import annotations

from crm.models import SearchKind
from crm.search import owned_document_builder, reverse_or_none, search_registry

from .models import Asset, ServiceContract, ServiceRequest

DETAIL_WORDS = 100  # characters of a request's detail that are searchable


def register() -> None:
    search_registry.register(
        (SearchKind.CONTRACT,),
        ServiceContract,
        document=owned_document_builder(
            SearchKind.CONTRACT,
            label=lambda row: f"{row.code} — {row.label}",
            codes=lambda row: [row.code],
            words=lambda row: [row.label],
            sublabel=lambda row: str(row.get_status_display()),
        ),
        fields={"code", "label", "status", "customer"},
        record_url=lambda pk, customer_id: reverse_or_none("parc:contract_detail", pk=pk),
    )
    search_registry.register(
        (SearchKind.ASSET,),
        Asset,
        document=owned_document_builder(
            SearchKind.ASSET,
            label=lambda row: row.label,
            codes=lambda row: [row.serial, row.provider_id],
            words=lambda row: [row.label],
            sublabel=lambda row: " · ".join(
                part for part in (row.serial, str(row.get_status_display())) if part
            ),
        ),
        fields={"serial", "provider_id", "label", "status", "customer"},
        record_url=lambda pk, customer_id: reverse_or_none("parc:asset_detail", pk=pk),
    )
    search_registry.register(
        (SearchKind.REQUEST,),
        ServiceRequest,
        document=owned_document_builder(
            SearchKind.REQUEST,
            label=lambda row: row.number,
            codes=lambda row: [row.number],
            words=lambda row: [row.detail[:DETAIL_WORDS]],
            sublabel=lambda row: f"{row.get_state_display()} · {row.detail[:60]}",
        ),
        fields={"number", "detail", "state", "customer"},
        record_url=lambda pk, customer_id: reverse_or_none("parc:request_detail", pk=pk),
    )
