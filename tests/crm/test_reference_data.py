"""Countries and currencies: generated fixtures, loaded by the data migration into every database."""

import importlib
import importlib.util
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import migrations

from crm.models import Country, Currency
from crm.services.reference import reference_data_load, reference_rows

REPO = Path(settings.BASE_DIR)


def test_migration_loaded_every_country_of_the_fixture(db):
    codes = {row["code"] for row in reference_rows("countries.json")}

    assert len(codes) == 249
    assert set(Country.objects.values_list("code", flat=True)) == codes


def test_migration_loaded_every_currency_of_the_fixture(db):
    codes = {row["code"] for row in reference_rows("currencies.json")}

    assert {"EUR", "USD", "JPY", "CHF", "GBP"} <= codes
    assert set(Currency.objects.values_list("code", flat=True)) == codes


def test_france_has_its_rules(db):
    france = Country.objects.get(code="FR")

    assert france.name == "France"
    assert france.postal_code_required
    assert france.legal_ids_required
    assert france.phone_region == "FR"
    assert france.calling_code == 33
    assert france.iban_used
    assert france.eu_member


def test_france_postal_code_accepted_with_five_digits(db):
    france = Country.objects.get(code="FR")

    assert re.search(france.postal_code_regex, "75001")
    assert france.postal_code_matches("75001")


@pytest.mark.parametrize("value", ["7500", "750011", "75O01", ""])
def test_france_postal_code_refused_when_not_five_digits(db, value):
    france = Country.objects.get(code="FR")

    assert not re.search(france.postal_code_regex, value)
    assert not france.postal_code_matches(value)


def test_country_without_postal_codes_accepts_any_postal_code(db):
    antarctica = Country.objects.get(code="AQ")  # Antarctica: no postal system

    assert antarctica.postal_code_regex == ""
    assert not antarctica.postal_code_required
    assert antarctica.postal_code_matches("n'importe quoi")


def test_united_states_is_not_eu_and_uses_no_iban(db):
    united_states = Country.objects.get(code="US")

    assert united_states.name == "États-Unis"
    assert not united_states.eu_member
    assert not united_states.iban_used
    assert not united_states.legal_ids_required
    assert united_states.calling_code == 1


def test_united_kingdom_is_not_eu(db):
    united_kingdom = Country.objects.get(code="GB")

    assert not united_kingdom.eu_member
    assert united_kingdom.iban_used
    assert united_kingdom.postal_code_matches("SW1A 1AA")
    assert not united_kingdom.postal_code_matches("75001")


def test_germany_and_greece_are_eu_members_without_french_legal_ids(db):
    germany = Country.objects.get(code="DE")
    greece = Country.objects.get(code="GR")  # "el" in VAT numbers

    assert germany.eu_member
    assert greece.eu_member
    assert not germany.legal_ids_required
    assert Country.objects.filter(eu_member=True).count() == 27


def test_only_france_requires_siret_and_vat(db):
    assert list(Country.objects.filter(legal_ids_required=True).values_list("code", flat=True)) == ["FR"]


def test_countries_have_french_names(db):
    assert Country.objects.get(code="DE").name == "Allemagne"
    assert Country.objects.get(code="KR").name == "Corée du Sud"  # CLDR, not ISO's "Corée, République de"
    assert Country.objects.get(code="CI").name == "Côte d'Ivoire"


def test_euro_has_two_decimals(db):
    euro = Currency.objects.get(code="EUR")

    assert euro.name == "Euro"
    assert euro.decimals == 2


def test_yen_has_no_decimals(db):
    assert Currency.objects.get(code="JPY").decimals == 0


def test_load_reference_data_is_idempotent(db):
    before = (Country.objects.count(), Currency.objects.count())
    out = io.StringIO()

    call_command("load_reference_data", stdout=out)
    call_command("load_reference_data", stdout=out)

    assert (Country.objects.count(), Currency.objects.count()) == before
    assert "Données de référence à jour : 249 pays, 178 devises." in out.getvalue()


def test_load_reference_data_restores_an_edited_row(db):
    Country.objects.filter(code="FR").update(name="Gaule", eu_member=False, calling_code=None)

    call_command("load_reference_data", stdout=io.StringIO())

    france = Country.objects.get(code="FR")
    assert (france.name, france.eu_member, france.calling_code) == ("France", True, 33)


def test_load_reference_data_keeps_and_reports_rows_missing_from_the_fixture(db):
    Currency.objects.create(code="FRF", name="Franc français", decimals=2)
    out = io.StringIO()

    result = reference_data_load()
    call_command("load_reference_data", stdout=out)

    assert result.stale_currencies == ["FRF"]
    assert Currency.objects.filter(code="FRF").exists()
    assert "Devises absentes des fichiers de référence, conservées : FRF" in out.getvalue()


def test_flush_reloads_reference_data(transactional_db):
    """Transactional tests flush every table between tests; the post_migrate top-up refills them."""
    call_command("flush", interactive=False, verbosity=0)

    assert Country.objects.get(code="FR").eu_member
    assert Currency.objects.get(code="EUR").decimals == 2


def test_data_migration_reverses_as_a_no_op():
    migration = importlib.import_module("crm.migrations.0002_reference_data").Migration
    run_python = next(op for op in migration.operations if isinstance(op, migrations.RunPython))

    assert run_python.reversible
    assert run_python.reverse_code is migrations.RunPython.noop


def test_fixtures_match_the_registry_packages():
    """Regenerating with the pinned packages (in the dev extra) gives no diff."""
    result = subprocess.run(
        [sys.executable, "scripts/generate_reference_data.py", "--check"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
