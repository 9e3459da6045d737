"""Identity and address validators of third parties: valid and known-invalid values, exact messages."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from crm.models import Country
from tests.tiers.factories_third_parties import (
    LA_POSTE_SIRET,
    OTHER_SIREN,
    SIREN,
    SIRET,
    VAT,
    naf_codes,
    postal_codes,
)
from tiers.validators import (
    identity_clean,
    legal_ids_check,
    naf_clean,
    phone_clean,
    postal_place_clean,
    siren_clean,
    siret_clean,
    siret_matches_siren,
    vat_clean,
)

# --- SIREN ---------------------------------------------------------------------------------------


def test_siren_clean_accepts_a_valid_siren_typed_with_spaces():
    assert siren_clean("732 829 320") == SIREN


def test_siren_clean_accepts_la_poste_siren():
    assert siren_clean("356000000") == "356000000"


def test_siren_clean_refused_when_the_luhn_key_is_wrong():
    # Any 9 digits is not a SIREN: 123456789 fails the Luhn key.
    with pytest.raises(ValidationError) as exc:
        siren_clean("123456789")

    assert exc.value.messages == ["SIREN invalide : la clé de contrôle de 123456789 est fausse."]


@pytest.mark.parametrize("value", ["73282932", "7328293201", "73282932A"])
def test_siren_clean_refused_when_not_9_digits(value):
    with pytest.raises(ValidationError) as exc:
        siren_clean(value)

    assert exc.value.messages == ["Le SIREN doit comporter 9 chiffres."]


# --- SIRET ---------------------------------------------------------------------------------------


def test_siret_clean_accepts_a_valid_siret():
    assert siret_clean("732 829 320 00074") == SIRET


def test_siret_clean_accepts_la_poste_siret_that_fails_luhn():
    # 35600000000048 fails the Luhn key: La Poste's SIRET use the sum of the digits (multiple of 5).
    assert siret_clean(LA_POSTE_SIRET) == LA_POSTE_SIRET


def test_siret_clean_refused_for_la_poste_siret_with_wrong_sum():
    with pytest.raises(ValidationError) as exc:
        siret_clean("35600000000049")

    assert exc.value.messages == ["SIRET invalide : la clé de contrôle de 35600000000049 est fausse."]


def test_siret_clean_refused_when_the_luhn_key_is_wrong():
    with pytest.raises(ValidationError) as exc:
        siret_clean("73282932000075")

    assert exc.value.messages == ["SIRET invalide : la clé de contrôle de 73282932000075 est fausse."]


def test_siret_clean_refused_when_not_14_digits():
    with pytest.raises(ValidationError) as exc:
        siret_clean("7328293200007")

    assert exc.value.messages == ["Le SIRET doit comporter 14 chiffres."]


def test_siret_matches_siren_accepts_its_own_siren():
    assert siret_matches_siren(siret=SIRET, siren=SIREN) is None


def test_siret_matches_siren_refused_for_another_siren():
    with pytest.raises(ValidationError) as exc:
        siret_matches_siren(siret=SIRET, siren=OTHER_SIREN)

    assert exc.value.messages == [f"Le SIRET {SIRET} ne commence pas par le SIREN {OTHER_SIREN}."]


# --- VAT -----------------------------------------------------------------------------------------


def test_vat_clean_accepts_a_french_number_whose_key_matches_the_siren():
    assert vat_clean("fr 44 732 829 320", siren=SIREN) == VAT


def test_vat_clean_refused_when_the_french_key_is_wrong():
    with pytest.raises(ValidationError) as exc:
        vat_clean("FR45732829320")

    assert exc.value.messages == [
        "N° de TVA intracommunautaire invalide : la clé 45 ne correspond pas au SIREN 732829320 "
        "(clé attendue : 44)."
    ]


def test_vat_clean_refused_when_the_siren_inside_is_not_the_third_partys():
    with pytest.raises(ValidationError) as exc:
        vat_clean(VAT, siren=OTHER_SIREN)

    assert exc.value.messages == [
        f"Le n° de TVA intracommunautaire {VAT} ne contient pas le SIREN du tiers ({OTHER_SIREN})."
    ]


def test_vat_clean_refused_when_a_french_number_is_too_short():
    with pytest.raises(ValidationError) as exc:
        vat_clean("FR4473282932")

    assert exc.value.messages == [
        "N° de TVA intracommunautaire invalide : un numéro français s'écrit FR, une clé de 2 caractères "
        "puis le SIREN (9 chiffres)."
    ]


def test_vat_clean_accepts_a_belgian_number():
    assert vat_clean("BE 0403.170.701") == "BE0403170701"


def test_vat_clean_refused_for_an_invalid_german_number():
    with pytest.raises(ValidationError) as exc:
        vat_clean("DE136695975")

    assert exc.value.messages == ["N° de TVA intracommunautaire invalide pour le pays DE : DE136695975."]


def test_vat_clean_refused_for_a_country_outside_the_eu():
    with pytest.raises(ValidationError) as exc:
        vat_clean("XX123456789")

    assert exc.value.messages == [
        "N° de TVA intracommunautaire invalide : XX n'est pas un pays de l'Union européenne."
    ]


# --- NAF -----------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["6201Z", "62.01z", "62 01 Z", "62.01Z"])
def test_naf_clean_normalises_an_ape_code_valid_in_nace_2_0(typed):
    # 62.01 exists in NACE rév. 2.0 (today's NAF) but python-stdnum's default, NACE 2.1, rejects it.
    naf_codes()

    assert naf_clean(typed) == "62.01Z"


@pytest.mark.django_db
def test_naf_clean_refused_when_the_format_is_wrong():
    with pytest.raises(ValidationError) as exc:
        naf_clean("620Z")

    assert exc.value.messages == [
        "Code NAF invalide : 4 chiffres suivis d'une lettre sont attendus, par exemple 62.01Z."
    ]


@pytest.mark.django_db
def test_naf_clean_refused_when_the_nace_class_does_not_exist():
    with pytest.raises(ValidationError) as exc:
        naf_clean("99.99Z")

    assert exc.value.messages == ["Code NAF invalide : la classe 99.99 n'existe pas dans la NAF rév. 2."]


@pytest.mark.django_db
def test_naf_clean_refused_when_the_letter_is_not_in_the_reference_list():
    naf_codes()

    with pytest.raises(ValidationError) as exc:
        naf_clean("62.01A")

    assert exc.value.messages == ["Code NAF inconnu : 62.01A n'est pas une sous-classe de la NAF rév. 2."]


# --- Phones --------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["04 72 00 00 00", "+33 4 72 00 00 00", "04.72.00.00.00", "0033472000000"])
def test_phone_clean_stores_e164_and_national_digits(typed):
    assert phone_clean(typed, "FR") == ("+33472000000", "0472000000")


def test_phone_clean_refused_for_an_invalid_number():
    with pytest.raises(ValidationError) as exc:
        phone_clean("01 23", "FR")

    assert exc.value.messages == ["Numéro de téléphone invalide : 01 23."]


# --- Legal identifiers required by the country ----------------------------------------------------


@pytest.mark.django_db
def test_legal_ids_check_refused_for_a_french_legal_person_without_siret_and_vat():
    with pytest.raises(ValidationError) as exc:
        legal_ids_check(
            country=Country.objects.get(code="FR"), is_natural_person=False, siret="", vat_number=""
        )

    assert exc.value.message_dict == {
        "siret": ["Le SIRET est obligatoire pour une personne morale (pays : France)."],
        "vat_number": [
            "Le n° de TVA intracommunautaire est obligatoire pour une personne morale (pays : France)."
        ],
    }


@pytest.mark.django_db
@pytest.mark.parametrize(("code", "natural"), [("FR", True), ("BE", False), ("US", False)])
def test_legal_ids_check_accepts_natural_persons_and_countries_without_the_rule(code, natural):
    country = Country.objects.get(code=code)

    assert legal_ids_check(country=country, is_natural_person=natural, siret="", vat_number="") is None


@pytest.mark.django_db
def test_identity_clean_takes_the_siren_from_the_siret():
    naf_codes()

    cleaned = identity_clean(
        country=Country.objects.get(code="FR"),
        is_natural_person=False,
        siret=SIRET,
        vat_number=VAT,
        naf="4666z",
    )

    assert cleaned == {"siren": SIREN, "siret": SIRET, "vat_number": VAT, "naf": "46.66Z"}


@pytest.mark.django_db
def test_identity_clean_reports_each_refusal_on_its_field():
    with pytest.raises(ValidationError) as exc:
        identity_clean(
            country=Country.objects.get(code="FR"),
            is_natural_person=False,
            siren=OTHER_SIREN,
            siret=SIRET,
            vat_number="",
        )

    assert exc.value.message_dict == {
        "siret": [f"Le SIRET {SIRET} ne commence pas par le SIREN {OTHER_SIREN}."],
        "vat_number": [
            "Le n° de TVA intracommunautaire est obligatoire pour une personne morale (pays : France)."
        ],
    }


# --- Postal code and city -------------------------------------------------------------------------


@pytest.mark.django_db
def test_postal_place_clean_fills_the_subdivision_and_upper_cases_the_city():
    postal_codes()

    place = postal_place_clean(country=Country.objects.get(code="FR"), postal_code="69 002", city="lyon")

    assert (place.postal_code, place.city, place.subdivision, place.warnings) == ("69002", "LYON", "69", [])


@pytest.mark.django_db
def test_postal_place_clean_fills_the_city_of_a_code_with_one_commune():
    postal_codes()

    place = postal_place_clean(country=Country.objects.get(code="FR"), postal_code="75001", city="")

    assert (place.city, place.subdivision) == ("PARIS", "75")


@pytest.mark.django_db
def test_postal_place_clean_refused_without_city_when_the_code_has_several_communes():
    postal_codes()

    with pytest.raises(ValidationError) as exc:
        postal_place_clean(country=Country.objects.get(code="FR"), postal_code="01400", city="")

    assert exc.value.message_dict["city"][0].startswith("Précisez la ville : le code postal 01400 dessert ")


@pytest.mark.django_db
def test_postal_place_clean_warns_but_accepts_an_unknown_city():
    postal_codes()

    place = postal_place_clean(
        country=Country.objects.get(code="FR"), postal_code="69002", city="Villeurbanne"
    )

    assert (place.city, place.subdivision) == ("VILLEURBANNE", "69")
    assert place.warnings == [
        "Ville inconnue pour le code postal 69002 : VILLEURBANNE (villes connues : LYON)."
    ]


@pytest.mark.django_db
def test_postal_place_clean_refused_for_an_unknown_code_when_the_country_requires_it():
    postal_codes()

    with pytest.raises(ValidationError) as exc:
        postal_place_clean(country=Country.objects.get(code="FR"), postal_code="99999", city="NULLE PART")

    assert exc.value.message_dict == {"postal_code": ["Code postal inconnu : 99999 n'existe pas (France)."]}


@pytest.mark.django_db
def test_postal_place_clean_accepts_an_unknown_cedex_code_with_a_warning():
    postal_codes()

    place = postal_place_clean(
        country=Country.objects.get(code="FR"), postal_code="69421", city="Lyon Cedex 03"
    )

    assert (place.city, place.subdivision) == ("LYON CEDEX 03", "69")
    assert place.warnings == ["Code postal CEDEX 69421 accepté sans contrôle de la ville."]


@pytest.mark.django_db
def test_postal_place_clean_refused_when_the_format_is_wrong():
    with pytest.raises(ValidationError) as exc:
        postal_place_clean(country=Country.objects.get(code="FR"), postal_code="6900", city="LYON")

    assert exc.value.message_dict == {"postal_code": ["Code postal invalide pour ce pays (France) : 6900."]}


@pytest.mark.django_db
def test_postal_place_clean_refused_without_code_when_the_country_requires_it():
    with pytest.raises(ValidationError) as exc:
        postal_place_clean(country=Country.objects.get(code="BE"), postal_code="", city="Bruxelles")

    assert exc.value.message_dict == {
        "postal_code": ["Le code postal est obligatoire pour ce pays (Belgique)."]
    }


@pytest.mark.django_db
def test_postal_place_clean_accepts_a_blank_code_when_the_country_does_not_require_it():
    place = postal_place_clean(country=Country.objects.get(code="MC"), postal_code="", city="Monaco")

    assert (place.postal_code, place.city) == ("", "MONACO")


@pytest.mark.django_db
def test_postal_place_clean_checks_only_the_format_without_a_reference_list():
    place = postal_place_clean(country=Country.objects.get(code="BE"), postal_code="1000", city="Bruxelles")

    assert (place.postal_code, place.city, place.warnings) == ("1000", "BRUXELLES", [])
