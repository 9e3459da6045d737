"""The customer and prospect lists: visibility, filters, word-start search, sorting, pagination."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope

from crm.models import Membership, MembershipBusinessLine
from crm.services.tenancy import SESSION_BUSINESS_LINES
from tests.factories import BusinessLineFactory, member
from tests.tiers.factories_lists import TagFactory, third_party
from tiers.models import Lifecycle

CUSTOMERS = "/tiers/clients/"
PROSPECTS = "/tiers/prospects/"


def names(response) -> list[str]:
    return [row.record.name for row in response.context["table"].page.object_list]


@pytest.fixture
def commercial(tenant):
    return member(tenant, "Commercial", first_name="Paul", last_name="Vendeur")


@pytest.fixture
def manager(tenant):
    return member(tenant, "Manager")


def test_customer_list_url_names():
    assert reverse("tiers:customer_list") == CUSTOMERS
    assert reverse("tiers:prospect_list") == PROSPECTS
    assert reverse("tiers:contact_list") == "/tiers/contacts/"


def test_customer_list_shows_customers_only(tenant, commercial, login):
    third_party(tenant, "Client Alpha")
    third_party(tenant, "Prospect Beta", lifecycle=Lifecycle.PROSPECT_DRAFT)

    response = login(commercial).get(CUSTOMERS)

    assert response.status_code == 200
    assert names(response) == ["Client Alpha"]
    assert "Client Alpha" in response.content.decode()


def test_prospect_list_shows_prospects_only_and_filters_on_lifecycle(tenant, commercial, login):
    third_party(tenant, "Client Alpha")
    third_party(tenant, "Prospect Brouillon", lifecycle=Lifecycle.PROSPECT_DRAFT)
    third_party(tenant, "Prospect Validé", lifecycle=Lifecycle.PROSPECT_VALIDATED)
    client = login(commercial)

    every = client.get(PROSPECTS)
    drafts = client.get(PROSPECTS, {"statut": "prospect_draft"})
    validated = client.get(PROSPECTS, {"statut": "prospect_validated"})

    assert names(every) == ["Prospect Brouillon", "Prospect Validé"]
    assert names(drafts) == ["Prospect Brouillon"]
    assert names(validated) == ["Prospect Validé"]


def test_list_rows_show_code_city_phone_badges_and_business_lines(tenant, commercial, login):
    line = BusinessLineFactory(tenant=tenant, name="Impression")
    record = third_party(
        tenant,
        "Société Générale",
        code="C000123",
        postal_code="69002",
        city="LYON",
        phone="+33478000001",
        business_lines=[line],
        is_blocked=True,
    )

    content = login(commercial).get(CUSTOMERS).content.decode()

    assert "C000123" in content
    assert f'href="/tiers/{record.pk}/"' in content
    assert "69002" in content and "LYON" in content
    assert 'href="tel:+33478000001"' in content and "04 78 00 00 01" in content
    assert '<span class="badge badge-success">Client</span>' in content
    assert '<span class="badge badge-danger">Compte bloqué</span>' in content
    assert "Impression" in content


def test_prospect_badges_say_draft_or_validated(tenant, commercial, login):
    third_party(tenant, "Prospect A", lifecycle=Lifecycle.PROSPECT_DRAFT)
    third_party(tenant, "Prospect B", lifecycle=Lifecycle.PROSPECT_VALIDATED)

    content = login(commercial).get(PROSPECTS).content.decode()

    assert ">Prospect brouillon</span>" in content
    assert ">Prospect validé</span>" in content


# --- Word-start search ----------------------------------------------------------------------------


def test_search_matches_every_word_in_name_and_city_in_any_order(tenant, commercial, login):
    third_party(tenant, "Société Générale", city="LYON", postal_code="69002")
    third_party(tenant, "Société Générale", code="PARIS1", city="PARIS", postal_code="75008")
    third_party(tenant, "Générale des Eaux", city="LYON", postal_code="69003")
    third_party(tenant, "Mosoc Generix", city="LYON", postal_code="69001")
    client = login(commercial)

    found = client.get(CUSTOMERS, {"q": "soc gen lyon"})
    reordered = client.get(CUSTOMERS, {"q": "LYON Gén SOC"})

    assert names(found) == ["Société Générale"]
    assert found.context["table"].page.object_list[0].record.main_city == "LYON"
    assert names(reordered) == ["Société Générale"]


def test_search_matches_the_start_of_the_postal_code(tenant, commercial, login):
    third_party(tenant, "Imprimerie Lyonnaise", postal_code="69002", city="LYON")
    third_party(tenant, "Bureau Parisien", postal_code="75008", city="PARIS")
    third_party(tenant, "Garage 1690", postal_code="13001", city="MARSEILLE")

    response = login(commercial).get(CUSTOMERS, {"q": "690"})

    assert names(response) == ["Imprimerie Lyonnaise"]


def test_search_is_accent_and_case_insensitive_on_name_and_city(tenant, commercial, login):
    third_party(tenant, "Œuvre Sociale Étoile", postal_code="42000", city="SAINT-ÉTIENNE")
    third_party(tenant, "Autre Client", postal_code="42000", city="ROANNE")
    client = login(commercial)

    by_city = client.get(CUSTOMERS, {"q": "etienne"})
    by_name = client.get(CUSTOMERS, {"q": "OEUVRE etoile"})

    assert names(by_city) == ["Œuvre Sociale Étoile"]
    assert names(by_name) == ["Œuvre Sociale Étoile"]


def test_search_refuses_a_word_matching_only_inside_a_word(tenant, commercial, login):
    third_party(tenant, "Informatique Durand", city="LYON")

    response = login(commercial).get(CUSTOMERS, {"q": "matique"})

    assert names(response) == []
    assert "Aucun résultat." in response.content.decode()


# --- Filters --------------------------------------------------------------------------------------


def test_filter_name_code_postal_code_and_city(tenant, commercial, login):
    third_party(tenant, "Alpha Bureautique", code="ALP01", postal_code="69002", city="LYON")
    third_party(tenant, "Beta Informatique", code="BET01", postal_code="75008", city="PARIS")
    third_party(tenant, "Gamma Bureautique", code="GAM01", postal_code="69100", city="VILLEURBANNE")
    client = login(commercial)

    assert names(client.get(CUSTOMERS, {"nom": "bureau"})) == ["Alpha Bureautique", "Gamma Bureautique"]
    assert names(client.get(CUSTOMERS, {"code": "bet"})) == ["Beta Informatique"]
    assert names(client.get(CUSTOMERS, {"code_postal": "691"})) == ["Gamma Bureautique"]
    assert names(client.get(CUSTOMERS, {"ville": "villeur"})) == ["Gamma Bureautique"]
    assert names(client.get(CUSTOMERS, {"ville": "urbanne"})) == []


def test_filter_rep_keeps_third_parties_where_the_user_is_rep_of_a_site_business_line(
    tenant, commercial, login
):
    line = BusinessLineFactory(tenant=tenant)
    other_rep = member(tenant, "Commercial")
    third_party(tenant, "Suivi par Paul", business_lines=[line], rep=commercial)
    third_party(tenant, "Suivi par un autre", business_lines=[line], rep=other_rep)
    client = login(commercial)

    response = client.get(CUSTOMERS, {"commercial": commercial.pk})

    assert names(response) == ["Suivi par Paul"]
    assert "Paul Vendeur (" in response.content.decode()


def test_filter_rep_refused_for_a_user_of_another_tenant(tenant, other_tenant, commercial, login):
    outsider = member(other_tenant, "Commercial")
    third_party(tenant, "Client Alpha")

    response = login(commercial).get(CUSTOMERS, {"commercial": outsider.pk})

    assert response.context["filter"].form.errors["commercial"] == [
        "Sélectionnez un choix valide. Ce choix ne fait pas partie de ceux disponibles."
    ]


def test_filter_tags_keeps_third_parties_with_one_of_the_tags(tenant, commercial, login):
    vip = TagFactory(tenant=tenant, label="VIP")
    tender = TagFactory(tenant=tenant, label="Appel d'offres")
    third_party(tenant, "Client VIP", tags=[vip])
    third_party(tenant, "Client AO", tags=[tender])
    third_party(tenant, "Client sans étiquette")
    client = login(commercial)

    assert names(client.get(CUSTOMERS, {"etiquettes": [vip.pk]})) == ["Client VIP"]
    assert names(client.get(CUSTOMERS, {"etiquettes": [vip.pk, tender.pk]})) == ["Client AO", "Client VIP"]


def test_filter_business_line_defaults_to_the_users_selection(tenant, login):
    printing = BusinessLineFactory(tenant=tenant, name="Impression")
    phones = BusinessLineFactory(tenant=tenant, name="Téléphonie")
    user = member(tenant, "Commercial")
    with scope(tenant=tenant):
        membership = Membership.objects.get(user=user)
        MembershipBusinessLine.objects.create(tenant=tenant, membership=membership, business_line=printing)
    third_party(tenant, "Client Impression", business_lines=[printing])
    third_party(tenant, "Client Téléphonie", business_lines=[phones])
    client = login(user)

    default = client.get(CUSTOMERS)
    every = client.get(CUSTOMERS, {"activite": "toutes"})
    chosen = client.get(CUSTOMERS, {"activite": [phones.pk]})

    assert names(default) == ["Client Impression"]
    assert names(every) == ["Client Impression", "Client Téléphonie"]
    assert names(chosen) == ["Client Téléphonie"]


def test_filter_business_line_follows_the_top_bar_selection_of_the_session(tenant, commercial, login):
    printing = BusinessLineFactory(tenant=tenant, name="Impression")
    phones = BusinessLineFactory(tenant=tenant, name="Téléphonie")
    third_party(tenant, "Client Impression", business_lines=[printing])
    third_party(tenant, "Client Téléphonie", business_lines=[phones])
    client = login(commercial)
    session = client.session
    session[SESSION_BUSINESS_LINES] = [phones.pk]
    session.save()

    response = client.get(CUSTOMERS)

    assert names(response) == ["Client Téléphonie"]


def test_filter_business_line_shows_everything_when_nothing_is_selected(tenant, commercial, login):
    printing = BusinessLineFactory(tenant=tenant)
    third_party(tenant, "Client avec activité", business_lines=[printing])
    third_party(tenant, "Client sans site", with_site=False)

    response = login(commercial).get(CUSTOMERS)

    assert names(response) == ["Client avec activité", "Client sans site"]


def test_closed_customers_hidden_without_the_right_even_when_asked(tenant, commercial, login):
    third_party(tenant, "Client Ouvert")
    third_party(tenant, "Client Fermé", is_closed=True)
    client = login(commercial)

    default = client.get(CUSTOMERS)
    asked = client.get(CUSTOMERS, {"etat": "fermes"})

    assert names(default) == ["Client Ouvert"]
    assert names(asked) == ["Client Ouvert"]
    assert "etat" not in default.context["filter"].form.fields


def test_closed_customers_shown_on_demand_with_the_right(tenant, manager, login):
    third_party(tenant, "Client Ouvert")
    third_party(tenant, "Client Fermé", is_closed=True)
    client = login(manager)

    default = client.get(CUSTOMERS)
    closed = client.get(CUSTOMERS, {"etat": "fermes"})
    both = client.get(CUSTOMERS, {"etat": "tous"})

    assert names(default) == ["Client Ouvert"]
    assert names(closed) == ["Client Fermé"]
    assert '<span class="badge badge-danger">Fermé</span>' in closed.content.decode()
    assert names(both) == ["Client Fermé", "Client Ouvert"]


def test_reserved_customer_listed_only_for_its_allowed_users(tenant, commercial, manager, login):
    third_party(tenant, "Client Réservé", allowed_users=[commercial])
    third_party(tenant, "Client Public")

    allowed = login(commercial).get(CUSTOMERS)
    other = login(manager).get(CUSTOMERS)

    assert names(allowed) == ["Client Public", "Client Réservé"]
    assert names(other) == ["Client Public"]


def test_another_tenants_customers_are_never_listed(tenant, other_tenant, commercial, login):
    third_party(tenant, "Client Maison", city="LYON")
    third_party(other_tenant, "Client Ailleurs", city="LYON")

    every = login(commercial).get(CUSTOMERS, {"activite": "toutes", "q": "client"})

    assert names(every) == ["Client Maison"]


# --- Sorting, pagination, partial -----------------------------------------------------------------


def test_sorting_by_a_column_in_both_directions(tenant, commercial, login):
    third_party(tenant, "Beta", postal_code="13001", city="MARSEILLE")
    third_party(tenant, "Alpha", postal_code="75008", city="PARIS")
    third_party(tenant, "Gamma", postal_code="69002", city="LYON")
    client = login(commercial)

    assert names(client.get(CUSTOMERS)) == ["Alpha", "Beta", "Gamma"]
    assert names(client.get(CUSTOMERS, {"tri": "-name"})) == ["Gamma", "Beta", "Alpha"]
    assert names(client.get(CUSTOMERS, {"tri": "main_city"})) == ["Gamma", "Beta", "Alpha"]
    assert names(client.get(CUSTOMERS, {"tri": "-main_postal_code"})) == ["Alpha", "Gamma", "Beta"]


def test_pagination_shows_25_rows_per_page(tenant, commercial, login):
    for index in range(30):
        third_party(tenant, f"Client {index:02d}")
    client = login(commercial)

    first = client.get(CUSTOMERS)
    second = client.get(CUSTOMERS, {"page": 2})

    assert len(names(first)) == 25
    assert names(second) == [f"Client {index}" for index in range(25, 30)]
    assert "30 résultats" in first.content.decode()


def test_htmx_request_renders_only_the_results(tenant, commercial, login):
    third_party(tenant, "Client Alpha")

    response = login(commercial).get(CUSTOMERS, {"q": "alpha"}, headers={"HX-Request": "true"})

    content = response.content.decode()
    assert 'id="list-results"' in content
    assert "<html" not in content
    assert "Client Alpha" in content


def test_left_navigation_links_to_the_lists(tenant, commercial, login):
    content = login(commercial).get(CUSTOMERS).content.decode()

    assert f'href="{CUSTOMERS}" class="active"' in content
    assert f'href="{PROSPECTS}"' in content
    assert 'href="/tiers/contacts/"' in content


# --- Query counts ---------------------------------------------------------------------------------


def query_count(client, url) -> int:
    """The number of queries of one GET (the reference count of the small case)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("url", "lifecycle"), [(CUSTOMERS, Lifecycle.CUSTOMER), (PROSPECTS, Lifecycle.PROSPECT_VALIDATED)]
)
def test_list_page_query_count_is_the_same_for_2_and_30_rows(
    tenant, manager, login, django_assert_num_queries, url, lifecycle
):
    line = BusinessLineFactory(tenant=tenant)
    tag = TagFactory(tenant=tenant)
    client = login(manager)
    for index in range(2):
        third_party(
            tenant,
            f"Tiers {index}",
            lifecycle=lifecycle,
            phone="+33478000000",
            business_lines=[line],
            rep=manager,
            tags=[tag],
        )
    client.get(url)  # warm the session and permission caches like any later page
    small = query_count(client, url)
    for index in range(2, 30):
        third_party(
            tenant,
            f"Tiers {index}",
            lifecycle=lifecycle,
            phone="+33478000000",
            business_lines=[line],
            rep=manager,
            tags=[tag],
        )

    with django_assert_num_queries(small):
        response = client.get(url)

    assert len(names(response)) == 25
