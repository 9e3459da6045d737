"""Each tab's body (Tab.render): its own filters, its table's sort and pages under per-tab
parameters, the highlighted row, and a constant number of queries for a small and a larger
customer."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django_scopes import scope

from synthese.context import context_from_query
from synthese.tabs import TABS, tab_counts
from synthese.tabs_parc import parc_rows
from tests.factories import member
from tests.synthese.factories import build_world


def _request(tenant, user, query: dict):
    request = RequestFactory().get("/synthese/1/", query)
    request.tenant = tenant
    request.user = user
    return request


def _render(tenant, user, world, key: str, query: dict | None = None) -> str:
    query = {"onglet": key, "mois": "12", **(query or {})}
    request = _request(tenant, user, query)
    ctx = context_from_query(request.GET, tenant=tenant, user=user, customer=world.customer)
    return TABS[key].render(request, ctx)


@pytest.fixture
def manager(tenant):
    return member(tenant, "Manager")


@pytest.fixture
def world(tenant):
    return build_world(tenant)


def test_every_tab_renders_its_rows_with_its_own_parameters(world, tenant, manager):
    with scope(tenant=tenant):
        for key in TABS:
            html = _render(tenant, manager, world, key)
            assert f'id="onglet-{key}"' in html
            assert f"{key}-tri=" in html  # sort links carry the tab's prefix


def test_deals_filter_treated(world, tenant, manager):
    deal = world.rows["affaires"]["in"]
    with scope(tenant=tenant):
        deal.status = "treated"
        deal.save(update_fields=["status"])
        treated = _render(tenant, manager, world, "affaires", {"affaires-statut": "treated"})
        untreated = _render(tenant, manager, world, "affaires", {"affaires-statut": "untreated"})
        everything = _render(tenant, manager, world, "affaires")
    assert deal.number in treated and deal.number not in untreated and deal.number in everything
    assert world.rows["affaires"]["bl"].number in untreated


def test_quotes_filter_status_and_deal(world, tenant, manager):
    quotes = world.rows["devis"]
    with scope(tenant=tenant):
        accepted = _render(tenant, manager, world, "devis", {"devis-statut": "accepted"})
        with_deal = _render(tenant, manager, world, "devis", {"devis-affaire": "avec"})
        without_deal = _render(tenant, manager, world, "devis", {"devis-affaire": "sans"})
    assert quotes["accepted"].number in accepted and quotes["in"].number not in accepted
    assert quotes["accepted"].number in with_deal and quotes["in"].number not in with_deal
    assert quotes["in"].number in without_deal and quotes["accepted"].number not in without_deal
    assert quotes["technical"].number not in accepted + with_deal + without_deal


def test_contracts_active_by_default_all_on_demand_and_by_type(world, tenant, manager):
    contracts = world.rows["ssc"]
    with scope(tenant=tenant):
        default = _render(tenant, manager, world, "ssc")
        everything = _render(tenant, manager, world, "ssc", {"ssc-statut": "toutes"})
        garbage = _render(tenant, manager, world, "ssc", {"ssc-statut": "n'importe quoi"})
        by_type = _render(
            tenant,
            manager,
            world,
            "ssc",
            {"ssc-statut": "toutes", "ssc-type": str(contracts["in"].contract_type_id)},
        )
    assert contracts["inactive"].code not in default and contracts["in"].code in default
    assert contracts["inactive"].code in everything
    assert contracts["inactive"].code not in garbage  # an invalid value falls back to "Actives"
    assert contracts["in"].code in by_type
    assert f"contrat={contracts['in'].pk}" in default  # its "Filtrer" button


def test_requests_open_by_default_then_by_state(world, tenant, manager):
    requests = world.rows["dit"]
    with scope(tenant=tenant):
        default = _render(tenant, manager, world, "dit")
        closed = _render(tenant, manager, world, "dit", {"dit-etat": "closed"})
        everything = _render(tenant, manager, world, "dit", {"dit-etat": "toutes"})
    assert requests["closed"].number not in default and requests["in"].number in default
    assert requests["closed"].number in closed and requests["in"].number not in closed
    assert requests["closed"].number in everything and requests["in"].number in everything


def test_parc_type_filter_and_inactive_rows(world, tenant, manager):
    assets = world.rows["parc"]
    with scope(tenant=tenant):
        ctx = context_from_query({}, tenant=tenant, user=manager, customer=world.customer)
        equipment_only = {row["row_id"] for row in parc_rows(ctx, row_type="equipement")}
        competitor_only = {row["row_type"] for row in parc_rows(ctx, row_type="concurrent-printing")}
        with_inactive = {row["row_id"] for row in parc_rows(ctx, row_type="bien", inactive=True)}
        html = _render(tenant, manager, world, "parc", {"parc-type": "bien", "parc-inactifs": "on"})
    assert equipment_only == {assets["equipment"].pk}
    assert competitor_only == {"concurrent-printing"}
    assert assets["removed"].pk in with_inactive
    assert f'id="bien-{assets["removed"].pk}"' in html
    assert f"bien={assets['in'].pk}" in html  # "Filtrer" on an asset row


def test_parc_default_order_business_line_install_date_model_serial(tenant, manager):
    world = build_world(tenant, extra=0)
    assets = world.rows["parc"]
    with scope(tenant=tenant):
        ctx = context_from_query({}, tenant=tenant, user=manager, customer=world.customer)
        rows = list(TABS["parc"].rows(ctx))
    first_line = [row for row in rows if row["bl_name"] == world.lines[0].name]
    # Assets of the first line by install date (2020 before 2024), then the rows without a date.
    dates = [row["install_date"] for row in first_line]
    dated = [d for d in dates if d is not None]
    assert dated == sorted(dated) and dates[: len(dated)] == dated
    assert first_line[0]["row_id"] in {assets["unlinked"].pk, assets["site"].pk}


def test_parc_detail_panel_of_an_asset_and_a_competitor(world, tenant, manager):
    asset = world.asset
    competitor = world.rows["parc"]["competitor"]
    with scope(tenant=tenant):
        panel = _render(tenant, manager, world, "parc", {"parc-detail": f"bien-{asset.pk}"})
        other = _render(tenant, manager, world, "parc", {"parc-detail": f"concurrent-{competitor.pk}"})
        missing = _render(tenant, manager, world, "parc", {"parc-detail": "bien-999999"})
    assert asset.article.brand.name in panel and "Couvert" in panel
    assert competitor.competitor in other and "Financement" in other
    assert "n'existe pas pour ce client" in missing


def test_highlighted_row(world, tenant, manager):
    order = world.rows["commandes"]["in"]
    with scope(tenant=tenant):
        html = _render(tenant, manager, world, "commandes", {"ligne": f"commande-{order.pk}"})
    assert f'id="commande-{order.pk}" class="is-highlighted' in html


def test_details_sections_and_inactive_contacts_on_demand(world, tenant, manager):
    contacts = world.rows["details"]
    with scope(tenant=tenant):
        default = _render(tenant, manager, world, "details")
        everything = _render(tenant, manager, world, "details", {"details-inactifs": "1"})
    inactive = contacts["inactive"].contact.last_name.upper()
    assert inactive not in default and inactive in everything
    assert f"site={world.sites[0].pk}" in default  # "Filtrer" on a site
    assert "Devis techniques en cours" in default and world.rows["devis"]["technical"].number in default


# Exact queries of each tab's body (ctx built): count + page of each table, plus the choices of
# a filter (SSC types) and the Détails' sections (sites + their lines, quotes, characteristics).
QUERIES = {
    "actions": 2,
    "affaires": 2,
    "commandes": 2,
    "details": 9,
    "devis": 2,
    "dit": 2,
    "parc": 2,
    "pieces": 2,
    "signatures": 2,
    "ssc": 3,
}


@pytest.mark.parametrize("key", sorted(TABS))
def test_query_count_is_the_same_for_a_small_and_a_larger_customer(
    tenant, manager, key, django_assert_num_queries
):
    small = build_world(tenant)
    large = build_world(tenant, extra=30)
    with scope(tenant=tenant):
        _render(tenant, manager, small, key)  # warm the content-type cache
        for world in (small, large):
            request = _request(tenant, manager, {"onglet": key, "mois": "12"})
            ctx = context_from_query(request.GET, tenant=tenant, user=manager, customer=world.customer)
            with django_assert_num_queries(QUERIES[key]):
                TABS[key].render(request, ctx)


def test_tab_counts_is_one_query(world, tenant, manager, django_assert_num_queries):
    with scope(tenant=tenant):
        ctx = context_from_query({}, tenant=tenant, user=manager, customer=world.customer)
        manager.has_perm("tiers.view_contact")  # the membership's permissions, loaded once per request
        with django_assert_num_queries(1):
            tab_counts(ctx, list(TABS.values()))
