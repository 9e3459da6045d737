"""Global reference data of the tiers app: French postal codes and NAF rév. 2 codes.

The committed fixtures ``fixtures/postal_codes_fr.json`` and ``fixtures/naf_rev2.json`` are
written by scripts/generate_tiers_reference.py from npm registry packages (never edit them by
hand). One upsert loads them, shared by the data migration (historical models), ``manage.py
load_tiers_reference`` and the post-flush top-up (current models): postal codes are matched on
(country, postal code, INSEE code, city), NAF codes on their code; a second run changes nothing.
Rows missing from a fixture are kept (addresses and third parties store the values, not keys).

Reads: ``postal_lookup`` (the address forms' postal-code ↔ city lookup) and ``postal_codes_for``
(real postal code / city pairs for demo data and tests).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import Length

from crm.normalize import normalize_text, normalize_words

POSTAL_CODES_FILE = "postal_codes_fr.json"
NAF_FILE = "naf_rev2.json"
COUNTRY_CODE = "FR"
BATCH_SIZE = 5000
LOOKUP_LIMIT = 20
LOOKUP_MIN_LENGTH = 2
# What a lookup reads of its text: every word is one more condition of the query, so a long text
# (10,000 characters of short words) made a query that ran for minutes.
LOOKUP_MAX_LENGTH = 60
LOOKUP_MAX_WORDS = 8  # "Saint-Remy-en-Bouzemont-Saint-Genest-et-Isson"


def fixture_document(file_name: str) -> dict:
    with (Path(settings.BASE_DIR) / "fixtures" / file_name).open(encoding="utf-8") as fixture:
        return json.load(fixture)


def postal_code_rows(document: dict | None = None) -> list[dict]:
    """The postal-code fixture as dicts (the file stores ``columns`` once and one list per row)."""
    document = document or fixture_document(POSTAL_CODES_FILE)
    columns = document["columns"]
    return [dict(zip(columns, row, strict=True)) for row in document["rows"]]


def naf_code_rows(document: dict | None = None) -> list[dict]:
    return (document or fixture_document(NAF_FILE))["rows"]


@dataclass(frozen=True)
class TiersReferenceLoadResult:
    postal_codes: int
    naf_codes: int


def tiers_reference_load(
    *, postal_code_model=None, naf_code_model=None, using: str = "default"
) -> TiersReferenceLoadResult:
    """Upsert every postal code and NAF code of the fixtures (idempotent, batches of 5,000).

    The data migration passes its historical models; everyone else uses the defaults.
    """
    if postal_code_model is None or naf_code_model is None:
        from tiers.models import NafCode, PostalCode

        postal_code_model = postal_code_model or PostalCode
        naf_code_model = naf_code_model or NafCode
    postal_codes = [
        postal_code_model(
            country_code=COUNTRY_CODE,
            postal_code=row["postal_code"],
            city=row["city"],
            city_search=normalize_text(row["city"]),
            insee_code=row["insee_code"],
            subdivision=row["subdivision"],
        )
        for row in postal_code_rows()
    ]
    naf_codes = [naf_code_model(code=row["code"], label=row["label"]) for row in naf_code_rows()]
    with transaction.atomic(using=using):
        postal_code_model.objects.using(using).bulk_create(
            postal_codes,
            batch_size=BATCH_SIZE,
            update_conflicts=True,
            unique_fields=["country_code", "postal_code", "insee_code", "city"],
            update_fields=["city_search", "subdivision"],
        )
        naf_code_model.objects.using(using).bulk_create(
            naf_codes,
            batch_size=BATCH_SIZE,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["label"],
        )
    return TiersReferenceLoadResult(postal_codes=len(postal_codes), naf_codes=len(naf_codes))


def tiers_reference_after_flush(sender=None, using: str = "default", apps=None, **kwargs) -> None:
    """post_migrate: reload the postal and NAF codes when their tables are empty.

    ``flush`` (transactional tests) empties every table, including the rows the data migration
    wrote, then sends post_migrate; this puts them back. After a normal ``migrate`` the tables are
    full and this costs two EXISTS queries. A migration state without the models is skipped.
    """
    if apps is None:
        from django.apps import apps
    try:
        postal_code_model = apps.get_model("tiers", "PostalCode")
        naf_code_model = apps.get_model("tiers", "NafCode")
    except LookupError:
        return
    if postal_code_model.objects.using(using).exists() and naf_code_model.objects.using(using).exists():
        return
    tiers_reference_load(postal_code_model=postal_code_model, naf_code_model=naf_code_model, using=using)


# --- Reads ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostalPlace:
    """A postal code and a city as an address stores them (city in upper case)."""

    postal_code: str
    city: str
    subdivision: str

    def as_dict(self) -> dict[str, str]:
        return {"postal_code": self.postal_code, "city": self.city, "subdivision": self.subdivision}


def _places(queryset, limit: int | None) -> list[PostalPlace]:
    rows = queryset.values_list("postal_code", "city", "subdivision").distinct()
    if limit is not None:
        rows = rows[:limit]
    return [
        PostalPlace(postal_code=code, city=city.upper(), subdivision=subdivision)
        for code, city, subdivision in rows
    ]


def postal_lookup(*, code: str = "", city: str = "", limit: int = LOOKUP_LIMIT) -> list[PostalPlace]:
    """French postal places matching a postal-code prefix and/or the start of the city's words.

    ``code="690"`` → the 690xx codes; ``city="lyo"`` → Lyon's codes first (the city starts with
    the text, shortest names first), then the cities with a word starting with it. Accents and case are ignored
    (crm.normalize). Fewer than two characters (or digits) give nothing.
    """
    from tiers.models import PostalCode

    code = "".join((code or "")[:LOOKUP_MAX_LENGTH].split())
    words = normalize_words((city or "")[:LOOKUP_MAX_LENGTH])[:LOOKUP_MAX_WORDS]
    if len(code) < LOOKUP_MIN_LENGTH and len("".join(words)) < LOOKUP_MIN_LENGTH:
        return []
    if code and not code.isdigit():
        return []
    queryset = PostalCode.objects.filter(country_code=COUNTRY_CODE)
    if code:
        queryset = queryset.filter(postal_code__startswith=code)
    for word in words:
        queryset = queryset.filter(Q(city_search__startswith=word) | Q(city_search__contains=f" {word}"))
    if words:
        prefix = " ".join(words)
        queryset = queryset.annotate(
            rank=Case(
                When(city_search=prefix, then=Value(0)),
                When(city_search__startswith=prefix, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        ).order_by("rank", Length("city_search"), "city_search", "postal_code", "city", "subdivision")
    else:
        queryset = queryset.order_by("postal_code", "city_search", "city", "subdivision")
    return _places(queryset, limit)


def postal_codes_for(
    *,
    postal_codes: Iterable[str] = (),
    cities: Iterable[str] = (),
    subdivisions: Iterable[str] = (),
    limit: int | None = None,
) -> list[PostalPlace]:
    """Real French postal code / city pairs, for demo data and tests, in a stable order.

    ``postal_codes_for(cities=["Lyon", "Paris"])`` → every code of those cities;
    ``postal_codes_for(subdivisions=["69"], limit=50)`` → 50 places of the Rhône. With no filter,
    every place (about 35,000), ordered by postal code: take a slice or ``limit`` to spread
    addresses across France.
    """
    from tiers.models import PostalCode

    queryset = PostalCode.objects.filter(country_code=COUNTRY_CODE)
    postal_codes, cities, subdivisions = list(postal_codes), list(cities), list(subdivisions)
    if postal_codes:
        queryset = queryset.filter(postal_code__in=postal_codes)
    if cities:
        queryset = queryset.filter(city_search__in=[normalize_text(city) for city in cities])
    if subdivisions:
        queryset = queryset.filter(subdivision__in=subdivisions)
    return _places(queryset.order_by("postal_code", "city", "subdivision"), limit)
