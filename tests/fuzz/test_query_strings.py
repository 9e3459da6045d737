"""Query strings, fuzzed (hypothesis): the list pages of every app and every tab of the synthèse
answer 200, 400 or a redirect to unknown filters and parameters, SQL-looking text, NUL bytes,
10,000-character values, negative or huge page numbers and sort keys that do not exist; never a
server error.

The list pages are the matrix's GET URLs whose view is a crm.views.lists.FilteredListView, or
whose name ends in ``_list``; the synthèse's URLs are those of the ``synthese`` namespace, and its
tabs are the ``onglet`` values of synthese.tabs.TABS.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from crm.views.lists import FilteredListView
from synthese import context as synthese_context
from synthese.tabs import TABS
from tests.fuzz.strategies import INJECTION_SAMPLES, NUMBER_SAMPLES, UNICODE_SAMPLES, hostile_text
from tests.fuzz.targets import get_patterns, url_for

# A GET costs a page render: 10 query strings per list page and per tab in "ci" keep the folder's
# run time within budget (100 in the "resilience" profile).
QUERY_EXAMPLES_SHARE = 10

HUGE_VALUE = "9" * 10_000
QUERY_SAMPLES = (
    *INJECTION_SAMPLES,
    *UNICODE_SAMPLES,
    *NUMBER_SAMPLES,
    "' OR 1=1 --",
    "1; DROP TABLE crm_company",
    "\x00",
    "a\x00b",
    HUGE_VALUE,
    "x" * 10_000,
    "-1",
    "0",
    "-99999999999999999999",
    "99999999999999999999",
    "-nope",
    "nope",
    "name__password",
    "-tenant__name",
    "2024-02-30",
    "0000-00-00",
    "true",
    "on",
)
# Parameters the views read (django-tables2's, the lists', the synthèse's sections), plus a few
# usual names they do not know.
COMMON_PARAMETERS = (
    "page",
    "per_page",
    "tri",
    "sort",
    "q",
    "o",
    "ordering",
    "export",
    "format",
    "_",
    "client",
    "vue",
    "type",
    "telephone",
    "group",
    "regles",
    "affaire",
    "next",
    "apercu",
    "historique",
    "inactifs",
    "activite",
    "date",
)


def _list_view(pattern) -> bool:
    view = getattr(pattern.callback, "view_class", None)
    is_list = isinstance(view, type) and issubclass(view, FilteredListView)
    return is_list or (pattern.name or "").endswith("_list")


LIST_PAGES = get_patterns(_list_view)
SYNTHESE_PAGES = get_patterns(lambda pattern: pattern.namespace == "synthese")


def _values() -> st.SearchStrategy[list[str]]:
    return st.lists(st.one_of(st.sampled_from(QUERY_SAMPLES), hostile_text()), min_size=1, max_size=2)


def _query(parameter_names: list[str]) -> st.SearchStrategy[dict]:
    unknown = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20)
    keys = st.one_of(st.sampled_from(parameter_names), st.sampled_from(parameter_names), unknown)
    return st.dictionaries(keys, _values(), max_size=6)


def _filter_names(url_name: str) -> list[str]:
    from tests import matrix

    pattern = next(p for p in matrix.resolver_patterns() if p.name == url_name)
    view = getattr(pattern.callback, "view_class", None)
    filterset_class = getattr(view, "filterset_class", None)
    names = list(getattr(filterset_class, "base_filters", {}) or {})
    return names


def _examples() -> int:
    return max(10, settings.default.max_examples // QUERY_EXAMPLES_SHARE)


def _fuzz_get(
    client, url: str, parameter_names: list[str], headers: dict | None = None, fixed: dict | None = None
) -> None:
    @settings(max_examples=_examples())
    @given(query=_query(parameter_names), htmx=st.booleans())
    def run(query, htmx):
        sent_headers = dict(headers or {})
        if htmx:
            sent_headers["HX-Request"] = "true"
        with transaction.atomic():
            response = client.get(url, {**query, **(fixed or {})}, headers=sent_headers)
            transaction.set_rollback(True)
        assert response.status_code < 500
        assert response.status_code in (200, 204, 301, 302, 303, 400, 404), (response.status_code, query)

    run()


@pytest.mark.parametrize("url_name", LIST_PAGES)
def test_list_page_survives_query_fuzzing(fuzz_client, fuzz_user, tenant, other_tenant, url_name):
    url = url_for(url_name, tenant, other_tenant, fuzz_user)

    _fuzz_get(fuzz_client, url, [*_filter_names(url_name), *COMMON_PARAMETERS])


@pytest.mark.parametrize("url_name", SYNTHESE_PAGES)
def test_synthese_page_survives_query_fuzzing(fuzz_client, fuzz_user, tenant, other_tenant, url_name):
    url = url_for(url_name, tenant, other_tenant, fuzz_user)
    names = [value for key, value in vars(synthese_context).items() if key.startswith("P_")]

    _fuzz_get(fuzz_client, url, [*names, *COMMON_PARAMETERS])


@pytest.mark.parametrize("tab", sorted(TABS))
def test_synthese_tab_survives_query_fuzzing(fuzz_client, fuzz_user, tenant, other_tenant, tab):
    url = url_for("synthese:customer", tenant, other_tenant, fuzz_user)
    names = [value for key, value in vars(synthese_context).items() if key.startswith("P_")]
    tab_names = [f"{tab}-{name}" for name in ("sort", "page", "per_page", "statut", "etat", "q", "du", "au")]

    _fuzz_get(
        fuzz_client,
        url,
        [*names, *tab_names, *COMMON_PARAMETERS],
        headers={"HX-Target": f"onglet-{tab}"},
        fixed={synthese_context.P_TAB: tab},
    )


def test_list_and_synthese_pages_are_found():
    assert len(LIST_PAGES) >= 10
    assert "synthese:customer" in SYNTHESE_PAGES and "tiers:customer_list" in LIST_PAGES
