"""Creating a customer in a real browser: the postal-code ↔ city lookup, the French refusal of an
invalid SIRET with every typed value kept, the saved customer's page, and the likely duplicates."""

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
from tests.tiers.factories_third_parties import OTHER_SIRET, OTHER_VAT, SIREN, SIRET, VAT, TPFactory
from tiers.models import Address, Lifecycle, ThirdParty

pytestmark = pytest.mark.browser

BAD_SIRET = "73282932000075"  # SIRET above with a wrong Luhn key
BAD_SIRET_MESSAGE = f"SIRET invalide : la clé de contrôle de {BAD_SIRET} est fausse."
DETAIL_URL = re.compile(r"/tiers/(\d+)/$")


def _datalist_values(page, input_id: str) -> list[str]:
    return page.evaluate(
        """(id) => {
            const input = document.getElementById(id);
            const list = input.list;
            return list ? Array.from(list.options, (option) => option.value) : [];
        }""",
        input_id,
    )


def test_postal_code_fills_city_and_departement_and_city_proposes_its_codes(page, tenant):
    # Arrange
    logged_in_commercial(page, tenant)
    open_create_page(page)
    code = page.locator("#id_adr-0-postal_code")
    city = page.locator("#id_adr-0-city")
    departement = page.locator("#id_adr-0-subdivision")

    # Act: a code that serves a single commune.
    code.press_sequentially("69002")

    # Assert: city (upper case, as stored) and département filled by the lookup.
    expect(city).to_have_value("LYON")
    expect(departement).to_have_value("69")

    # Act: a code that serves several communes fills the département, offers the communes,
    # and does not guess the city.
    city.fill("")
    code.fill("")
    code.press_sequentially("01400")

    # Assert
    expect(departement).to_have_value("01")
    page.wait_for_function(
        "(id) => document.getElementById(id).list && document.getElementById(id).list.options.length > 1",
        arg="id_adr-0-city",
    )
    communes = _datalist_values(page, "id_adr-0-city")
    assert {"CONDEISSIAT", "CHÂTILLON-SUR-CHALARONNE", "L'ABERGEMENT-CLÉMENCIAT"} <= set(communes)
    expect(city).to_have_value("")

    # Act: typing a city with several codes proposes them all, without choosing one.
    code.fill("")
    departement.fill("")
    city.press_sequentially("Lyon")

    # Assert
    page.wait_for_function(
        "(id) => document.getElementById(id).list && document.getElementById(id).list.options.length === 9",
        arg="id_adr-0-postal_code",
    )
    assert _datalist_values(page, "id_adr-0-postal_code") == [f"6900{n}" for n in range(1, 10)]
    expect(code).to_have_value("")
    expect(departement).to_have_value("69")

    # Act: a city with a single code fills it.
    city.fill("")
    city.press_sequentially("Condeissiat")

    # Assert
    expect(code).to_have_value("01400")
    expect(departement).to_have_value("01")


def test_invalid_siret_refused_on_its_field_keeping_every_value_then_valid_one_saves(page, tenant):
    # Arrange
    logged_in_commercial(page, tenant)
    open_create_page(page)
    fill_identity(page, name="Bureautique Lyonnaise", siret=BAD_SIRET, vat=VAT, naf="46.66Z")
    page.get_by_label("Observations").fill("Livrer avant 10 h.")
    fill_address(page, 0, line1="12 rue de la République", postal_code="69002", city="LYON")
    page.locator("#id_adr-0-tel-0-number").fill("04 78 00 00 01")
    page.locator("#id_adr-0-mel-0-email").fill("accueil@bureautique-lyonnaise.fr")

    # Act
    submit(page)

    # Assert: the French message on the SIRET field, still on the create page, nothing saved.
    expect(page).to_have_url(re.compile(r"/tiers/nouveau/\?type=client$"))
    siret_field = page.locator(".field", has=page.locator("#id_siret"))
    expect(siret_field).to_have_class(re.compile(r"\bfield-invalid\b"))
    expect(siret_field.locator(".errors")).to_have_text(BAD_SIRET_MESSAGE)
    expect(page.get_by_role("alert").first).to_contain_text("corrigez les champs signalés")
    with scope(tenant=tenant):
        assert not ThirdParty.objects.filter(tenant=tenant).exists()

    # Assert: every typed value is still on screen.
    expect(page.get_by_label("Raison sociale")).to_have_value("Bureautique Lyonnaise")
    expect(page.locator("#id_siret")).to_have_value(BAD_SIRET)
    expect(page.locator("#id_vat_number")).to_have_value(VAT)
    expect(page.locator("#id_naf")).to_have_value("46.66Z")
    expect(page.get_by_label("Observations")).to_have_value("Livrer avant 10 h.")
    row = address_row(page, 0)
    expect(row.locator("#id_adr-0-line1")).to_have_value("12 rue de la République")
    expect(row.locator("#id_adr-0-postal_code")).to_have_value("69002")
    expect(row.locator("#id_adr-0-city")).to_have_value("LYON")
    expect(row.locator("#id_adr-0-subdivision")).to_have_value("69")
    expect(row.locator("#id_adr-0-tel-0-number")).to_have_value("04 78 00 00 01")
    expect(row.locator("#id_adr-0-mel-0-email")).to_have_value("accueil@bureautique-lyonnaise.fr")
    expect(row.locator("#id_adr-0-is_default")).to_be_checked()

    # Act: correct the SIRET only.
    page.locator("#id_siret").fill(SIRET)
    submit(page)

    # Assert: the new customer's page, and the rows saved as typed.
    expect(page).to_have_url(DETAIL_URL)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bureautique Lyonnaise")
    expect(page.get_by_role("status")).to_contain_text(
        re.compile(r"Le tiers C\d+ — Bureautique Lyonnaise est créé\.")
    )
    pk = int(DETAIL_URL.search(page.url).group(1))
    with scope(tenant=tenant):
        customer = ThirdParty.objects.get(tenant=tenant, pk=pk)
        address = Address.objects.get(third_party=customer)
        phones = list(address.phones.values_list("number", flat=True))
        emails = list(address.emails.values_list("email", flat=True))
    assert (customer.siret, customer.siren, customer.vat_number, customer.naf) == (
        SIRET,
        SIREN,
        VAT,
        "46.66Z",
    )
    assert customer.lifecycle == Lifecycle.CUSTOMER
    assert customer.observations == "Livrer avant 10 h."
    assert (address.postal_code, address.city, address.subdivision) == ("69002", "LYON", "69")
    assert address.is_default
    assert phones == ["+33478000001"]
    assert emails == ["accueil@bureautique-lyonnaise.fr"]


