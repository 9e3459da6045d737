"""Synthèse tab Parc: the customer's assets, inventoried equipment and competitors' assets in ONE
SQL union of ``.values()`` rows with a common column set, so PostgreSQL sorts, counts and
paginates the whole installed base (5,000 assets of a big customer cost one page of rows).

Default order: business line, install date (oldest first), model, manufacturer id. The tab's
count (``parc_count``) is the sum of three count subqueries, inside synthese.tabs.tab_counts'
single query. Each row opens a detail panel (htmx GET of the tab with ``parc-detail=bien-12``).
"""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    BooleanField,
    CharField,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast, Concat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from parc.models import (
    Asset,
    AssetStatus,
    CompetitorAsset,
    CompetitorAssetKind,
    ContractAsset,
    Equipment,
    Financing,
    MonthlyVolume,
)
from parc.selectors_assets import covered_exists
from tiers.models.characteristics import CharacteristicTarget
from tiers.selectors_characteristics import characteristics_for

from .context import SyntheseContext
from .tables import FilterColumn, TabFilterSet, TabTable, panel_button, render_tab, yes_no_badge
from .tabs import Tab, _count_subquery, tab_register
from .tabs_filters import owned_rows

KEY = "parc"
ASSET, EQUIPMENT, COMPETITOR = "bien", "equipement", "concurrent"
TYPE_LABELS = {
    ASSET: _("Bien"),
    EQUIPMENT: _("Équipement inventorié"),
    **{
        f"{COMPETITOR}-{kind}": _("Concurrent — %(kind)s") % {"kind": label}
        for kind, label in CompetitorAssetKind.choices
    },
}
COLUMNS = (
    "row_id",
    "row_type",
    "bl_name",
    "install_date",
    "model_name",
    "manufacturer_id",
    "row_label",
    "site_name",
    "active",
    "covered",
)
DEFAULT_ORDER = ("bl_name", "install_date", "model_name", "manufacturer_id")


def _null(field) -> Cast:
    return Cast(Value(None), field)


def _values(rows: QuerySet, **columns) -> QuerySet:
    """``rows`` as the union's common columns, in the same order in every branch."""
    return rows.order_by().annotate(**{name: columns[name] for name in COLUMNS}).values(*COLUMNS)


def _branches(ctx: SyntheseContext, *, row_type: str = "", inactive: bool = False) -> list[QuerySet]:
    """The filtered querysets of the three kinds of rows (before ``.values()``). A contract or an
    asset filter keeps assets only (the assets the contract covers; that asset)."""
    assets = owned_rows(Asset, ctx)
    equipment = owned_rows(Equipment, ctx)
    competitors = owned_rows(CompetitorAsset, ctx)
    if not inactive:
        assets = assets.exclude(status=AssetStatus.REMOVED)
        equipment = equipment.filter(is_active=True)
    if ctx.contract_id:
        covered = ContractAsset.objects.filter(
            tenant=ctx.tenant, asset=OuterRef("pk"), contract_id=ctx.contract_id
        )
        assets = assets.filter(Exists(covered))
    if ctx.asset_id:
        assets = assets.filter(pk=ctx.asset_id)
    branches = {ASSET: assets}
    if not (ctx.contract_id or ctx.asset_id):
        branches[EQUIPMENT] = equipment
        branches[COMPETITOR] = competitors
    if row_type.startswith(f"{COMPETITOR}-") and COMPETITOR in branches:
        return [competitors.filter(kind=row_type.split("-", 1)[1])]
    if row_type:
        return [branches[row_type]] if row_type in branches else []
    return list(branches.values())


def parc_rows(ctx: SyntheseContext, *, row_type: str = "", inactive: bool = False) -> QuerySet:
    """The union (dict rows with ``COLUMNS``), unordered; empty when no branch is left."""
    parts = [_branch_values(ctx, branch) for branch in _branches(ctx, row_type=row_type, inactive=inactive)]
    if not parts:
        return Asset.objects.none().values(*COLUMNS)
    first, *others = parts
    return first.union(*others, all=True) if others else first


