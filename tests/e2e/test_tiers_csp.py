"""Every screen of the third parties (lists, create, the third party's page and its sub-pages,
a contact's page) loads in a real browser without a CSP violation or a script error."""

from __future__ import annotations

import pytest
from django_scopes import scope
from playwright.sync_api import expect

from tests.e2e.helpers import login_as
from tests.e2e.tiers_support import company_defaults
from tests.factories import member
from tests.tiers.factories_lists import rich_third_party
from tiers.models import ContactLink

pytestmark = pytest.mark.browser


def _pages(customer_pk: int, contact_pk: int) -> dict[str, str]:
    """{URL: its <h1>} of the screens checked."""
    base = f"/tiers/{customer_pk}"
    return {
        "/tiers/clients/": "Clients",
        "/tiers/prospects/": "Prospects",
        "/tiers/contacts/": "Contacts",
        "/tiers/nouveau/?type=client": "Nouveau client",
        "/tiers/nouveau/?type=prospect": "Nouveau prospect",
        f"{base}/": "Imprimerie Bellecour",
        f"{base}/modifier/": "",
        f"{base}/adresses/": "",
        f"{base}/roles/": "",
        f"{base}/acces/": "",
        f"{base}/fermer/": "Fermer le tiers",
        f"{base}/sites/": "",
        f"{base}/livraison/": "",
        f"{base}/banques/": "",
        f"{base}/contacts/nouveau/": "",
        f"{base}/contacts/{contact_pk}/": "MARTIN0 Claire",
        f"{base}/contacts/{contact_pk}/modifier/": "",
    }


def test_tiers_screens_load_without_csp_violation(csp_watcher, tenant):
    # Arrange: a Manager (every screen allowed) and a customer with its whole neighbourhood.
    page = csp_watcher.page
    company_defaults(tenant)
    login_as(page, member(tenant, "Manager"))
    customer = rich_third_party(tenant, "Imprimerie Bellecour", size=2)
    with scope(tenant=tenant):
        contact_pk = ContactLink.objects.get(third_party=customer, is_default=True).contact_id

    for url, heading in _pages(customer.pk, contact_pk).items():
        # Act
        response = page.goto(url)
        page.wait_for_load_state("load")  # deferred scripts have run

        # Assert: the page is served and drawn, with no violation so far.
        assert response.status == 200, url
        title = page.get_by_role("heading", level=1)
        expect(title).to_be_visible()
        if heading:
            expect(title).to_contain_text(heading)
        assert csp_watcher.violations() == [], url
        assert csp_watcher.page_errors == [], url

    # Act: the create page's scripts at work (postal lookup, a row added by formset.js).
    page.goto("/tiers/nouveau/?type=client")
    page.wait_for_load_state("load")
    page.locator("#id_adr-0-postal_code").press_sequentially("69002")
    expect(page.locator("#id_adr-0-city")).to_have_value("LYON")
    page.get_by_role("button", name="Ajouter une adresse").click()
    expect(page.locator("#id_adr-1-line1")).to_be_visible()

    # Assert (the fixture also fails the test at teardown on any violation)
    assert csp_watcher.violations() == []
