"""Quick search (Ctrl+K), F10 and the incoming-call notification in a real browser, under the
real CSP (any violation or script error fails the test: tests/e2e/conftest.py)."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.helpers import login_as
from tests.e2e.tiers_support import company_defaults
from tests.factories import member
from tests.synthese.cti_support import customer_with_phone
from tests.tiers.factories import ContactLinkFactory, ThirdPartyFactory
from tests.ventes.factories_documents import OrderFactory

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def quiet_at_the_end(csp_watcher):
    """Every page polls synthese:cti_poll: leave it (and let a request in flight finish) before the
    transactional test empties the tables, so the flush never races a request. The last
    document's CSP events are checked first (about:blank has none)."""
    yield
    assert csp_watcher.violations() == []
    if not csp_watcher.page.is_closed():
        csp_watcher.page.goto("about:blank")
        csp_watcher.page.wait_for_timeout(500)


@pytest.fixture
def commercial(tenant):
    company_defaults(tenant)
    return member(tenant, "Commercial", username="claire")


def test_ctrl_k_type_arrow_down_enter_opens_the_contacts_synthese(page, tenant, commercial):
    customer = ThirdPartyFactory(tenant=tenant, name="Imprimerie Bellecour")
    link = ContactLinkFactory(tenant=tenant, third_party=customer, contact__last_name="Bellamy")
    login_as(page, commercial)

    page.keyboard.press("Control+k")
    dialog = page.locator("#quick-search")
    expect(dialog).to_be_visible()
    expect(page.locator("#quick-search-input")).to_be_focused()
    page.keyboard.type("bell")
    options = dialog.get_by_role("option")
    expect(options).to_have_count(2)
    expect(dialog.locator(".quick-search-kind")).to_have_text(["Client", "Personne"])
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    expect(options.nth(1).locator(".quick-search-sublabel")).to_contain_text("Imprimerie Bellecour")

    page.keyboard.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(rf"/synthese/{customer.pk}/\?contact={link.contact_id}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Imprimerie Bellecour")


def test_ctrl_k_inside_a_text_field_escape_and_the_top_bar_field(page, tenant, commercial):
    ThirdPartyFactory(tenant=tenant, name="Atelier Voltaire")
    login_as(page, commercial)
    page.goto(reverse("tiers:create") + "?type=client")
    page.wait_for_load_state("load")
    page.get_by_label("Raison sociale").fill("Brouillon")
    page.get_by_label("Raison sociale").press("Control+k")
    dialog = page.locator("#quick-search")
    expect(dialog).to_be_visible()
    expect(page.locator("#quick-search-input")).to_be_focused()
    expect(page.get_by_label("Raison sociale")).to_have_value("Brouillon")  # nothing typed there

    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    # The top bar's field opens the overlay; a short query says how much to type; the mouse opens.
    page.locator(".topbar .quicksearch input").click()
    expect(dialog).to_be_visible()
    page.keyboard.type("v")
    expect(page.locator("#quick-search-status")).to_have_text(
        "Tapez au moins 2 lettres, ou 4 chiffres pour un numéro."
    )
    page.keyboard.type("olt")
    dialog.get_by_role("option", name=re.compile("Atelier Voltaire")).click()
    expect(page).to_have_url(re.compile(r"/synthese/\d+/$"))


def test_f10_from_an_order_opens_its_customers_synthese(page, tenant, commercial):
    order = OrderFactory(tenant=tenant, customer__name="Papeterie Gambetta")
    login_as(page, commercial)
    page.goto(reverse("ventes:order_detail", kwargs={"pk": order.pk}))
    page.wait_for_load_state("load")
    page.locator("body").press("F10")
    expect(page).to_have_url(re.compile(rf"/synthese/{order.customer_id}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Papeterie Gambetta")


def test_f10_without_customer_opens_the_search_screen_focused(page, tenant, commercial):
    login_as(page, commercial)
    page.keyboard.press("F10")
    expect(page).to_have_url(re.compile(r"/synthese/$"))
    expect(page.get_by_label("Client ou prospect")).to_be_focused()


def test_simulated_call_shows_the_notification(page, tenant, commercial):
    customer = customer_with_phone(tenant, "Garage Martin")
    login_as(page, commercial)

    call_command("simulate_call", tenant=tenant.code, user="claire", number="01 23 45 67 89")
    call = page.locator(".cti-call")
    expect(call).to_have_count(1, timeout=5000)
    expect(call).to_contain_text("Appel entrant · 01 23 45 67 89")
    expect(call).to_contain_text("Garage Martin")

    call_command("simulate_call", tenant=tenant.code, user="claire", number="04 78 00 00 01")
    unknown = page.locator(".cti-call", has_text="Numéro inconnu")
    expect(unknown.get_by_role("link", name="Créer un prospect")).to_be_visible(timeout=5000)

    call.get_by_role("link", name="Ouvrir la synthèse").click()
    expect(page).to_have_url(re.compile(rf"/synthese/{customer.pk}/$"))