def _branch_values(ctx: SyntheseContext, branch: QuerySet) -> QuerySet:
    model = branch.model
    common = {"row_id": F("pk"), "bl_name": F("business_line__name"), "site_name": F("site__name")}
    if model is Asset:
        return _values(
            branch,
            **common,
            row_type=Value(ASSET, output_field=CharField()),
            install_date=F("installed_on"),
            model_name=F("article__model"),
            manufacturer_id=F("serial"),
            row_label=F("label"),
            active=ExpressionWrapper(~Q(status=AssetStatus.REMOVED), output_field=BooleanField()),
            covered=covered_exists(tenant=ctx.tenant, on=ctx.today),
        )
    if model is Equipment:
        return _values(
            branch,
            **common,
            row_type=Value(EQUIPMENT, output_field=CharField()),
            install_date=_null(DateField()),
            model_name=F("model"),
            manufacturer_id=F("serial"),
            row_label=F("hostname"),
            active=F("is_active"),
            covered=_null(BooleanField()),
        )
    return _values(
        branch,
        **common,
        row_type=Concat(Value(f"{COMPETITOR}-"), F("kind"), output_field=CharField()),
        install_date=_null(DateField()),
        model_name=F("description"),
        manufacturer_id=Value("", output_field=CharField()),
        row_label=F("competitor"),
        active=Value(True, output_field=BooleanField()),
        covered=_null(BooleanField()),
    )


def parc_count(ctx: SyntheseContext):
    """The default view's number of rows: the sum of one count subquery per branch."""
    counts = [_count_subquery(branch) for branch in _branches(ctx)]
    total = counts[0]
    for count in counts[1:]:
        total = total + count
    return total


def default_rows(ctx: SyntheseContext) -> QuerySet:
    return parc_rows(ctx).order_by(*DEFAULT_ORDER)


# --- Table and filters ----------------------------------------------------------------------------


class ParcFilterSet(TabFilterSet):
    """Read by ``render_parc`` (the union cannot be filtered after the fact): the branches come
    from these values."""

    type = django_filters.ChoiceFilter(
        label=_("Type"), choices=list(TYPE_LABELS.items()), empty_label=_("Tous"), method="keep"
    )
    inactifs = django_filters.BooleanFilter(
        label=_("Inclure les lignes inactives"),
        method="keep",
        widget=django_filters.widgets.forms.CheckboxInput,
    )

    class Meta:
        model = Asset
        fields: list[str] = []

    def keep(self, queryset, name, value):
        return queryset


class ParcTabTable(TabTable):
    row_type = tables.Column(verbose_name=_("Type bien"))
    bl_name = tables.Column(verbose_name=_("Activité"))
    install_date = tables.DateColumn(verbose_name=_("Installé le"), format="d/m/Y")
    model_name = tables.Column(verbose_name=_("Modèle"))
    manufacturer_id = tables.Column(verbose_name=_("Identifiant fabricant"))
    row_label = tables.Column(verbose_name=_("Libellé"))
    site_name = tables.Column(verbose_name=_("Site"))
    covered = tables.Column(verbose_name=_("Couvert"))
    active = tables.BooleanColumn(verbose_name=_("Actif"), yesno=(_("Oui"), _("Non")))
    detail = tables.Column(verbose_name="", accessor="row_id", orderable=False)
    filter = FilterColumn("bien")

    class Meta(TabTable.Meta):
        order_by = DEFAULT_ORDER

    def row_key(self, record) -> str:
        kind = record["row_type"].split("-", 1)[0]
        return f"{kind}-{record['row_id']}"

    def render_row_type(self, value) -> str:
        return str(TYPE_LABELS.get(value, value))

    def render_covered(self, value) -> str:
        return yes_no_badge(value)

    def render_detail(self, record) -> str:
        key = self.row_key(record)
        url = "?" + self.ctx.querystring(onglet=KEY, ligne=None) + f"&{KEY}-detail={key}"
        buttons = format_html(
            '<a class="btn btn-small" href="{}" hx-get="{}" hx-target="#onglet-parc-panel" hx-swap="innerHTML" '
            'hx-push-url="false" title="{}">+</a>',
            url,
            url,
            _("Détail"),
        )
        model = {ASSET: Asset, EQUIPMENT: Equipment}.get(record["row_type"])
        if model is None:
            return buttons
        target = {"content_type": ContentType.objects.get_for_model(model).pk, "object_id": record["row_id"]}
        wiki = reverse("tiers:wiki_list", kwargs=target)
        vault = reverse("tiers:vault", kwargs={"pk": self.ctx.customer.pk})
        return format_html(
            "{} {} {}", buttons, panel_button(wiki, _("Wiki")), panel_button(vault, _("Coffre-fort"))
        )

    def render_filter(self, record, column=None) -> str:
        return self.columns["filter"].column.render(record, self) if record["row_type"] == ASSET else ""


