"""The customer and contact lists in a real browser: word-start search through htmx (URL kept in
the address bar), sorting, pagination, tel:/mailto: links, and what another tenant or a user
who is not allowed may (not) see."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import login_as, new_context, watched_page
from tests.e2e.tiers_support import logged_in_commercial
from tests.factories import member
from tests.tiers.factories import ContactFactory, ContactLinkFactory
from tests.tiers.factories_lists import third_party

pytestmark = pytest.mark.browser

CUSTOMERS = "/tiers/clients/"


def _results(page):
    return page.locator("#list-results")


def _search(page):
    return page.get_by_role("searchbox", name="Recherche", exact=True)


def _names(page):
    """The "Raison sociale" cells of the rows shown (expect(...).to_have_text([...]) checks their order)."""
    return _results(page).locator("tbody tr td:nth-child(2)")


def test_word_start_search_updates_the_results_through_htmx_and_keeps_the_url(page, live_server, tenant):
    # Arrange
    logged_in_commercial(page, tenant)
    third_party(tenant, "Société Générale Lyon Part-Dieu", code="C000001")
    third_party(tenant, "Associés Généraux", code="C000002")  # "soc" is not the start of a word
    third_party(tenant, "Agence Sogen", code="C000003")
    third_party(tenant, "Générale d'Optique", code="C000004")
    page.goto(CUSTOMERS)
    expect(_results(page).get_by_role("heading", level=2)).to_have_text("4 résultats")
    page.evaluate("window.__sameDocument = true")  # lost if the page were reloaded

    # Act
    _search(page).fill("soc gen")
    page.get_by_role("button", name="Filtrer").click()

    # Assert: only the results were swapped, and the URL carries the search.
    expect(page).to_have_url(re.compile(r"/tiers/clients/\?.*\bq=soc(\+|%20)gen\b"))
    expect(_results(page).get_by_role("heading", level=2)).to_have_text("1 résultat")
    expect(_names(page)).to_have_text(["Société Générale Lyon Part-Dieu"])
    assert page.evaluate("window.__sameDocument") is True
    expect(_search(page)).to_have_value("soc gen")

    # Act: the URL pushed by htmx, opened as a page of its own, gives the same list.
    page.goto(page.url)

    # Assert
    expect(_results(page).get_by_role("heading", level=2)).to_have_text("1 résultat")
    expect(_names(page)).to_have_text(["Société Générale Lyon Part-Dieu"])
    expect(_search(page)).to_have_value("soc gen")

    # Act: postal code and city words combine with the name's.
    _search(page).fill("gen 6900")
    page.get_by_role("button", name="Filtrer").click()

    # Assert
    expect(page).to_have_url(re.compile(r"\bq=gen(\+|%20)6900\b"))
    expect(_results(page).get_by_role("heading", level=2)).to_have_text("3 résultats")


def _code(index: int) -> str:
    return f"C{(index * 7) % 27:06d}"  # code order differs from name order


def test_sorting_by_a_column_and_paginating(page, tenant):
    # Arrange: 27 customers, more than a page (25).
    logged_in_commercial(page, tenant)
    for index in range(27):
        third_party(tenant, f"Client {index:02d}", code=_code(index), with_site=False)
    page.goto(CUSTOMERS)
    expect(_results(page).get_by_role("heading", level=2)).to_have_text("27 résultats")

    # Act: sort by code.
    _results(page).get_by_role("columnheader", name="Code", exact=True).get_by_role("link").click()

    # Assert
    expect(page).to_have_url(re.compile(r"[?&]tri=code\b"))
    by_code = sorted(range(27), key=_code)[:25]
    expect(_names(page)).to_have_text([f"Client {index:02d}" for index in by_code])

    # Act: sort by name.
    _results(page).get_by_role("columnheader", name="Raison sociale").get_by_role("link").click()

    # Assert
    expect(page).to_have_url(re.compile(r"[?&]tri=name\b"))
    expect(_names(page)).to_have_text([f"Client {index:02d}" for index in range(25)])

    # Act: the second click sorts descending.
    _results(page).get_by_role("columnheader", name="Raison sociale").get_by_role("link").click()

    # Assert
    expect(page).to_have_url(re.compile(r"[?&]tri=-name\b"))
    expect(_names(page)).to_have_text([f"Client {index:02d}" for index in range(26, 1, -1)])

    # Act: next page, the sort kept.
    _results(page).locator(".pagination").get_by_role("link", name="suivant").click()

    # Assert
    expect(page).to_have_url(re.compile(r"[?&]page=2\b"))
    expect(page).to_have_url(re.compile(r"[?&]tri=-name\b"))
    expect(_names(page)).to_have_text(["Client 01", "Client 00"])


def test_contact_page_reached_from_the_contact_list_shows_tel_and_mailto_links(page, tenant):
    # Arrange
    logged_in_commercial(page, tenant)
    customer = third_party(tenant, "Imprimerie Bellecour")
    contact = ContactFactory(
        tenant=tenant,
        first_name="Claire",
        last_name="Martin",
        phone="+33478123456",
        mobile="+33612345678",
        email="claire.martin@bellecour.fr",
    )
    ContactLinkFactory(third_party=customer, tenant=tenant, contact=contact)
    page.goto("/tiers/contacts/")

    # Act
    row = _results(page).get_by_role("row").filter(has_text="Martin")
    expect(row.get_by_role("link", name="claire.martin@bellecour.fr")).to_have_attribute(
        "href", "mailto:claire.martin@bellecour.fr"
    )
    row.get_by_role("link", name="MARTIN Claire").click()

    # Assert: the page under its third party, with the links.
    expect(page).to_have_url(re.compile(rf"/tiers/{customer.pk}/contacts/{contact.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("MARTIN Claire")
    coordinates = page.get_by_role("region", name="Coordonnées")
    expect(coordinates.get_by_role("link", name="04 78 12 34 56")).to_have_attribute(
        "href", "tel:+33478123456"
    )
    expect(coordinates.get_by_role("link", name="06 12 34 56 78")).to_have_attribute(
        "href", "tel:+33612345678"
    )
    expect(coordinates.get_by_role("link", name="claire.martin@bellecour.fr")).to_have_attribute(
        "href", "mailto:claire.martin@bellecour.fr"
    )


def test_another_tenants_third_party_and_contact_give_the_404_page(page, tenant, other_tenant):
    # Arrange
    logged_in_commercial(page, tenant)
    foreign = third_party(other_tenant, "Société Étrangère")
    contact = ContactFactory(tenant=other_tenant, last_name="Lointain")
    ContactLinkFactory(third_party=foreign, tenant=other_tenant, contact=contact)

    for url in (
        f"/tiers/{foreign.pk}/",
        f"/tiers/{foreign.pk}/contacts/{contact.pk}/",
        f"/tiers/{foreign.pk}/adresses/",
    ):
        # Act
        response = page.goto(url)

        # Assert
        assert response.status == 404, url
        expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
        expect(page.get_by_text("Cette page n'existe pas ou vous n'y avez pas accès.")).to_be_visible()
        expect(page.get_by_text("Société Étrangère")).to_have_count(0)

    # Act / Assert: not in the list either, even searched by name.
    page.goto(f"{CUSTOMERS}?q=etrangere")
    expect(_results(page).get_by_role("heading", level=2)).to_have_text("0 résultats")


def test_reserved_customer_hidden_from_a_user_who_is_not_allowed(page, browser, live_server, tenant):
    # Arrange: a customer reserved to another commercial.
    owner = member(tenant, "Commercial", first_name="Alice", last_name="Réservée")
    reserved = third_party(tenant, "Client Réservé Confidentiel", allowed_users=[owner])
    third_party(tenant, "Client Public")
    logged_in_commercial(page, tenant)

    # Act
    page.goto(CUSTOMERS)

    # Assert: only the public customer is listed; searching or opening the reserved one fails.
    expect(_results(page).get_by_role("heading", level=2)).to_have_text("1 résultat")
    expect(_names(page)).to_have_text(["Client Public"])
    _search(page).fill("confidentiel")
    page.get_by_role("button", name="Filtrer").click()
    expect(_results(page).get_by_role("heading", level=2)).to_have_text("0 résultats")
    assert page.goto(f"/tiers/{reserved.pk}/").status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")

    # Act: the allowed user, in a browser of her own.
    context = new_context(browser, live_server.url)
    try:
        owner_page, watcher = watched_page(context)
        login_as(owner_page, owner)
        owner_page.goto(CUSTOMERS)

        # Assert: she sees both, and opens the reserved one.
        expect(_results(owner_page).get_by_role("heading", level=2)).to_have_text("2 résultats")
        expect(_names(owner_page)).to_have_text(["Client Public", "Client Réservé Confidentiel"])
        assert owner_page.goto(f"/tiers/{reserved.pk}/").status == 200
        expect(owner_page.get_by_role("heading", level=1)).to_contain_text("Client Réservé Confidentiel")
        assert watcher.violations() == [] and watcher.page_errors == []
    finally:
        context.close()
