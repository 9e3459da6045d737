"""Record section "Ventes" (synthese/record_sales.py over ventes.selectors_customer): documents in
progress by type, history with status filters, lines, purchase history, print buttons."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_scopes import scope

from tests.factories import member
from tests.queries import REQUEST_QUERIES
from tests.synthese.factories import RECENT, build_world
from tests.synthese.record_support import assert_section_guarded, invoices_of, member_with_perms, record_url
from tests.ventes.factories_documents import DeliveryFactory
from ventes import models as ventes

pytestmark = pytest.mark.django_db

SECTION = "ventes"


@pytest.fixture
def manager(tenant):
    return member(tenant, "Manager")


@pytest.fixture
def world(tenant):
    build_world(tenant)  # another customer of the tenant: never shown
    world = build_world(tenant)
    orders = world.rows["commandes"]
    with scope(tenant=tenant):
        ventes.Order.objects.filter(pk=orders["old"].pk).update(state=ventes.OrderState.CLOSED)
        quote = world.rows["devis"]["accepted"]
        ventes.Order.objects.filter(pk=orders["in"].pk).update(quote=quote)
    world.rows["livraisons"] = {
        "draft": DeliveryFactory(order=orders["in"], state=ventes.DeliveryState.DRAFT, delivered_on=RECENT),
        "validated": DeliveryFactory(order=orders["bl"], delivered_on=RECENT),
    }
    world.rows["factures"] = {
        "validated": invoices_of(world, 1)[0],
        "draft": invoices_of(world, 1, state=ventes.InvoiceState.DRAFT)[0],
    }
    return world


def _documents(response) -> set[str]:
    return {f"{row['row_kind']}-{row['row_id']}" for row in response.context["table"].data}


def test_ventes_guards(tenant, other_tenant, manager, login):
    assert_section_guarded(
        login=login, tenant=tenant, other_tenant=other_tenant, user=manager, section=SECTION
    )


def test_ventes_section_needs_the_order_view_permission(tenant, login, world):
    user = member_with_perms(tenant, "tiers.view_thirdparty")
    assert login(user).get(record_url(world.customer, SECTION)).status_code == 404  # section not offered


def test_documents_in_progress_by_type(tenant, manager, login, world):
    client = login(manager)
    shown = _documents(client.get(record_url(world.customer, SECTION)))
    orders, quotes = world.rows["commandes"], world.rows["devis"]
    assert f"commande-{orders['in'].pk}" in shown
    assert f"commande-{orders['old'].pk}" not in shown  # closed
    assert f"devis-{quotes['in'].pk}" in shown
    assert f"devis-{quotes['accepted'].pk}" not in shown  # accepted and ordered
    assert f"livraison-{world.rows['livraisons']['draft'].pk}" in shown
    assert f"livraison-{world.rows['livraisons']['validated'].pk}" not in shown
    assert f"facture-{world.rows['factures']['draft'].pk}" in shown
    assert f"facture-{world.rows['factures']['validated'].pk}" in shown  # not paid yet
    only_orders = _documents(client.get(record_url(world.customer, SECTION, "type=commande")))
    assert only_orders and all(key.startswith("commande-") for key in only_orders)


def test_history_lists_every_document_newest_first(tenant, manager, login, world):
    response = login(manager).get(record_url(world.customer, SECTION, "vue=historique"))
    rows = list(response.context["table"].data)
    dates = [row["row_date"] for row in rows]
    assert dates == sorted(dates, reverse=True)
    expected = len(world.rows["devis"]) + len(world.rows["commandes"]) + len(world.rows["livraisons"]) + 2
    assert len(rows) == expected


@pytest.mark.parametrize(
    ("status", "kind", "row", "other"),
    [
        ("devis-commandes", "devis", ("devis", "accepted"), ("devis", "in")),
        ("devis-non-commandes", "devis", ("devis", "in"), ("devis", "accepted")),
        ("commandes-soldees", "commande", ("commandes", "old"), ("commandes", "in")),
        ("commandes-non-soldees", "commande", ("commandes", "in"), ("commandes", "old")),
        ("livraisons-validees", "livraison", ("livraisons", "validated"), ("livraisons", "draft")),
        ("livraisons-non-validees", "livraison", ("livraisons", "draft"), ("livraisons", "validated")),
        ("factures-validees", "facture", ("factures", "validated"), ("factures", "draft")),
        ("factures-non-validees", "facture", ("factures", "draft"), ("factures", "validated")),
    ],
)
def test_history_status_filters(tenant, manager, login, world, status, kind, row, other):
    response = login(manager).get(record_url(world.customer, SECTION, f"vue=historique&statut={status}"))
    shown = _documents(response)
    assert f"{kind}-{world.rows[row[0]][row[1]].pk}" in shown
    assert f"{kind}-{world.rows[other[0]][other[1]].pk}" not in shown
    assert all(key.startswith(f"{kind}-") for key in shown)


def test_history_two_statuses_of_two_kinds(tenant, manager, login, world):
    query = "vue=historique&statut=devis-non-commandes&statut=commandes-soldees"
    shown = _documents(login(manager).get(record_url(world.customer, SECTION, query)))
    assert {key.split("-")[0] for key in shown} == {"devis", "commande"}
    assert f"commande-{world.rows['commandes']['old'].pk}" in shown


def test_lines_view_shows_quote_order_and_invoice_lines(tenant, manager, login, world):
    response = login(manager).get(record_url(world.customer, SECTION, "vue=lignes"))
    kinds = {row["row_kind"] for row in response.context["table"].data}
    assert kinds == {"commande", "facture"}  # the world's quotes have no lines
    html = response.content.decode()
    assert "Toner 0-1" in html


def test_purchase_history_searchable_by_article_label(tenant, manager, login, world):
    client = login(manager)
    response = client.get(record_url(world.customer, SECTION, "vue=achats"))
    assert response.context["table"].paginator.count == 2  # the validated invoice's lines
    response = client.get(record_url(world.customer, SECTION, "vue=achats&libelle=0-2"))
    assert [line.label for line in response.context["table"].data] == ["Toner 0-2"]
    response = client.get(record_url(world.customer, SECTION, "vue=achats&du=2999-01-01"))
    assert response.context["table"].paginator.count == 0


def test_print_and_deliver_buttons(tenant, manager, login, world):
    html = login(manager).get(record_url(world.customer, SECTION)).content.decode()
    order = world.rows["commandes"]["in"]
    assert reverse("ventes:document_pdf", kwargs={"kind": "order", "pk": order.pk}) in html
    assert reverse("ventes:delivery_create", kwargs={"pk": order.pk}) in html
    draft = world.rows["factures"]["draft"]
    assert reverse("ventes:document_pdf", kwargs={"kind": "invoice", "pk": draft.pk}) not in html
    technician = login(member(tenant, "Technicien")).get(record_url(world.customer, SECTION)).content.decode()
    assert reverse("ventes:delivery_create", kwargs={"pk": order.pk}) not in technician


def test_sorting_by_amount(tenant, manager, login, world):
    response = login(manager).get(
        record_url(world.customer, SECTION, "vue=historique&ventes-tri=row_excl_tax")
    )
    rows = [row.record for row in response.context["table"].page.object_list]
    amounts = [row["row_excl_tax"] for row in rows if row["row_excl_tax"] is not None]
    assert amounts == sorted(amounts)


# Session, user, membership and permissions (5), the customer (1), the table's count and page (2);
# the rest is the page's shell (the record's navigation, the messages).
VENTES_QUERIES = {
    "en-cours": REQUEST_QUERIES + 15,
    "historique": REQUEST_QUERIES + 15,
    "lignes": REQUEST_QUERIES + 15,
    "achats": REQUEST_QUERIES + 15,
}


@pytest.mark.parametrize("extra", [0, 4])
@pytest.mark.parametrize("view", ["en-cours", "historique", "lignes", "achats"])
def test_ventes_queries_do_not_depend_on_the_customer_size(
    tenant, manager, login, extra, view, django_assert_num_queries
):
    world = build_world(tenant, extra=extra)
    invoices_of(world, 1 + 3 * extra)
    client = login(manager)
    with django_assert_num_queries(VENTES_QUERIES[view]):
        response = client.get(record_url(world.customer, SECTION, f"vue={view}"))
    assert response.status_code == 200
