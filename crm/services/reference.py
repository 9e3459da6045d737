"""Global reference data (countries, currencies): load the committed fixtures into the database.

One upsert, shared by the data migration ``crm.0002_reference_data`` (with historical models),
``manage.py load_reference_data`` and the post-flush top-up (both with the current models).
Rows are matched on their ISO ``code``: a second run changes nothing, a regenerated fixture
updates the rows in place. Rows missing from the fixture are kept (companies and third parties
point at them with PROTECT) and only counted.

The fixtures are written by scripts/generate_reference_data.py; never edit them by hand.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

COUNTRIES_FILE = "countries.json"
CURRENCIES_FILE = "currencies.json"


def fixtures_dir() -> Path:
    return Path(settings.BASE_DIR) / "fixtures"


def reference_rows(file_name: str) -> list[dict]:
    """The rows of a committed reference fixture (the ``rows`` list under its header)."""
    with (fixtures_dir() / file_name).open(encoding="utf-8") as fixture:
        return json.load(fixture)["rows"]


@dataclass(frozen=True)
class ReferenceLoadResult:
    countries: int
    currencies: int
    stale_countries: list[str]
    stale_currencies: list[str]


def _upsert(model, rows: list[dict], using: str) -> list[str]:
    """Insert or update ``rows`` by code; return the codes in the table that the fixture lacks.

    Only the keys that are fields of ``model`` are written, so an older (historical) model
    loads a newer fixture, and a later migration can run the same upsert for a new field.
    """
    fields = {field.name for field in model._meta.concrete_fields} - {"id"}
    update_fields = sorted(fields - {"code"})
    objects = [model(**{key: value for key, value in row.items() if key in fields}) for row in rows]
    model.objects.using(using).bulk_create(
        objects, update_conflicts=True, unique_fields=["code"], update_fields=update_fields
    )
    codes = [row["code"] for row in rows]
    return sorted(model.objects.using(using).exclude(code__in=codes).values_list("code", flat=True))


def reference_data_load(
    *, country_model=None, currency_model=None, using: str = "default"
) -> ReferenceLoadResult:
    """Upsert every country and currency of the fixtures (idempotent).

    The data migration passes its historical models; everyone else uses the defaults.
    """
    if country_model is None or currency_model is None:
        from crm.models import Country, Currency

        country_model = country_model or Country
        currency_model = currency_model or Currency
    countries = reference_rows(COUNTRIES_FILE)
    currencies = reference_rows(CURRENCIES_FILE)
    with transaction.atomic(using=using):
        stale_currencies = _upsert(currency_model, currencies, using)
        stale_countries = _upsert(country_model, countries, using)
    return ReferenceLoadResult(
        countries=len(countries),
        currencies=len(currencies),
        stale_countries=stale_countries,
        stale_currencies=stale_currencies,
    )


def reference_data_after_flush(sender=None, using: str = "default", apps=None, **kwargs) -> None:
    """post_migrate: reload the reference data when its table is empty.

    ``flush`` (run by transactional tests between tests) empties every table, including the
    rows the data migration wrote, then sends post_migrate; this puts them back so
    ``Country.objects.get(code="FR")`` works in every database. After a normal ``migrate`` the
    table is full and this does nothing. The models come from the migration state, so they
    match the schema; a state without them (``migrate crm zero``) is skipped.
    """
    if apps is None:
        from django.apps import apps
    try:
        country_model = apps.get_model("crm", "Country")
        currency_model = apps.get_model("crm", "Currency")
    except LookupError:
        return
    if country_model.objects.using(using).exists():
        return
    reference_data_load(country_model=country_model, currency_model=currency_model, using=using)
