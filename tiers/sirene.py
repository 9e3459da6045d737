"""The company registry interface (SIRENE): a SIRET or a SIREN → the company's identity.

``SIRENE_BACKEND`` names a backend of ``BACKENDS``:

- ``""`` or ``"not_configured"`` (default): every call raises SireneError with
  "Le service SIRENE n'est pas configuré.";
- ``"insee"``: INSEE's API Sirene 3.11 (portail-api.insee.fr), ``GET {SIRENE_BASE_URL}/siret/{siret}``
  (an establishment: its company's name and APE, its address) and ``GET {SIRENE_BASE_URL}/siren/{siren}``
  (the legal unit: name and APE of its most recent period). The key of the application subscribed
  to the API goes in ``SIRENE_TOKEN`` and is sent as the ``X-INSEE-Api-Key-Integration`` header
  (the current portal's scheme; the former OAuth2 "Authorization: Bearer" tokens are retired).
  ``SIRENE_BASE_URL`` is the API's root, e.g. ``https://api.insee.fr/api-sirene/3.11``.

Every failure (not found, refused key, timeout, network, HTTP error, unreadable answer) is a
SireneError carrying a French message; callers write nothing then. The NAF code is given as
INSEE writes it ("62.01Z"); tiers.services.registry checks it against the reference table.
Tests start a local HTTP server and point SIRENE_BASE_URL at it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from crm.external_services import BackendRegistry, JsonGetError, json_get


class SireneError(Exception):
    """A registry failure; ``message`` is the French text shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RegistryRecord:
    """What the registry says about a company (a SIREN) or one of its establishments (a SIRET).

    Empty strings for what it does not say: a SIREN gives no address and no SIRET."""

    siren: str = ""
    siret: str = ""
    name: str = ""
    naf: str = ""
    line1: str = ""
    line2: str = ""
    postal_code: str = ""
    city: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


class Sirene:
    """Base class of the backends."""

    @classmethod
    def from_settings(cls) -> Sirene:
        return cls()

    def by_siret(self, siret: str) -> RegistryRecord:
        raise NotImplementedError

    def by_siren(self, siren: str) -> RegistryRecord:
        raise NotImplementedError


BACKENDS: BackendRegistry = BackendRegistry()
register = BACKENDS.register


def message_not_configured() -> str:
    return _("Le service SIRENE n'est pas configuré.")


@register("not_configured")
class NotConfiguredSirene(Sirene):
    def by_siret(self, siret: str) -> RegistryRecord:
        raise SireneError(message_not_configured())

    def by_siren(self, siren: str) -> RegistryRecord:
        raise SireneError(message_not_configured())


# INSEE's street types (typeVoieEtablissement) written out, as on a letter.
STREET_TYPES = {
    "ALL": "ALLEE",
    "AV": "AVENUE",
    "BD": "BOULEVARD",
    "CAR": "CARREFOUR",
    "CHE": "CHEMIN",
    "CHS": "CHAUSSEE",
    "CRS": "COURS",
    "FG": "FAUBOURG",
    "IMP": "IMPASSE",
    "LD": "LIEU-DIT",
    "PAS": "PASSAGE",
    "PL": "PLACE",
    "PRV": "PARVIS",
    "QUA": "QUAI",
    "RPT": "ROND-POINT",
    "RTE": "ROUTE",
    "SQ": "SQUARE",
    "TRA": "TRAVERSE",
    "VLA": "VILLA",
}


def _text(mapping: Any, key: str) -> str:
    """A string of INSEE's answer (null and absent become "")."""
    value = mapping.get(key) if isinstance(mapping, dict) else None
    return str(value).strip() if value is not None else ""


def _name(*, denomination: str, last_name: str, first_name: str) -> str:
    """The company name, or "NOM Prénom" for a natural person (no denomination)."""
    return denomination or " ".join(part for part in (last_name, first_name.title()) if part)


