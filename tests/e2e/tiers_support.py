"""Shared steps of the tiers browser tests (tests/e2e/test_tiers_*.py): the company's defaults
and the way a user fills the new third party form."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from crm.models import Company, Country, Currency
from tests.e2e.helpers import login_as
from tests.factories import member

CREATE_CUSTOMER = "/tiers/nouveau/?type=client"


def company_defaults(tenant: Company) -> Company:
    """France and the euro as the company's defaults (the create form proposes them)."""
    tenant.country = Country.objects.get(code="FR")
    tenant.currency = Currency.objects.get(code="EUR")
    tenant.save()
    return tenant


def logged_in_commercial(page: Page, tenant: Company, **user_fields):
    """A Commercial of ``tenant`` (company defaults set), logged in through the real form."""
    company_defaults(tenant)
    user = member(tenant, "Commercial", **user_fields)
    login_as(page, user)
    return user


def address_row(page: Page, index: int) -> Locator:
    """The fieldset of the address form number ``index`` of the address formset."""
    return page.locator("fieldset[data-address]").filter(has=page.locator(f"#id_adr-{index}-line1"))


def open_create_page(page: Page) -> None:
    page.goto(CREATE_CUSTOMER)
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouveau client")
    page.wait_for_load_state("load")  # deferred formset.js and postal-lookup.js have run


def fill_identity(page: Page, *, name: str, siret: str = "", vat: str = "", naf: str = "") -> None:
    page.get_by_label("Raison sociale").fill(name)
    page.get_by_label("SIRET", exact=True).fill(siret)
    page.get_by_label("N° TVA intracommunautaire").fill(vat)
    page.get_by_label("Code NAF/APE").fill(naf)


def fill_address(page: Page, index: int, *, line1: str, postal_code: str, city: str) -> None:
    """Types the address the way a user does: the postal code first, then waits for the lookup
    to fill the city (and the département), which must be ``city``."""
    page.locator(f"#id_adr-{index}-line1").fill(line1)
    page.locator(f"#id_adr-{index}-postal_code").press_sequentially(postal_code)
    expect(page.locator(f"#id_adr-{index}-city")).to_have_value(city)


def submit(page: Page) -> None:
    """Posts the form and returns once the answer's page is loaded (its deferred scripts have run)."""
    with page.expect_event("load"):
        page.get_by_role("button", name="Enregistrer").click()
