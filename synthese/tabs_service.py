"""Synthèse tabs SSC (service contracts) and DIT (service requests), parc."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from parc.models import (
    OPEN_STATES,
    ContractAsset,
    ContractStatus,
    ContractType,
    Intervention,
    RequestState,
    ServiceContract,
    ServiceRequest,
    ServiceRequestAsset,
    ServiceRequestCoverage,
)
from parc.tables import _url
from parc.tables_contracts import status_badge
from parc.tables_requests import state_badge

from .context import SyntheseContext
from .tables import NUMBER_ATTRS, ExchangesColumn, FilterColumn, TabFilterSet, TabTable, render_tab
from .tabs import Tab, tab_register
from .tabs_filters import contracts_covering_site, count_of, exchanges_count, owned_rows

ALL = "toutes"

# --- SSC ------------------------------------------------------------------------------------------

ACTIVE = "actives"
CONTRACT_STATUS_CHOICES = [(ACTIVE, _("Actives")), (ALL, _("Toutes"))]


def contract_base_rows(ctx: SyntheseContext) -> QuerySet[ServiceContract]:
    """Business lines; site: the contracts covering an asset of that site; contract: that one;
    asset: the contracts covering it."""
    rows = owned_rows(ServiceContract, ctx, site=False)
    if ctx.site_id:
        rows = rows.filter(contracts_covering_site(ctx))
    if ctx.contract_id:
        rows = rows.filter(pk=ctx.contract_id)
    if ctx.asset_id:
        links = ContractAsset.objects.filter(
            tenant=ctx.tenant, contract=OuterRef("pk"), asset_id=ctx.asset_id
        )
        rows = rows.filter(Exists(links))
    return rows.select_related("contract_type")


def contract_rows(ctx: SyntheseContext) -> QuerySet[ServiceContract]:
    """The tab's default view (its count): active contracts."""
    return contract_base_rows(ctx).filter(status=ContractStatus.ACTIVE)


class ContractFilterSet(TabFilterSet):
    statut = django_filters.ChoiceFilter(
        label=_("Statut"),
        choices=CONTRACT_STATUS_CHOICES,
        empty_label=None,
        initial=ACTIVE,
        method="filter_status",
    )
    type = django_filters.ModelChoiceFilter(
        field_name="contract_type",
        label=_("Type"),
        empty_label=_("Toutes"),
        queryset=lambda request: ContractType.objects.filter(tenant=request.tenant).order_by("label"),
    )

    class Meta:
        model = ServiceContract
        fields: list[str] = []

    def filter_status(self, queryset, name, value):
        return queryset if value == ALL else queryset.filter(status=ContractStatus.ACTIVE)


class ContractTabTable(TabTable):
    row_name = "contrat"
    code = tables.Column(verbose_name=_("Code"), linkify=_url("parc:contract_detail"))
    label = tables.Column(verbose_name=_("Libellé"))
    contract_type = tables.Column(verbose_name=_("Type"), accessor="contract_type__label")
    kind = tables.Column(verbose_name=_("Nature"), accessor="get_kind_display", order_by="kind")
    status = tables.Column(verbose_name=_("Statut"), order_by="status")
    starts_on = tables.DateColumn(verbose_name=_("Début"), format="d/m/Y")
    ends_on = tables.DateColumn(verbose_name=_("Fin"), format="d/m/Y")
    asset_count = tables.Column(verbose_name=_("Biens couverts"), attrs=NUMBER_ATTRS)
    filter = FilterColumn("contrat")

    class Meta(TabTable.Meta):
        order_by = ("-starts_on", "code")

    def render_status(self, record) -> str:
        return status_badge(record.status, record.get_status_display())


def render_contracts(request, ctx: SyntheseContext, *, exclude=()) -> str:
    rows = contract_base_rows(ctx).annotate(
        asset_count=count_of(
            ContractAsset.objects.filter(tenant=ctx.tenant, contract=OuterRef("pk")), "contract"
        )
    )
    filterset = ContractFilterSet(request.GET, rows, key="ssc", request=request)
    return render_tab(
        request,
        ctx,
        key="ssc",
        table_class=ContractTabTable,
        rows=filterset.qs,
        filterset=filterset,
        exclude=exclude,
    )


