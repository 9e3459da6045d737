"""The customer record (fiche client) in a real browser: opened from the customer's synthèse
("Fiche client"), its sections Informations principales → Ventes → Suivi, then an event added in
Suivi: refused without a subject (the section comes back with the error on the field and every
typed value kept, synthese.record.section_refused), then accepted (the event is listed). No CSP
violation nor script error (csp_watcher).

The subject typed first is made of spaces only: the browser's own ``required`` check lets it
through, the server strips it and refuses it as empty, which is the refusal under test."""

from __future__ import annotations

import re

import pytest
from django_scopes import scope
from playwright.sync_api import expect

from tests.e2e.helpers import login_as
from tests.e2e.tiers_support import company_defaults
from tests.factories import member
from tests.synthese.factories import build_world
from ventes.models import Action, ActionKind

pytestmark = pytest.mark.browser


def test_record_sections_and_an_event_refused_then_added(csp_watcher, tenant):
    page = csp_watcher.page
    company_defaults(tenant)
    user = member(tenant, "Manager")
    world = build_world(tenant, owner=user)
    customer = world.customer
    login_as(page, user)

    # From the synthèse to the record's first section.
    page.goto(f"/synthese/{customer.pk}/")
    page.locator("#synthese-record").click()
    expect(page).to_have_url(re.compile(rf"/synthese/{customer.pk}/fiche/principal/$"))
    sections = page.get_by_role("navigation", name="Sections de la fiche")
    expect(sections.locator("[aria-current=page]")).to_have_text("Informations principales")
    expect(page.locator("#fiche-identite")).to_be_visible()

    sections.get_by_role("link", name="Ventes", exact=True).click()
    expect(page).to_have_url(re.compile(r"/fiche/ventes/$"))
    expect(page.locator("#record-ventes h2")).to_have_text("Ventes")

    sections.get_by_role("link", name="Suivi", exact=True).click()
    expect(page).to_have_url(re.compile(r"/fiche/suivi/$"))
    form = page.locator("#evenement-ajout")
    expect(form).to_be_visible()

    # Refused: no subject. The section comes back with the error and what was typed.
    date_typed = form.get_by_label("Date").input_value()
    form.get_by_label("Objet").fill("   ")
    form.get_by_label("Notes").fill("Stand 12, allée B : apporter le catalogue.")
    form.get_by_role("button", name="Ajouter l'événement").click()
    form = page.locator("#evenement-ajout")
    expect(form.locator("#id_subject_error")).to_have_text("Ce champ est obligatoire.")
    expect(form.get_by_label("Notes")).to_have_value("Stand 12, allée B : apporter le catalogue.")
    expect(form.get_by_label("Date")).to_have_value(date_typed)
    expect(page).to_have_url(re.compile(r"/fiche/suivi/$"))
    with scope(tenant=tenant):
        assert not Action.objects.filter(customer=customer, kind=ActionKind.EVENT).exists()

    # Accepted: with a subject, back to the section (PRG) and the event is listed.
    form.get_by_label("Objet").fill("Salon Bureautique")
    form.get_by_role("button", name="Ajouter l'événement").click()
    expect(page.get_by_text("Événement enregistré.")).to_be_visible()
    events = page.locator("#fiche-evenements")
    expect(events.get_by_role("link", name="Salon Bureautique")).to_be_visible()
    expect(page.locator("#id_subject_error")).to_have_count(0)
    with scope(tenant=tenant):
        event = Action.objects.get(customer=customer, kind=ActionKind.EVENT)
    assert event.notes == "Stand 12, allée B : apporter le catalogue."

    assert csp_watcher.violations() == []
    assert csp_watcher.page_errors == []
