"""Smoke tests of the base layout in a real browser, for every role and both licences."""

from __future__ import annotations

import re

import pytest
from django_scopes import scope
from playwright.sync_api import Page, expect

from crm.models import Licence, Membership, MembershipBusinessLine
from tests.e2e.helpers import USERNAME_LABEL, login_as
from tests.factories import BusinessLineFactory, MembershipFactory, member

pytestmark = pytest.mark.browser

QUICK_SEARCH_PLACEHOLDER = "Rechercher un client, un contact, un numéro…"


def _business_lines_badge(page: Page):
    return page.locator("details.business-lines > summary .badge")


def _side_nav_link(page: Page, name: str):
    return page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name=name)


def _open_menu(page: Page, name: str) -> None:
    page.locator("details.menu > summary", has_text=name).click()


@pytest.mark.parametrize(
    ("role", "licence"),
    [
        ("Commercial", Licence.CRM),
        ("Technicien", Licence.CRM),
        ("Manager", Licence.CRM),
        ("Administrateur", Licence.CRM),
        ("Commercial", Licence.ARTIS),
    ],
)
def test_base_layout_shown_after_login_for_each_role(page, live_server, tenant, other_tenant, role, licence):
    # Arrange: a user of ``tenant`` only; another tenant exists with a user of its own.
    user = member(tenant, role, licence, first_name="Claire", last_name="Martin")
    member(other_tenant, "Manager")

    # Act
    login_as(page, user)

    # Assert: home page with the full base layout.
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bienvenue chez ACME Bureautique")
    quick_search = page.get_by_role("searchbox", name="Recherche rapide")
    expect(quick_search).to_have_attribute("placeholder", QUICK_SEARCH_PLACEHOLDER)
    switcher = page.get_by_label("Société", exact=True)
    expect(switcher.locator("option:checked")).to_have_text("ACME Bureautique")
    expect(switcher).to_be_disabled()  # a single company: nothing to switch to
    expect(page.locator("details.business-lines > summary")).to_contain_text("Activités")
    expect(page.locator("details.user-menu > summary")).to_contain_text("Claire Martin")
    expect(page.locator("details.user-menu > summary .badge")).to_have_text(f"{role} · {licence.label}")
    assert "Autre Société" not in page.content()

    # Act: the left navigation opens the synthèse search screen.
    _side_nav_link(page, "Synthèse client").click()

    # Assert: its search field has the focus; the other tenant is still nowhere.
    expect(page).to_have_url(f"{live_server.url}/synthese/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Synthèse client")
    expect(page.get_by_label("Client ou prospect")).to_be_focused()
    expect(_side_nav_link(page, "Synthèse client")).to_have_attribute("aria-current", "page")
    assert "Autre Société" not in page.content()


def test_tenant_switch_through_the_top_bar_shows_the_other_company(page, tenant, other_tenant):
    # Arrange: Commercial at ACME, Manager at the other company.
    user = member(tenant, "Commercial")
    MembershipFactory(tenant=other_tenant, user=user, role=_group("Manager"))
    login_as(page, user)
    expect(page.get_by_role("heading", level=1)).to_have_text("Bienvenue chez ACME Bureautique")

    # Act: choosing the company submits the form (static JS, no inline script, no button).
    page.get_by_label("Société", exact=True).select_option(label="Autre Société")

    # Assert
    expect(page.get_by_role("heading", level=1)).to_have_text("Bienvenue chez Autre Société")
    expect(page.get_by_text("Vous travaillez maintenant dans la société Autre Société.")).to_be_visible()
    expect(page.locator("details.user-menu > summary .badge")).to_have_text("Manager · CRM")
    expect(page.get_by_label("Société", exact=True).locator("option:checked")).to_have_text("Autre Société")


def test_business_line_selection_changes_the_badge_and_is_kept_across_pages(page, tenant, other_tenant):
    # Arrange: three business lines; the user's own is "Impression" (the default selection).
    impression = BusinessLineFactory(tenant=tenant, code="IMP", name="Impression")
    BusinessLineFactory(tenant=tenant, code="INF", name="Informatique")
    BusinessLineFactory(tenant=tenant, code="TEL", name="Téléphonie")
    BusinessLineFactory(tenant=other_tenant, code="SEC", name="Sécurité")
    user = member(tenant, "Commercial")
    with scope(tenant=tenant):
        membership = Membership.objects.get(user=user)
        MembershipBusinessLine.objects.create(tenant=tenant, membership=membership, business_line=impression)
    login_as(page, user)
    expect(_business_lines_badge(page)).to_have_text("1")

    # Act: add "Informatique" through the top-bar selector.
    _open_menu(page, "Activités")
    menu = page.locator("details.business-lines")
    expect(menu.get_by_label("Sécurité")).to_have_count(0)  # another tenant's business line
    menu.get_by_label("Informatique").check()
    menu.get_by_role("button", name="Appliquer").click()

    # Assert: the badge counts two, on this page and on the next one.
    expect(_business_lines_badge(page)).to_have_text("2")
    _side_nav_link(page, "Synthèse client").click()
    expect(page).to_have_url(re.compile(r"/synthese/$"))
    expect(_business_lines_badge(page)).to_have_text("2")
    _open_menu(page, "Activités")
    expect(menu.get_by_label("Impression")).to_be_checked()
    expect(menu.get_by_label("Informatique")).to_be_checked()
    expect(menu.get_by_label("Téléphonie")).not_to_be_checked()


def test_logout_returns_to_the_login_page_and_closes_the_session(page, live_server, tenant):
    # Arrange
    login_as(page, member(tenant, "Technicien"))

    # Act
    _open_menu(page, "Technicien")
    page.get_by_role("button", name="Se déconnecter").click()

    # Assert: back on the login form, and the home page now asks to log in again.
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/compte/connexion/\?next=/$"))
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible()


def test_login_refused_with_a_wrong_password(page, tenant):
    # Arrange
    user = member(tenant, "Commercial")

    # Act
    login_page = "/compte/connexion/"
    page.goto(login_page)
    page.get_by_label(USERNAME_LABEL).fill(user.get_username())
    page.get_by_label("Mot de passe").fill("pas-le-bon")
    page.get_by_role("button", name="Se connecter").click()

    # Assert: the exact French message, still on the login page.
    expect(page.get_by_role("alert")).to_contain_text(
        "Saisissez un nom d\u2019utilisateur et un mot de passe valides. "
        "Remarquez que chacun de ces champs est sensible à la casse (différenciation des majuscules/minuscules)."
    )
    expect(page).to_have_url(re.compile(login_page))


def _group(name: str):
    from django.contrib.auth.models import Group

    return Group.objects.get(name=name)
