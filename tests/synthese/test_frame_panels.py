"""The synthèse's side panels (suivi commercial with the cloisonnement rule both ways, wiki,
vault with an audited reveal) and its entry points (search screen, quick-search URLs, the create
pages reached from the Actions block: prefill and the way back)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django_scopes import scope

from crm.models import (
    AuditEntry,
    Licence,
    Membership,
    MembershipBusinessLine,
    MembershipOrganisation,
    SearchKind,
)
from crm.services.parameters import SUIVI_COMMERCIAL_CLOISONNEMENT, parameter_set
from synthese.search import SearchResult
from tests.factories import member
from tests.synthese.frame_support import customer_of_size, fake_tabs  # noqa: F401 (fixture)
from tests.tiers.factories_records import VaultSecretFactory, WikiPageFactory
from tiers import models as tiers

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true", "HX-Target": "synthese-panel-body"}


def panel(name: str, customer) -> str:
    return reverse(f"synthese:{name}", kwargs={"pk": customer.pk})


# --- Suivi commercial -----------------------------------------------------------------------------


def _commercial_of_one_relation(tenant, customer):
    """A Commercial attached to the organisation and business line of the customer's first relation."""
    user = member(tenant, "Commercial")
    with scope(tenant=tenant):
        first = tiers.CommercialFollowUp.objects.filter(third_party=customer).order_by("pk").first()
        membership = Membership.objects.get(user=user, tenant=tenant)
        MembershipOrganisation.objects.create(
            tenant=tenant, membership=membership, organisation=first.organisation
        )
        MembershipBusinessLine.objects.create(
            tenant=tenant, membership=membership, business_line=first.business_line
        )
    return user, first


def test_follow_ups_restricted_by_cloisonnement(tenant, login):
    customer = customer_of_size(tenant, 3)
    user, first = _commercial_of_one_relation(tenant, customer)
    response = login(user).get(panel("follow_ups", customer), headers=HTMX)
    assert response.status_code == 200
    assert [row.pk for row in response.context["follow_ups"]] == [first.pk]
    assert "Relations de vos organisations internes et de vos activités." in response.content.decode()


def test_follow_ups_all_without_cloisonnement(tenant, login):
    customer = customer_of_size(tenant, 3)
    user, _first = _commercial_of_one_relation(tenant, customer)
    with scope(tenant=tenant):
        parameter_set(
            tenant=tenant,
            actor=member(tenant, "Administrateur"),
            key=SUIVI_COMMERCIAL_CLOISONNEMENT,
            value=False,
        )
    response = login(user).get(panel("follow_ups", customer), headers=HTMX)
    assert len(response.context["follow_ups"]) == 3
    html = response.content.decode()
    assert "Relations de vos organisations" not in html
    assert "<html" not in html  # the htmx fragment only


def test_panel_without_htmx_is_a_page(tenant, login):
    customer = customer_of_size(tenant, 1)
    html = login(member(tenant, "Manager")).get(panel("follow_ups", customer)).content.decode()
    assert "<html" in html and "Suivi commercial" in html


def test_panels_of_another_tenant_or_reserved_customer_are_404(tenant, other_tenant, login):
    from tests.tiers.factories_sites_banks import reserved_customer

    foreign = customer_of_size(other_tenant, 1)
    hidden = reserved_customer(tenant)
    user = login(member(tenant, "Manager"))
    for name in ("follow_ups", "wiki", "vault"):
        assert user.get(panel(name, foreign), headers=HTMX).status_code == 404
        assert user.get(panel(name, hidden), headers=HTMX).status_code == 404


# --- Wiki and vault -------------------------------------------------------------------------------


def test_wiki_panel_lists_the_customers_pages(tenant, login):
    customer = customer_of_size(tenant, 1)
    page = WikiPageFactory(tenant=tenant, customer=customer, title="Accès au local technique")
    html = login(member(tenant, "Commercial")).get(panel("wiki", customer), headers=HTMX).content.decode()
    assert "Accès au local technique" in html
    assert reverse("tiers:wiki_detail", kwargs={"pk": page.pk}) in html