# --- DIT ------------------------------------------------------------------------------------------

OPEN = "ouvertes"
REQUEST_STATE_CHOICES = [(OPEN, _("Non clôturées")), (ALL, _("Toutes")), *RequestState.choices]


def request_base_rows(ctx: SyntheseContext) -> QuerySet[ServiceRequest]:
    """Business lines, period on the start date, site; contract: the requests it covers (a
    retained coverage); asset: its requests."""
    rows = owned_rows(ServiceRequest, ctx, period="started_at")
    if ctx.contract_id:
        coverages = ServiceRequestCoverage.objects.filter(
            tenant=ctx.tenant, request=OuterRef("pk"), contract_id=ctx.contract_id, is_selected=True
        )
        rows = rows.filter(Exists(coverages))
    if ctx.asset_id:
        links = ServiceRequestAsset.objects.filter(
            tenant=ctx.tenant, request=OuterRef("pk"), asset_id=ctx.asset_id
        )
        rows = rows.filter(Exists(links))
    return rows.select_related("requester", "business_line")


def request_rows(ctx: SyntheseContext) -> QuerySet[ServiceRequest]:
    """The tab's default view (its count): the requests not closed."""
    return request_base_rows(ctx).filter(state__in=OPEN_STATES)


class RequestFilterSet(TabFilterSet):
    etat = django_filters.ChoiceFilter(
        label=_("État"), choices=REQUEST_STATE_CHOICES, empty_label=None, initial=OPEN, method="filter_state"
    )

    class Meta:
        model = ServiceRequest
        fields: list[str] = []

    def filter_state(self, queryset, name, value):
        if value == ALL:
            return queryset
        if value == OPEN:
            return queryset.filter(state__in=OPEN_STATES)
        return queryset.filter(state=value)


class RequestTabTable(TabTable):
    row_name = "dit"
    number = tables.Column(verbose_name=_("Numéro"), linkify=_url("parc:request_detail"))
    detail = tables.Column(verbose_name=_("Détail"), orderable=False)
    requester = tables.Column(verbose_name=_("Demandeur"), order_by=("requester__last_name",))
    state = tables.Column(verbose_name=_("État"), order_by="state")
    started_at = tables.DateTimeColumn(verbose_name=_("Début"), format="d/m/Y H:i")
    exchange_count = ExchangesColumn()
    intervention_count = tables.Column(verbose_name=_("Interventions"), attrs=NUMBER_ATTRS)
    nature = tables.Column(verbose_name=_("Nature"), accessor="get_nature_display", order_by="nature")
    business_line = tables.Column(verbose_name=_("Activité"), accessor="business_line__name")

    class Meta(TabTable.Meta):
        order_by = ("-started_at",)

    def render_detail(self, value) -> str:
        return value if len(value) <= 80 else f"{value[:79]}…"

    def render_state(self, record) -> str:
        return state_badge(record.state, record.get_state_display())

    def render_intervention_count(self, record, value) -> str:
        url = reverse("parc:request_detail", kwargs={"pk": record.pk})
        return format_html('{} <a href="{}#interventions">{}</a>', value, url, _("Plus"))


def render_requests(request, ctx: SyntheseContext, *, exclude=()) -> str:
    rows = request_base_rows(ctx).annotate(
        exchange_count=exchanges_count(ctx, ServiceRequest),
        intervention_count=count_of(
            Intervention.objects.filter(tenant=ctx.tenant, request=OuterRef("pk")), "request"
        ),
    )
    filterset = RequestFilterSet(request.GET, rows, key="dit")
    return render_tab(
        request,
        ctx,
        key="dit",
        table_class=RequestTabTable,
        rows=filterset.qs,
        filterset=filterset,
        exclude=exclude,
    )


tab_register(
    Tab("ssc", _("SSC"), 50, "parc.view_servicecontract", rows=contract_rows, render=render_contracts)
)
tab_register(Tab("dit", _("DIT"), 70, "parc.view_servicerequest", rows=request_rows, render=render_requests))
