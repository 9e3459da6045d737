"""The synthèse with its REAL tabs and real data in a real browser (tests/synthese/factories.py's
customer: sites, assets, contracts covering some assets, service requests on some assets,
orders): switch tabs through htmx (the URL follows), "Filtrer" on an asset of the Parc tab
changes the SSC and DIT counts to that asset's, "Supprimer filtre" brings them back; on the DIT
tab the exchanges count previews the thread on hover and opens it in the side panel, where a
message is added and another deleted after its confirmation (the count follows when the panel
closes). Also: the per-row wiki and vault buttons and the "Créer un interlocuteur" action open in
the side panel, the column choice is saved in place. No CSP violation nor script error
(csp_watcher)."""

from __future__ import annotations

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django_scopes import scope
from playwright.sync_api import Page, expect

from parc.models import Asset, ServiceRequest
from synthese.context import context_from_query
from synthese.tabs import TABS, tab_counts
from tests.e2e.helpers import login_as
from tests.e2e.tiers_support import company_defaults
from tests.factories import member
from tests.synthese.factories import build_world
from tests.tiers.factories_records import ExchangeFactory, VaultSecretFactory, WikiPageFactory
from tiers.models import Exchange

pytestmark = pytest.mark.browser


def _counts(world, user, query: dict) -> dict[str, int]:
    with scope(tenant=world.tenant):
        ctx = context_from_query(query, tenant=world.tenant, user=user, customer=world.customer)
        return tab_counts(ctx, list(TABS.values()))


def _count(page: Page, key: str):
    return page.locator(f"#tab-{key} .tab-count")


@pytest.fixture
def world(tenant):
    company_defaults(tenant)
    user = member(tenant, "Manager")
    world = build_world(tenant, owner=user)
    world.user = user
    request = world.rows["dit"]["in"]
    with scope(tenant=tenant):
        target = {
            "customer": world.customer,
            "site": request.site,
            "target_type": ContentType.objects.get_for_model(ServiceRequest),
            "target_id": request.pk,
        }
        ExchangeFactory(tenant=tenant, author=user, body="Le technicien passe jeudi.", **target)
        ExchangeFactory(tenant=tenant, author=user, body="Pièce commandée chez le fournisseur.", **target)
    return world