def test_vault_panel_reveal_needs_the_right_and_is_audited(tenant, login):
    customer = customer_of_size(tenant, 1)
    item = VaultSecretFactory(tenant=tenant, customer=customer, label="Routeur du siège")
    reveal = reverse("tiers:vault_reveal", kwargs={"pk": item.pk})
    technician = member(tenant, "Technicien")
    html = login(technician).get(panel("vault", customer), headers=HTMX).content.decode()
    assert "Routeur du siège" in html and "s3cret-du-routeur" not in html
    assert f'hx-post="{reveal}"' in html
    response = login(technician).post(reveal, headers={"HX-Request": "true"})
    assert "s3cret-du-routeur" in response.content.decode()
    with scope(tenant=tenant):
        assert AuditEntry.objects.filter(action="vault.reveal", actor=technician).count() == 1
    commercial = member(tenant, "Commercial")
    html = login(commercial).get(panel("vault", customer), headers=HTMX).content.decode()
    assert "Routeur du siège" in html and f'hx-post="{reveal}"' not in html
    assert login(commercial).post(reveal).status_code == 403


# --- Entry points ---------------------------------------------------------------------------------


def test_search_screen_lists_customers_sites_and_persons_with_their_synthese(tenant, login):
    customer = customer_of_size(tenant, 1, name="Imprimerie Bellecour")
    response = login(member(tenant, "Commercial")).get(reverse("synthese:search"), {"q": "bellecour"})
    rows = response.context["rows"]
    assert rows and all(result.kind in (1, 2, 3, 4) for result, _url in rows)
    synthese = reverse("synthese:customer", kwargs={"pk": customer.pk})
    assert any(url == synthese for _result, url in rows)
    assert "autofocus" in response.content.decode()


def _result(kind, object_id=7, customer_id=5) -> SearchResult:
    return SearchResult(kind, object_id, customer_id, "x", "", "Client")


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (SearchKind.CUSTOMER, "/synthese/5/"),
        (SearchKind.CONTACT, "/synthese/5/?contact=7"),
        (SearchKind.SITE, "/synthese/5/?site=7"),
        (SearchKind.ASSET, "/synthese/5/?bien=7&onglet=parc"),
        (SearchKind.CONTRACT, "/synthese/5/?contrat=7&onglet=ssc"),
        (SearchKind.ORDER, "/synthese/5/?onglet=commandes&ligne=commande-7"),
        (SearchKind.DEAL, "/synthese/5/?onglet=affaires&ligne=affaire-7"),
        (SearchKind.QUOTE, "/synthese/5/?onglet=devis&ligne=devis-7"),
        (SearchKind.REQUEST, "/synthese/5/?onglet=dit&ligne=dit-7"),
    ],
)
def test_quick_search_results_open_the_synthese_in_context(kind, expected):
    assert _result(kind).synthese_url_for(crm_licence=True) == expected


def test_without_crm_licence_a_document_opens_its_own_page():
    result = _result(SearchKind.ORDER)
    assert result.synthese_url_for(crm_licence=False) == result.record_url


# --- The create pages reached from the Actions block ----------------------------------------------


@pytest.mark.usefixtures("fake_tabs")
def test_create_page_prefilled_from_the_selection(tenant, login):
    customer = customer_of_size(tenant, 1)
    with scope(tenant=tenant):
        site = tiers.Site.objects.get(third_party=customer, is_main=False)
        contact_id = tiers.ContactLink.objects.filter(third_party=customer).first().contact_id
    user = login(member(tenant, "Commercial"))
    response = user.get(
        reverse("ventes:action_create", kwargs={"pk": customer.pk}),
        {"site": site.pk, "contact": contact_id, "next": "/synthese/"},
    )
    form = response.context["form"]
    assert form["site"].value() == site.pk and form["contact"].value() == contact_id
    assert response.context["back_url"] == "/synthese/"


def test_create_page_goes_back_to_a_safe_next_only(tenant, login):
    customer = customer_of_size(tenant, 1)
    user = login(member(tenant, "Manager"))
    with scope(tenant=tenant):
        site = tiers.Site.objects.get(third_party=customer, is_main=True)
    back = f"/synthese/{customer.pk}/?onglet=parc"
    data = {"site": site.pk, "kind": "camera", "competitor": "Concurrent SA", "description": "Caméras"}
    create = reverse("parc:competitor_create", kwargs={"pk": customer.pk})
    response = user.post(f"{create}?{urlencode({'next': back})}", data)
    assert response.status_code == 302, response.context["form"].errors
    assert response["Location"] == back
    response = user.post(f"{create}?{urlencode({'next': 'https://ailleurs.example/'})}", data)
    assert response.status_code == 302
    assert response["Location"].startswith("/parc/")


def test_artis_user_cannot_add_a_deal_even_by_url(tenant, login):
    customer = customer_of_size(tenant, 1)
    response = login(member(tenant, "Commercial", licence=Licence.ARTIS)).get(
        reverse("ventes:deal_create", kwargs={"pk": customer.pk})
    )
    assert response.status_code == 403
