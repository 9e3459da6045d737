"""The geocoder interface (tiers/geocoding.py) and "Vérifier l'adresse" on a site, against a local
HTTP server started by the test: never the internet."""

from __future__ import annotations

import json
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django_scopes import scope

from crm.models import AuditEntry, Country
from tests.factories import member
from tests.tiers.factories import AddressFactory, SiteFactory
from tests.tiers.factories_sites_banks import CustomerFactory, reserved_customer
from tiers.geocoding import (
    BACKENDS,
    BanGeocoder,
    GeocodeQuery,
    GeocodingError,
    NotConfiguredGeocoder,
    geocoder,
)
from tiers.models import Site
from tiers.services.sites import site_geocode

NOT_CONFIGURED = "Le service de géocodage n'est pas configuré."


def _feature(lon=4.835659, lat=45.764043, score=0.93, label="12 Rue de la République 69002 Lyon"):
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {"label": label, "score": score, "postcode": "69002"},
            }
        ],
    }


class FakeBan:
    """A local HTTP server answering /search/ like the BAN; the test sets status, body and delay."""

    def __init__(self) -> None:
        self.status = 200
        self.body: bytes = json.dumps(_feature()).encode()
        self.delay = 0.0
        self.requests: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                parsed = urlparse(self.path)
                fake.requests.append({"path": parsed.path, "query": parse_qs(parsed.query)})
                if fake.delay:
                    time.sleep(fake.delay)
                try:
                    self.send_response(fake.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(fake.body)))
                    self.end_headers()
                    self.wfile.write(fake.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = False  # server_close() waits for the handlers
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(
        self, document=None, *, status: int = 200, raw: bytes | None = None, delay: float = 0.0
    ) -> None:
        self.status = status
        self.body = raw if raw is not None else json.dumps(document).encode()
        self.delay = delay


@pytest.fixture
def ban(settings):
    fake = FakeBan()
    fake.thread.start()
    settings.GEOCODER_BACKEND = "ban"
    settings.GEOCODER_URL = fake.url
    settings.GEOCODER_TIMEOUT = 2
    settings.GEOCODER_MIN_SCORE = 0.5
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


@pytest.fixture
def site(tenant):
    third_party = CustomerFactory(tenant=tenant)
    address = AddressFactory(
        third_party=third_party,
        tenant=tenant,
        code="001",
        line1="12 rue de la République",
        postal_code="69002",
    )
    return SiteFactory(third_party=third_party, tenant=tenant, address=address, name="Siège")


def _query(**fields) -> GeocodeQuery:
    values = {
        "lines": ("12 rue de la République",),
        "postal_code": "69002",
        "city": "LYON",
        "country_code": "FR",
    }
    values.update(fields)
    return GeocodeQuery(**values)


# --- The interface --------------------------------------------------------------------------------


def test_geocoder_not_configured_by_default(settings):
    settings.GEOCODER_BACKEND = ""

    with pytest.raises(GeocodingError) as error:
        geocoder().geocode(_query())

    assert isinstance(geocoder(), NotConfiguredGeocoder)
    assert error.value.message == NOT_CONFIGURED


def test_geocoder_unknown_backend_is_not_configured(settings):
    settings.GEOCODER_BACKEND = "inconnu"

    with pytest.raises(GeocodingError, match=NOT_CONFIGURED):
        geocoder().geocode(_query())


def test_geocoder_ban_without_url_is_not_configured(settings):
    settings.GEOCODER_BACKEND = "ban"
    settings.GEOCODER_URL = ""

    with pytest.raises(GeocodingError, match=NOT_CONFIGURED):
        geocoder().geocode(_query())


def test_registry_names_both_backends():
    assert BACKENDS["not_configured"] is NotConfiguredGeocoder
    assert BACKENDS["ban"] is BanGeocoder


def test_ban_returns_coordinates_from_geojson_lon_lat(ban):
    result = geocoder().geocode(_query())

    assert (result.latitude, result.longitude) == (Decimal("45.764043"), Decimal("4.835659"))
    assert result.score == pytest.approx(0.93)
    assert ban.requests == [
        {
            "path": "/search/",
            "query": {"q": ["12 rue de la République LYON"], "postcode": ["69002"], "limit": ["1"]},
        }
    ]


def test_ban_refused_when_the_address_is_not_in_france(ban):
    with pytest.raises(GeocodingError, match="ne géocode que les adresses en France"):
        geocoder().geocode(_query(country_code="BE"))

    assert ban.requests == []


def test_ban_refused_when_the_address_is_empty(ban):
    with pytest.raises(GeocodingError) as error:
        geocoder().geocode(_query(lines=(), postal_code="", city=""))

    assert error.value.message == "Adresse incomplète : renseignez au moins le code postal et la ville."


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ({"status": 500, "document": {}}, "Le service de géocodage a répondu par une erreur (HTTP 500)."),
        ({"raw": b"<html>pas du json</html>"}, "Réponse illisible du service de géocodage."),
        ({"document": {"type": "FeatureCollection"}}, "Réponse illisible du service de géocodage."),
        ({"document": _feature(lon="est", lat=45)}, "Réponse illisible du service de géocodage."),
        ({"document": _feature(lon=4.8, lat=123.0)}, "Réponse illisible du service de géocodage."),
        (
            {"document": {"type": "FeatureCollection", "features": []}},
            "Adresse introuvable par le service de géocodage.",
        ),
        ({"document": _feature(score=0.31)}, "Adresse trop imprécise pour être géocodée (score 0,31 sur 1)."),
    ],
)
def test_ban_bad_answers_give_a_french_message(ban, answer, message):
    ban.answer(answer.get("document"), status=answer.get("status", 200), raw=answer.get("raw"))

    with pytest.raises(GeocodingError) as error:
        geocoder().geocode(_query())

    assert error.value.message == message


