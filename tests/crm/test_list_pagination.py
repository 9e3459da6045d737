"""Pagination of the list screens (crm/views/pagination.py): a page size or a page number from
the query string that makes no sense shows a page instead of failing (found by tests/fuzz)."""

from __future__ import annotations

import pytest

from tests.factories import member
from tests.tiers.factories_lists import third_party

CUSTOMERS = "/tiers/clients/"


def _names(response) -> list[str]:
    return [row.record.name for row in response.context["table"].page.object_list]


@pytest.fixture
def commercial_client(tenant, login):
    for index in range(30):
        third_party(tenant, f"Client {index:02d}")
    return login(member(tenant, "Commercial"))


@pytest.mark.parametrize("per_page", ["0", "-5", "101", "abc", "99999999999999999999"])
def test_a_page_size_out_of_bounds_keeps_25_rows(commercial_client, per_page):
    response = commercial_client.get(CUSTOMERS, {"per_page": per_page})

    assert response.status_code == 200
    assert len(_names(response)) == 25


def test_a_page_size_within_bounds_is_kept(commercial_client):
    response = commercial_client.get(CUSTOMERS, {"per_page": "10"})

    assert len(_names(response)) == 10


@pytest.mark.parametrize("page", ["-1", "0", "99999999999999999999", "deux"])
def test_a_page_number_out_of_range_shows_a_page(commercial_client, page):
    response = commercial_client.get(CUSTOMERS, {"page": page})

    assert response.status_code == 200
    assert _names(response)
    assert "30 résultats" in response.content.decode()


@pytest.mark.parametrize("sort", [".", "-", "inconnu", "name;DROP TABLE tiers_thirdparty", ",,"])
def test_an_unknown_sort_key_is_ignored(commercial_client, sort):
    response = commercial_client.get(CUSTOMERS, {"tri": sort})

    assert response.status_code == 200
    assert len(_names(response)) == 25


def test_a_known_sort_key_still_sorts(commercial_client):
    descending = commercial_client.get(CUSTOMERS, {"tri": "-name"})

    assert _names(descending)[0] == "Client 29"