@register("insee")
class InseeSirene(Sirene):
    """INSEE's API Sirene 3.11."""

    def __init__(self, *, base_url: str, token: str, timeout: float) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    @classmethod
    def from_settings(cls) -> Sirene:
        base_url = getattr(settings, "SIRENE_BASE_URL", "")
        if not base_url:
            return NotConfiguredSirene()
        return cls(
            base_url=base_url,
            token=getattr(settings, "SIRENE_TOKEN", ""),
            timeout=float(getattr(settings, "SIRENE_TIMEOUT", 5)),
        )

    def by_siret(self, siret: str) -> RegistryRecord:
        document = self._get(f"/siret/{siret}", not_found=_("Aucun établissement trouvé pour ce SIRET."))
        establishment = document.get("etablissement") if isinstance(document, dict) else None
        if not isinstance(establishment, dict):
            raise SireneError(message_unreadable())
        unit = establishment.get("uniteLegale") or {}
        address = establishment.get("adresseEtablissement") or {}
        street_type = _text(address, "typeVoieEtablissement").upper()
        line1 = " ".join(
            part
            for part in (
                _text(address, "numeroVoieEtablissement"),
                _text(address, "indiceRepetitionEtablissement"),
                STREET_TYPES.get(street_type, street_type),
                _text(address, "libelleVoieEtablissement"),
            )
            if part
        )
        return RegistryRecord(
            siren=_text(establishment, "siren"),
            siret=_text(establishment, "siret"),
            name=_name(
                denomination=_text(unit, "denominationUniteLegale"),
                last_name=_text(unit, "nomUniteLegale"),
                first_name=_text(unit, "prenom1UniteLegale"),
            ),
            naf=_text(unit, "activitePrincipaleUniteLegale")
            or _text(establishment, "activitePrincipaleEtablissement"),
            line1=line1,
            line2=_text(address, "complementAdresseEtablissement"),
            postal_code=_text(address, "codePostalEtablissement"),
            city=_text(address, "libelleCommuneEtablissement"),
        )

    def by_siren(self, siren: str) -> RegistryRecord:
        document = self._get(f"/siren/{siren}", not_found=_("Aucune entreprise trouvée pour ce SIREN."))
        unit = document.get("uniteLegale") if isinstance(document, dict) else None
        if not isinstance(unit, dict):
            raise SireneError(message_unreadable())
        periods = unit.get("periodesUniteLegale") or [{}]
        current = periods[0] if isinstance(periods, list) and isinstance(periods[0], dict) else {}
        return RegistryRecord(
            siren=_text(unit, "siren"),
            name=_name(
                denomination=_text(current, "denominationUniteLegale"),
                last_name=_text(current, "nomUniteLegale"),
                first_name=_text(unit, "prenom1UniteLegale"),
            ),
            naf=_text(current, "activitePrincipaleUniteLegale"),
        )

    def _get(self, path: str, *, not_found: str) -> Any:
        headers = {"X-INSEE-Api-Key-Integration": self.token} if self.token else {}
        try:
            return json_get(f"{self.base_url}{path}", timeout=self.timeout, headers=headers)
        except JsonGetError as exc:
            raise SireneError(_http_message(exc, not_found=not_found)) from exc


def message_unreadable() -> str:
    return _("Réponse illisible du service SIRENE.")


def _http_message(error: JsonGetError, *, not_found: str) -> str:
    if error.kind == JsonGetError.TIMEOUT:
        return _("Le service SIRENE ne répond pas (délai dépassé).")
    if error.kind == JsonGetError.UNREACHABLE:
        return _("Le service SIRENE est injoignable.")
    if error.kind == JsonGetError.UNREADABLE:
        return message_unreadable()
    if error.kind != JsonGetError.STATUS:
        return message_not_configured()
    if error.status == 404:
        return not_found
    if error.status == 401:
        return _("Le service SIRENE refuse la clé d'accès configurée (HTTP 401).")
    if error.status == 403:
        return _("Les informations de cette entreprise ne sont pas diffusibles (HTTP 403).")
    if error.status == 429:
        return _("Trop d'appels au service SIRENE : réessayez dans une minute (HTTP 429).")
    return _("Le service SIRENE a répondu par une erreur (HTTP %(status)s).") % {"status": error.status}


def sirene() -> Sirene:
    """The backend named by settings.SIRENE_BACKEND ("" or an unknown name → not configured)."""
    name = getattr(settings, "SIRENE_BACKEND", "") or "not_configured"
    backend = BACKENDS.get(name)
    if backend is None:
        return NotConfiguredSirene()
    return backend.from_settings()
