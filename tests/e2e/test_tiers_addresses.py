"""The address formset in a real browser (static/js/formset.js): rows and phones added on the page,
the exclusive default-address box, and the default-address rule."""

from __future__ import annotations

import re

import pytest
from django_scopes import scope
from playwright.sync_api import expect

from tests.e2e.tiers_support import (
    address_row,
    fill_address,
    fill_identity,
    logged_in_commercial,
    open_create_page,
    submit,
)
from tests.tiers.factories import AddressFactory
from tests.tiers.factories_third_parties import SIRET, VAT, TPFactory
from tiers.models import Address, ThirdParty

pytestmark = pytest.mark.browser

NO_DEFAULT = "Une des adresses doit être l'adresse par défaut."


def _add_address(page) -> None:
    page.get_by_role("button", name="Ajouter une adresse").click()


def test_second_address_added_in_the_browser_is_saved_with_its_two_phones(page, tenant):
    # Arrange
    logged_in_commercial(page, tenant)
    open_create_page(page)
    fill_identity(page, name="Papeterie Marseillaise", siret=SIRET, vat=VAT, naf="46.66Z")
    fill_address(page, 0, line1="12 rue de la République", postal_code="69002", city="LYON")

    # Act: a second address row, with a second phone row inside it.
    _add_address(page)
    second = address_row(page, 1)
    expect(second.locator("legend")).to_have_text("Nouvelle adresse")
    expect(second.get_by_label("Code adresse")).to_be_focused()
    expect(page.locator("#id_adr-TOTAL_FORMS")).to_have_value("2")
    fill_address(page, 1, line1="10 La Canebière", postal_code="13001", city="MARSEILLE")
    expect(second.locator("#id_adr-1-subdivision")).to_have_value("13")
    second.get_by_role("button", name="Ajouter un téléphone").click()
    expect(page.locator("#id_adr-1-tel-TOTAL_FORMS")).to_have_value("2")
    second.locator("#id_adr-1-tel-0-number").fill("04 91 00 00 01")
    second.locator("#id_adr-1-tel-1-kind").select_option(label="Portable")
    second.locator("#id_adr-1-tel-1-number").fill("06 12 34 56 78")

    # Act: the default box is exclusive: checking the second one unchecks the first.
    second.get_by_label("Adresse par défaut").check()
    expect(page.locator("#id_adr-0-is_default")).not_to_be_checked()
    submit(page)

    # Assert: the customer's page; two addresses, the second one default, with its two phones.
    expect(page).to_have_url(re.compile(r"/tiers/\d+/$"))
    pk = int(re.search(r"/tiers/(\d+)/$", page.url).group(1))
    with scope(tenant=tenant):
        customer = ThirdParty.objects.get(tenant=tenant, pk=pk)
        addresses = list(
            Address.objects.filter(third_party=customer)
            .order_by("code")
            .values_list("code", "line1", "postal_code", "city", "subdivision", "is_default")
        )
        marseille = Address.objects.get(third_party=customer, postal_code="13001")
        phones = sorted(marseille.phones.values_list("kind", "number"))
    assert addresses == [
        ("001", "12 rue de la République", "69002", "LYON", "69", False),
        ("002", "10 La Canebière", "13001", "MARSEILLE", "13", True),
    ]
    assert phones == [("mobile", "+33612345678"), ("phone", "+33491000001")]
    section = page.get_by_role("region", name="Adresses")
    expect(section.get_by_role("link", name="06 12 34 56 78")).to_have_attribute("href", "tel:+33612345678")


def test_no_default_address_refused_with_the_rule_message_and_nothing_changed(page, tenant):
    # Arrange: a customer with one (default) address.
    logged_in_commercial(page, tenant)
    customer = TPFactory(tenant=tenant, name="Imprimerie Bellecour", siret=SIRET, vat_number=VAT)
    AddressFactory(third_party=customer, tenant=tenant, code="001", is_default=True)
    page.goto(f"/tiers/{customer.pk}/adresses/")
    page.wait_for_load_state("load")

    # Act: a new address row, and the default box of the existing one unchecked.
    _add_address(page)
    expect(page.locator("#id_adr-TOTAL_FORMS")).to_have_value("3")  # the existing, the blank one, this one
    fill_address(page, 2, line1="10 La Canebière", postal_code="13001", city="MARSEILLE")
    page.locator("#id_adr-0-is_default").uncheck()
    submit(page)

    # Assert: the rule's French message above the addresses; the typed row is still there.
    expect(page).to_have_url(re.compile(rf"/tiers/{customer.pk}/adresses/$"))
    expect(page.get_by_role("region", name="Adresses").get_by_role("alert")).to_have_text(NO_DEFAULT)
    expect(page.locator("#id_adr-2-line1")).to_have_value("10 La Canebière")
    expect(page.locator("#id_adr-2-city")).to_have_value("MARSEILLE")
    expect(page.locator("#id_adr-0-is_default")).not_to_be_checked()
    with scope(tenant=tenant):
        assert list(Address.objects.filter(third_party=customer).values_list("code", "is_default")) == [
            ("001", True)
        ]

    # Act: the second address is made the default.
    page.locator("#id_adr-2-is_default").check()
    submit(page)

    # Assert: saved; the new address is the only default.
    expect(page).to_have_url(re.compile(rf"/tiers/{customer.pk}/$"))
    expect(page.get_by_role("status")).to_contain_text("Les adresses sont enregistrées.")
    with scope(tenant=tenant):
        saved = list(
            Address.objects.filter(third_party=customer).order_by("code").values_list("code", "is_default")
        )
    assert saved == [("001", False), ("002", True)]
