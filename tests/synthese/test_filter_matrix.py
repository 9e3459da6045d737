"""Every ✓ cell of the synthèse's filter table (issue "synthèse client", § Filtres): for each
global filter, each tab keeps exactly the rows it must (tests/synthese/factories.py names them),
never a row of another customer or tenant, and the tab bar's counts agree."""

from __future__ import annotations

import pytest
from django_scopes import scope

from synthese.context import context_from_query
from synthese.tabs import TABS, tab_counts
from synthese.tabs_details import site_rows
from tests.factories import member
from tests.synthese.factories import build_world

BASE = {
    "affaires": {"in", "bl", "site", "unlinked"},
    "actions": {"in", "bl", "site", "unlinked", "future", "done_recently"},
    "devis": {"in", "bl", "site", "unlinked", "accepted"},
    "ssc": {"in", "bl", "old", "site", "unlinked"},
    "parc": {"in", "bl", "site", "unlinked", "equipment", "competitor"},
    "dit": {"in", "bl", "site", "unlinked"},
    "commandes": {"in", "bl", "site", "unlinked"},
    "pieces": {"in", "bl", "site", "unlinked", "asset_doc"},
    "signatures": {"in", "bl", "site", "unlinked"},
    "details": {"in", "site"},
}
WITH_PERIOD = {"affaires", "actions", "devis", "dit", "commandes", "pieces", "signatures"}


def _expected(filter_name: str) -> dict[str, set[str]]:
    expected = {key: set(names) for key, names in BASE.items()}
    if filter_name == "period":  # the widest period brings the old rows back, where it applies
        for key in WITH_PERIOD:
            expected[key].add("old")
    elif filter_name == "lines":
        for key in ("affaires", "actions", "devis", "ssc", "parc", "dit", "commandes"):
            expected[key].discard("bl")
    elif filter_name == "site":
        for key in (
            "affaires",
            "actions",
            "devis",
            "parc",
            "dit",
            "commandes",
            "pieces",
            "signatures",
            "details",
        ):
            expected[key].discard("site")
        expected["ssc"] = {"in", "bl", "old"}  # contracts covering an asset of the site
    elif filter_name == "contract":
        expected["ssc"] = {"in"}
        expected["parc"] = {"in", "bl", "site"}  # the (active) assets it covers
        expected["dit"] = {"in", "bl", "site"}  # the requests it covers
        expected["commandes"] = {"in", "bl", "site"}  # the orders carrying it
        expected["pieces"] = {"in", "bl", "site"}  # its documents
    elif filter_name == "asset":
        expected["ssc"] = {"in", "bl", "old"}  # the active contracts covering it
        expected["parc"] = {"in"}
        expected["dit"] = {"in", "bl", "site"}
        expected["pieces"] = {"asset_doc"}
    return expected


def _query(world, filter_name: str) -> dict[str, str]:
    query = {"mois": "12"}
    if filter_name == "period":
        query["mois"] = "240"
    elif filter_name == "lines":
        query["activites"] = str(world.lines[0].pk)
    elif filter_name == "site":
        query["site"] = str(world.sites[0].pk)
    elif filter_name == "contract":
        query["contrat"] = str(world.contract.pk)
    elif filter_name == "asset":
        query["bien"] = str(world.asset.pk)
    return query


def _keys(world, key: str, names) -> set:
    rows = world.rows[key]
    if key == "parc":
        kinds = {"equipment": "equipement", "competitor": "concurrent"}
        return {(kinds.get(name, "bien"), rows[name].pk) for name in names}
    if key == "details":
        return {rows[name].pk for name in names}
    return {rows[name].pk for name in names}


def _found(key: str, queryset) -> set:
    if key == "parc":
        return {(row["row_type"].split("-")[0], row["row_id"]) for row in queryset}
    return set(queryset.values_list("pk", flat=True))


@pytest.fixture
def worlds(tenant, other_tenant):
    world = build_world(tenant)
    build_world(tenant)  # another customer of the same tenant, with the same kinds of rows
    build_world(other_tenant)
    return world


@pytest.mark.parametrize("filter_name", ["none", "period", "lines", "site", "contract", "asset"])
def test_every_tab_keeps_exactly_its_rows(worlds, tenant, filter_name):
    world = worlds
    user = member(tenant, "Manager")
    with scope(tenant=tenant):
        ctx = context_from_query(
            _query(world, filter_name), tenant=tenant, user=user, customer=world.customer
        )
        expected = _expected(filter_name)
        for key, tab in TABS.items():
            assert _found(key, tab.rows(ctx)) == _keys(world, key, expected[key]), (key, filter_name)
        counts = tab_counts(ctx, list(TABS.values()))
    assert counts == {key: len(names) for key, names in expected.items()}


def test_details_business_lines_keep_the_sites_of_those_lines(worlds, tenant):
    world = worlds
    user = member(tenant, "Manager")
    with scope(tenant=tenant):
        everything = context_from_query({}, tenant=tenant, user=user, customer=world.customer)
        filtered = context_from_query(
            {"activites": str(world.lines[1].pk)}, tenant=tenant, user=user, customer=world.customer
        )
        assert set(site_rows(everything)) == set(world.sites)
        assert list(site_rows(filtered)) == [world.sites[1]]