def render_parc(request, ctx: SyntheseContext, *, exclude=()) -> str:
    detail = request.GET.get(f"{KEY}-detail", "")
    if detail:
        return render_detail(request, ctx, detail)
    filterset = ParcFilterSet(request.GET, Asset.objects.none(), key=KEY)
    values = filterset.form.cleaned_data if filterset.is_valid() else {}
    rows = parc_rows(ctx, row_type=values.get("type") or "", inactive=bool(values.get("inactifs")))
    return render_tab(
        request, ctx, key=KEY, table_class=ParcTabTable, rows=rows, filterset=filterset, exclude=exclude
    )


# --- Detail panel ---------------------------------------------------------------------------------


def asset_panel(ctx: SyntheseContext, pk: int) -> dict | None:
    """An asset's panel: article (activity, family, sub-family, brand), covered, its latest
    financing, its meters with their last stored VMM (parc.MonthlyVolume). Three queries."""
    asset = (
        owned_rows(Asset, ctx, lines=False, site=False)
        .select_related("article__business_line", "article__family", "article__sub_family", "article__brand")
        .annotate(is_covered=covered_exists(tenant=ctx.tenant, on=ctx.today))
        .filter(pk=pk)
        .first()
    )
    if asset is None:
        return None
    financing = Financing.objects.filter(tenant=ctx.tenant, asset=asset).order_by("-ends_on", "-pk").first()
    volumes = (
        MonthlyVolume.objects.filter(tenant=ctx.tenant, asset=asset)
        .select_related("meter_type")
        .order_by("meter_type__position", "meter_type_id", "-month")
        .distinct("meter_type__position", "meter_type_id")
    )
    return {"asset": asset, "financing": financing, "volumes": list(volumes)}


def render_detail(request, ctx: SyntheseContext, detail: str) -> str:
    kind, _sep, raw_pk = detail.partition("-")
    pk = int(raw_pk) if raw_pk.isdigit() else 0
    context: dict | None = None
    if kind == ASSET:
        context = asset_panel(ctx, pk)
    elif kind == EQUIPMENT:
        item = (
            owned_rows(Equipment, ctx, lines=False, site=False).select_related("asset").filter(pk=pk).first()
        )
        context = {"equipment": item} if item else None
    elif kind == COMPETITOR:
        item = owned_rows(CompetitorAsset, ctx, lines=False, site=False).filter(pk=pk).first()
        if item is not None:
            groups = characteristics_for(
                tenant=ctx.tenant,
                record=item,
                target=CharacteristicTarget.COMPETITOR_ASSET,
                target_kind=item.kind,
            )
            context = {"competitor": item, "groups": groups}
    return render_to_string(
        "synthese/tabs/parc_detail.html",
        {"ctx": ctx, "found": context is not None, **(context or {})},
        request,
    )


tab_register(
    Tab(
        KEY,
        _("Parc"),
        60,
        "parc.view_asset",
        rows=default_rows,
        render=render_parc,
        count=parc_count,
    )
)
