"""A record's thread as htmx fragments (the synthèse's exchanges columns): the side panel, the
hover preview (last messages and total), and the deletion confirmed in place, audited."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope

from crm.models import AuditEntry
from tests.factories import member
from tests.tiers.factories_records import ExchangeFactory
from tests.tiers.factories_sites_banks import CustomerFactory, reserved_customer
from tiers.models import Exchange

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def _url(target, **query) -> str:
    kwargs = {"content_type": ContentType.objects.get_for_model(target).pk, "object_id": target.pk}
    url = reverse("tiers:exchanges", kwargs=kwargs)
    return f"{url}?apercu=1" if query.get("preview") else url


def _thread(tenant, count: int):
    customer = CustomerFactory(tenant=tenant)
    items = [ExchangeFactory(customer=customer, body=f"Message numéro {index}.") for index in range(count)]
    return customer, items


def test_htmx_thread_is_the_panel_fragment(tenant, login):
    customer, _items = _thread(tenant, 2)
    body = login(member(tenant, "Technicien")).get(_url(customer), headers=HTMX).content.decode()

    assert "<html" not in body
    assert 'id="synthese-panel-title"' in body and "Échanges" in body
    assert "Message numéro 0." in body and "Message numéro 1." in body
    assert "Ajouter le message" in body


def test_preview_shows_the_last_messages_and_the_total(tenant, login):
    customer, _items = _thread(tenant, 5)
    body = (
        login(member(tenant, "Technicien")).get(_url(customer, preview=True), headers=HTMX).content.decode()
    )

    assert "<html" not in body and "Ajouter le message" not in body
    assert all(f"Message numéro {index}." in body for index in (2, 3, 4))
    assert "Message numéro 0." not in body and "Message numéro 1." not in body
    assert "5 messages au total." in body


def test_preview_of_an_empty_thread(tenant, login):
    customer = CustomerFactory(tenant=tenant)
    body = (
        login(member(tenant, "Technicien")).get(_url(customer, preview=True), headers=HTMX).content.decode()
    )

    assert "Aucun échange." in body and "au total" not in body


def test_panel_and_preview_of_a_hidden_customer_or_another_tenant_are_404(tenant, other_tenant, login):
    hidden = reserved_customer(tenant)
    foreign = CustomerFactory(tenant=other_tenant)
    client = login(member(tenant, "Technicien"))

    for target in (hidden, foreign):
        assert client.get(_url(target), headers=HTMX).status_code == 404
        assert client.get(_url(target, preview=True), headers=HTMX).status_code == 404


def test_preview_query_count_does_not_depend_on_the_thread(tenant, login, django_assert_num_queries):
    small, _items = _thread(tenant, 1)
    large, _items = _thread(tenant, 8)
    client = login(member(tenant, "Technicien"))
    client.get(_url(small, preview=True), headers=HTMX)
    with CaptureQueriesContext(connection) as few:
        client.get(_url(small, preview=True), headers=HTMX)
    with django_assert_num_queries(len(few)):
        client.get(_url(large, preview=True), headers=HTMX)


def test_htmx_delete_is_confirmed_in_place_then_returns_the_thread(tenant, login):
    _customer, (kept, removed) = _thread(tenant, 2)
    url = reverse("tiers:exchange_delete", kwargs={"pk": removed.pk})
    client = login(member(tenant, "Manager"))

    confirmation = client.get(url, headers=HTMX).content.decode()
    assert "<html" not in confirmation and "exchange-confirm" in confirmation
    assert "Supprimer le message du" in confirmation and f'hx-post="{url}"' in confirmation

    thread = client.post(url, headers=HTMX)
    body = thread.content.decode()
    assert thread.status_code == 200 and "<html" not in body
    assert "Message numéro 0." in body and "Message numéro 1." not in body
    with scope(tenant=tenant):
        assert list(Exchange.objects.values_list("pk", flat=True)) == [kept.pk]
        assert AuditEntry.objects.filter(action="exchange.delete", object_id=str(removed.pk)).exists()


def test_htmx_delete_needs_the_right(tenant, other_tenant, login):
    customer, (item,) = _thread(tenant, 1)
    url = reverse("tiers:exchange_delete", kwargs={"pk": item.pk})
    tech = member(tenant, "Technicien")

    assert login(tech).post(url, headers=HTMX).status_code == 403
    assert ">Supprimer</a>" not in login(tech).get(_url(customer), headers=HTMX).content.decode()
    foreign = ExchangeFactory(customer=CustomerFactory(tenant=other_tenant))
    manager = login(member(tenant, "Manager"))
    assert (
        manager.post(reverse("tiers:exchange_delete", kwargs={"pk": foreign.pk}), headers=HTMX).status_code
        == 404
    )
    with scope(tenant=tenant):
        assert Exchange.objects.filter(pk=item.pk).exists()
