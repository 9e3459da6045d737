"""Registry autofill screens: tiers:registry_lookup (JSON for the create form), the create form's
button, and "Mise à jour depuis le registre" on an existing third party; SIRENE is a local HTTP
server started by the test (tests.tiers.test_sirene.insee)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.utils.html import escape
from django_scopes import scope

from tests.factories import member
from tests.tiers.factories import AddressFactory
from tests.tiers.factories_sites_banks import CustomerFactory, reserved_customer
from tests.tiers.test_sirene import NOT_CONFIGURED, SIREN, SIRET, VAT, sirene_server

LOOKUP = "/tiers/registre/"


@pytest.fixture
def insee(settings):
    yield from sirene_server(settings)


@pytest.fixture
def commercial(tenant):
    return member(tenant, "Commercial")


@pytest.fixture
def customer(tenant):
    record = CustomerFactory(tenant=tenant, name="SG", siret=SIRET, vat_number=VAT)
    AddressFactory(third_party=record, tenant=tenant, code="001", line2="")
    return record


def _update(record) -> str:
    return f"/tiers/{record.pk}/registre/"


# --- tiers:registry_lookup ------------------------------------------------------------------------


def test_lookup_by_siret_answers_the_fields(insee, commercial, login):
    response = login(commercial).get(LOOKUP, {"siret": SIRET})

    assert response.status_code == 200
    assert response.json() == {
        "fields": {
            "name": "SOCIETE GENERALE",
            "naf": "64.19Z",
            "siren": SIREN,
            "line1": "29 BOULEVARD HAUSSMANN",
            "line2": "BATIMENT A",
            "postal_code": "75009",
            "city": "PARIS",
        }
    }


def test_lookup_by_siren_answers_name_and_naf(insee, commercial, login):
    response = login(commercial).get(LOOKUP, {"siren": SIREN})

    assert response.json() == {"fields": {"name": "SOCIETE GENERALE", "naf": "64.19Z"}}


def test_lookup_registry_message_is_answered_as_json(insee, commercial, login):
    insee.answer("siret", status=404, raw=b"{}")

    response = login(commercial).get(LOOKUP, {"siret": SIRET})

    assert response.status_code == 200
    assert response.json() == {"error": "Aucun établissement trouvé pour ce SIRET."}


def test_lookup_not_configured(settings, commercial, login):
    settings.SIRENE_BACKEND = ""

    response = login(commercial).get(LOOKUP, {"siren": SIREN})

    assert response.status_code == 200
    assert response.json() == {"error": NOT_CONFIGURED}


def test_lookup_invalid_number_is_a_400(commercial, login):
    response = login(commercial).get(LOOKUP, {"siren": "123"})

    assert response.status_code == 400
    assert response.json() == {"error": "Le SIREN doit comporter 9 chiffres."}


def test_lookup_needs_the_add_permission(tenant, login):
    assert login(member(tenant, "Technicien")).get(LOOKUP, {"siren": SIREN}).status_code == 403


def test_create_page_has_the_button_and_its_script(commercial, login):
    content = login(commercial).get("/tiers/nouveau/").content.decode()

    assert "Compléter depuis SIRENE" in content
    assert f'data-registry-lookup-url="{LOOKUP}"' in content
    assert "js/registry-autofill" in content and "<script>" not in content


# --- tiers:registry_update ------------------------------------------------------------------------


def test_update_page_lists_the_fields_that_will_be_filled(insee, commercial, login, customer):
    response = login(commercial).get(_update(customer))

    content = response.content.decode()
    assert response.status_code == 200
    assert "SIRET 73282932000074" in content
    for text in ("SIREN", "64.19Z", "BATIMENT A", "Compléter les champs vides"):
        assert text in content
    assert "29 BOULEVARD HAUSSMANN" not in content  # line 1 of the address is filled already
    with scope(tenant=customer.tenant):
        customer.refresh_from_db()
    assert customer.siren == ""  # the page writes nothing


def test_update_post_fills_and_redirects_with_a_message(insee, commercial, login, customer):
    response = login(commercial).post(_update(customer))

    assert response.status_code == 302 and response.url == f"/tiers/{customer.pk}/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Mise à jour depuis le registre : code NAF/APE, SIREN, adresse ligne 2."
    ]
    with scope(tenant=customer.tenant):
        customer.refresh_from_db()
    assert (customer.name, customer.siren, customer.naf) == ("SG", SIREN, "64.19Z")


def test_update_when_nothing_is_empty_says_so(insee, commercial, login, customer):
    login(commercial).post(_update(customer))

    page = login(commercial).get(_update(customer)).content.decode()
    again = login(commercial).post(_update(customer))

    assert "Aucun champ vide à compléter." in page and "Compléter les champs vides" not in page
    assert [str(m) for m in get_messages(again.wsgi_request)] == ["Aucun champ vide à compléter."]


def test_update_not_configured_shows_the_message(settings, commercial, login, customer):
    settings.SIRENE_BACKEND = ""

    content = login(commercial).get(_update(customer)).content.decode()

    assert escape(NOT_CONFIGURED) in content and "Compléter les champs vides" not in content


def test_update_action_is_in_the_header_only_with_a_siret_or_siren(commercial, login, customer, tenant):
    bare = CustomerFactory(tenant=tenant)
    AddressFactory(third_party=bare, tenant=tenant, code="001")
    client = login(commercial)

    with_number = client.get(f"/tiers/{customer.pk}/").content.decode()
    without = client.get(f"/tiers/{bare.pk}/").content.decode()

    assert f'href="{_update(customer)}"' in with_number and "Mise à jour depuis le registre" in with_number
    assert "Mise à jour depuis le registre" not in without


def test_update_needs_the_change_permission(tenant, login, customer):
    assert login(member(tenant, "Technicien")).get(_update(customer)).status_code == 403


def test_update_of_another_tenants_third_party_is_404(other_tenant, login, customer):
    client = login(member(other_tenant, "Administrateur"))

    assert client.get(_update(customer)).status_code == 404
    assert client.post(_update(customer)).status_code == 404


def test_update_of_a_third_party_reserved_to_others_is_404(tenant, commercial, login):
    assert login(commercial).get(_update(reserved_customer(tenant))).status_code == 404
