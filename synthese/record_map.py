"""Record section "Carte": the customer's sites on the map (Leaflet started by static/js/map.js,
as the synthèse's map block), and the customers whose main site lies within 5, 10 or 25 km of
one of its sites, with their contacts (tiers.selectors_nearby: bounding box in SQL, then the
exact distance). Only visible customers; a fixed number of queries."""

from __future__ import annotations

import json

from django import forms
from django.conf import settings
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _

from tiers.selectors_nearby import RADII_KM, customers_nearby
from tiers.selectors_sites_banks import sites_of

from .record import RecordSection, record_section_register
from .views.frame import LEAFLET, leaflet_available

KEY = "carte"
DEFAULT_RADIUS_KM = 10


class NearbyForm(forms.Form):
    rayon = forms.TypedChoiceField(
        label=_("Rayon"),
        choices=[(radius, f"{radius} km") for radius in RADII_KM],
        coerce=int,
        initial=DEFAULT_RADIUS_KM,
        required=False,
    )
    site = forms.TypedChoiceField(label=_("Autour du site"), coerce=int, required=False)

    def __init__(self, data, *, sites) -> None:
        super().__init__(data)
        self.fields["site"].choices = [(site.pk, site.name) for site in sites]


def _point(site, label: str) -> dict:
    return {"lat": str(site.latitude), "lng": str(site.longitude), "label": label}


def map_context(request, customer) -> dict:
    sites = [site for site in sites_of(tenant=request.tenant, third_party=customer) if site.has_gps]
    form = NearbyForm(request.GET or None, sites=sites)
    data = form.cleaned_data if form.is_valid() else {}
    radius = data.get("rayon") or DEFAULT_RADIUS_KM
    origin = next((site for site in sites if site.pk == data.get("site")), sites[0] if sites else None)
    nearby = []
    if origin is not None:
        nearby = customers_nearby(
            tenant=request.tenant,
            user=request.user,
            latitude=origin.latitude,
            longitude=origin.longitude,
            radius_km=radius,
            exclude_id=customer.pk,
        )
    points = [_point(site, site.name) for site in sites if site is not origin]
    points += [_point(row.site, f"{row.customer.code} — {row.customer.name}") for row in nearby]
    return {
        "sites": sites,
        "origin": origin,
        "radius": radius,
        "nearby": nearby,
        "nearby_form": form,
        "map_points": json.dumps(points),
        "map_tile_url": settings.MAP_TILE_URL,
        "map_attribution": settings.MAP_TILE_ATTRIBUTION,
        "leaflet_available": leaflet_available(),
        "leaflet_images": static(f"{LEAFLET}images/") if leaflet_available() else "",
    }


record_section_register(
    RecordSection(
        key=KEY,
        label=_("Carte"),
        order=80,
        template="synthese/record/map.html",
        context=map_context,
        permission=("tiers.view_thirdparty", "tiers.view_site", "tiers.view_contact"),
    )
)
