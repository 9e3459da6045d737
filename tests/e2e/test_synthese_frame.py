"""The synthèse's frame in a real browser: open it, switch tabs through htmx (the URL follows),
apply a row filter from a tab ("Filtrer": the whole page reloads with the new counts), remove it
with "Supprimer filtre", open the suivi commercial panel; no CSP violation nor script error. The
tabs are dummies (tests/synthese/frame_support.py) so the frame is tested alone; the map runs
with Leaflet when scripts/fetch_static_vendor.py has fetched it, with its message otherwise."""

from __future__ import annotations

import re

import pytest
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django_scopes import scope
from playwright.sync_api import expect

from synthese import tabs as tab_registry
from synthese.tabs import Tab
from tests.e2e.helpers import login_as
from tests.e2e.tiers_support import company_defaults
from tests.factories import member
from tests.synthese.frame_support import customer_of_size
from tiers.models import Site

pytestmark = pytest.mark.browser


def _rows(ctx):
    rows = Site.objects.filter(tenant=ctx.tenant, third_party=ctx.customer)
    return rows.filter(pk=ctx.site_id) if ctx.site_id else rows


def _render(key):
    def render(request, ctx, *, exclude=()):
        links = "".join(
            format_html(
                '<li>{} <a class="btn btn-small" href="?{}">Filtrer</a></li>',
                site.name,
                ctx.querystring(site=site.pk, ligne=None),
            )
            for site in _rows(ctx).order_by("name")
        )
        return format_html(
            '<section id="onglet-{}" class="synthese-tab" hx-boost="true" hx-target="this" hx-swap="outerHTML" '
            'hx-push-url="true"><h2>Corps {}</h2><ul>{}</ul></section>',
            key,
            key,
            mark_safe(links),  # noqa: S308 (built with format_html above)
        )

    return render


@pytest.fixture
def browser_tabs(monkeypatch):
    registry = {
        "sites": Tab("sites", "Sites", 10, "tiers.view_site", rows=_rows, render=_render("sites")),
        "autres": Tab("autres", "Autres", 20, "tiers.view_site", rows=_rows, render=_render("autres")),
    }
    monkeypatch.setattr(tab_registry, "TABS", registry)


def test_synthese_frame_tabs_row_filter_and_panel(csp_watcher, tenant, browser_tabs):
    page = csp_watcher.page
    company_defaults(tenant)
    user = member(tenant, "Manager")
    customer = customer_of_size(tenant, 2, name="Imprimerie Bellecour")
    with scope(tenant=tenant):
        agency = Site.objects.get(third_party=customer, name="Agence 0")
    login_as(page, user)

    # Open the synthèse: header, first tab, counts.
    page.goto(f"/synthese/{customer.pk}/")
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Imprimerie Bellecour")
    expect(page.locator("#onglet-sites h2")).to_have_text("Corps sites")
    expect(page.locator("#tab-autres .tab-count")).to_have_text("3")

    # Switch tabs through htmx: the body changes, the URL follows, the page is not reloaded.
    page.evaluate("window.__sameDocument = true")
    page.locator("#tab-autres").click()
    expect(page.locator("#onglet-autres h2")).to_have_text("Corps autres")
    expect(page).to_have_url(re.compile(r"onglet=autres"))
    expect(page.locator("#tab-autres")).to_have_attribute("aria-selected", "true")
    assert page.evaluate("window.__sameDocument") is True

    # "Filtrer" in the tab: the whole synthèse reloads with the row filter (counts change).
    page.locator("#onglet-autres li", has_text="Agence 0").get_by_role("link", name="Filtrer").click()
    expect(page).to_have_url(re.compile(rf"site={agency.pk}"))
    expect(page.locator("#tab-autres .tab-count")).to_have_text("1")
    expect(page.locator("#tab-autres .tab-filtered")).to_be_visible()
    expect(page.locator("#onglet-autres h2")).to_have_text("Corps autres")

    # "Supprimer filtre" in the Actions block: back to the state before the filter.
    page.locator("#supprimer-filtre").click()
    expect(page.locator("#tab-autres .tab-count")).to_have_text("3")
    expect(page).not_to_have_url(re.compile(r"site="))
    expect(page.locator("#supprimer-filtre")).to_have_count(0)

    # The suivi commercial panel opens in the dialog, then closes.
    page.get_by_role("link", name="Suivi commercial").click()
    dialog = page.locator("#synthese-panel")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading", name="Suivi commercial")).to_be_visible()
    page.locator("#synthese-panel-close").click()
    expect(dialog).to_be_hidden()

    # The map: Leaflet's pin when it was fetched, else the message (never a broken page).
    expect(page.locator("#synthese-map")).to_be_visible()
    assert csp_watcher.violations() == []
    assert csp_watcher.page_errors == []
