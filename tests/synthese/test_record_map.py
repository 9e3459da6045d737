"""Record section "Carte" (synthese/record_map.py): the customer's sites on the map and the
visible customers whose main site lies within 5, 10 or 25 km, with their contacts."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django_scopes import scope

from tests.factories import member
from tests.queries import REQUEST_QUERIES
from tests.synthese.frame_support import customer_of_size
from tests.synthese.record_support import assert_section_guarded, member_with_perms, record_url
from tests.tiers.factories import AddressFactory, ContactLinkFactory, SiteFactory
from tests.tiers.factories_sites_banks import CustomerFactory, reserved_customer
from tiers import models as tiers

pytestmark = pytest.mark.django_db

SECTION = "carte"
MAP_QUERIES = REQUEST_QUERIES + 14
LAT, LNG = Decimal("45.757814"), Decimal("4.832011")  # customer_of_size's main site


@pytest.fixture
def commercial(tenant):
    return member(tenant, "Commercial")


def _main_site(customer, d_lat: str, d_lng: str, *, contacts: int = 1):
    """A main site of ``customer`` at (LAT + d_lat, LNG + d_lng) and ``contacts`` contacts."""
    tenant = customer.tenant
    with scope(tenant=tenant):
        address = AddressFactory(tenant=tenant, third_party=customer, code="001", city="VILLE")
        SiteFactory(
            tenant=tenant,
            third_party=customer,
            address=address,
            name=f"Siège {customer.code}",
            is_main=True,
            latitude=LAT + Decimal(d_lat),
            longitude=LNG + Decimal(d_lng),
        )
        for number in range(contacts):
            ContactLinkFactory(tenant=tenant, third_party=customer, is_default=number == 0)
    return customer


def _neighbours(tenant, other_tenant):
    return {
        "3km": _main_site(CustomerFactory(tenant=tenant, name="Voisin Trois"), "0", "0.04"),
        "8km": _main_site(CustomerFactory(tenant=tenant, name="Voisin Huit"), "0", "0.10"),
        "17km": _main_site(CustomerFactory(tenant=tenant, name="Voisin Dix-sept"), "0.15", "0"),
        "33km": _main_site(CustomerFactory(tenant=tenant, name="Voisin Loin"), "0.30", "0"),
        # In the 5-km bounding box, but 6,2 km away: only the exact distance removes it.
        "corner": _main_site(CustomerFactory(tenant=tenant, name="Voisin Coin"), "0.04", "0.055"),
        "prospect": _main_site(
            CustomerFactory(tenant=tenant, name="Prospect Proche", lifecycle=tiers.Lifecycle.PROSPECT_DRAFT),
            "0",
            "0.01",
        ),
        "foreign": _main_site(CustomerFactory(tenant=other_tenant, name="Voisin Étranger"), "0", "0.01"),
    }


def _names(response) -> list[str]:
    return [row.customer.name for row in response.context["nearby"]]


def test_the_map_shows_the_customers_sites(tenant, commercial, login):
    customer = customer_of_size(tenant, 1)
    with scope(tenant=tenant):
        tiers.Site.objects.filter(third_party=customer, is_main=False).update(
            latitude=Decimal("45.70"), longitude=Decimal("4.80")
        )
    response = login(commercial).get(record_url(customer, SECTION))
    html = response.content.decode()
    assert 'id="synthese-map"' in html and 'data-lat="45.757814"' in html
    assert "/static/js/map.js" in html and "<script>" not in html
    points = json.loads(response.context["map_points"])
    assert points == [{"lat": "45.700000", "lng": "4.800000", "label": "Agence 0"}]


def test_a_customer_without_gps_has_no_map(tenant, commercial, login):
    customer = CustomerFactory(tenant=tenant)
    html = login(commercial).get(record_url(customer, SECTION)).content.decode()
    assert 'id="record-map-missing"' in html and 'id="record-nearby"' not in html


@pytest.mark.parametrize(
    ("radius", "expected"),
    [
        (5, ["Voisin Trois"]),
        (10, ["Voisin Trois", "Voisin Coin", "Voisin Huit"]),
        (25, ["Voisin Trois", "Voisin Coin", "Voisin Huit", "Voisin Dix-sept"]),
    ],
)
def test_customers_within_the_radius_nearest_first(tenant, other_tenant, commercial, login, radius, expected):
    customer = customer_of_size(tenant, 1)
    _neighbours(tenant, other_tenant)
    response = login(commercial).get(record_url(customer, SECTION, f"rayon={radius}"))
    assert _names(response) == expected


def test_nearby_customers_come_with_their_contacts(tenant, other_tenant, commercial, login):
    customer = customer_of_size(tenant, 1)
    neighbour = _neighbours(tenant, other_tenant)["3km"]
    with scope(tenant=tenant):
        contact = tiers.ContactLink.objects.get(third_party=neighbour).contact
    html = login(commercial).get(record_url(customer, SECTION, "rayon=5")).content.decode()
    assert str(contact) in html and "3,1 km" in html


def test_a_customer_reserved_to_others_is_not_listed(tenant, commercial, login):
    customer = customer_of_size(tenant, 1)
    hidden = reserved_customer(tenant)
    with scope(tenant=tenant):
        SiteFactory(
            tenant=tenant,
            third_party=hidden,
            address=hidden.addresses.get(),
            is_main=True,
            latitude=LAT,
            longitude=LNG + Decimal("0.01"),
        )
    response = login(commercial).get(record_url(customer, SECTION, "rayon=5"))
    assert _names(response) == []


def test_the_search_can_start_from_another_site(tenant, other_tenant, commercial, login):
    customer = customer_of_size(tenant, 1)
    _neighbours(tenant, other_tenant)
    with scope(tenant=tenant):
        branch = tiers.Site.objects.get(third_party=customer, is_main=False)
        branch.latitude, branch.longitude = LAT + Decimal("0.30"), LNG
        branch.save()
    response = login(commercial).get(record_url(customer, SECTION, f"rayon=5&site={branch.pk}"))
    assert _names(response) == ["Voisin Loin"]


def test_another_tenants_or_a_reserved_customer_is_404_and_no_right_is_403(
    tenant, other_tenant, commercial, login
):
    assert_section_guarded(
        login=login, tenant=tenant, other_tenant=other_tenant, user=commercial, section=SECTION
    )


def test_the_section_needs_the_site_and_contact_views(tenant, login):
    customer = customer_of_size(tenant, 1)
    reader = member_with_perms(tenant, "tiers.view_thirdparty")
    assert login(reader).get(record_url(customer, SECTION)).status_code == 404


@pytest.mark.parametrize("size", [1, 4])
def test_map_queries_do_not_depend_on_the_number_of_neighbours(
    tenant, commercial, login, size, django_assert_num_queries
):
    customer = customer_of_size(tenant, size)
    for number in range(size):
        _main_site(CustomerFactory(tenant=tenant), "0", f"0.0{number + 1}", contacts=size)
    client = login(commercial)
    with django_assert_num_queries(MAP_QUERIES):
        response = client.get(record_url(customer, SECTION, "rayon=10"))
    assert len(response.context["nearby"]) == size
