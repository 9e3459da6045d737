"""Sites pages: tiers:sites, site_create, site_update (with the business-line formset), site_delete."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone
from django_scopes import scope

from tests.factories import BusinessLineFactory, UserFactory, member
from tests.queries import REQUEST_QUERIES
from tests.tiers.factories import AddressFactory, SiteFactory
from tests.tiers.factories_sites_banks import CustomerFactory, customer_with_address, reserved_customer
from tiers.models import Site, SiteBusinessLine

KEEP_MAIN = (
    "Un tiers doit garder un site principal : désignez un autre site comme site principal, il "
    "remplacera celui-ci."
)
DELETE_MAIN = (
    "Le site principal ne peut pas être supprimé tant que le tiers a d'autres sites : désignez "
    "d'abord un autre site principal."
)


@pytest.fixture
def customer(tenant):
    return customer_with_address(tenant)


@pytest.fixture
def manager(client, tenant):
    user = member(tenant, "Manager")
    client.force_login(user)
    return user


def _lines(*rows, initial: int = 0) -> dict:
    data = {"lines-TOTAL_FORMS": str(len(rows)), "lines-INITIAL_FORMS": str(initial)}
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"lines-{index}-{key}"] = value
    return data


def _site_data(address, **fields) -> dict:
    data = {
        "name": "Agence de Lyon",
        "address": str(address.pk),
        "latitude": "",
        "longitude": "",
        "is_main": "on",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None} | _lines()


# --- List -----------------------------------------------------------------------------------------


def test_sites_list_shows_the_sites_main_first(client, manager, tenant, customer):
    third_party, address = customer
    SiteFactory(third_party=third_party, tenant=tenant, address=address, name="Zénith", is_main=True)
    SiteFactory(third_party=third_party, tenant=tenant, address=address, name="Annexe", is_main=False)

    response = client.get(f"/tiers/{third_party.pk}/sites/")

    assert response.status_code == 200
    assert [site.name for site in response.context["sites"]] == ["Zénith", "Annexe"]
    assert "Site principal" in response.content.decode()


def _sites(tenant, third_party, address, count):
    line = BusinessLineFactory(tenant=tenant)
    rep = member(tenant, "Commercial")
    for index in range(count):
        site = SiteFactory(
            third_party=third_party, tenant=tenant, address=address, name=f"Site {index}", is_main=index == 0
        )
        with scope(tenant=tenant):
            SiteBusinessLine.objects.create(tenant=tenant, site=site, business_line=line, rep=rep)


@pytest.mark.parametrize("count", [1, 3])
def test_sites_list_query_count_does_not_grow_with_sites(
    client, manager, tenant, customer, count, django_assert_num_queries
):
    third_party, address = customer
    _sites(tenant, third_party, address, count)
    client.get(f"/tiers/{third_party.pk}/sites/")  # warm the session and permission caches

    with django_assert_num_queries(REQUEST_QUERIES + 12):
        response = client.get(f"/tiers/{third_party.pk}/sites/")

    assert len(response.context["sites"]) == count


def test_sites_list_404_for_another_tenants_third_party(client, other_tenant, customer):
    third_party, _address = customer
    client.force_login(member(other_tenant, "Administrateur"))

    assert client.get(f"/tiers/{third_party.pk}/sites/").status_code == 404


def test_sites_list_404_for_a_third_party_reserved_to_others(client, manager, tenant):
    hidden = reserved_customer(tenant)

    assert client.get(f"/tiers/{hidden.pk}/sites/").status_code == 404


def test_sites_list_404_for_a_closed_third_party_without_the_right(client, tenant):
    closed = CustomerFactory(tenant=tenant, is_closed=True, closed_at=timezone.now())
    client.force_login(member(tenant, "Commercial"))

    assert client.get(f"/tiers/{closed.pk}/sites/").status_code == 404


def test_sites_list_refused_without_the_view_right(client, tenant, customer):
    third_party, _address = customer
    client.force_login(UserFactory())

    assert client.get(f"/tiers/{third_party.pk}/sites/").status_code == 403


# --- Create ---------------------------------------------------------------------------------------


def test_site_create_page_proposes_the_default_address_and_main(client, manager, customer):
    third_party, address = customer

    response = client.get(f"/tiers/{third_party.pk}/sites/ajouter/")

    assert response.status_code == 200
    assert response.context["form"].initial == {"is_main": True, "address": address.pk}


def test_site_create_accepted_with_business_lines_and_redirects(client, manager, tenant, customer):
    third_party, address = customer
    line = BusinessLineFactory(tenant=tenant)
    data = _site_data(address, latitude="45.764043", longitude="4.835659") | _lines(
        {"business_line": str(line.pk), "rep": str(manager.pk)}
    )

    response = client.post(f"/tiers/{third_party.pk}/sites/ajouter/", data)

    assert response.status_code == 302
    assert response.url == f"/tiers/{third_party.pk}/sites/"
    with scope(tenant=tenant):
        site = Site.objects.get(third_party=third_party)
        links = list(site.business_line_links.values_list("business_line_id", "rep_id"))
    assert (site.name, site.is_main, site.latitude) == ("Agence de Lyon", True, Decimal("45.764043"))
    assert links == [(line.pk, manager.pk)]
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Site « Agence de Lyon » enregistré."]


def test_site_create_refused_with_latitude_only_keeps_the_input(client, manager, tenant, customer):
    third_party, address = customer

    response = client.post(f"/tiers/{third_party.pk}/sites/ajouter/", _site_data(address, latitude="45.5"))

    assert response.status_code == 200
    assert response.context["form"].errors["longitude"] == [
        "Renseignez la latitude et la longitude, ou aucune des deux."
    ]
    assert 'value="Agence de Lyon"' in response.content.decode()
    with scope(tenant=tenant):
        assert not Site.objects.filter(third_party=third_party).exists()


def test_site_create_refused_with_another_third_partys_address(client, manager, tenant, customer):
    third_party, _address = customer
    _other, foreign = customer_with_address(tenant)

    response = client.post(f"/tiers/{third_party.pk}/sites/ajouter/", _site_data(foreign))

    assert response.status_code == 200
    assert "address" in response.context["form"].errors


def test_site_create_404_for_another_tenants_third_party(client, other_tenant, customer):
    third_party, address = customer
    client.force_login(member(other_tenant, "Administrateur"))

    response = client.post(f"/tiers/{third_party.pk}/sites/ajouter/", _site_data(address))

    assert response.status_code == 404


# --- Update ---------------------------------------------------------------------------------------


def test_site_update_page_shows_the_site_and_its_lines(client, manager, tenant, customer):
    third_party, address = customer
    site = SiteFactory(third_party=third_party, tenant=tenant, address=address, name="Siège")
    line = BusinessLineFactory(tenant=tenant)
    with scope(tenant=tenant):
        SiteBusinessLine.objects.create(tenant=tenant, site=site, business_line=line, rep=manager)

    response = client.get(f"/tiers/{third_party.pk}/sites/{site.pk}/")

    assert response.status_code == 200
    assert response.context["form"].initial["name"] == "Siège"
    assert response.context["lines"].initial == [{"business_line": line.pk, "rep": manager.pk}]
    assert "Vérifier l'adresse" in response.content.decode()


def test_site_update_refused_when_unmarking_the_main_site(client, manager, tenant, customer):
    third_party, address = customer
    site = SiteFactory(third_party=third_party, tenant=tenant, address=address, name="Siège", is_main=True)

    response = client.post(
        f"/tiers/{third_party.pk}/sites/{site.pk}/", _site_data(address, name="Siège", is_main=None)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["is_main"] == [KEEP_MAIN]


def test_site_update_making_another_site_main(client, manager, tenant, customer):
    third_party, address = customer
    main = SiteFactory(third_party=third_party, tenant=tenant, address=address, name="Siège", is_main=True)
    other = SiteFactory(third_party=third_party, tenant=tenant, address=address, name="Dépôt", is_main=False)

    response = client.post(f"/tiers/{third_party.pk}/sites/{other.pk}/", _site_data(address, name="Dépôt"))

    assert response.status_code == 302
    with scope(tenant=tenant):
        main.refresh_from_db()
        other.refresh_from_db()
    assert other.is_main and not main.is_main


def test_site_update_removes_a_business_line(client, manager, tenant, customer):
    third_party, address = customer
    site = SiteFactory(third_party=third_party, tenant=tenant, address=address, name="Siège")
    line = BusinessLineFactory(tenant=tenant)
    with scope(tenant=tenant):
        SiteBusinessLine.objects.create(tenant=tenant, site=site, business_line=line, rep=manager)
    data = _site_data(address, name="Siège") | _lines(
        {"business_line": str(line.pk), "rep": str(manager.pk), "DELETE": "on"}, initial=1
    )

    response = client.post(f"/tiers/{third_party.pk}/sites/{site.pk}/", data)

    assert response.status_code == 302
    with scope(tenant=tenant):
        assert not SiteBusinessLine.objects.filter(site=site).exists()


def test_site_update_refused_with_a_rep_outside_the_company(client, manager, tenant, other_tenant, customer):
    third_party, address = customer
    site = SiteFactory(third_party=third_party, tenant=tenant, address=address)
    line = BusinessLineFactory(tenant=tenant)
    outsider = member(other_tenant, "Commercial")
    data = _site_data(address) | _lines({"business_line": str(line.pk), "rep": str(outsider.pk)})

    response = client.post(f"/tiers/{third_party.pk}/sites/{site.pk}/", data)

    assert response.status_code == 200
    assert response.context["lines"].forms[0].errors["rep"] == [
        "Sélectionnez un choix valide. Ce choix ne fait pas partie de ceux disponibles."
    ]


def test_site_update_404_for_a_site_of_another_third_party(client, manager, tenant, customer):
    third_party, _address = customer
    other, other_address = customer_with_address(tenant)
    foreign_site = SiteFactory(third_party=other, tenant=tenant, address=other_address)

    assert client.get(f"/tiers/{third_party.pk}/sites/{foreign_site.pk}/").status_code == 404


def test_site_update_404_for_another_tenant(client, other_tenant, tenant, customer):
    third_party, address = customer
    site = SiteFactory(third_party=third_party, tenant=tenant, address=address)
    client.force_login(member(other_tenant, "Administrateur"))

    assert client.get(f"/tiers/{third_party.pk}/sites/{site.pk}/").status_code == 404


def test_site_update_404_for_a_third_party_reserved_to_others(client, manager, tenant):
    hidden = reserved_customer(tenant)
    with scope(tenant=tenant):
        address = hidden.addresses.get()
    site = SiteFactory(third_party=hidden, tenant=tenant, address=address)

    assert client.get(f"/tiers/{hidden.pk}/sites/{site.pk}/").status_code == 404


# --- Delete ---------------------------------------------------------------------------------------


def test_site_delete_confirmation_then_deletion(client, manager, tenant, customer):
    third_party, address = customer
    SiteFactory(third_party=third_party, tenant=tenant, address=address, name="Siège", is_main=True)
    other = SiteFactory(third_party=third_party, tenant=tenant, address=address, name="Dépôt", is_main=False)
    url = f"/tiers/{third_party.pk}/sites/{other.pk}/supprimer/"

    page = client.get(url)
    response = client.post(url)

    assert "Supprimer définitivement le site « Dépôt » ?" in page.content.decode()
    assert response.status_code == 302
    with scope(tenant=tenant):
        assert not Site.objects.filter(pk=other.pk).exists()
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Site « Dépôt » supprimé."]


def test_site_delete_refused_for_the_main_site_while_others_exist(client, manager, tenant, customer):
    third_party, address = customer
    main = SiteFactory(third_party=third_party, tenant=tenant, address=address, name="Siège", is_main=True)
    SiteFactory(third_party=third_party, tenant=tenant, address=address, name="Dépôt", is_main=False)
    url = f"/tiers/{third_party.pk}/sites/{main.pk}/supprimer/"

    page = client.get(url)
    response = client.post(url)

    assert page.context["refusal"] == DELETE_MAIN
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [DELETE_MAIN]
    with scope(tenant=tenant):
        assert Site.objects.filter(pk=main.pk).exists()


def test_site_delete_refused_without_the_delete_right(client, tenant, customer):
    third_party, address = customer
    site = SiteFactory(third_party=third_party, tenant=tenant, address=address)
    client.force_login(member(tenant, "Commercial"))

    assert client.post(f"/tiers/{third_party.pk}/sites/{site.pk}/supprimer/").status_code == 403


def test_site_delete_404_for_another_tenant(client, other_tenant, tenant, customer):
    third_party, address = customer
    site = SiteFactory(third_party=third_party, tenant=tenant, address=address)
    client.force_login(member(other_tenant, "Administrateur"))

    assert client.post(f"/tiers/{third_party.pk}/sites/{site.pk}/supprimer/").status_code == 404


def test_site_address_choices_are_the_third_partys_only(client, manager, tenant, customer):
    third_party, address = customer
    second = AddressFactory(third_party=third_party, tenant=tenant, code="002", is_default=False)
    customer_with_address(tenant)

    response = client.get(f"/tiers/{third_party.pk}/sites/ajouter/")

    assert list(response.context["form"].fields["address"].queryset) == [address, second]
