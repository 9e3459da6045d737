"""The postal-code ↔ city lookup: the selector and its JSON endpoint (tiers:postal_lookup)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import UserFactory, member
from tiers.services.reference import postal_lookup

URL = "/tiers/codes-postaux/"


def test_lookup_url_is_the_documented_one():
    assert reverse("tiers:postal_lookup") == URL


def test_lookup_by_code_prefix(db):
    places = postal_lookup(code="6900")

    assert [place.postal_code for place in places] == [f"6900{n}" for n in range(1, 10)]
    assert {place.city for place in places} == {"LYON"}


def test_lookup_by_city_puts_the_city_itself_first(db):
    places = postal_lookup(city="lyo")

    assert places[0].city == "LYON"
    assert places[0].postal_code == "69001"


def test_lookup_by_city_ignores_accents_and_case(db):
    plain = postal_lookup(city="SAINT DENIS LES BOURG")
    accented = postal_lookup(city="saint-denis-lès-bourg")

    assert plain == accented
    assert plain[0].postal_code == "01000"
    assert plain[0].city == "SAINT-DENIS-LÈS-BOURG"


def test_lookup_by_city_matches_the_start_of_any_word(db):
    cities = {place.city for place in postal_lookup(city="lès bourg", limit=50)}

    assert "SAINT-DENIS-LÈS-BOURG" in cities


def test_lookup_by_city_refused_when_the_text_is_only_inside_a_word(db):
    cities = {place.city for place in postal_lookup(city="yon")}

    assert "LYON" not in cities
    assert "YONVAL" in cities


def test_lookup_by_code_and_city_combined(db):
    places = postal_lookup(code="20", city="ajaccio")

    assert {(place.postal_code, place.subdivision) for place in places} >= {("20000", "2A")}
    assert all(place.city == "AJACCIO" for place in places)


@pytest.mark.parametrize(("code", "city"), [("", ""), ("6", ""), ("", "l"), ("ab", "")])
def test_lookup_gives_nothing_for_too_short_or_non_digit_input(db, code, city):
    assert postal_lookup(code=code, city=city) == []


def test_lookup_is_limited_to_twenty(db):
    assert len(postal_lookup(code="75")) == 20
    assert len(postal_lookup(code="75", limit=5)) == 5


def test_lookup_endpoint_by_code_returns_the_json_shape(client, tenant):
    client.force_login(member(tenant, "Technicien"))

    response = client.get(URL, {"code": "75001"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == [{"postal_code": "75001", "city": "PARIS", "subdivision": "75"}]


def test_lookup_endpoint_by_city_with_accents(client, tenant):
    client.force_login(member(tenant, "Commercial"))

    response = client.get(URL, {"ville": "Lès Bourg"})

    assert {"postal_code": "01000", "city": "SAINT-DENIS-LÈS-BOURG", "subdivision": "01"} in response.json()


def test_lookup_endpoint_returns_at_most_twenty(client, tenant):
    client.force_login(member(tenant, "Commercial"))

    response = client.get(URL, {"code": "1"})
    many = client.get(URL, {"ville": "saint"})

    assert response.json() == []
    assert len(many.json()) == 20


def test_lookup_endpoint_refused_without_a_company(client, db):
    client.force_login(UserFactory())

    response = client.get(URL, {"code": "75001"})

    assert response.status_code == 403


def test_lookup_endpoint_refused_for_a_post(client, tenant):
    client.force_login(member(tenant, "Commercial"))

    response = client.post(URL, {"code": "75001"})

    assert response.status_code == 405


def test_lookup_reads_only_the_start_of_a_long_text(db, django_assert_max_num_queries):
    """Found by tests/fuzz: 10,000 characters of short words made one condition per word, a query
    that ran for minutes. Only the first words of the first 60 characters are read."""
    with django_assert_max_num_queries(1):
        places = postal_lookup(city="lyon " + "a " * 5000, code="6" * 10_000)

    assert places == []
    assert postal_lookup(city="lyon" + " " * 10_000 + "zzz")[0].city == "LYON"
