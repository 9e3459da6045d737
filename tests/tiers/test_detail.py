"""The third party's page: header, read-only sections, visibility (404s), constant query count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django_scopes import scope

from tests.factories import BusinessLineFactory, member
from tests.tiers.factories_lists import TagFactory, rich_third_party, third_party
from tiers.models import ThirdParty
from tiers.selectors_lists import iban_masked
from tiers.views.detail import page_actions, reverse_or_none


def url(record) -> str:
    return f"/tiers/{record.pk}/"


@pytest.fixture
def commercial(tenant):
    return member(tenant, "Commercial", first_name="Paul", last_name="Vendeur")


def test_detail_url_name(tenant):
    record = third_party(tenant, "Client Alpha")

    assert reverse("tiers:detail", kwargs={"pk": record.pk}) == url(record)


def test_detail_header_shows_identity_badges_tags_and_observations(tenant, commercial, login):
    vip = TagFactory(tenant=tenant, label="VIP")
    record = third_party(tenant, "Société Générale", code="C000042", tags=[vip], is_blocked=True)
    with scope(tenant=tenant):
        ThirdParty.objects.filter(pk=record.pk).update(
            siren="732829320",
            siret="73282932000074",
            naf="62.01Z",
            vat_number="FR44732829320",
            website="https://www.societe-generale.fr",
            observations="Livraison avant 10 h.",
        )

    response = login(commercial).get(url(record))

    content = response.content.decode()
    assert response.status_code == 200
    assert "C000042" in content and "Société Générale" in content
    assert '<span class="badge badge-success">Client</span>' in content
    assert '<span class="badge badge-danger">Compte bloqué</span>' in content
    assert "VIP" in content
    for value in (
        "732829320",
        "73282932000074",
        "62.01Z",
        "FR44732829320",
        "France",
        "Livraison avant 10 h.",
    ):
        assert value in content
    assert 'href="https://www.societe-generale.fr"' in content
    assert f'data-customer="{record.pk}"' in content


def test_detail_sections_show_addresses_sites_contacts_ship_tos_and_masked_iban(tenant, commercial, login):
    line = BusinessLineFactory(tenant=tenant, name="Impression")
    record = rich_third_party(tenant, "Client Riche", size=2, rep=commercial, business_line=line)

    content = login(commercial).get(url(record)).content.decode()

    assert 'href="tel:+33478000000"' in content and "04 78 00 00 00" in content
    assert 'href="mailto:site0@example.com"' in content
    assert content.lower().count(">par défaut</span>") >= 3  # address, contact, bank account
    assert '<span class="badge badge-success">Site principal</span>' in content
    assert "45.764043, 4.835659" in content
    assert "Impression : Paul Vendeur" in content
    assert "MARTIN0 Claire" in content and "Responsable achats" in content
    assert 'href="mailto:claire.martin0@example.com"' in content
    assert "Clients livrés" in content and "DAP — Rendu au lieu de destination" in content
    assert "FR76 •••• 0189" in content
    assert "FR7630006000011234567890189" not in content


def test_detail_without_rows_shows_empty_sections(tenant, commercial, login):
    record = third_party(tenant, "Prospect Nu", lifecycle="prospect_draft", with_site=False)

    content = login(commercial).get(url(record)).content.decode()

    for text in ("Aucun site.", "Aucun contact.", "Aucun client livré.", "Aucun compte bancaire."):
        assert text in content


def test_detail_of_another_tenants_third_party_is_404(tenant, other_tenant, commercial, login):
    foreign = third_party(other_tenant, "Client Ailleurs")

    response = login(commercial).get(url(foreign))

    assert response.status_code == 404


def test_detail_of_a_third_party_reserved_to_others_is_404(tenant, commercial, login):
    allowed = member(tenant, "Commercial")
    reserved = third_party(tenant, "Client Réservé", allowed_users=[allowed])

    refused = login(commercial).get(url(reserved))
    accepted = login(allowed).get(url(reserved))

    assert refused.status_code == 404
    assert accepted.status_code == 200
    assert "Accès réservé" in accepted.content.decode()


def test_detail_of_a_closed_third_party_needs_the_closed_accounts_right(tenant, commercial, login):
    closed = third_party(tenant, "Client Fermé", is_closed=True)

    refused = login(commercial).get(url(closed))
    accepted = login(member(tenant, "Manager")).get(url(closed))

    assert refused.status_code == 404
    assert accepted.status_code == 200
    assert '<span class="badge badge-danger">Fermé</span>' in accepted.content.decode()


def test_detail_of_a_missing_third_party_is_404(tenant, commercial, login):
    response = login(commercial).get("/tiers/999999/")

    assert response.status_code == 404


def test_detail_query_count_is_the_same_for_a_small_and_a_large_third_party(
    tenant, commercial, login, django_assert_num_queries
):
    line = BusinessLineFactory(tenant=tenant)
    small = rich_third_party(tenant, "Petit Client", size=1, rep=commercial, business_line=line)
    large = rich_third_party(tenant, "Grand Client", size=5, rep=commercial, business_line=line)
    client = login(commercial)
    client.get(url(small))
    with CaptureQueriesContext(connection) as small_queries:
        client.get(url(small))

    with django_assert_num_queries(len(small_queries)):
        response = client.get(url(large))

    assert response.content.decode().count("Site principal") == 1
    assert response.content.decode().count('href="mailto:claire.martin') == 5


def test_reverse_or_none_gives_none_for_a_page_not_built_yet(tenant):
    record = third_party(tenant, "Client Alpha")

    assert reverse_or_none("tiers:page_qui_nexiste_pas", record.pk) is None
    assert reverse_or_none("tiers:detail", record.pk) == url(record)


def test_page_actions_only_offer_existing_pages_the_user_may_use(tenant):
    record = third_party(tenant, "Client Alpha")
    commercial = member(tenant, "Commercial")
    technician = member(tenant, "Technicien")

    offered = page_actions(user=commercial, third_party=record)
    refused = page_actions(user=technician, third_party=record)

    every_url = [action.url for actions in offered.values() for action in actions]
    # Every offered page exists and is about this third party (tiers' pages and other apps' pages
    # registered on it, such as parc's).
    assert every_url
    assert all(resolve(link).kwargs and str(record.pk) in link.split("/") for link in every_url)
    refused_urls = [action.url for actions in refused.values() for action in actions]
    assert f"/tiers/{record.pk}/modifier/" not in refused_urls
    assert all(not link.startswith(f"/tiers/{record.pk}/") for link in refused_urls)


def test_iban_masked_keeps_the_country_key_and_last_four_digits():
    assert iban_masked("FR7630006000011234567890189") == "FR76 •••• 0189"
    assert iban_masked("FR76 3000 6000 0112 3456 7890 189") == "FR76 •••• 0189"
    assert iban_masked("") == ""
