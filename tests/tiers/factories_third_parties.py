"""Test data of the third-party area: reference rows (postal codes, NAF) and valid identities.

The reference tables are global and may already hold the full lists (data migrations), so
rows are fetched or created, never assumed absent.
"""

from __future__ import annotations

from typing import Any

from django_scopes import scope

from crm.models import Country
from crm.normalize import normalize_text
from tests.tiers.factories import ThirdPartyFactory
from tiers.models import AddressPhone, NafCode, PostalCode, ThirdParty


class TPFactory(ThirdPartyFactory):
    """The shared factory without factory_boy's deprecated second save after its visibility hook."""

    class Meta:
        model = ThirdParty
        skip_postgeneration_save = True


# Real, valid French identifiers (python-stdnum accepts them).
SIREN = "732829320"
SIRET = "73282932000074"
VAT = "FR44732829320"
OTHER_SIREN = "443061841"
OTHER_SIRET = "44306184100047"
OTHER_VAT = "FR64443061841"
# La Poste: its establishments' SIRET use a sum of the digits instead of the Luhn key.
LA_POSTE_SIRET = "35600000000048"


def postal_codes() -> None:
    """The communes the tests type, spelt as in the committed fixture (codes-postaux)."""
    for code, insee, city, subdivision in (
        ("69002", "69382", "Lyon", "69"),
        ("75001", "75101", "Paris", "75"),
        ("13001", "13201", "Marseille", "13"),
        ("01400", "01001", "L'Abergement-Clémenciat", "01"),
        ("01400", "01093", "Châtillon-sur-Chalaronne", "01"),
    ):
        PostalCode.objects.get_or_create(
            country_code="FR",
            postal_code=code,
            insee_code=insee,
            city=city,
            defaults={"city_search": normalize_text(city), "subdivision": subdivision},
        )


def naf_codes() -> None:
    for code, label in (
        ("62.01Z", "Programmation informatique"),
        ("46.66Z", "Commerce de gros d'autres machines et équipements de bureau"),
    ):
        NafCode.objects.get_or_create(code=code, defaults={"label": label})


def france() -> Country:
    return Country.objects.get(code="FR")


def address_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "code": "",
        "line1": "12 rue de la République",
        "postal_code": "69002",
        "city": "Lyon",
        "country": france(),
        "is_default": True,
        "phones": [],
        "emails": [],
    }
    data.update(overrides)
    return data


def identity_data(**overrides: Any) -> dict[str, Any]:
    """A French legal person with every identifier the country requires."""
    data = {
        "name": "Bureautique Lyonnaise",
        "country": france(),
        "siret": SIRET,
        "vat_number": VAT,
        "naf": "46.66Z",
    }
    data.update(overrides)
    return data


def phone_add(address, number: str, digits: str) -> AddressPhone:
    """A phone row as the services store it (E.164 and national digits)."""
    with scope(tenant=address.tenant):
        return AddressPhone.objects.create(
            tenant=address.tenant, address=address, number=number, digits=digits
        )