def test_ban_timeout_gives_a_french_message(ban, settings):
    settings.GEOCODER_TIMEOUT = 0.2
    ban.answer(_feature(), delay=1.0)

    with pytest.raises(GeocodingError) as error:
        geocoder().geocode(_query())

    assert error.value.message == "Le service de géocodage ne répond pas (délai dépassé)."


def test_ban_unreachable_gives_a_french_message(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = server.server_address[1]
    server.server_close()  # nothing listens on this port any more
    settings.GEOCODER_BACKEND = "ban"
    settings.GEOCODER_URL = f"http://127.0.0.1:{port}"

    with pytest.raises(GeocodingError) as error:
        geocoder().geocode(_query())

    assert error.value.message == "Le service de géocodage est injoignable."


# --- site_geocode (service) -----------------------------------------------------------------------


def test_site_geocode_fills_gps_and_audits(ban, tenant, site):
    actor = member(tenant, "Commercial")

    with scope(tenant=tenant):
        site_geocode(tenant=tenant, actor=actor, site=site)
        site.refresh_from_db()
        entry = AuditEntry.objects.get(action="site.geocode")

    assert (site.latitude, site.longitude) == (Decimal("45.764043"), Decimal("4.835659"))
    assert entry.changes == {"latitude": [None, "45.764043"], "longitude": [None, "4.835659"]}


def test_site_geocode_refused_when_not_configured_writes_nothing(settings, tenant, site):
    settings.GEOCODER_BACKEND = ""

    with scope(tenant=tenant):
        with pytest.raises(ValidationError) as error:
            site_geocode(tenant=tenant, actor=None, site=site)
        site.refresh_from_db()

    assert error.value.messages == [NOT_CONFIGURED]
    assert (site.latitude, site.longitude) == (None, None)


def test_site_geocode_refused_on_a_server_error_keeps_previous_gps(ban, tenant, site):
    with scope(tenant=tenant):
        Site.objects.filter(pk=site.pk).update(latitude=Decimal("48.1"), longitude=Decimal("2.2"))
    ban.answer({}, status=503)

    with scope(tenant=tenant):
        with pytest.raises(ValidationError) as error:
            site_geocode(tenant=tenant, actor=None, site=site)
        site.refresh_from_db()

    assert error.value.messages == ["Le service de géocodage a répondu par une erreur (HTTP 503)."]
    assert (site.latitude, site.longitude) == (Decimal("48.100000"), Decimal("2.200000"))


# --- tiers:site_geocode (view) --------------------------------------------------------------------


def _url(site) -> str:
    return f"/tiers/{site.third_party_id}/sites/{site.pk}/verifier-adresse/"


def test_geocode_view_fills_gps_and_redirects_to_the_site(ban, client, tenant, site):
    client.force_login(member(tenant, "Commercial"))

    response = client.post(_url(site))

    assert response.status_code == 302
    assert response.url == f"/tiers/{site.third_party_id}/sites/{site.pk}/"
    with scope(tenant=tenant):
        site.refresh_from_db()
    assert site.latitude == Decimal("45.764043")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Adresse vérifiée : coordonnées GPS 45.764043, 4.835659."
    ]


def test_geocode_view_refused_when_not_configured_shows_the_message(settings, client, tenant, site):
    settings.GEOCODER_BACKEND = ""
    client.force_login(member(tenant, "Commercial"))

    response = client.post(_url(site), follow=True)

    assert NOT_CONFIGURED in [str(m) for m in response.context["messages"]]
    with scope(tenant=tenant):
        site.refresh_from_db()
    assert site.latitude is None


def test_geocode_view_refused_for_a_get(client, tenant, site):
    client.force_login(member(tenant, "Commercial"))

    assert client.get(_url(site)).status_code == 405


def test_geocode_view_404_for_another_tenants_site(client, tenant, other_tenant, site):
    client.force_login(member(other_tenant, "Administrateur"))

    assert client.post(_url(site)).status_code == 404


def test_geocode_view_404_for_a_site_of_another_third_party(client, tenant, site):
    client.force_login(member(tenant, "Commercial"))
    other = CustomerFactory(tenant=tenant)

    response = client.post(f"/tiers/{other.pk}/sites/{site.pk}/verifier-adresse/")

    assert response.status_code == 404


def test_geocode_view_404_for_a_customer_reserved_to_others(client, tenant):
    hidden = reserved_customer(tenant)
    with scope(tenant=tenant):
        address = hidden.addresses.get()
    hidden_site = SiteFactory(third_party=hidden, tenant=tenant, address=address)
    client.force_login(member(tenant, "Manager"))

    assert client.post(_url(hidden_site)).status_code == 404


def test_country_fixture_has_france_for_the_queries(db):
    assert Country.objects.get(code="FR").name == "France"
