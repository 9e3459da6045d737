"""The contact list: visibility through links, search on name words and e-mail, query count."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from crm.models import Membership
from tests.factories import member
from tests.tiers.factories import ContactFactory, ContactLinkFactory
from tests.tiers.factories_lists import SegmentValueFactory, third_party

CONTACTS = "/tiers/contacts/"


def names(response) -> list[str]:
    return [str(row.record) for row in response.context["table"].page.object_list]


@pytest.fixture
def commercial(tenant):
    return member(tenant, "Commercial")


def _contact(tenant, owner, last_name: str, first_name: str = "Jean", **fields):
    contact = ContactFactory(tenant=tenant, last_name=last_name, first_name=first_name, **fields)
    ContactLinkFactory(tenant=tenant, third_party=owner, contact=contact, is_default=False)
    return contact


def test_contact_list_shows_name_function_third_parties_phone_and_email(tenant, commercial, login):
    customer = third_party(tenant, "Société Générale")
    function = SegmentValueFactory(tenant=tenant, label="Responsable achats")
    _contact(
        tenant,
        customer,
        "Dupont",
        "Hélène",
        function=function,
        phone="+33478000001",
        email="helene.dupont@example.com",
    )

    response = login(commercial).get(CONTACTS)

    content = response.content.decode()
    assert response.status_code == 200
    assert names(response) == ["DUPONT Hélène"]
    assert "Responsable achats" in content
    assert f'<a href="/tiers/{customer.pk}/">Société Générale</a>' in content
    assert 'href="tel:+33478000001"' in content and "04 78 00 00 01" in content
    assert 'href="mailto:helene.dupont@example.com"' in content


def test_contact_search_matches_every_word_of_the_name_in_any_order(tenant, commercial, login):
    customer = third_party(tenant, "Client Alpha")
    _contact(tenant, customer, "Lefèvre", "Anne-Sophie")
    _contact(tenant, customer, "Martin", "Sophie")
    _contact(tenant, customer, "Delefevre", "Paul")
    client = login(commercial)

    both = client.get(CONTACTS, {"q": "sophie lef"})
    accent = client.get(CONTACTS, {"q": "LEFEVRE"})

    assert names(both) == ["LEFÈVRE Anne-Sophie"]
    assert names(accent) == ["LEFÈVRE Anne-Sophie"]


def test_contact_search_matches_the_email(tenant, commercial, login):
    customer = third_party(tenant, "Client Alpha")
    _contact(tenant, customer, "Durand", email="compta@imprimerie-lyon.fr")
    _contact(tenant, customer, "Bernard", email="bernard@example.com")

    response = login(commercial).get(CONTACTS, {"q": "imprimerie"})

    assert names(response) == ["DURAND Jean"]


def test_contact_filter_on_function(tenant, commercial, login):
    customer = third_party(tenant, "Client Alpha")
    buyer = SegmentValueFactory(tenant=tenant, label="Acheteur")
    _contact(tenant, customer, "Achat", function=buyer)
    _contact(tenant, customer, "Autre")

    response = login(commercial).get(CONTACTS, {"fonction": buyer.pk})

    assert names(response) == ["ACHAT Jean"]


def test_contact_of_a_reserved_customer_hidden_from_others(tenant, commercial, login):
    allowed = member(tenant, "Commercial")
    reserved = third_party(tenant, "Client Réservé", allowed_users=[allowed])
    public = third_party(tenant, "Client Public")
    _contact(tenant, reserved, "Secret")
    _contact(tenant, public, "Public")

    other = login(commercial).get(CONTACTS)
    own = login(allowed).get(CONTACTS)

    assert names(other) == ["PUBLIC Jean"]
    assert names(own) == ["PUBLIC Jean", "SECRET Jean"]


def test_shared_contact_lists_only_its_visible_third_parties(tenant, commercial, login):
    closed = third_party(tenant, "Client Fermé", is_closed=True)
    open_customer = third_party(tenant, "Client Ouvert")
    shared = _contact(tenant, open_customer, "Partagé")
    ContactLinkFactory(tenant=tenant, third_party=closed, contact=shared, is_default=False)
    _contact(tenant, closed, "Seulement fermé")

    response = login(commercial).get(CONTACTS)

    content = response.content.decode()
    assert names(response) == ["PARTAGÉ Jean"]
    assert "Client Ouvert" in content
    assert "Client Fermé" not in content


def test_another_tenants_contacts_are_never_listed(tenant, other_tenant, commercial, login):
    _contact(tenant, third_party(tenant, "Client Maison"), "Maison")
    _contact(other_tenant, third_party(other_tenant, "Client Ailleurs"), "Ailleurs")

    response = login(commercial).get(CONTACTS)

    assert names(response) == ["MAISON Jean"]


def test_contact_list_refused_without_the_view_permission(tenant, login):
    role = Group.objects.create(name="Sans contacts")
    role.permissions.add(Permission.objects.get(codename="view_thirdparty"))
    user = member(tenant, "Commercial")
    with scope(tenant=tenant):
        Membership.objects.filter(user=user).update(role=role)

    response = login(user).get(CONTACTS)

    assert response.status_code == 403
    assert 'href="/tiers/contacts/"' not in login(user).get("/tiers/clients/").content.decode()


def test_contact_list_query_count_is_the_same_for_2_and_30_rows(
    tenant, commercial, login, django_assert_num_queries
):
    function = SegmentValueFactory(tenant=tenant)
    customers = [third_party(tenant, f"Client {index}") for index in range(2)]
    client = login(commercial)

    def add_contacts(start: int, stop: int) -> None:
        for index in range(start, stop):
            contact = _contact(
                tenant, customers[0], f"Nom{index:02d}", function=function, phone="+33478000000"
            )
            ContactLinkFactory(tenant=tenant, third_party=customers[1], contact=contact, is_default=False)

    add_contacts(0, 2)
    client.get(CONTACTS)
    with CaptureQueriesContext(connection) as small:
        client.get(CONTACTS)
    add_contacts(2, 30)

    with django_assert_num_queries(len(small)):
        response = client.get(CONTACTS)

    assert len(names(response)) == 25
