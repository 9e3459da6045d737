"""Excel export of the synthèse (synthese/exports.py): sheets, headers, filters, Situation
actuelle, read back with openpyxl after an in-process run."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django_scopes import scope

from synthese.export_sections.parc import SITUATION_HEADERS
from synthese.exports import SECTIONS
from tests.factories import member
from tests.synthese.export_support import (  # noqa: F401  (media_root: a fixture)
    build_parc_world,
    media_root,
    run_export,
    sheet_rows,
    workbook_of,
)

pytestmark = pytest.mark.usefixtures("celery_eager", "media_root")

EVERY_SECTION = [section.key for section in SECTIONS]
SHEETS = [
    "Présentation",
    "Interlocuteurs",
    "Sites",
    "Sites - Commerciaux",
    "Relations",
    "Affaires",
    "Actions",
    "Devis commerciaux",
    "Devis techniques",
    "Solutions de service",
    "Règles de facturation",
    "Parc",
    "Financements et grandeurs",
    "Situation actuelle",
    "Demandes d'intervention",
    "Interventions",
    "Commandes",
    "Signatures",
]
SITUATION = [
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
]


@pytest.fixture
def manager(tenant):
    return member(tenant, "Manager")


@pytest.fixture
def pw(tenant, manager):
    return build_parc_world(tenant, owner=manager)


def test_every_section_gives_its_sheets_in_order_landscape(
    tenant, manager, pw, django_capture_on_commit_callbacks
):
    job = run_export(
        tenant, manager, pw.world.customer, django_capture_on_commit_callbacks, sections=EVERY_SECTION
    )

    workbook = workbook_of(job)
    assert workbook.sheetnames == SHEETS
    assert {workbook[name].page_setup.orientation for name in SHEETS} == {"landscape"}


def test_only_presentation_when_nothing_but_its_blocks_is_selected(
    tenant, manager, pw, django_capture_on_commit_callbacks
):
    job = run_export(
        tenant, manager, pw.world.customer, django_capture_on_commit_callbacks, sections=["classifications"]
    )

    workbook = workbook_of(job)
    assert workbook.sheetnames == ["Présentation"]
    rows = sheet_rows(workbook, "Présentation")
    assert rows[0] == ("Rubrique", "Information", "Valeur")
    assert ("Identité", "Code", pw.world.customer.code) in rows
    assert ("Classifications", "Étiquettes", None) in rows  # empty cell


def test_presentation_without_blocks_has_the_identity_only(
    tenant, manager, pw, django_capture_on_commit_callbacks
):
    job = run_export(
        tenant, manager, pw.world.customer, django_capture_on_commit_callbacks, sections=["sites"]
    )

    rows = sheet_rows(workbook_of(job), "Présentation")
    assert {row[0] for row in rows[1:]} == {"Identité"}


def test_situation_actuelle_has_the_27_columns_and_one_row_per_asset_and_active_rule(
    tenant, manager, pw, django_capture_on_commit_callbacks
):
    assert list(SITUATION_HEADERS) == SITUATION
    job = run_export(
        tenant, manager, pw.world.customer, django_capture_on_commit_callbacks, sections=["situation"]
    )

    rows = sheet_rows(workbook_of(job), "Situation actuelle")
    assert list(rows[0]) == SITUATION
    by_asset_rule = {(row[2], row[10]) for row in rows[1:]}
    covered = [pw.world.rows["parc"][name] for name in ("in", "bl", "site")]
    labels = [f"{asset.provider_id} {asset.serial} {asset.label}" for asset in covered]
    assert by_asset_rule == {(label, rule) for label in labels for rule in ("RN Copies noir", "RF Forfait")}
    assert len(rows) - 1 == 6  # inactive rule and asset without contract absent

    asset, financing = pw.world.asset, pw.financing
    row = dict(
        zip(
            SITUATION,
            next(r for r in rows[1:] if r[2] == labels[0] and r[10] == "RN Copies noir"),
            strict=True,
        )
    )
    assert row["Activité"] == asset.business_line.name
    assert row["Date de fin de financement"] == datetime.datetime(2028, 12, 31)
    assert row["Loyer"] == 189
    assert row["Reste à payer du financement"] == 5670
    assert (row["Couleur"], row["Noir"]) == (300, 1000)  # the estimated 1500 is ignored
    assert row["Coût unitaire de la grandeur"] == pytest.approx(0.0045)
    assert row["VMM"] == 120  # the last stored one
    assert row["Nombre d'unités vendues"] == 1000
    assert row["SSC"] == f"{pw.world.contract.code} {pw.world.contract.label}"
    assert row["Statut SSC"] == "Actif"
    assert row["Mode de facturation"] == "meter"
    assert row["Autre"] == "Scan : 42"
    assert row["Num Accord de financement"] == f"{financing.internal_number} / {financing.external_number}"
    assert row["Financeur"] == f"{financing.financer.code} {financing.financer.name}"
    assert row["Terme"] == "À échoir"
    assert row["Position num"] == f"1/{pw.rules['noir'].pk}"
    fixed = dict(
        zip(SITUATION, next(r for r in rows[1:] if r[2] == labels[0] and r[10] == "RF Forfait"), strict=True)
    )
    assert fixed["Coût unitaire de la grandeur"] is None
    assert fixed["VMM"] == 120  # no meter billed: the NOIR one


def test_situation_actuelle_with_biens_hors_contrat_adds_uncovered_assets_with_empty_contract_columns(
    tenant, manager, pw, django_capture_on_commit_callbacks
):
    job = run_export(
        tenant,
        manager,
        pw.world.customer,
        django_capture_on_commit_callbacks,
        sections=["situation", "hors_contrat"],
    )

    rows = sheet_rows(workbook_of(job), "Situation actuelle")
    unlinked = pw.world.rows["parc"]["unlinked"]
    uncovered = [
        row for row in rows[1:] if row[2] == f"{unlinked.provider_id} {unlinked.serial} {unlinked.label}"
    ]
    assert len(rows) - 1 == 7
    assert len(uncovered) == 1
    row = dict(zip(SITUATION, uncovered[0], strict=True))
    assert row["Libellé RFC"] is None and row["SSC"] is None and row["Position num"] is None
    assert row["Activité"] == unlinked.business_line.name


def test_filtered_export_contains_only_the_filtered_asset_rows(
    tenant, manager, pw, django_capture_on_commit_callbacks
):
    asset = pw.world.asset
    job = run_export(
        tenant,
        manager,
        pw.world.customer,
        django_capture_on_commit_callbacks,
        sections=["parc", "situation", "hors_contrat", "financements"],
        query=f"bien={asset.pk}",
    )

    workbook = workbook_of(job)
    parc_rows = sheet_rows(workbook, "Parc")
    assert [row[4] for row in parc_rows[1:]] == [asset.serial]
    assert {row[2] for row in sheet_rows(workbook, "Situation actuelle")[1:]} == {
        f"{asset.provider_id} {asset.serial} {asset.label}"
    }
    assert len(sheet_rows(workbook, "Financements et grandeurs")) == 2


def test_site_filter_applies_to_every_section(tenant, manager, pw, django_capture_on_commit_callbacks):
    other_site = pw.world.sites[1]
    job = run_export(
        tenant,
        manager,
        pw.world.customer,
        django_capture_on_commit_callbacks,
        sections=["affaires", "commandes", "situation"],
        query=f"site={other_site.pk}",
    )

    workbook = workbook_of(job)
    deals = sheet_rows(workbook, "Affaires")
    assert [row[0] for row in deals[1:]] == [pw.world.rows["affaires"]["site"].number]
    orders = sheet_rows(workbook, "Commandes")
    assert [row[0] for row in orders[1:]] == [pw.world.rows["commandes"]["site"].number]
    site_asset = pw.world.rows["parc"]["site"]
    assert {row[2] for row in sheet_rows(workbook, "Situation actuelle")[1:]} == {
        f"{site_asset.provider_id} {site_asset.serial} {site_asset.label}"
    }


def test_screen_sort_column_choice_and_tab_filter_apply(
    tenant, manager, pw, django_capture_on_commit_callbacks
):
    from synthese.preferences import columns_excluded_set

    with scope(tenant=tenant):
        columns_excluded_set(user=manager, tenant=tenant, tab_key="affaires", excluded=["probability"])
    job = run_export(
        tenant,
        manager,
        pw.world.customer,
        django_capture_on_commit_callbacks,
        sections=["affaires"],
        query="affaires-tri=number",
    )

    rows = sheet_rows(workbook_of(job), "Affaires")
    assert "Probabilité %" not in rows[0]
    assert rows[0][:3] == ("Numéro", "Intitulé", "Site")
    numbers = [row[0] for row in rows[1:]]
    assert numbers == sorted(numbers)
    deals = pw.world.rows["affaires"]
    # The screen's filters: the default 12-month period leaves the old deal out.
    assert set(numbers) == {deals[name].number for name in ("in", "bl", "site", "unlinked")}


def test_billing_rules_are_the_active_ones_with_real_numbers_and_dates(
    tenant, manager, pw, django_capture_on_commit_callbacks
):
    job = run_export(
        tenant, manager, pw.world.customer, django_capture_on_commit_callbacks, sections=["regles"]
    )

    rows = sheet_rows(workbook_of(job), "Règles de facturation")
    assert [row[2] for row in rows[1:]] == ["RN Copies noir", "RF Forfait"]
    assert isinstance(rows[1][8], int | float) and rows[1][10] == pytest.approx(0.0045)


def test_intervention_durations_become_decimal_hours(tenant, manager, pw, django_capture_on_commit_callbacks):
    job = run_export(
        tenant, manager, pw.world.customer, django_capture_on_commit_callbacks, sections=["interventions"]
    )

    rows = sheet_rows(workbook_of(job), "Interventions")
    assert rows[0][4] == "Durée (heures)"
    assert {row[4] for row in rows[1:]} == {1.5}  # 90 minutes typed "01.30"
    assert isinstance(rows[1][2], datetime.datetime)


def test_sites_give_two_sheets_one_line_per_site_then_per_business_line(
    tenant, manager, pw, django_capture_on_commit_callbacks
):
    from tests.tiers.factories_lists import SiteBusinessLineFactory

    siege, _agency = pw.world.sites
    bl1, bl2 = pw.world.lines
    with scope(tenant=tenant):
        SiteBusinessLineFactory(tenant=tenant, site=siege, business_line=bl2, rep=manager)
    job = run_export(
        tenant, manager, pw.world.customer, django_capture_on_commit_callbacks, sections=["sites"]
    )

    workbook = workbook_of(job)
    sites = sheet_rows(workbook, "Sites")
    assert [row[0] for row in sites[1:]] == ["Siège", "Agence"]
    assert sites[1][5] == ", ".join(sorted([bl1.name, bl2.name]))
    per_line = sheet_rows(workbook, "Sites - Commerciaux")
    assert [(row[0], row[5]) for row in per_line[1:]] == [
        ("Siège", name) for name in sorted([bl1.name, bl2.name])
    ] + [("Agence", bl2.name)]


def test_financements_et_grandeurs_show_the_last_vmm_and_reading_per_meter(
    tenant, manager, pw, django_capture_on_commit_callbacks
):
    job = run_export(
        tenant,
        manager,
        pw.world.customer,
        django_capture_on_commit_callbacks,
        sections=["financements"],
        query=f"bien={pw.world.asset.pk}",
    )

    header, row = sheet_rows(workbook_of(job), "Financements et grandeurs")
    values = dict(zip(header, row, strict=True))
    assert values["VMM Noir et blanc"] == 120
    assert values["Noir et blanc (dernier relevé)"] == 1000
    assert values["Reste à payer du financement"] == 5670
    assert values["Couvert"] is True
    assert Decimal(str(values["Couleur (dernier relevé)"])) == 300


def _state(tenant, user, customer, selection, query=""):
    from django.http import QueryDict

    from synthese.context import context_from_query
    from synthese.export_sections.common import ExportState

    data = QueryDict(query)
    ctx = context_from_query(data, tenant=tenant, user=user, customer=customer)
    return ExportState(ctx=ctx, query=data, selection=frozenset(selection))


@pytest.mark.parametrize("extra", [0, 6])
def test_situation_actuelle_and_financements_run_a_fixed_number_of_queries(
    tenant, manager, extra, django_assert_num_queries
):
    from synthese.export_sections import parc as parc_sections
    from tests.parc.factories_assets import FinancingFactory
    from tests.parc.factories_meters import MeterReadingFactory

    pw = build_parc_world(tenant, owner=manager, extra=extra)
    with scope(tenant=tenant):
        for index in range(extra):  # more assets with readings and financings, covered by C
            asset = pw.world.rows["parc"][f"extra{index}"]
            MeterReadingFactory(asset=asset, meter_type=pw.black, value=10 + index)
            FinancingFactory(asset=asset)
            from tests.parc.factories_contracts import cover

            cover(pw.world.contract, asset)
        state = _state(tenant, manager, pw.world.customer, {"situation", "hors_contrat"})
        # Meter types, last readings, last VMM, financings, rules, uncovered count, assets.
        with django_assert_num_queries(7):
            (situation,) = parc_sections.situation(state)
            rows = list(situation.rows)
        assert len(rows) == situation.count == 7 + 2 * extra
        # Count, assets: the readings, VMM and financings read for Situation actuelle are shared.
        with django_assert_num_queries(2):
            (sheet,) = parc_sections.financings_and_meters(state)
            assets = list(sheet.rows)
        assert len(assets) == sheet.count == 4 + extra
        # Alone: meter types, last readings, last VMM, financings, count, assets.
        alone = _state(tenant, manager, pw.world.customer, {"financements"})
        with django_assert_num_queries(6):
            (sheet,) = parc_sections.financings_and_meters(alone)
            assert len(list(sheet.rows)) == 4 + extra
