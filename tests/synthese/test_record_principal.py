"""Record section "Informations principales" (synthese/record_main.py) and its quick actions
(synthese/record_quick_actions.py); the "Fiche client" links of the synthèse and the tiers page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_scopes import scope

from crm.models import Licence
from parc.models import ContractKind
from tests.factories import member
from tests.queries import REQUEST_QUERIES
from tests.synthese.factories import build_world
from tests.synthese.record_support import assert_section_guarded, invoices_of, member_with_perms, record_url
from tests.tiers.factories_characteristics import CharacteristicFieldFactory
from tests.tiers.factories_sites_banks import CustomerFactory
from tiers import models as tiers
from tiers.services.characteristics import characteristic_values_set

pytestmark = pytest.mark.django_db

SECTION = "principal"


@pytest.fixture
def manager(tenant):
    return member(tenant, "Manager")


def test_record_home_opens_the_first_section(tenant, manager, login):
    customer = CustomerFactory(tenant=tenant)
    response = login(manager).get(reverse("synthese:record_home", kwargs={"pk": customer.pk}))
    assert response.status_code == 302
    assert response["Location"] == record_url(customer, SECTION)


def test_principal_guards(tenant, other_tenant, manager, login):
    assert_section_guarded(
        login=login, tenant=tenant, other_tenant=other_tenant, user=manager, section=SECTION
    )


def test_principal_shows_identity_rep_badges_services_articles_and_events(tenant, manager, login):
    world = build_world(tenant)
    rep = member(tenant, "Commercial", first_name="Paul", last_name="Vendeur")
    with scope(tenant=tenant):
        tiers.ThirdParty.objects.filter(pk=world.customer.pk).update(rep_1=rep, is_blocked=True)
    invoices_of(world, 4)
    html = login(manager).get(record_url(world.customer, SECTION)).content.decode()
    assert world.customer.code in html
    assert "Paul Vendeur" in html
    assert "Compte bloqué" in html
    contracts = world.rows["ssc"]
    assert f'data-contract="{contracts["in"].pk}"' in html
    assert f'data-contract="{contracts["inactive"].pk}"' not in html  # inactive: not a service in force
    assert str(ContractKind.SUBSCRIPTION.label) in html and str(ContractKind.PREPAID.label) in html
    assert html.count("Toner ") == 5  # the last five lines bought
    assert f'data-history="action-{world.rows["actions"]["future"].pk}"' in html


def test_principal_shows_the_custom_fields_visible_in_the_synthese(tenant, manager, login):
    customer = CustomerFactory(tenant=tenant)
    shown = CharacteristicFieldFactory(
        tenant=tenant, group__tenant=tenant, label="Nb copieurs", visible_in_synthese=True
    )
    hidden = CharacteristicFieldFactory(
        tenant=tenant, group=shown.group, label="Secret", visible_in_synthese=False
    )
    with scope(tenant=tenant):
        characteristic_values_set(
            tenant=tenant,
            actor=manager,
            record=customer,
            target=tiers.CharacteristicTarget.THIRD_PARTY,
            values={shown.pk: "12", hidden.pk: "x"},
        )
    html = login(manager).get(record_url(customer, SECTION)).content.decode()
    assert "Nb copieurs" in html and "12" in html
    assert "Secret" not in html


def test_principal_hides_blocks_without_permission(tenant, login):
    world = build_world(tenant)
    user = member_with_perms(tenant, "tiers.view_thirdparty", "parc.view_servicecontract")
    html = login(user).get(record_url(world.customer, SECTION)).content.decode()
    assert 'id="fiche-services"' in html
    assert 'id="fiche-derniers-articles"' not in html  # no ventes.view_invoiceline
    assert "data-history=" not in html  # no view permission of any history kind


# --- Quick actions -------------------------------------------------------------------------------


def _quick(response) -> dict[str, str]:
    return {link.key: link.url for link in response.context["quick_actions"]}


def test_quick_actions_follow_permissions_and_the_crm_licence(tenant, login):
    customer = CustomerFactory(tenant=tenant)
    crm = _quick(login(member(tenant, "Manager")).get(record_url(customer, SECTION)))
    assert set(crm) == {
        "devis",
        "commande",
        "livraison",
        "facture",
        "action-call_out",
        "action-meeting",
        "action-task",
        "affaire",
        "dit",
    }
    artis = _quick(login(member(tenant, "Manager", licence=Licence.ARTIS)).get(record_url(customer, SECTION)))
    assert not {"devis", "affaire", "action-call_out", "action-meeting", "action-task"} & set(artis)
    assert {"commande", "dit"} <= set(artis)
    technician = _quick(login(member(tenant, "Technicien")).get(record_url(customer, SECTION)))
    assert "dit" in technician and "commande" not in technician


def test_quick_actions_prefill_the_customer_and_come_back(tenant, manager, login):
    customer = CustomerFactory(tenant=tenant, code="CLI042")
    client = login(manager)
    links = _quick(client.get(record_url(customer, SECTION)))
    back = "next=" + record_url(customer, SECTION).replace("/", "%2F")
    assert links["devis"].startswith(reverse("ventes:quote_create", kwargs={"pk": customer.pk}))
    assert back in links["devis"]
    assert (
        links["facture"].startswith(reverse("ventes:invoice_generate"))
        and "client=CLI042" in links["facture"]
    )
    assert links["livraison"].startswith(record_url(customer, "ventes"))
    meeting = client.get(links["action-meeting"])
    assert meeting.status_code == 200
    assert meeting.context["form"].initial["kind"] == "meeting"
    invoicing = client.get(links["facture"])
    assert invoicing.context["form"].initial["client"] == "CLI042"


def test_prefill_ignores_an_unknown_action_kind(tenant, manager, login):
    customer = CustomerFactory(tenant=tenant)
    url = reverse("ventes:action_create", kwargs={"pk": customer.pk}) + "?type=inconnu"
    assert "kind" not in login(manager).get(url).context["form"].initial


# --- Links to the record -------------------------------------------------------------------------


def test_synthese_header_and_tiers_page_link_to_the_record(tenant, manager, login):
    customer = CustomerFactory(tenant=tenant)
    home = reverse("synthese:record_home", kwargs={"pk": customer.pk})
    client = login(manager)
    synthese = client.get(reverse("synthese:customer", kwargs={"pk": customer.pk})).content.decode()
    assert f'href="{home}"' in synthese and "Fiche client" in synthese
    page = client.get(reverse("tiers:detail", kwargs={"pk": customer.pk})).content.decode()
    assert f'href="{home}"' in page and "Fiche client" in page


# --- Query count ---------------------------------------------------------------------------------

# Session, user, membership and permissions (5), the customer (1), the section's blocks: identity,
# custom fields (2), services, last articles, events; the rest is the page's shell.
PRINCIPAL_QUERIES = REQUEST_QUERIES + 16


@pytest.mark.parametrize("extra", [0, 4])
def test_principal_queries_do_not_depend_on_the_customer_size(
    tenant, manager, login, extra, django_assert_num_queries
):
    world = build_world(tenant, extra=extra)
    invoices_of(world, 1 + 3 * extra)
    client = login(manager)
    with django_assert_num_queries(PRINCIPAL_QUERIES):
        response = client.get(record_url(world.customer, SECTION))
    assert response.status_code == 200
