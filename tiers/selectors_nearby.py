"""Customers around a point: the visible customers whose main site lies within a radius (5, 10
or 25 km) of a site, with their contacts.

A bounding box on the GPS coordinates narrows the candidates in SQL (partial index
``site_main_gps_idx``), then the exact great-circle distance (haversine) keeps those within the
radius, nearest first. Two queries whatever the number of customers found: the main sites with
their customers and addresses, and the active contacts of those customers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from crm.models import Company

from .models import ContactLink, Lifecycle, Site
from .selectors import visible_q

EARTH_RADIUS_KM = 6371.0088
RADII_KM = (5, 10, 25)


def bounding_box(latitude: float, longitude: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min latitude, max latitude, min longitude, max longitude) of the square around the point
    that contains the circle of ``radius_km`` (the longitude span widens with the latitude)."""
    angle = radius_km / EARTH_RADIUS_KM
    delta_lat = math.degrees(angle)
    # The circle's easternmost point is not on the centre's parallel: asin(sin(r/R) / cos(lat)).
    ratio = math.sin(angle) / max(math.cos(math.radians(latitude)), 1e-12)
    delta_lng = 180.0 if ratio >= 1 else math.degrees(math.asin(ratio))
    return latitude - delta_lat, latitude + delta_lat, longitude - delta_lng, longitude + delta_lng


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """The great-circle distance between two points, in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lng2 - lng1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class NearbyCustomer:
    site: Site  # the customer's main site (with ``third_party`` and ``address`` loaded)
    distance_km: float
    contacts: list = field(default_factory=list)  # active ContactLinks with their contact

    @property
    def customer(self):
        return self.site.third_party


def customers_nearby(
    *,
    tenant: Company,
    user,
    latitude: Decimal | float,
    longitude: Decimal | float,
    radius_km: float,
    exclude_id=None,
) -> list[NearbyCustomer]:
    """The visible customers (``exclude_id`` aside) whose main site is within ``radius_km``."""
    lat, lng = float(latitude), float(longitude)
    min_lat, max_lat, min_lng, max_lng = bounding_box(lat, lng, radius_km)
    contacts = ContactLink.objects.filter(tenant=tenant, is_active=True).select_related("contact")
    sites = (
        Site.objects.filter(
            tenant=tenant,
            is_main=True,
            latitude__gte=min_lat,
            latitude__lte=max_lat,
            longitude__gte=min_lng,
            longitude__lte=max_lng,
            third_party__lifecycle=Lifecycle.CUSTOMER,
        )
        .filter(visible_q(tenant=tenant, user=user, field="third_party"))
        .select_related("third_party", "address")
        .prefetch_related(
            Prefetch(
                "third_party__contact_links",
                queryset=contacts.order_by("-is_default", "contact__last_name", "pk"),
                to_attr="active_contacts",
            )
        )
    )
    if exclude_id is not None:
        sites = sites.exclude(third_party_id=exclude_id)
    found = []
    for site in sites:
        distance = haversine_km(lat, lng, float(site.latitude), float(site.longitude))
        if distance <= radius_km:
            found.append(
                NearbyCustomer(site=site, distance_km=distance, contacts=site.third_party.active_contacts)
            )
    return sorted(found, key=lambda row: (row.distance_km, row.site.third_party.code))