def test_tabs_asset_filter_and_exchange_panel(csp_watcher, world):
    page = csp_watcher.page
    asset, request = world.asset, world.rows["dit"]["in"]
    everything = _counts(world, world.user, {})
    of_asset = _counts(world, world.user, {"bien": str(asset.pk)})
    # The data make the filter visible: the asset has fewer contracts and requests than the customer.
    assert of_asset["ssc"] < everything["ssc"] and of_asset["dit"] < everything["dit"]
    login_as(page, world.user)

    # Open the synthèse: the first tab (Détails) and the real counts.
    page.goto(f"/synthese/{world.customer.pk}/")
    page.wait_for_load_state("load")
    expect(page.locator("#onglet-details")).to_be_visible()
    expect(_count(page, "ssc")).to_have_text(str(everything["ssc"]))
    expect(_count(page, "dit")).to_have_text(str(everything["dit"]))

    # Switch to Parc through htmx: the body changes, the URL follows, no reload.
    page.evaluate("window.__sameDocument = true")
    page.locator("#tab-parc").click()
    expect(page.locator("#onglet-parc")).to_be_visible()
    expect(page).to_have_url(re.compile(r"onglet=parc"))
    expect(page.locator("#tab-parc")).to_have_attribute("aria-selected", "true")
    assert page.evaluate("window.__sameDocument") is True

    # "Filtrer" on the asset's row: the whole synthèse reloads filtered on it.
    page.locator(f"#onglet-parc tr#bien-{asset.pk}").get_by_role("link", name="Filtrer").click()
    expect(page).to_have_url(re.compile(rf"bien={asset.pk}"))
    expect(_count(page, "ssc")).to_have_text(str(of_asset["ssc"]))
    expect(_count(page, "dit")).to_have_text(str(of_asset["dit"]))
    expect(page.locator("#tab-ssc .tab-filtered")).to_be_visible()
    expect(page.locator("#onglet-parc tbody tr")).to_have_count(1)
    expect(page.locator("#bloc-filtres")).to_contain_text(asset.display_label)

    # "Supprimer filtre": back to the counts before the filter, still on the Parc tab.
    page.locator("#supprimer-filtre").click()
    expect(page).not_to_have_url(re.compile(r"bien="))
    expect(_count(page, "ssc")).to_have_text(str(everything["ssc"]))
    expect(_count(page, "dit")).to_have_text(str(everything["dit"]))
    expect(page.locator("#onglet-parc")).to_be_visible()
    expect(page.locator("#supprimer-filtre")).to_have_count(0)

    # DIT tab: the exchanges count of the request, its preview on hover.
    page.locator("#tab-dit").click()
    expect(page).to_have_url(re.compile(r"onglet=dit"))
    row = page.locator(f"#onglet-dit tr#dit-{request.pk}")
    link = row.locator("a.exchanges-link")
    expect(link).to_have_text("2")
    link.hover()
    preview = row.locator(".exchanges-preview")
    expect(preview).to_be_visible()
    expect(preview).to_contain_text("Pièce commandée chez le fournisseur.")
    url_before = page.url

    # Click: the thread opens in the side panel (the URL does not change).
    link.click()
    dialog = page.locator("#synthese-panel")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading", name=re.compile("Échanges"))).to_be_visible()
    expect(dialog.locator("article.exchange")).to_have_count(2)
    expect(dialog).to_contain_text("Le technicien passe jeudi.")
    assert page.url == url_before

    # Add a message in the panel.
    dialog.get_by_label("Message").fill("Client rappelé, intervention confirmée.")
    dialog.get_by_role("button", name="Ajouter le message").click()
    expect(dialog.locator("article.exchange")).to_have_count(3)
    expect(dialog).to_contain_text("Client rappelé, intervention confirmée.")

    # Delete the first one: a confirmation first (cancel keeps it), then the deletion.
    first = dialog.locator("article.exchange", has_text="Le technicien passe jeudi.")
    first.get_by_role("link", name="Supprimer").click()
    confirm = dialog.locator("article.exchange-confirm")
    expect(confirm).to_contain_text("Supprimer le message du")
    confirm.get_by_role("link", name="Annuler").click()
    expect(dialog.locator("article.exchange")).to_have_count(3)
    first.get_by_role("link", name="Supprimer").click()
    dialog.locator("article.exchange-confirm").get_by_role("button", name="Supprimer").click()
    expect(dialog.locator("article.exchange")).to_have_count(2)
    expect(dialog).not_to_contain_text("Le technicien passe jeudi.")
    expect(dialog).to_be_visible()
    with scope(tenant=world.tenant):
        bodies = set(Exchange.objects.filter(target_id=request.pk).values_list("body", flat=True))
    assert bodies == {"Pièce commandée chez le fournisseur.", "Client rappelé, intervention confirmée."}

    # Closing the panel empties it; the tab's exchanges count follows the thread.
    page.locator("#synthese-panel-close").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#synthese-panel-body")).to_be_empty()
    expect(page.locator(f"#onglet-dit tr#dit-{request.pk} a.exchanges-link")).to_have_text("2")
    page.locator(f"#onglet-dit tr#dit-{request.pk} a.exchanges-link").click()
    expect(dialog.locator("article.exchange")).to_have_count(2)
    dialog.locator("article.exchange").first.get_by_role("link", name="Supprimer").click()
    dialog.locator("article.exchange-confirm").get_by_role("button", name="Supprimer").click()
    expect(dialog.locator("article.exchange")).to_have_count(1)
    page.locator("#synthese-panel-close").click()
    expect(page.locator(f"#onglet-dit tr#dit-{request.pk} a.exchanges-link")).to_have_text("1")
    expect(page).to_have_url(re.compile(r"onglet=dit"))
    assert csp_watcher.violations() == []
    assert csp_watcher.page_errors == []


