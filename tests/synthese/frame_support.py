"""Builders shared by the synthèse frame tests: a customer of a given size and a dummy tab
registry (the real tabs are tested in their own files), so the frame is measured alone."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django_scopes import scope

from crm.normalize import phone_digits
from synthese import tabs as tab_registry
from synthese.tabs import Tab
from tests.tiers.factories import AddressFactory, ContactLinkFactory, SiteFactory
from tests.tiers.factories_sites_banks import CustomerFactory
from tests.tiers.factories_terms import FollowUpFactory
from tiers import models as tiers
from tiers.models import Site

SIRET = "73282932000074"  # a valid SIRET (Luhn)


def _site_rows(ctx):
    rows = Site.objects.filter(tenant=ctx.tenant, third_party=ctx.customer)
    return rows.filter(pk=ctx.site_id) if ctx.site_id else rows


def _render(key):
    def render(request, ctx, *, exclude=()):
        return (
            f'<section id="onglet-{key}" class="dummy-tab">corps {key} onglet={ctx.tab} ligne={ctx.row} '
            f"exclus={','.join(exclude)}</section>"
        )

    return render


def dummy_tabs() -> dict[str, Tab]:
    return {
        "sites": Tab("sites", "Sites", 10, "tiers.view_site", rows=_site_rows, render=_render("sites")),
        "secret": Tab(
            "secret", "Secret", 20, "crm.change_company", rows=_site_rows, render=_render("secret")
        ),
        "crm": Tab(
            "crm", "CRM", 30, "tiers.view_site", rows=_site_rows, render=_render("crm"), crm_only=True
        ),
    }


@pytest.fixture
def fake_tabs(monkeypatch):
    """Replace the tab registry by three dummy tabs: ``sites`` (rows: the customer's sites),
    ``secret`` (a permission no role holds) and ``crm`` (CRM licence only)."""
    registry = dummy_tabs()
    monkeypatch.setattr(tab_registry, "TABS", registry)
    return registry


def customer_of_size(tenant, size: int, **fields) -> tiers.ThirdParty:
    """A customer with a main site (GPS, phone, e-mail), ``size`` other sites, contacts, tags and
    follow-ups."""
    customer = CustomerFactory(
        tenant=tenant, website="www.exemple.fr", siret=SIRET, siren=SIRET[:9], **fields
    )
    with scope(tenant=tenant):
        address = AddressFactory(tenant=tenant, third_party=customer, code="001", line1="3 place Bellecour")
        tiers.AddressPhone.objects.create(
            tenant=tenant, address=address, number="+33478000000", digits=phone_digits("+33478000000")
        )
        tiers.AddressEmail.objects.create(tenant=tenant, address=address, email="contact@exemple.fr")
        SiteFactory(
            tenant=tenant,
            third_party=customer,
            address=address,
            name="Siège",
            is_main=True,
            latitude=Decimal("45.757814"),
            longitude=Decimal("4.832011"),
        )
        for number in range(size):
            other = AddressFactory(
                tenant=tenant, third_party=customer, code=f"{number + 2:03d}", is_default=False
            )
            SiteFactory(
                tenant=tenant, third_party=customer, address=other, name=f"Agence {number}", is_main=False
            )
            ContactLinkFactory(tenant=tenant, third_party=customer, is_default=number == 0)
            tag = tiers.Tag.objects.create(tenant=tenant, label=f"Étiquette {customer.pk}-{number}")
            tiers.ThirdPartyTag.objects.create(tenant=tenant, third_party=customer, tag=tag)
            FollowUpFactory(tenant=tenant, third_party=customer)
    return customer
