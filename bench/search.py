"""Quick-search benchmark (issue "Quick search", shared/BENCH.md). Not a test: run by hand.

    .venv/bin/python bench/search.py --scale 0.05          # build once (reused), then measure
    .venv/bin/python bench/search.py --scale 0.05 --drop   # drop the database afterwards

At --scale 1: 1 M third parties, 3 M contacts, 2 M phones, 2 M order numbers and 1 M asset
serials over 50 tenants of uneven size (the largest ~1.3 M searchable objects), in the database
``crm360_bench_search`` (built once, reused while its scale matches). Third parties and their
visibility rows are real rows (2 % closed, 0.5 % reserved); contacts, orders and assets exist as
index documents only (what the search reads). Then 500 realistic queries on the largest and on a
typical tenant, three runs, median run: p50/p95/p99 of the reader's SQL, of the endpoint's server
time (Django test client, in-process), of the floor (one index range probe returning 20 rows)
and, when pg_trgm is available, of a trigram ILIKE design on the same entries; plus the cost of
keeping the index current on a single-record save.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "crm360_bench_search"
TENANTS = 50
SKEW = 0.8  # tenant i gets a share ∝ 1 / (i + 1) ** SKEW: the largest ≈ 14 %
TOTALS = {
    "third_parties": 1_000_000,
    "contacts": 3_000_000,
    "phones": 2_000_000,
    "orders": 2_000_000,
    "assets": 1_000_000,
}
CITIES = [
    "PARIS",
    "LYON",
    "MARSEILLE",
    "TOULOUSE",
    "NANTES",
    "LILLE",
    "RENNES",
    "GRENOBLE",
    "DIJON",
    "BREST",
    "ANGERS",
    "NIMES",
    "METZ",
    "NANCY",
    "ROUEN",
    "CAEN",
    "TOURS",
    "ORLEANS",
    "AMIENS",
    "PAU",
]
TRADES = [
    "Boulangerie",
    "Garage",
    "Cabinet",
    "Pharmacie",
    "Société",
    "Imprimerie",
    "Électricité",
    "Menuiserie",
    "Clinique",
    "Hôtel",
    "Transports",
    "Bureautique",
    "Crèche",
    "Atelier",
    "Laboratoire",
    "Ferronnerie",
]
SUFFIXES = ["SA", "SARL", "SAS", "EURL", "& Fils", "Frères", "Associés", ""]


def percentiles(values: list[float]) -> tuple[float, float, float]:
    ordered = sorted(values)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return pick(0.50), pick(0.95), pick(0.99)


def median_run(runs: list[list[float]]) -> tuple[float, float, float]:
    stats = sorted((percentiles(run) for run in runs), key=lambda p: p[1])
    return stats[len(stats) // 2]


def ensure_database(args) -> None:
    import psycopg

    admin = os.environ.get("BENCH_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if args.drop_first and exists:
            conn.execute(f"DROP DATABASE {DB_NAME}")
            exists = None
        if not exists:
            conn.execute(f"CREATE DATABASE {DB_NAME}")
    base = admin.rsplit("/", 1)[0]
    os.environ["DATABASE_URL"] = f"{base}/{DB_NAME}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings.local")


def drop_database() -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    admin = os.environ.get("BENCH_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
    print(f"base {DB_NAME} supprimée")


def tenant_sizes(scale: float) -> list[dict[str, int]]:
    weights = [1 / (index + 1) ** SKEW for index in range(TENANTS)]
    total = sum(weights)
    return [{key: max(1, int(value * scale * w / total)) for key, value in TOTALS.items()} for w in weights]


def build(scale: float) -> dict:
    """Companies, users, third parties with visibility, and the index (COPY, indexes built after)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection, transaction
    from django_scopes import scopes_disabled
    from faker.providers.person.fr_FR import Provider as People

    from crm.models import Company, Country, Currency, Membership, SearchKind
    from crm.search import SearchDocument
    from tiers.models import ThirdParty, ThirdPartyAllowedUser, ThirdPartyVisibility

    call_command("migrate", verbosity=0)
    from django.utils import timezone

    now = timezone.now()
    rng = random.Random(42)
    last_names = sorted(set(People.last_names))
    first_names = sorted(set(People.first_names_male) | set(People.first_names_female))
    started = time.perf_counter()
    user_model = get_user_model()
    sizes = tenant_sizes(scale)
    france, euro = Country.objects.get(code="FR"), Currency.objects.get(code="EUR")
    samples: dict[int, dict[str, list]] = {}
    entry_id = 0
    with scopes_disabled(), connection.cursor() as cursor:  # bench set-up spans every tenant
        for index_name in ("searchtoken_probe_idx", "searchentry_customer_idx"):
            cursor.execute(f"DROP INDEX IF EXISTS {index_name}")
        cursor.execute("ALTER TABLE crm_searchentry DROP CONSTRAINT IF EXISTS searchentry_object_unique")
        raw = connection.connection
        for number, size in enumerate(sizes):
            company = Company.objects.create(
                code=f"t{number:02d}", name=f"Bench {number}", country=france, currency=euro
            )
            user = user_model.objects.create(username=f"bench{number:02d}")
            owner = user_model.objects.create(username=f"owner{number:02d}")
            for member in (user, owner):
                Membership.objects.create(
                    tenant=company, user=member, role=Group.objects.get(name="Commercial"), licence="crm"
                )
            sample = samples.setdefault(
                company.pk,
                {
                    k: []
                    for k in ("names", "people", "phones", "orders", "serials", "codes", "postal", "hidden")
                },
            )
            with transaction.atomic():
                parties = []
                for i in range(size["third_parties"]):
                    name = f"{rng.choice(TRADES)} {rng.choice(last_names)} {rng.choice(SUFFIXES)}".strip()
                    closed = rng.random() < 0.02
                    parties.append(
                        ThirdParty(
                            tenant=company,
                            code=f"C{i:07d}",
                            name=name,
                            name_search="",
                            country=france,
                            currency=euro,
                            lifecycle="customer" if rng.random() < 0.8 else "prospect_validated",
                            is_closed=closed,
                            closed_at=now if closed else None,
                            is_reserved=rng.random() < 0.005,
                        )
                    )
                for chunk in range(0, len(parties), 5000):
                    ThirdParty.objects.bulk_create(parties[chunk : chunk + 5000])
                ThirdPartyVisibility.objects.bulk_create(
                    [
                        ThirdPartyVisibility(
                            tenant=company, third_party=p, is_closed=p.is_closed, is_reserved=p.is_reserved
                        )
                        for p in parties
                    ],
                    batch_size=5000,
                )
                ThirdPartyAllowedUser.objects.bulk_create(
                    [
                        ThirdPartyAllowedUser(tenant=company, third_party=p, user=owner)
                        for p in parties
                        if p.is_reserved
                    ]
                )
                docs: list[SearchDocument] = []
                phones_left = size["phones"]
                for p in parties:
                    city = rng.choice(CITIES)
                    postal = f"{rng.randint(1, 95):02d}{rng.randint(0, 999):03d}"
                    phone = (
                        f"0{rng.randint(1, 5)}{rng.randint(0, 99_999_999):08d}"
                        if phones_left > size["phones"] * 0.6
                        else ""
                    )
                    phones_left -= bool(phone)
                    kind = SearchKind.CUSTOMER if p.lifecycle == "customer" else SearchKind.PROSPECT
                    docs.append(
                        SearchDocument(
                            kind,
                            p.pk,
                            p.name,
                            p.pk,
                            f"{p.code} · {postal} {city}",
                            words=[p.name, postal, city],
                            codes=[p.code],
                            phones=[phone] if phone else [],
                        )
                    )
                    if rng.random() < 0.01:
                        bucket = "hidden" if (p.is_closed or p.is_reserved) else "names"
                        sample[bucket].append(p.name)
                        sample["codes"].append(p.code)
                        sample["postal"].append(postal)
                        if phone:
                            sample["phones"].append(phone)
                for i in range(size["contacts"]):
                    first, last = rng.choice(first_names), rng.choice(last_names)
                    customer = rng.choice(parties).pk
                    phone = f"06{rng.randint(0, 99_999_999):08d}" if phones_left > 0 else ""
                    phones_left -= bool(phone)
                    docs.append(
                        SearchDocument(
                            SearchKind.CONTACT,
                            i + 1,
                            f"{last.upper()} {first}",
                            customer,
                            words=[first, last],
                            phones=[phone] if phone else [],
                        )
                    )
                    if rng.random() < 0.002:
                        sample["people"].append((first, last))
                        if phone:
                            sample["phones"].append(phone)
                for i in range(size["orders"]):
                    order = f"CMD-{2020 + i % 6}-{i:06d}"
                    docs.append(
                        SearchDocument(SearchKind.ORDER, i + 1, order, rng.choice(parties).pk, codes=[order])
                    )
                    if rng.random() < 0.001:
                        sample["orders"].append(order)
                for i in range(size["assets"]):
                    serial = f"{rng.choice(['RIC', 'CAN', 'KYO', 'XRX'])}{rng.randint(0, 99_999_999):08d}"
                    docs.append(
                        SearchDocument(
                            SearchKind.ASSET, i + 1, "Copieur", rng.choice(parties).pk, codes=[serial]
                        )
                    )
                    if rng.random() < 0.002:
                        sample["serials"].append(serial)
                with raw.cursor() as copy_cursor:
                    with copy_cursor.copy(
                        "COPY crm_searchentry (id, tenant_id, kind, object_id, customer_id, text, label, sublabel) FROM STDIN"
                    ) as copy:
                        for offset, doc in enumerate(docs):
                            copy.write_row(
                                (
                                    entry_id + offset + 1,
                                    company.pk,
                                    int(doc.kind),
                                    doc.object_id,
                                    doc.customer_id,
                                    doc.text(),
                                    doc.label[:200],
                                    doc.sublabel[:200],
                                )
                            )
                    with copy_cursor.copy(
                        "COPY crm_searchtoken (tenant_id, entry_id, token, kind, customer_id, text) FROM STDIN"
                    ) as copy:
                        for offset, doc in enumerate(docs):
                            text = doc.text()
                            for token in doc.tokens(text):
                                copy.write_row(
                                    (
                                        company.pk,
                                        entry_id + offset + 1,
                                        token,
                                        int(doc.kind),
                                        doc.customer_id,
                                        text,
                                    )
                                )
                entry_id += len(docs)
            print(f"  t{number:02d}: {len(docs)} objets ({time.perf_counter() - started:.0f} s)", flush=True)
        cursor.execute("SELECT setval(pg_get_serial_sequence('crm_searchentry', 'id'), %s)", [entry_id])
        index_started = time.perf_counter()
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute(
            "CREATE INDEX searchtoken_probe_idx ON crm_searchtoken (tenant_id, kind, token) INCLUDE (entry_id, customer_id, text)"
        )
        cursor.execute(
            "CREATE INDEX searchentry_customer_idx ON crm_searchentry (tenant_id, customer_id, kind)"
        )
        cursor.execute(
            "ALTER TABLE crm_searchentry ADD CONSTRAINT searchentry_object_unique UNIQUE NULLS NOT DISTINCT (tenant_id, kind, object_id, customer_id)"
        )
        print(f"  index : {time.perf_counter() - index_started:.0f} s")
        trigram = False
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            trigram_started = time.perf_counter()
            cursor.execute("CREATE INDEX bench_entry_trgm ON crm_searchentry USING gin (text gin_trgm_ops)")
            print(f"  index trigramme : {time.perf_counter() - trigram_started:.0f} s")
            trigram = True
        except Exception as error:
            print(f"  pas de pg_trgm : {error}")
        cursor.execute(
            "CREATE TABLE bench_meta (scale float, trigram bool, build_seconds float, samples jsonb)"
        )
        cursor.execute(
            "INSERT INTO bench_meta VALUES (%s, %s, %s, %s)",
            [
                scale,
                trigram,
                time.perf_counter() - started,
                json.dumps({str(k): v for k, v in samples.items()}),
            ],
        )
    with connection.cursor() as cursor:
        for table in ("crm_searchtoken", "crm_searchentry", "tiers_thirdparty", "tiers_thirdpartyvisibility"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    return meta()


def meta() -> dict | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_meta')")
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute("SELECT scale, trigram, build_seconds, samples FROM bench_meta")
        scale, trigram, seconds, samples = cursor.fetchone()
    if isinstance(samples, str):  # Django's psycopg setup returns jsonb as text
        samples = json.loads(samples)
    return {"scale": scale, "trigram": trigram, "build_seconds": seconds, "samples": samples}


def queries_for(sample: dict, count: int, rng: random.Random) -> list[str]:
    def prefix(word: str, low: int = 3, high: int = 6) -> str:
        return word[: rng.randint(low, high)]

    makers = [
        (25, lambda: prefix(rng.choice(sample["names"]).split()[1])),
        (8, lambda: " ".join(prefix(w, 2, 4) for w in rng.choice(sample["names"]).split()[:2])),
        (10, lambda: rng.choice(sample["names"]).split()[1][:2]),
        (8, lambda: "{} {}".format(*reversed(rng.choice(sample["people"]))).lower()),
        (
            7,
            lambda: "{} {}".format(
                rng.choice(sample["people"])[0], prefix(rng.choice(sample["people"])[1], 3, 4)
            ),
        ),
        (15, lambda: rng.choice(sample["phones"])[-rng.randint(4, 10) :]),
        (10, lambda: rng.choice(sample["orders"])[: rng.randint(9, 15)]),
        (7, lambda: rng.choice(sample["serials"])[: rng.randint(5, 9)]),
        (4, lambda: rng.choice(sample["codes"])[: rng.randint(4, 8)]),
        (3, lambda: rng.choice(sample["postal"])),
        (3, lambda: prefix(rng.choice(sample["hidden"] or sample["names"]).split()[1])),
    ]
    weights = [w for w, _m in makers]
    return [rng.choices(makers, weights)[0][1]() for _ in range(count)]


def measure(info: dict, args) -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django_scopes import scope, scopes_disabled

    from crm.models import Company
    from synthese.search import (
        SEARCH_SETTINGS,
        query_probes,
        quick_search,
        quick_search_sql,
        viewable_kinds,
    )

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.DEBUG = False
    rng = random.Random(7)
    with scopes_disabled():
        companies = list(Company.objects.filter(code__startswith="t").order_by("code"))
    targets = {"plus grand": companies[0], "typique": companies[len(companies) // 2]}
    with connection.cursor() as cursor:
        cursor.execute("SET max_parallel_workers_per_gather = 0")
    for title, company in targets.items():
        sample = info["samples"][str(company.pk)]
        queries = queries_for(sample, args.queries, rng)
        user = get_user_model().objects.get(username=f"bench{company.code[1:]}")
        client = Client()
        client.force_login(user)
        timings: dict[str, list[list[float]]] = {"sql": [], "endpoint": [], "floor": [], "trigram": []}
        with scope(tenant=company):
            kinds = viewable_kinds(user)
            for _run in range(args.runs):
                run = {key: [] for key in timings}
                for query in queries:
                    probes = query_probes(query)
                    if not probes:
                        continue
                    sql, params = quick_search_sql(
                        tenant=company, user=user, probes=probes, kinds=kinds, limit=8
                    )
                    with connection.cursor() as cursor:
                        t0 = time.perf_counter()
                        cursor.execute(f"{SEARCH_SETTINGS}; {sql}", params)
                        cursor.nextset()
                        cursor.fetchall()
                        run["sql"].append((time.perf_counter() - t0) * 1000)
                        t0 = time.perf_counter()
                        cursor.execute(
                            "SELECT entry_id FROM crm_searchtoken WHERE tenant_id = %s AND kind = 1 AND token >= %s AND token < %s LIMIT 20",
                            [company.pk, probes[0].prefix, probes[0].upper],
                        )
                        cursor.fetchall()
                        run["floor"].append((time.perf_counter() - t0) * 1000)
                        if info["trigram"]:
                            words = query.lower().split() or [query]
                            t0 = time.perf_counter()
                            cursor.execute(
                                "SELECT id FROM crm_searchentry WHERE tenant_id = %s AND "
                                + " AND ".join(["text ILIKE %s"] * len(words))
                                + " LIMIT 80",
                                [company.pk, *[f"%{w}%" for w in words]],
                            )
                            cursor.fetchall()
                            run["trigram"].append((time.perf_counter() - t0) * 1000)
                    t0 = time.perf_counter()
                    response = client.get(
                        "/synthese/recherche-rapide/", {"q": query}, headers={"accept": "application/json"}
                    )
                    run["endpoint"].append((time.perf_counter() - t0) * 1000)
                    assert response.status_code == 200, response.status_code
                for key in timings:
                    if run[key]:
                        timings[key].append(run[key])
            with scope(tenant=company):
                hits = sum(bool(quick_search(tenant=company, user=user, query=q)) for q in queries)
        print(
            f"\n{title} ({company.code}, {len(queries)} requêtes, {hits} avec résultats) — médiane de {args.runs} passes, ms"
        )
        for key in ("sql", "endpoint", "floor", "trigram"):
            if timings[key]:
                p50, p95, p99 = median_run(timings[key])
                print(f"  {key:<9} p50 {p50:6.2f}  p95 {p95:6.2f}  p99 {p99:6.2f}")
    upkeep()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('crm_searchtoken')), pg_size_pretty(pg_total_relation_size('crm_searchentry')), pg_size_pretty(pg_database_size(current_database())), (SELECT count(*) FROM crm_searchtoken), (SELECT count(*) FROM crm_searchentry)"
        )
        tokens_size, entries_size, db_size, tokens, entries = cursor.fetchone()
    print(
        f"\ndisque : jetons {tokens_size}, entrées {entries_size}, base {db_size}; {entries} entrées, {tokens} jetons"
    )
    print(f"construction : {info['build_seconds']:.0f} s (échelle {info['scale']})")


def upkeep(count: int = 200) -> None:
    """Cost of the index on a single-record save: the writer's time for one third party."""
    from django.db import transaction
    from django_scopes import scope, scopes_disabled

    from crm.models import Company
    from crm.search import search_index_update
    from tiers.models import ThirdParty

    with scopes_disabled():
        company = Company.objects.get(code="t00")
    with scope(tenant=company):
        parties = list(ThirdParty.objects.filter(tenant=company).order_by("?")[:count])
        timings = []
        for party in parties:
            with transaction.atomic():
                t0 = time.perf_counter()
                search_index_update(party)
                timings.append((time.perf_counter() - t0) * 1000)
                transaction.set_rollback(True)
    p50, p95, p99 = percentiles(timings)
    print(
        f"\nmise à jour de l'index (1 tiers, {count} fois) : p50 {p50:.2f}  p95 {p95:.2f}  p99 {p99:.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument("--drop-first", action="store_true", help="rebuild the database from scratch")
    args = parser.parse_args()
    ensure_database(args)
    import django

    django.setup()
    info = meta()
    if info is None or info["scale"] != args.scale:
        if info is not None:
            args.drop_first = True
            from django.db import connections

            connections.close_all()
            ensure_database(args)
        print(f"construction à l'échelle {args.scale} dans {DB_NAME}…", flush=True)
        info = build(args.scale)
    measure(info, args)
    if args.drop:
        drop_database()


if __name__ == "__main__":
    main()
