"""Sections of the installed base beyond the Parc tab's table: Règles de facturation (active
only), Financements et grandeurs (the Parc detail panel's fields), Situation actuelle (one row
per asset x active billing rule) and Interventions. A fixed number of queries whatever the
number of assets: the last readings, the last stored VMM and the latest financing of every
asset come in one query each (``DISTINCT ON``), never per row."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from crm.exports.registry import Column, Sheet
from parc.models import (
    BLACK,
    COLOUR,
    Asset,
    BillingRule,
    Financing,
    Intervention,
    MeterReading,
    MeterType,
    MonthlyVolume,
    ServiceContract,
)
from parc.selectors_assets import active_contracts_q, covered_exists
from synthese import tabs_parc
from synthese.tabs_filters import owned_rows
from synthese.tabs_service import request_base_rows

from .common import CHUNK_SIZE, ExportState, hours_decimal, joined, plain, queryset_sheet
from .screens import contract_filterset, parc_options

OUT_OF_CONTRACT = "hors_contrat"
MONEY = "#,##0.00"
COST = "#,##0.00000"


def assets_of(state: ExportState) -> QuerySet[Asset]:
    """The customer's assets under the synthèse's filters (and the Parc tab's "inactive rows"
    choice), in the Parc tab's default order, with their article's references."""
    branches = tabs_parc._branches(
        state.ctx, row_type=tabs_parc.ASSET, inactive=bool(parc_options(state).get("inactifs"))
    )
    assets = branches[0] if branches else Asset.objects.none()
    return assets.select_related(
        "business_line",
        "site",
        "article__business_line",
        "article__family",
        "article__sub_family",
        "article__brand",
    ).order_by("business_line__name", "installed_on", "article__model", "serial", "pk")


@dataclass
class ParcData:
    meter_types: list[MeterType]
    readings: dict[tuple[int, int], int]  # (asset, meter type) → last non-estimated value
    volumes: dict[tuple[int, int], object]  # (asset, meter type) → last stored VMM
    financings: dict[int, Financing]  # asset → its latest financing


def parc_data(state: ExportState) -> ParcData:
    """Four queries, whatever the number of assets, once per export (Financements et grandeurs
    and Situation actuelle share them)."""
    if "parc" not in state.shared:
        state.shared["parc"] = _parc_data(state, assets_of(state))
    return state.shared["parc"]


def _parc_data(state: ExportState, assets: QuerySet[Asset]) -> ParcData:
    tenant = state.tenant
    ids = assets.order_by().values("pk")
    readings = (
        MeterReading.objects.filter(tenant=tenant, asset_id__in=ids, is_estimated=False)
        .order_by("asset_id", "meter_type_id", "-read_on", "-pk")
        .distinct("asset_id", "meter_type_id")
        .values_list("asset_id", "meter_type_id", "value")
    )
    volumes = (
        MonthlyVolume.objects.filter(tenant=tenant, asset_id__in=ids)
        .order_by("asset_id", "meter_type_id", "-month")
        .distinct("asset_id", "meter_type_id")
        .values_list("asset_id", "meter_type_id", "value")
    )
    financings = (
        Financing.objects.filter(tenant=tenant, asset_id__in=ids)
        .select_related("financer")
        .only(  # not the financer's whole row
            *("asset_id", "ends_on", "rent", "remaining", "internal_number", "external_number"),
            *("financer__code", "financer__name"),
        )
        .order_by("asset_id", "-ends_on", "-pk")
        .distinct("asset_id")
    )
    return ParcData(
        meter_types=list(MeterType.objects.filter(tenant=tenant).order_by("position", "code")),
        readings={(asset, meter): value for asset, meter, value in readings.iterator(chunk_size=CHUNK_SIZE)},
        volumes={(asset, meter): value for asset, meter, value in volumes.iterator(chunk_size=CHUNK_SIZE)},
        financings={
            financing.asset_id: financing for financing in financings.iterator(chunk_size=CHUNK_SIZE)
        },
    )


def _labels(model, field: str) -> dict:
    """A choice field's labels as text, translated once for the whole sheet."""
    return {key: str(label) for key, label in model._meta.get_field(field).flatchoices}


def _article(asset: Asset) -> list:
    article = asset.article
    return [
        article.business_line.name if article.business_line_id else "",
        article.family.label if article.family_id else "",
        article.sub_family.label if article.sub_family_id else "",
    ]


def _brand(asset: Asset) -> str:
    return asset.article.brand.name if asset.article.brand_id else ""


def _asset_label(asset: Asset) -> str:
    return joined(asset.provider_id, asset.serial, asset.label)


# --- Règles de facturation ------------------------------------------------------------------------


