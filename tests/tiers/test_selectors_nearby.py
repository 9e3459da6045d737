"""Geometry of the nearby-customers search (tiers.selectors_nearby)."""

from __future__ import annotations

import math

import pytest

from tiers.selectors_nearby import EARTH_RADIUS_KM, bounding_box, haversine_km

LYON = (45.757814, 4.832011)
PARIS = (48.856613, 2.352222)


def test_haversine_distance_lyon_paris():
    assert haversine_km(*LYON, *PARIS) == pytest.approx(392.2, abs=0.5)
    assert haversine_km(*LYON, *LYON) == 0


@pytest.mark.parametrize("radius", [5, 10, 25])
def test_the_bounding_box_contains_the_circle(radius):
    min_lat, max_lat, min_lng, max_lng = bounding_box(*LYON, radius)
    # North and south edges touch the circle; every point of the circle is inside the box.
    assert haversine_km(*LYON, max_lat, LYON[1]) == pytest.approx(radius, rel=1e-6)
    assert haversine_km(*LYON, min_lat, LYON[1]) == pytest.approx(radius, rel=1e-6)
    for step in range(360):
        bearing = math.radians(step)
        lat, lng = _destination(*LYON, bearing, radius)
        assert min_lat - 1e-9 <= lat <= max_lat + 1e-9
        assert min_lng - 1e-9 <= lng <= max_lng + 1e-9


def _destination(lat: float, lng: float, bearing: float, distance_km: float) -> tuple[float, float]:
    """The point ``distance_km`` away from (lat, lng) on ``bearing`` (radians)."""
    angle = distance_km / EARTH_RADIUS_KM
    phi1, lambda1 = math.radians(lat), math.radians(lng)
    phi2 = math.asin(math.sin(phi1) * math.cos(angle) + math.cos(phi1) * math.sin(angle) * math.cos(bearing))
    lambda2 = lambda1 + math.atan2(
        math.sin(bearing) * math.sin(angle) * math.cos(phi1),
        math.cos(angle) - math.sin(phi1) * math.sin(phi2),
    )
    return math.degrees(phi2), math.degrees(lambda2)
