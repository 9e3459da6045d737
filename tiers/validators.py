"""Identity and address validation of third parties, shared by forms and services.

Every check raises django's ValidationError with a precise French message; the ones that span
several fields raise a dict keyed by field name so that forms show each message on its field.
Identifiers are checked with python-stdnum, phones with phonenumbers (through crm.normalize),
NAF codes and French postal codes against the global reference tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.eu import nace
from stdnum.eu import vat as eu_vat
from stdnum.fr import siren as fr_siren
from stdnum.fr import siret as fr_siret
from stdnum.fr import tva as fr_tva

from crm.models import Country
from crm.normalize import InvalidPhone, normalize_text, phone_digits, phone_e164

from .models import NafCode, PostalCode

# --- SIREN / SIRET -------------------------------------------------------------------------------


def siren_clean(value: str) -> str:
    """'732 829 320' → '732829320'; refuses a wrong length or a wrong Luhn key."""
    number = fr_siren.compact(value or "")
    if not number:
        return ""
    if not number.isdigit() or len(number) != 9:
        raise ValidationError(_("Le SIREN doit comporter 9 chiffres."), code="siren_format")
    try:
        fr_siren.validate(number)
    except stdnum_errors.ValidationError as exc:
        raise ValidationError(
            _("SIREN invalide : la clé de contrôle de %(number)s est fausse."),
            code="siren_checksum",
            params={"number": number},
        ) from exc
    return number


def siret_clean(value: str) -> str:
    """'732 829 320 00074' → '73282932000074'; Luhn, except La Poste's establishments
    (SIREN 356000000), whose SIRET uses a sum of the digits (python-stdnum knows the rule)."""
    number = fr_siret.compact(value or "")
    if not number:
        return ""
    if not number.isdigit() or len(number) != 14:
        raise ValidationError(_("Le SIRET doit comporter 14 chiffres."), code="siret_format")
    try:
        fr_siret.validate(number)
    except stdnum_errors.ValidationError as exc:
        raise ValidationError(
            _("SIRET invalide : la clé de contrôle de %(number)s est fausse."),
            code="siret_checksum",
            params={"number": number},
        ) from exc
    return number


def siret_matches_siren(*, siret: str, siren: str) -> None:
    """The first 9 digits of a SIRET are the SIREN of its company."""
    if siret and siren and siret[:9] != siren:
        raise ValidationError(
            _("Le SIRET %(siret)s ne commence pas par le SIREN %(siren)s."),
            code="siret_siren_mismatch",
            params={"siret": siret, "siren": siren},
        )


# --- Intra-EU VAT number --------------------------------------------------------------------------


def vat_compact(value: str) -> str:
    """'fr 40.303-265/045' → 'FR40303265045' (no check: unknown countries keep their letters)."""
    return re.sub(r"[\s.\-/,]", "", value or "").upper()


def vat_clean(value: str, *, siren: str = "") -> str:
    """'fr 40 303 265 045' → 'FR40303265045'.

    French numbers: FR + 2-character key + SIREN, the key computed from the SIREN; when the third
    party's SIREN is known, it must be the one inside the number. Other EU countries: their own
    rules through python-stdnum.
    """
    number = vat_compact(value)
    if not number:
        return ""
    country = number[:2]
    if country == "FR":
        return _french_vat_clean(number, siren=siren)
    try:
        return eu_vat.validate(number)
    except stdnum_errors.InvalidComponent as exc:
        raise ValidationError(
            _("N° de TVA intracommunautaire invalide : %(country)s n'est pas un pays de l'Union européenne."),
            code="vat_country",
            params={"country": country},
        ) from exc
    except stdnum_errors.ValidationError as exc:
        raise ValidationError(
            _("N° de TVA intracommunautaire invalide pour le pays %(country)s : %(number)s."),
            code="vat_invalid",
            params={"country": country, "number": number},
        ) from exc


def _french_vat_clean(number: str, *, siren: str) -> str:
    body = number[2:]
    if len(body) != 11 or not body[2:].isdigit():
        raise ValidationError(
            _(
                "N° de TVA intracommunautaire invalide : un numéro français s'écrit FR, une clé de "
                "2 caractères puis le SIREN (9 chiffres)."
            ),
            code="vat_format",
        )
    vat_siren = body[2:]
    try:
        fr_tva.validate(body)
    except stdnum_errors.ValidationError as exc:
        if body[:2].isdigit() and fr_siren.is_valid(vat_siren):
            expected = f"{int(vat_siren + '12') % 97:02d}"
            raise ValidationError(
                _(
                    "N° de TVA intracommunautaire invalide : la clé %(key)s ne correspond pas au "
                    "SIREN %(siren)s (clé attendue : %(expected)s)."
                ),
                code="vat_checksum",
                params={"key": body[:2], "siren": vat_siren, "expected": expected},
            ) from exc
        raise ValidationError(
            _("N° de TVA intracommunautaire invalide : %(number)s."),
            code="vat_invalid",
            params={"number": number},
        ) from exc
    if siren and vat_siren != siren:
        raise ValidationError(
            _("Le n° de TVA intracommunautaire %(number)s ne contient pas le SIREN du tiers (%(siren)s)."),
            code="vat_siren_mismatch",
            params={"number": number, "siren": siren},
        )
    return number


# --- NAF rév. 2 -----------------------------------------------------------------------------------

_NAF_TYPED = re.compile(r"^(\d{2})\.?(\d{2})([A-Z])$")


def naf_clean(value: str) -> str:
    """'6201Z', '62.01z', '62 01 Z' → '62.01Z'.

    The NACE class (62.01) is checked by python-stdnum in revision 2.0 (its default, 2.1, rejects
    today's APE codes), then the full sub-class with its letter against the NafCode reference table.
    """
    typed = re.sub(r"\s+", "", (value or "").upper())
    if not typed:
        return ""
    match = _NAF_TYPED.match(typed)
    if match is None:
        raise ValidationError(
            _("Code NAF invalide : 4 chiffres suivis d'une lettre sont attendus, par exemple 62.01Z."),
            code="naf_format",
        )
    code = f"{match[1]}.{match[2]}{match[3]}"
    try:
        nace.validate(code[:5], revision="2.0")
    except stdnum_errors.ValidationError as exc:
        raise ValidationError(
            _("Code NAF invalide : la classe %(nace)s n'existe pas dans la NAF rév. 2."),
            code="naf_class",
            params={"nace": code[:5]},
        ) from exc
    if not NafCode.objects.filter(code=code).exists():
        raise ValidationError(
            _("Code NAF inconnu : %(code)s n'est pas une sous-classe de la NAF rév. 2."),
            code="naf_unknown",
            params={"code": code},
        )
    return code


# --- Phones and e-mails ---------------------------------------------------------------------------


def phone_clean(value: str, region: str = "FR") -> tuple[str, str]:
    """A phone typed in any usual format → (E.164, national digits); refuses an invalid number."""
    typed = (value or "").strip()
    try:
        e164 = phone_e164(typed, region or "FR")
    except InvalidPhone as exc:
        raise ValidationError(
            _("Numéro de téléphone invalide : %(value)s."), code="phone_invalid", params={"value": typed}
        ) from exc
    return e164, phone_digits(e164, region or "FR")


def email_clean(value: str) -> str:
    """E-mails are compared and stored in lower case (duplicate detection matches them exactly)."""
    return (value or "").strip().lower()


# --- Legal identifiers required by the country ----------------------------------------------------


def legal_ids_check(*, country: Country | None, is_natural_person: bool, siret: str, vat_number: str) -> None:
    """A legal person in a country whose rules require them must have a SIRET and a VAT number."""
    if country is None or is_natural_person or not country.legal_ids_required:
        return
    errors = {}
    if not siret:
        errors["siret"] = ValidationError(
            _("Le SIRET est obligatoire pour une personne morale (pays : %(country)s)."),
            code="siret_required",
            params={"country": country.name},
        )
    if not vat_number:
        errors["vat_number"] = ValidationError(
            _(
                "Le n° de TVA intracommunautaire est obligatoire pour une personne morale (pays : %(country)s)."
            ),
            code="vat_required",
            params={"country": country.name},
        )
    if errors:
        raise ValidationError(errors)


def identity_clean(
    *,
    country: Country | None,
    is_natural_person: bool,
    siren: str = "",
    siret: str = "",
    vat_number: str = "",
    naf: str = "",
) -> dict[str, str]:
    """Every identity rule at once: {"siren", "siret", "vat_number", "naf"} normalised, the SIREN
    taken from the SIRET when left blank; refusals collected per field."""
    errors: dict[str, ValidationError] = {}
    cleaned = {"siren": "", "siret": "", "vat_number": "", "naf": ""}
    for name, cleaner, value in (
        ("siren", siren_clean, siren),
        ("siret", siret_clean, siret),
        ("naf", naf_clean, naf),
    ):
        try:
            cleaned[name] = cleaner(value)
        except ValidationError as exc:
            errors[name] = exc
    if "siren" not in errors and "siret" not in errors:
        try:
            siret_matches_siren(siret=cleaned["siret"], siren=cleaned["siren"])
        except ValidationError as exc:
            errors["siret"] = exc
        if not cleaned["siren"] and cleaned["siret"]:
            cleaned["siren"] = cleaned["siret"][:9]
    try:
        cleaned["vat_number"] = vat_clean(vat_number, siren="" if "siren" in errors else cleaned["siren"])
    except ValidationError as exc:
        errors["vat_number"] = exc
    try:
        legal_ids_check(
            country=country,
            is_natural_person=is_natural_person,
            siret=cleaned["siret"],
            vat_number=cleaned["vat_number"],
        )
    except ValidationError as exc:
        for name, error in exc.error_dict.items():
            errors.setdefault(name, error)  # an invalid value already has its own message
    if errors:
        raise ValidationError(errors)
    return cleaned


# --- Postal code and city -------------------------------------------------------------------------

_CEDEX = re.compile(r"\bCEDEX\b")


@dataclass
class PostalPlace:
    """A checked postal code and city, the département found for them, and non-blocking warnings."""

    postal_code: str
    city: str
    subdivision: str
    warnings: list[str] = field(default_factory=list)


def postal_place_clean(
    *, country: Country, postal_code: str, city: str, subdivision: str = ""
) -> PostalPlace:
    """Postal code and city by the country's rules (DESIGN.md §4, seed "Code postal/ville").

    - Format: the country's ``postal_code_regex``; blank refused when ``postal_code_required``.
    - Where the PostalCode reference holds the country's codes (France), the pair is looked up:
      an unknown postal code is refused when the country requires postal codes (a warning
      otherwise), except a CEDEX code (not in the reference list of communes), accepted with a
      warning; a city that is not one of the code's communes is a warning only (lieux-dits,
      former communes), and a blank city is filled when the code has one commune.
    - The city is stored in upper case; the département comes from the reference row.
    """
    code = (postal_code or "").strip().upper()
    if country.code == "FR":
        code = code.replace(" ", "")
    place = PostalPlace(postal_code=code, city=(city or "").strip().upper(), subdivision=subdivision.strip())
    if not code:
        if country.postal_code_required:
            raise ValidationError(
                {
                    "postal_code": ValidationError(
                        _("Le code postal est obligatoire pour ce pays (%(country)s)."),
                        code="postal_code_required",
                        params={"country": country.name},
                    )
                }
            )
        return place
    if not country.postal_code_matches(code):
        raise ValidationError(
            {
                "postal_code": ValidationError(
                    _("Code postal invalide pour ce pays (%(country)s) : %(code)s."),
                    code="postal_code_format",
                    params={"country": country.name, "code": code},
                )
            }
        )
    rows = list(PostalCode.objects.filter(country_code=country.code, postal_code=code))
    if not rows:
        if not PostalCode.objects.filter(country_code=country.code).exists():
            return place  # no reference list for this country: the format check is all we have
        if _CEDEX.search(place.city):
            place.warnings.append(
                _("Code postal CEDEX %(code)s accepté sans contrôle de la ville.") % {"code": code}
            )
            place.subdivision = place.subdivision or _subdivision_of(code)
            return place
        if country.postal_code_required:
            raise ValidationError(
                {
                    "postal_code": ValidationError(
                        _("Code postal inconnu : %(code)s n'existe pas (%(country)s)."),
                        code="postal_code_unknown",
                        params={"code": code, "country": country.name},
                    )
                }
            )
        place.warnings.append(_("Code postal inconnu : %(code)s.") % {"code": code})
        return place
    known = sorted({row.city.upper() for row in rows})
    if not place.city:
        if len(known) > 1:
            raise ValidationError(
                {
                    "city": ValidationError(
                        _("Précisez la ville : le code postal %(code)s dessert %(cities)s."),
                        code="city_ambiguous",
                        params={"code": code, "cities": ", ".join(known)},
                    )
                }
            )
        place.city = rows[0].city.upper()
        place.subdivision = rows[0].subdivision or place.subdivision
        return place
    wanted = normalize_text(place.city)
    for row in rows:
        if normalize_text(row.city) == wanted:
            place.city = row.city.upper()
            place.subdivision = row.subdivision or place.subdivision
            return place
    place.subdivision = rows[0].subdivision or place.subdivision
    place.warnings.append(
        _("Ville inconnue pour le code postal %(code)s : %(city)s (villes connues : %(cities)s).")
        % {"code": code, "city": place.city, "cities": ", ".join(known)}
    )
    return place


def _subdivision_of(code: str) -> str:
    """The département of a French postal code: 2 digits, 2A/2B for Corsica, 3 for overseas."""
    if code.startswith("97") or code.startswith("98"):
        return code[:3]
    if code.startswith("20"):
        return "2A" if code < "20200" else "2B"
    return code[:2]