def billing_rules(state: ExportState) -> list[Sheet]:
    """The active rules of the contracts the SSC tab shows (same filters)."""
    contracts = contract_filterset(state).qs.order_by().values("pk")
    rules = (
        BillingRule.objects.filter(tenant=state.tenant, is_active=True, contract_id__in=contracts)
        .select_related("contract", "meter_type")
        .order_by("contract__code", "position", "pk")
    )
    columns = [
        Column(_("SSC"), width=30),
        Column(_("Position"), width=8),
        Column(_("Libellé RFC"), width=36),
        Column(_("Mode de facturation"), width=14),
        Column(_("Terme"), width=12),
        Column(_("Périodicité"), width=14),
        Column(_("Prochaine facture théorique le"), width=14),
        Column(_("Nombre d'unités vendues"), width=12),
        Column(_("Coût unitaire supplémentaire"), width=14, number_format=COST),
        Column(_("Grandeur"), width=14),
        Column(_("Coût unitaire de la grandeur"), width=14, number_format=COST),
    ]

    def row(rule: BillingRule) -> list:
        return [
            joined(rule.contract.code, rule.contract.label),
            rule.position,
            joined(rule.code, rule.label),
            rule.billing_type,
            rule.get_term_display(),
            rule.get_periodicity_display(),
            rule.next_invoice_on,
            rule.units_sold,
            rule.extra_unit_cost,
            rule.meter_type.label if rule.meter_type_id else "",
            rule.unit_cost,
        ]

    return [queryset_sheet(_("Règles de facturation"), columns, rules, row)]


# --- Financements et grandeurs --------------------------------------------------------------------


def financings_and_meters(state: ExportState) -> list[Sheet]:
    assets = assets_of(state).annotate(is_covered=covered_exists(tenant=state.tenant, on=state.ctx.today))
    data = parc_data(state)
    columns = [
        Column(_("Activité"), width=16),
        Column(_("Bien"), width=40),
        Column(_("Site"), width=20),
        Column(_("Marque"), width=16),
        Column(_("Activité article"), width=16),
        Column(_("Famille article"), width=18),
        Column(_("Sous-famille article"), width=18),
        Column(_("Couvert"), width=8),
        Column(_("Date de fin de financement"), width=14),
        Column(_("Reste à payer du financement"), width=14, number_format=MONEY),
    ]
    for meter in data.meter_types:
        columns.append(Column(_("%(meter)s (dernier relevé)") % {"meter": meter.label}, width=14))
        columns.append(Column(_("VMM %(meter)s") % {"meter": meter.label}, width=12, number_format=MONEY))

    def row(asset: Asset) -> list:
        financing = data.financings.get(asset.pk)
        cells = [
            asset.business_line.name,
            _asset_label(asset),
            asset.site.name if asset.site_id else "",
            _brand(asset),
            *_article(asset),
            asset.is_covered,
            financing.ends_on if financing else None,
            financing.remaining if financing else None,
        ]
        for meter in data.meter_types:
            cells.append(data.readings.get((asset.pk, meter.pk)))
            cells.append(data.volumes.get((asset.pk, meter.pk)))
        return cells

    return [queryset_sheet(_("Financements et grandeurs"), columns, assets, row)]


# --- Situation actuelle ---------------------------------------------------------------------------

SITUATION_HEADERS = (
    "Activité",
    "Marque",
    "Bien",
    "Date de fin de financement",
    "Loyer",
    "Reste à payer du financement",
    "Couleur",
    "Noir",
    "Coût unitaire de la grandeur",
    "VMM",
    "Libellé RFC",
    "Nombre d'unités vendues",
    "Coût unitaire supplémentaire",
    "SSC",
    "Statut SSC",
    "Mode de facturation",
    "Autre",
    "Num Accord de financement",
    "Financeur",
    "Terme",
    "Périodicité",
    "Prochaine facture théorique le",
    "Type de bien",
    "Activité article",
    "Famille article",
    "Sous-famille article",
    "Position num",
)
SITUATION_FORMATS = {4: MONEY, 5: MONEY, 8: COST, 9: MONEY, 12: COST}


def _rules_by_asset(state: ExportState, assets: QuerySet[Asset]) -> dict[int, list[BillingRule]]:
    """The active rules of the active contracts covering each asset: one query."""
    rules = (
        BillingRule.objects.filter(
            tenant=state.tenant,
            is_active=True,
            contract__asset_links__asset_id__in=assets.order_by().values("pk"),
        )
        .filter(active_contracts_q(on=state.ctx.today, prefix="contract__"))
        .annotate(covered_asset_id=F("contract__asset_links__asset_id"))
        .select_related("contract", "meter_type")
        .order_by("contract__code", "position", "pk")
    )
    by_asset: dict[int, list[BillingRule]] = defaultdict(list)
    for rule in rules.iterator(chunk_size=CHUNK_SIZE):
        by_asset[rule.covered_asset_id].append(rule)
    return by_asset