def test_same_siret_shows_the_duplicate_with_a_link_and_create_anyway_saves(page, tenant):
    # Arrange: an existing customer with this SIRET.
    logged_in_commercial(page, tenant)
    existing = TPFactory(tenant=tenant, code="C000001", name="Bureautique du Rhône", siret=SIRET, siren=SIREN)
    AddressFactory(third_party=existing, tenant=tenant, postal_code="69003", city="LYON")
    open_create_page(page)
    fill_identity(page, name="BLR Impression", siret=SIRET, vat=VAT, naf="46.66Z")
    fill_address(page, 0, line1="3 quai Perrache", postal_code="69002", city="LYON")

    # Act
    submit(page)

    # Assert: the likely duplicate, its reasons and a link to its page; nothing saved yet.
    duplicates = page.get_by_role("alert").filter(has_text="Doublons possibles")
    expect(duplicates).to_be_visible()
    row = duplicates.get_by_role("row").filter(has_text="C000001")
    expect(row.get_by_role("link", name="Bureautique du Rhône")).to_have_attribute(
        "href", f"/tiers/{existing.pk}/"
    )
    expect(row).to_contain_text("Même SIRET")
    expect(row).to_contain_text("Même SIREN")
    expect(page.get_by_label("Raison sociale")).to_have_value("BLR Impression")
    with scope(tenant=tenant):
        assert ThirdParty.objects.filter(tenant=tenant).count() == 1

    # Act: the user continues anyway.
    duplicates.get_by_label("Créer quand même").check()
    submit(page)

    # Assert: created, the user is on the new customer's page.
    expect(page).to_have_url(DETAIL_URL)
    expect(page.get_by_role("heading", level=1)).to_contain_text("BLR Impression")
    pk = int(DETAIL_URL.search(page.url).group(1))
    assert pk != existing.pk
    with scope(tenant=tenant):
        assert ThirdParty.objects.get(tenant=tenant, pk=pk).siret == SIRET
        assert ThirdParty.objects.filter(tenant=tenant).count() == 2


def test_same_name_words_in_same_postal_code_proposes_the_existing_one_to_open(page, tenant, other_tenant):
    # Arrange: the same name in the same postal code, in this company and in another one.
    logged_in_commercial(page, tenant)
    existing = TPFactory(tenant=tenant, code="C000007", name="Bureautique Lyonnaise")
    AddressFactory(third_party=existing, tenant=tenant, postal_code="69002", city="LYON")
    foreign = TPFactory(tenant=other_tenant, code="C000008", name="Bureautique Lyonnaise")
    AddressFactory(third_party=foreign, tenant=other_tenant, postal_code="69002", city="LYON")
    open_create_page(page)
    fill_identity(page, name="Lyonnaise Bureautique", siret=OTHER_SIRET, vat=OTHER_VAT, naf="46.66Z")
    fill_address(page, 0, line1="8 rue Grenette", postal_code="69002", city="LYON")

    # Act
    submit(page)

    # Assert: only this company's look-alike is proposed, with its reason.
    duplicates = page.get_by_role("alert").filter(has_text="Doublons possibles")
    rows = duplicates.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("C000007")
    expect(rows.first).to_contain_text("Même nom dans le même code postal")

    # Act: the user opens the existing one instead.
    rows.first.get_by_role("link", name="Bureautique Lyonnaise").click()

    # Assert: its page; nothing was created.
    expect(page).to_have_url(re.compile(rf"/tiers/{existing.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bureautique Lyonnaise")
    with scope(tenant=tenant):
        assert list(ThirdParty.objects.filter(tenant=tenant).values_list("pk", flat=True)) == [existing.pk]
