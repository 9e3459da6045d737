"""Loyalty in a real browser: a manager enrols a customer from its page, credits points by hand
and sees the balance change (under the real CSP)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import login_as
from tests.factories import member
from tests.fidelite.factories import LoyaltyProgramFactory
from tests.tiers.factories import ThirdPartyFactory

pytestmark = pytest.mark.browser


def test_join_a_programme_then_credit_points_and_see_the_balance(page, tenant):
    customer = ThirdPartyFactory(tenant=tenant, name="Imprimerie Dubois")
    LoyaltyProgramFactory(tenant=tenant, name="Club Fidélité")
    login_as(page, member(tenant, "Manager"))

    page.goto(f"/tiers/{customer.pk}/")
    section = page.locator("#section-fidelite")
    section.get_by_role("link", name="Adhérer au programme").click()
    page.get_by_label("Programme").select_option(label="Club Fidélité")
    page.get_by_role("button", name="Enregistrer").click()

    balance = page.locator("#section-fidelite .fidelite-balance")
    expect(balance).to_have_text("0 points")
    page.get_by_label("Points à créditer").fill("120")
    page.locator("#fidelite-credit-reason").fill("Geste commercial")
    page.get_by_role("button", name="Créditer").click()

    expect(balance).to_have_text("120 points")
    expect(page.locator("#section-fidelite .fidelite-last-credit")).to_contain_text("Geste commercial")