def situation(state: ExportState) -> list[Sheet]:
    """One row per asset x active billing rule; assets without one only with "Biens hors
    contrat" (contract columns empty). Six queries in all."""
    assets = assets_of(state)
    data = parc_data(state)
    rules = _rules_by_asset(state, assets)
    with_uncovered = OUT_OF_CONTRACT in state.selection
    meters = {meter.code: meter for meter in data.meter_types}
    colour, black = meters.get(COLOUR), meters.get(BLACK)
    others = [meter for meter in data.meter_types if meter.code not in (COLOUR, BLACK)]

    term, periodicity = _labels(BillingRule, "term"), _labels(BillingRule, "periodicity")
    status = _labels(ServiceContract, "status")

    def reading(asset_id: int, meter) -> int | None:
        return data.readings.get((asset_id, meter.pk)) if meter else None

    def asset_rows(asset: Asset) -> Iterator[list]:
        financing = data.financings.get(asset.pk)
        other = "; ".join(
            f"{meter.label} : {data.readings[(asset.pk, meter.pk)]}"
            for meter in others
            if (asset.pk, meter.pk) in data.readings
        )
        head = [
            asset.business_line.name,
            _brand(asset),
            _asset_label(asset),
            financing.ends_on if financing else None,
            financing.rent if financing else None,
            financing.remaining if financing else None,
            reading(asset.pk, colour),
            reading(asset.pk, black),
        ]
        funding = [
            joined(financing.internal_number, financing.external_number, separator=" / ")
            if financing
            else "",
            joined(financing.financer.code, financing.financer.name) if financing else "",
        ]
        tail = [asset.article.label, *_article(asset)]
        for rule in rules.get(asset.pk, ()):
            billed = rule.meter_type or black
            yield [
                *head,
                rule.unit_cost if rule.meter_type_id else None,
                data.volumes.get((asset.pk, billed.pk)) if billed else None,
                joined(rule.code, rule.label),
                rule.units_sold,
                rule.extra_unit_cost,
                joined(rule.contract.code, rule.contract.label),
                status.get(rule.contract.status, rule.contract.status),
                rule.billing_type,
                other,
                *funding,
                term.get(rule.term, rule.term),
                periodicity.get(rule.periodicity, rule.periodicity),
                rule.next_invoice_on,
                *tail,
                f"{rule.position}/{rule.pk}",
            ]
        if with_uncovered and asset.pk not in rules:
            vmm = data.volumes.get((asset.pk, black.pk)) if black else None
            yield [*head, None, vmm, "", None, None, "", "", "", other, *funding, "", "", None, *tail, ""]

    def rows() -> Iterator[list]:
        for asset in assets.iterator(chunk_size=CHUNK_SIZE):
            yield from asset_rows(asset)

    covered_rows = sum(len(items) for items in rules.values())
    count = covered_rows + (assets.exclude(pk__in=list(rules)).count() if with_uncovered else 0)
    columns = [
        Column(_(header), width=16, number_format=SITUATION_FORMATS.get(index))
        for index, header in enumerate(SITUATION_HEADERS)
    ]
    return [Sheet(title=_("Situation actuelle"), columns=columns, rows=rows(), count=count)]


# --- Interventions --------------------------------------------------------------------------------


def interventions(state: ExportState) -> list[Sheet]:
    """The interventions of the requests under the synthèse's filters (the period is the
    requests'); durations typed as HH.MM
    on screen become decimal hours (they add up in Excel)."""
    ctx = state.ctx
    requests = request_base_rows(ctx).order_by().values("pk")
    rows = (
        owned_rows(Intervention, ctx, site=False)
        .filter(request_id__in=requests)
        .select_related("request", "technician")
        .order_by("-starts_at", "-pk")
    )
    columns = [
        Column(_("Demande"), width=16),
        Column(_("Technicien"), width=24),
        Column(_("Début"), width=16),
        Column(_("Fin"), width=16),
        Column(_("Durée (heures)"), width=10, number_format="0.00"),
        Column(_("Compte rendu"), width=60),
    ]

    def row(item: Intervention) -> list:
        return [
            item.request.number,
            plain(item.technician),
            item.starts_at,
            item.ends_at,
            hours_decimal(item.duration_minutes),
            item.report,
        ]

    return [queryset_sheet(_("Interventions"), columns, rows, row)]
