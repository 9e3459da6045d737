"""The geocoder interface: an address → GPS coordinates, through a backend chosen by settings.

``GEOCODER_BACKEND`` names a backend of ``BACKENDS``:

- ``""`` or ``"not_configured"`` (default): every call raises GeocodingError with
  "Le service de géocodage n'est pas configuré.";
- ``"ban"``: the French national address API (Base Adresse Nationale), ``GET
  {GEOCODER_URL}/search/?q=<lines city>&postcode=<postal code>&limit=1``, answering a GeoJSON
  FeatureCollection whose first feature has ``geometry.coordinates = [lon, lat]`` and
  ``properties.score`` (0 to 1). France only.

Every failure (timeout, network, HTTP error, unreadable answer, no result, low score) is a
GeocodingError carrying a French message; the caller writes nothing. A backend is a class with a
``geocode(query)`` method, registered with ``@register("name")``; tests start a local HTTP
server and point GEOCODER_URL at it.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.utils.translation import gettext as _

from crm.external_services import BackendRegistry, JsonGetError, json_get

COORDINATE_STEP = Decimal("0.000001")  # the 6 decimals of Site.latitude / Site.longitude


class GeocodingError(Exception):
    """A geocoding failure; ``message`` is the French text shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class GeocodeQuery:
    lines: tuple[str, ...]
    postal_code: str
    city: str
    country_code: str

    @classmethod
    def from_address(cls, address) -> GeocodeQuery:
        country_code = address.country.code if address.country_id else ""
        return cls(
            lines=tuple(address.lines()),
            postal_code=address.postal_code,
            city=address.city,
            country_code=country_code,
        )


@dataclass(frozen=True)
class GeocodeResult:
    latitude: Decimal
    longitude: Decimal
    score: float | None = None
    label: str = ""


class Geocoder:
    """Base class of the backends."""

    @classmethod
    def from_settings(cls) -> Geocoder:
        return cls()

    def geocode(self, query: GeocodeQuery) -> GeocodeResult:
        raise NotImplementedError


BACKENDS: BackendRegistry = BackendRegistry()
register = BACKENDS.register


def message_not_configured() -> str:
    return _("Le service de géocodage n'est pas configuré.")


def _http_message(error: JsonGetError) -> str:
    if error.kind == JsonGetError.TIMEOUT:
        return _("Le service de géocodage ne répond pas (délai dépassé).")
    if error.kind == JsonGetError.UNREACHABLE:
        return _("Le service de géocodage est injoignable.")
    if error.kind == JsonGetError.STATUS:
        return _("Le service de géocodage a répondu par une erreur (HTTP %(status)s).") % {
            "status": error.status
        }
    if error.kind == JsonGetError.UNREADABLE:
        return _("Réponse illisible du service de géocodage.")
    return message_not_configured()


@register("not_configured")
class NotConfiguredGeocoder(Geocoder):
    def geocode(self, query: GeocodeQuery) -> GeocodeResult:
        raise GeocodingError(message_not_configured())


def coordinate(value, *, low: int, high: int) -> Decimal:
    """A coordinate rounded to 6 decimals, checked in [low, high]; ValueError otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(value)
    try:
        number = Decimal(str(value)).quantize(COORDINATE_STEP, rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise ValueError(value) from exc
    if not low <= number <= high:
        raise ValueError(value)
    return number


@register("ban")
class BanGeocoder(Geocoder):
    """The Base Adresse Nationale's search API (France)."""

    def __init__(self, *, url: str, timeout: float, min_score: float) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.min_score = min_score

    @classmethod
    def from_settings(cls) -> Geocoder:
        url = getattr(settings, "GEOCODER_URL", "")
        if not url:
            return NotConfiguredGeocoder()
        return cls(
            url=url,
            timeout=float(getattr(settings, "GEOCODER_TIMEOUT", 5)),
            min_score=float(getattr(settings, "GEOCODER_MIN_SCORE", 0.5)),
        )

    def geocode(self, query: GeocodeQuery) -> GeocodeResult:
        if query.country_code and query.country_code != "FR":
            raise GeocodingError(_("La Base Adresse Nationale ne géocode que les adresses en France."))
        text = " ".join(part for part in (*query.lines, query.city) if part).strip()
        if not text or not (query.postal_code or query.city):
            raise GeocodingError(_("Adresse incomplète : renseignez au moins le code postal et la ville."))
        parameters = {"q": text, "limit": "1"}
        if query.postal_code:
            parameters["postcode"] = query.postal_code
        document = self._get(f"{self.url}/search/?{urllib.parse.urlencode(parameters)}")
        return self._parse(document)

    def _get(self, url: str):
        """GET ``url`` and decode its JSON body; every failure becomes a GeocodingError."""
        try:
            return json_get(url, timeout=self.timeout)
        except JsonGetError as exc:
            raise GeocodingError(_http_message(exc)) from exc

    def _parse(self, document) -> GeocodeResult:
        unreadable = GeocodingError(_("Réponse illisible du service de géocodage."))
        if not isinstance(document, dict) or not isinstance(document.get("features"), list):
            raise unreadable
        if not document["features"]:
            raise GeocodingError(_("Adresse introuvable par le service de géocodage."))
        feature = document["features"][0]
        try:
            lon, lat = feature["geometry"]["coordinates"][:2]
            longitude = coordinate(lon, low=-180, high=180)
            latitude = coordinate(lat, low=-90, high=90)
            properties = feature.get("properties") or {}
            score = properties.get("score")
            score = float(score) if score is not None else None
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise unreadable from exc
        if score is not None and score < self.min_score:
            raise GeocodingError(
                _("Adresse trop imprécise pour être géocodée (score %(score)s sur 1).")
                % {"score": f"{score:.2f}".replace(".", ",")}
            )
        return GeocodeResult(
            latitude=latitude, longitude=longitude, score=score, label=str(properties.get("label", ""))
        )


def geocoder() -> Geocoder:
    """The backend named by settings.GEOCODER_BACKEND ("" or an unknown name → not configured)."""
    name = getattr(settings, "GEOCODER_BACKEND", "") or "not_configured"
    backend = BACKENDS.get(name)
    if backend is None:
        return NotConfiguredGeocoder()
    return backend.from_settings()


def address_geocode(address) -> GeocodeResult:
    """GPS coordinates of a tiers Address through the configured backend (GeocodingError otherwise)."""
    return geocoder().geocode(GeocodeQuery.from_address(address))
