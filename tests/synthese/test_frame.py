"""The synthèse's frame: who may open it, its header, its right-hand blocks, the tab bar and the
context parameters of the query string (the tabs are dummies here: tests/synthese/frame_support)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_scopes import scope

from crm.models import Licence
from tests.factories import member
from tests.queries import REQUEST_QUERIES
from tests.synthese.frame_support import SIRET, customer_of_size, fake_tabs  # noqa: F401 (fixture)
from tests.tiers.factories import ContactLinkFactory
from tests.tiers.factories_sites_banks import CustomerFactory, reserved_customer
from tiers import models as tiers
from tiers.services.third_parties import third_party_close

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fake_tabs")]


def url(customer, query: str = "") -> str:
    base = reverse("synthese:customer", kwargs={"pk": customer.pk})
    return f"{base}?{query}" if query else base


@pytest.fixture
def manager(tenant):
    return member(tenant, "Manager")


@pytest.fixture
def commercial(tenant):
    return member(tenant, "Commercial")


# --- Who may open it ------------------------------------------------------------------------------


def test_another_tenants_customer_is_404(tenant, other_tenant, manager, login):
    foreign = customer_of_size(other_tenant, 1)
    assert login(manager).get(url(foreign)).status_code == 404


def test_a_customer_reserved_to_others_is_404(tenant, commercial, login):
    hidden = reserved_customer(tenant)
    assert login(commercial).get(url(hidden)).status_code == 404


def test_a_closed_customer_needs_the_right(tenant, commercial, manager, login):
    customer = customer_of_size(tenant, 1)
    with scope(tenant=tenant):
        third_party_close(tenant=tenant, actor=manager, third_party=customer, reason="Cessation")
    assert login(commercial).get(url(customer)).status_code == 404
    response = login(manager).get(url(customer))
    assert response.status_code == 200
    assert "Fermé" in response.content.decode()


def test_a_prospect_has_its_synthese(tenant, commercial, login):
    prospect = CustomerFactory(tenant=tenant, lifecycle=tiers.Lifecycle.PROSPECT_DRAFT)
    response = login(commercial).get(url(prospect))
    assert response.status_code == 200
    assert "Prospect" in response.content.decode()


# --- Header ---------------------------------------------------------------------------------------


def test_header_shows_identity_main_site_phone_email_tags_and_badges(tenant, commercial, login):
    customer = customer_of_size(tenant, 2, is_blocked=True)
    html = login(commercial).get(url(customer)).content.decode()
    assert customer.code in html and customer.name in html
    assert "3 place Bellecour" in html and "69002 LYON" in html
    assert 'href="tel:+33478000000"' in html
    assert 'href="mailto:contact@exemple.fr"' in html
    assert f"Étiquette {customer.pk}-0" in html and f"Étiquette {customer.pk}-1" in html
    assert "Compte bloqué" in html
    assert 'id="synthese-refresh"' in html
    assert f'action="{reverse("synthese:search")}"' in html  # "Rechercher un autre client"


def test_header_panel_buttons_follow_permissions(tenant, login):
    customer = customer_of_size(tenant, 1)
    html = login(member(tenant, "Manager")).get(url(customer)).content.decode()
    for name in ("follow_ups", "wiki", "vault"):
        assert f'hx-get="{reverse(f"synthese:{name}", kwargs={"pk": customer.pk})}"' in html


def test_portal_links_from_the_setting(tenant, commercial, login, settings):
    customer = customer_of_size(tenant, 1)
    assert "Portail client" not in login(commercial).get(url(customer)).content.decode()
    settings.SYNTHESE_PORTAL_LINKS = [("Portail client", "https://portail.exemple.fr/{code}")]
    html = login(commercial).get(url(customer)).content.decode()
    assert f'href="https://portail.exemple.fr/{customer.code}"' in html


def test_third_party_page_links_to_its_synthese(tenant, commercial, login):
    customer = customer_of_size(tenant, 1)
    html = login(commercial).get(reverse("tiers:detail", kwargs={"pk": customer.pk})).content.decode()
    assert "Consulter la synthèse client" in html
    assert f'href="{url(customer)}"' in html


# --- Right-hand blocks ----------------------------------------------------------------------------


def test_links_block_website_societe_com_and_creditsafe(tenant, commercial, login):
    customer = customer_of_size(tenant, 1)
    html = login(commercial).get(url(customer)).content.decode()
    assert 'href="https://www.exemple.fr"' in html
    assert f'href="https://www.societe.com/cgi-bin/search?champs={SIRET[:9]}"' in html
    assert f"regNo={SIRET}" in html


def test_links_block_absent_without_website_nor_siret(tenant, commercial, login):
    customer = CustomerFactory(tenant=tenant)
    html = login(commercial).get(url(customer)).content.decode()
    assert 'id="bloc-liens"' not in html
    assert "societe.com" not in html


def test_map_pin_on_the_main_site_or_the_filtered_one(tenant, commercial, login):
    customer = customer_of_size(tenant, 1)
    with scope(tenant=tenant):
        agency = tiers.Site.objects.get(third_party=customer, is_main=False)
    html = login(commercial).get(url(customer)).content.decode()
    assert 'data-lat="45.757814"' in html and 'data-lng="4.832011"' in html
    assert "js/map.js" in html
    # The filtered site has no GPS: a message and "Vérifier l'adresse" for that site.
    html = login(commercial).get(url(customer, f"site={agency.pk}")).content.decode()
    assert "Coordonnées GPS non renseignées" in html
    geocode = reverse("tiers:site_geocode", kwargs={"pk": customer.pk, "site_pk": agency.pk})
    assert f'action="{geocode}"' in html
    assert "Vérifier l'adresse" in html


def test_map_tile_server_from_the_setting(tenant, commercial, login, settings):
    customer = customer_of_size(tenant, 1)
    assert 'data-tiles=""' in login(commercial).get(url(customer)).content.decode()
    settings.MAP_TILE_URL = "https://tuiles.exemple.fr/{z}/{x}/{y}.png"
    html = login(commercial).get(url(customer)).content.decode()
    assert 'data-tiles="https://tuiles.exemple.fr/{z}/{x}/{y}.png"' in html


def test_actions_follow_permissions_and_the_crm_licence(tenant, login):
    customer = customer_of_size(tenant, 1)
    crm = login(member(tenant, "Commercial")).get(url(customer)).content.decode()
    for key in ("affaire", "devis", "action", "commande", "contact", "site"):
        assert f'data-action="{key}"' in crm, key
    artis = login(member(tenant, "Commercial", licence=Licence.ARTIS)).get(url(customer)).content.decode()
    for key in ("affaire", "devis", "action"):
        assert f'data-action="{key}"' not in artis, key
    assert 'data-action="commande"' in artis
    technician = login(member(tenant, "Technicien")).get(url(customer)).content.decode()
    assert 'data-action="dit"' in technician
    assert 'data-action="commande"' not in technician


def test_actions_prefill_the_selection_and_come_back(tenant, commercial, login):
    customer = customer_of_size(tenant, 1)
    with scope(tenant=tenant):
        site = tiers.Site.objects.get(third_party=customer, is_main=False)
        contact_id = tiers.ContactLink.objects.filter(third_party=customer).first().contact_id
    response = login(commercial).get(url(customer, f"site={site.pk}&contact={contact_id}&onglet=sites"))
    actions = {link.key: link.url for link in response.context["actions"]}
    assert actions["action"].startswith(reverse("ventes:action_create", kwargs={"pk": customer.pk}))
    assert f"site={site.pk}" in actions["action"] and f"contact={contact_id}" in actions["action"]
    assert "next=%2Fsynthese%2F" in actions["action"]
    assert "contact=" not in actions["affaire"] and f"site={site.pk}" in actions["affaire"]
    assert actions["contact"].startswith(
        reverse("tiers:contact_create", kwargs={"pk": customer.pk}) + "?next="
    )


# --- Tab bar and context parameters ---------------------------------------------------------------


def test_tab_bar_hides_tabs_without_permission_or_licence(tenant, login):
    customer = customer_of_size(tenant, 2)
    response = login(member(tenant, "Commercial")).get(url(customer))
    assert [tab["key"] for tab in response.context["tabs"]] == ["sites", "crm"]
    assert [tab["count"] for tab in response.context["tabs"]] == [3, 3]
    response = login(member(tenant, "Commercial", licence=Licence.ARTIS)).get(url(customer))
    assert [tab["key"] for tab in response.context["tabs"]] == ["sites"]


def test_the_first_tab_is_active_by_default_and_onglet_chooses_another(tenant, commercial, login):
    customer = customer_of_size(tenant, 1)
    html = login(commercial).get(url(customer)).content.decode()
    assert "corps sites onglet=sites" in html
    html = login(commercial).get(url(customer, "onglet=crm&ligne=commande-12")).content.decode()
    assert "corps crm onglet=crm ligne=commande-12" in html
    assert 'aria-selected="true"' in html
    # An unknown or hidden tab falls back to the first one.
    assert "corps sites" in login(commercial).get(url(customer, "onglet=secret")).content.decode()


def test_aliases_from_quick_search(tenant, commercial, login):
    customer = customer_of_size(tenant, 1)
    html = login(commercial).get(url(customer, "tab=crm&row=devis-3")).content.decode()
    assert "corps crm onglet=crm ligne=devis-3" in html


def test_contact_preselected_only_when_linked_to_the_customer(tenant, commercial, login):
    customer = customer_of_size(tenant, 1)
    stranger = ContactLinkFactory(tenant=tenant).contact_id
    response = login(commercial).get(url(customer, f"contact={stranger}"))
    assert response.context["ctx"].contact_id is None


def test_htmx_tab_switch_returns_only_the_tab_body(tenant, commercial, login):
    customer = customer_of_size(tenant, 1)
    address = url(customer, "onglet=crm")
    response = login(commercial).get(
        address,
        headers={
            "HX-Request": "true",
            "HX-Target": "synthese-tab-body",
            "HX-Current-URL": f"http://testserver{url(customer)}",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.startswith('<section id="onglet-crm"') and "synthese-header" not in body


def test_htmx_request_changing_the_global_filters_reloads_the_page(tenant, commercial, login):
    customer = customer_of_size(tenant, 1)
    with scope(tenant=tenant):
        site = tiers.Site.objects.get(third_party=customer, is_main=False)
    address = url(customer, f"onglet=sites&site={site.pk}")
    response = login(commercial).get(
        address,
        headers={
            "HX-Request": "true",
            "HX-Target": "onglet-sites",
            "HX-Current-URL": f"http://testserver{url(customer)}",
        },
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == address


def test_htmx_request_keeping_the_filters_stays_in_the_tab(tenant, commercial, login):
    customer = customer_of_size(tenant, 1)
    response = login(commercial).get(
        url(customer, "onglet=sites&mois=12&sites-page=2"),
        headers={
            "HX-Request": "true",
            "HX-Target": "onglet-sites",
            "HX-Current-URL": f"http://testserver{url(customer)}",
        },
    )
    assert response.status_code == 200
    assert "corps sites" in response.content.decode()


# --- Query counts ---------------------------------------------------------------------------------

FRAME_QUERIES = REQUEST_QUERIES + 17


@pytest.mark.parametrize("size", [1, 25])
def test_frame_queries_do_not_depend_on_the_customer_size(
    tenant, commercial, login, size, django_assert_num_queries
):
    customer = customer_of_size(tenant, size)
    client = login(commercial)
    with django_assert_num_queries(FRAME_QUERIES):
        response = client.get(url(customer))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [1, 25])
def test_frame_queries_with_every_filter_do_not_depend_on_the_size(
    tenant, commercial, login, size, django_assert_num_queries
):
    from tests.factories import BusinessLineFactory
    from tests.parc.factories_assets import AssetFactory

    customer = customer_of_size(tenant, size)
    lines = [BusinessLineFactory(tenant=tenant), BusinessLineFactory(tenant=tenant)]
    with scope(tenant=tenant):
        site = tiers.Site.objects.get(third_party=customer, name="Siège")
        contact_id = tiers.ContactLink.objects.filter(third_party=customer).first().contact_id
    asset = AssetFactory(tenant=tenant, customer=customer, site=site)
    query = f"activites={lines[0].pk}&mois=6&site={site.pk}&bien={asset.pk}&contact={contact_id}"
    client = login(commercial)
    with django_assert_num_queries(FRAME_QUERIES + 5):
        response = client.get(url(customer, query))
    assert response.status_code == 200
    assert response.context["clear_url"] == url(
        customer, f"activites={lines[0].pk}&mois=6&contact={contact_id}"
    )