def test_row_wiki_and_vault_buttons_open_the_side_panel(csp_watcher, world):
    page = csp_watcher.page
    asset, site = world.asset, world.sites[0]
    with scope(tenant=world.tenant):
        WikiPageFactory(
            tenant=world.tenant,
            customer=world.customer,
            site=asset.site,
            target_type=ContentType.objects.get_for_model(Asset),
            target_id=asset.pk,
            title="Accès au copieur du 2e étage",
        )
        VaultSecretFactory(tenant=world.tenant, customer=world.customer, label="Boîtier du copieur")
    login_as(page, world.user)
    page.goto(f"/synthese/{world.customer.pk}/?onglet=parc")
    page.wait_for_load_state("load")
    url_before = page.url
    dialog = page.locator("#synthese-panel")

    # The asset's wiki: only the page's card comes into the panel, the URL stays.
    page.locator(f"#onglet-parc tr#bien-{asset.pk}").get_by_role("link", name="Wiki").click()
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Accès au copieur du 2e étage")
    expect(dialog.locator(".page-header, nav")).to_have_count(0)
    assert page.url == url_before
    page.locator("#synthese-panel-close").click()
    expect(dialog).to_be_hidden()

    # The vault from the asset's row: the secret is revealed in the panel (the Manager may).
    page.locator(f"#onglet-parc tr#bien-{asset.pk}").get_by_role("link", name="Coffre-fort").click()
    expect(dialog).to_contain_text("Boîtier du copieur")
    dialog.get_by_role("button", name="Révéler").click()
    expect(dialog.locator(".vault-revealed")).to_contain_text("s3cret-du-routeur")
    page.locator("#synthese-panel-close").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#synthese-panel-body")).to_be_empty()  # the secret left the page

    # Détails: a site's wiki in the panel, the URL stays.
    page.locator("#tab-details").click()
    expect(page.locator("#onglet-details")).to_be_visible()
    url_before = page.url
    page.locator(f"#onglet-details tr#site-{site.pk}").get_by_role("link", name="Wiki").click()
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Aucune page.")
    assert page.url == url_before
    assert csp_watcher.violations() == []
    assert csp_watcher.page_errors == []


def test_column_choice_is_saved_in_place_and_kept(csp_watcher, world):
    page = csp_watcher.page
    login_as(page, world.user)
    page.goto(f"/synthese/{world.customer.pk}/?onglet=ssc")
    page.wait_for_load_state("load")
    url_before = page.url
    headers = page.locator("#onglet-ssc thead th")
    expect(headers.filter(has_text="Libellé")).to_have_count(1)

    # Hide "Libellé": the tab comes back without it, the address bar keeps the synthèse's URL.
    page.locator("#onglet-ssc .synthese-columns summary").click()
    page.locator("#onglet-ssc .synthese-columns").get_by_label("Libellé").uncheck()
    page.locator("#onglet-ssc .synthese-columns").get_by_role("button", name="Enregistrer").click()
    expect(headers.filter(has_text="Libellé")).to_have_count(0)
    expect(headers.filter(has_text="Code")).to_have_count(1)
    assert page.url == url_before

    # Saved for the user: a refresh shows the same columns.
    page.reload()
    expect(page.locator("#onglet-ssc thead th").filter(has_text="Libellé")).to_have_count(0)
    assert csp_watcher.violations() == []
    assert csp_watcher.page_errors == []


def test_create_a_contact_from_the_actions_block_in_the_side_panel(csp_watcher, world):
    page = csp_watcher.page
    login_as(page, world.user)
    page.goto(f"/synthese/{world.customer.pk}/")
    page.wait_for_load_state("load")
    contacts = _count(page, "details").inner_text()

    # "Créer un interlocuteur" opens the contact form in the panel, without the page around it.
    page.locator('[data-action="contact"]').click()
    dialog = page.locator("#synthese-panel")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading", name="Nouveau contact")).to_be_visible()
    expect(dialog.locator("nav")).to_have_count(0)

    # Saved: back on the refreshed synthèse, one more contact.
    dialog.locator("#id_last_name").fill("Lambert")
    dialog.get_by_role("button", name="Enregistrer").click()
    expect(page).to_have_url(re.compile(rf"/synthese/{world.customer.pk}/"))
    expect(_count(page, "details")).to_have_text(str(int(contacts) + 1))
    expect(page.locator("#onglet-details")).to_contain_text("LAMBERT")
    assert csp_watcher.violations() == []
    assert csp_watcher.page_errors == []
