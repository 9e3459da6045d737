"""Text and phone normalisation shared by lists, duplicate detection and the search index.

Text: Unicode NFKD with combining marks removed, lower case, œ→oe, æ→ae, split on anything that
is not a letter or a digit. Phones: parsed with phonenumbers for the country, stored in E.164,
matched on their national digits.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

_NON_WORD = re.compile(r"[^0-9a-z]+")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})


def normalize_text(value: str) -> str:
    """'Société Générale — Œuvres' → 'societe generale oeuvres'."""
    decomposed = unicodedata.normalize("NFKD", (value or "").translate(_LIGATURES))
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char)).lower()
    return " ".join(_NON_WORD.split(stripped)).strip()


def normalize_words(value: str) -> list[str]:
    return normalize_text(value).split()


class InvalidPhone(ValueError):
    pass


def phone_parse(number: str, region: str = "FR") -> phonenumbers.PhoneNumber:
    """Parse ``number`` typed in any usual format; raise InvalidPhone when it is not a valid number."""
    try:
        parsed = phonenumbers.parse(number, region or "FR")
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(str(exc)) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhone(number)
    return parsed


def phone_e164(number: str, region: str = "FR") -> str:
    """'01 23 45 67 89' → '+33123456789'."""
    return phonenumbers.format_number(phone_parse(number, region), phonenumbers.PhoneNumberFormat.E164)


def phone_digits(number: str, region: str = "FR") -> str:
    """The national digits of a phone, whatever its formatting: '+33 1 23 45 67 89' → '0123456789'.

    Unparseable input keeps its digits only, so a partial number typed in a search still matches.
    """
    try:
        parsed = phone_parse(number, region)
    except InvalidPhone:
        return re.sub(r"\D", "", number or "")
    national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return re.sub(r"\D", "", national)


def phone_display(e164: str) -> str:
    """'+33123456789' → '01 23 45 67 89' (national format for French numbers, international otherwise)."""
    if not e164:
        return ""
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if parsed.country_code == 33
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(parsed, fmt)
