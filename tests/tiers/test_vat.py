"""VAT treatment derivation (tiers.vat): the four automatic cases and the forced one."""

from __future__ import annotations

import pytest

from tiers.models import VatTreatment
from tiers.vat import vat_number_is_valid, vat_treatment_derive

VALID_DE = "DE136695976"
INVALID_DE = "DE123456789"


def test_a_customer_in_france_pays_french_vat():
    assert vat_treatment_derive(country_code="FR", eu_member=True, vat_number="") == VatTreatment.FRENCH_VAT


def test_an_eu_customer_with_a_valid_vat_number_is_reverse_charged():
    assert (
        vat_treatment_derive(country_code="DE", eu_member=True, vat_number=VALID_DE)
        == VatTreatment.REVERSE_CHARGE
    )


@pytest.mark.parametrize("number", ["", INVALID_DE])
def test_an_eu_customer_without_a_valid_vat_number_pays_french_vat(number):
    assert (
        vat_treatment_derive(country_code="DE", eu_member=True, vat_number=number) == VatTreatment.FRENCH_VAT
    )


def test_a_customer_outside_the_eu_is_exempt():
    assert vat_treatment_derive(country_code="CH", eu_member=False, vat_number="") == VatTreatment.EXEMPT


@pytest.mark.parametrize(
    "forced", [VatTreatment.FRENCH_VAT, VatTreatment.REVERSE_CHARGE, VatTreatment.EXEMPT]
)
def test_a_forced_treatment_wins_over_the_derivation(forced):
    assert (
        vat_treatment_derive(country_code="DE", eu_member=True, vat_number=VALID_DE, forced=forced) == forced
    )
    assert vat_treatment_derive(country_code="FR", eu_member=True, forced=forced) == forced


def test_vat_number_validity_uses_the_checksum():
    assert vat_number_is_valid(VALID_DE)
    assert not vat_number_is_valid(INVALID_DE)
    assert not vat_number_is_valid("")
