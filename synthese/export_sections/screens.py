"""Sections that have a screen table in the synthèse: the tab's table (columns, sort, the user's
column choice) over the tab's rows, through the tab's own filters read from the stored query
string, exactly as the screen shows them."""

from __future__ import annotations

from django.db.models import OuterRef
from django.utils.translation import gettext as _

from crm.exports.registry import Sheet
from parc.models import Asset, ContractAsset, Intervention, ServiceRequest
from synthese import tabs_details, tabs_documents, tabs_parc, tabs_pipeline, tabs_sales, tabs_service
from synthese.tabs_filters import count_of, exchanges_count
from ventes.models import Order

from .common import ExportState, TenantRequest, table_sheet


def contacts(state: ExportState) -> list[Sheet]:
    include_inactive = state.query.get(tabs_details.INACTIVE_PARAMETER) == "1"
    rows = tabs_details.contact_rows(state.ctx, include_inactive=include_inactive)
    return [
        table_sheet(
            state,
            title=_("Interlocuteurs"),
            tab_key=tabs_details.KEY,
            table_class=tabs_details.ContactTabTable,
            rows=rows,
        )
    ]


def deals(state: ExportState) -> list[Sheet]:
    filterset = tabs_pipeline.DealFilterSet(state.query, tabs_pipeline.deal_rows(state.ctx), key="affaires")
    return [
        table_sheet(
            state,
            title=_("Affaires"),
            tab_key="affaires",
            table_class=tabs_pipeline.DealTabTable,
            rows=filterset.qs,
            values={"status": lambda value: _status_label(tabs_pipeline.DealStatus, value)},
        )
    ]


def _status_label(choices, value) -> str:
    return str(choices(value).label) if value in choices.values else (value or "")


def actions(state: ExportState) -> list[Sheet]:
    return [
        table_sheet(
            state,
            title=_("Actions"),
            tab_key="actions",
            table_class=tabs_pipeline.ActionTabTable,
            rows=tabs_pipeline.action_rows(state.ctx),
        )
    ]


def quotes(state: ExportState) -> list[Sheet]:
    filterset = tabs_sales.QuoteFilterSet(state.query, tabs_sales.quote_rows(state.ctx), key="devis")
    return [
        table_sheet(
            state,
            title=_("Devis commerciaux"),
            tab_key="devis",
            table_class=tabs_sales.QuoteTabTable,
            rows=filterset.qs,
        )
    ]


def technical_quotes(state: ExportState) -> list[Sheet]:
    return [
        table_sheet(
            state,
            title=_("Devis techniques"),
            tab_key=f"{tabs_details.KEY}-devis",
            table_class=tabs_details.TechnicalQuoteTable,
            rows=tabs_details.technical_quote_rows(state.ctx),
        )
    ]


def contract_filterset(state: ExportState, rows=None):
    """The SSC tab's filters (status: active ones by default, type) over ``rows``."""
    rows = tabs_service.contract_base_rows(state.ctx) if rows is None else rows
    return tabs_service.ContractFilterSet(state.query, rows, key="ssc", request=TenantRequest(state.ctx))


def contracts(state: ExportState) -> list[Sheet]:
    ctx = state.ctx
    rows = tabs_service.contract_base_rows(ctx).annotate(
        asset_count=count_of(
            ContractAsset.objects.filter(tenant=ctx.tenant, contract=OuterRef("pk")), "contract"
        )
    )
    from parc.models import ContractStatus

    return [
        table_sheet(
            state,
            title=_("Solutions de service"),
            tab_key="ssc",
            table_class=tabs_service.ContractTabTable,
            rows=contract_filterset(state, rows).qs,
            values={"status": lambda value: _status_label(ContractStatus, value)},
        )
    ]


def request_filterset(state: ExportState, rows=None):
    """The DIT tab's filters (state: not closed by default) over ``rows``."""
    rows = tabs_service.request_base_rows(state.ctx) if rows is None else rows
    return tabs_service.RequestFilterSet(state.query, rows, key="dit")


def requests(state: ExportState) -> list[Sheet]:
    ctx = state.ctx
    rows = tabs_service.request_base_rows(ctx).annotate(
        exchange_count=exchanges_count(ctx, ServiceRequest),
        intervention_count=count_of(
            Intervention.objects.filter(tenant=ctx.tenant, request=OuterRef("pk")), "request"
        ),
    )
    from parc.models import RequestState

    return [
        table_sheet(
            state,
            title=_("Demandes d'intervention"),
            tab_key="dit",
            table_class=tabs_service.RequestTabTable,
            rows=request_filterset(state, rows).qs,
            values={"state": lambda value: _status_label(RequestState, value)},
        )
    ]


def orders(state: ExportState) -> list[Sheet]:
    rows = tabs_sales.order_rows(state.ctx).annotate(exchange_count=exchanges_count(state.ctx, Order))
    return [
        table_sheet(
            state,
            title=_("Commandes"),
            tab_key="commandes",
            table_class=tabs_sales.OrderTabTable,
            rows=rows,
        )
    ]


def signatures(state: ExportState) -> list[Sheet]:
    from tiers.models import SignatureStatus

    return [
        table_sheet(
            state,
            title=_("Signatures"),
            tab_key="signatures",
            table_class=tabs_documents.SignatureTabTable,
            rows=tabs_documents.signature_rows(state.ctx),
            values={"status": lambda value: _status_label(SignatureStatus, value)},
        )
    ]


def parc_options(state: ExportState) -> dict:
    """The Parc tab's own filters (type of row, inactive rows) from the stored query string."""
    filterset = tabs_parc.ParcFilterSet(state.query, Asset.objects.none(), key=tabs_parc.KEY)
    return filterset.form.cleaned_data if filterset.is_valid() else {}


def parc(state: ExportState) -> list[Sheet]:
    options = parc_options(state)
    rows = tabs_parc.parc_rows(
        state.ctx, row_type=options.get("type") or "", inactive=bool(options.get("inactifs"))
    )
    return [
        table_sheet(
            state,
            title=_("Parc"),
            tab_key=tabs_parc.KEY,
            table_class=tabs_parc.ParcTabTable,
            rows=rows,
            skip=("detail",),
            values={"row_type": lambda value: str(tabs_parc.TYPE_LABELS.get(value, value))},
        )
    ]
