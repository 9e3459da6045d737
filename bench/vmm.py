"""Benchmark of the monthly VMM batch (issue 9; floors in ../shared/BENCH.md "Monthly VMM").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/vmm.py [--scale 1]
        [--chunk-assets 10000] [--rebuild] [--drop]

Builds once, in the database ``crm360_bench_vmm`` (same server as DATABASE_URL, reused by later
runs; ``--rebuild`` starts again, ``--drop`` drops it at the end): one company, 200,000 assets x
``--scale``, each with a NOIR and a COULEUR meter read monthly for 24 months (January 2024 to
December 2025, on a day of the month that depends on the asset), 4 % of readings missing, 2 % of
meters replaced once (the value restarts low, the reading flagged). Everything is written with
INSERT … SELECT generate_series, indexes created after the load, then VACUUM ANALYZE (index-only
scans; the rows are stored month after month, as they arrive in real life, so only the
covering index gives them in asset order). Then, for December 2025, each timed after emptying the monthly volumes:

    (a) one set-based statement over all assets (the floor),
    (b) a run in chunks processed one after the other in this process (one worker),
    (c) the same run's chunks shared by two processes, each with its own connection (two workers),
    (d) a new attempt of the same month, nothing changed (one worker): 0 rows written.

Prints the wall time, rows written and the temporary bytes PostgreSQL spilled for each.
"""

from __future__ import annotations

import argparse
import datetime
import multiprocessing
import os
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_NAME = "crm360_bench_vmm"
FULL_ASSETS = 200_000
MONTH = datetime.date(2025, 12, 1)
FIRST_MONTH = datetime.date(2024, 1, 1)
READING_MONTHS = 24


def _urls() -> tuple[str, str]:
    """(maintenance URL, bench URL) on the server of DATABASE_URL."""
    base = urlsplit(os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres")
    return urlunsplit(base._replace(path="/postgres")), urlunsplit(base._replace(path=f"/{DB_NAME}"))


def _admin(sql: str) -> bool:
    import psycopg

    with psycopg.connect(_urls()[0], autocommit=True) as conn:
        cursor = conn.execute(sql)
        return bool(cursor.rowcount and cursor.description and cursor.fetchone())


def _setup_django() -> None:
    os.environ["DATABASE_URL"] = _urls()[1]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings.local")
    os.environ.pop("REDIS_URL", None)  # chunks are processed here, never queued
    import django

    django.setup()


LOAD_ASSETS = """
INSERT INTO parc_asset (tenant_id, customer_id, article_id, business_line_id, serial, provider_id, label,
                        status, created_at)
SELECT %(tenant)s, %(customer)s, %(article)s, %(line)s, 'SN' || n, 'P' || n, 'Copieur ' || n, %(status)s, now()
FROM generate_series(1, %(count)s) n
"""

# Deterministic "random": a reading is missing when hash % 100 < 4; a meter is replaced (once,
# at month r in 4..21) when its hash % 100 < 2. Monthly volume 300..3,299 per meter.
LOAD_READINGS = """
INSERT INTO parc_meterreading (tenant_id, customer_id, site_id, business_line_id, asset_id, meter_type_id,
                               read_on, value, source, is_estimated, is_replacement, created_at)
SELECT a.tenant_id, a.customer_id, NULL, a.business_line_id, a.id, m.id,
       (%(first)s::date + make_interval(months => k))::date + (a.id %% 28)::int,
       CASE WHEN p.replaced AND k >= p.at THEN 10 + (k - p.at) * p.volume ELSE 100000 + k * p.volume END,
       'telemetry', false, p.replaced AND k = p.at, now()
FROM parc_asset a
CROSS JOIN parc_metertype m
CROSS JOIN LATERAL (SELECT 300 + (a.id * 37 + m.id * 11) %% 3000 AS volume,
                           (a.id * 7919 + m.id * 104729) %% 100 < 2 AS replaced,
                           4 + (a.id + m.id) %% 18 AS at) p
CROSS JOIN generate_series(0, %(months)s - 1) k
WHERE a.tenant_id = %(tenant)s AND m.tenant_id = %(tenant)s
  AND (a.id * 131 + m.id * 17 + k * 7907) %% 100 >= 4
ORDER BY k, a.id, m.id  -- month after month, as readings arrive: the heap is not in asset order
"""


def build(scale: float) -> None:
    from django.db import connection, transaction
    from django_scopes import scopes_disabled

    from crm.models import BusinessLine, Company, Country, Currency
    from parc.models import Article, AssetStatus, MeterType
    from tiers.models import ThirdParty

    count = int(FULL_ASSETS * scale)
    print(f"Building {count:,} assets x 2 meters x {READING_MONTHS} months…", flush=True)
    started = time.perf_counter()
    with transaction.atomic(), scopes_disabled():  # the bench database's one company is being created
        company = Company.objects.create(code="bench", name="Bench VMM")
        line = BusinessLine.objects.create(tenant=company, code="IMP", name="Impression")
        article = Article.objects.create(
            tenant=company, code="MFP", label="Copieur couleur", business_line=line
        )
        customer = ThirdParty.objects.create(
            tenant=company,
            code="C000001",
            name="Client bench",
            country=Country.objects.get(code="FR"),
            currency=Currency.objects.get(code="EUR"),
        )
        types = [
            MeterType.objects.create(tenant=company, code=code, label=code, position=position)
            for position, code in enumerate(("NOIR", "COULEUR"), start=1)
        ]
    params = {"tenant": company.pk, "customer": customer.pk, "article": article.pk, "line": line.pk}
    with connection.cursor() as cursor:
        cursor.execute(LOAD_ASSETS, {**params, "status": AssetStatus.IN_BASE, "count": count})
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'parc_meterreading' "
            "AND indexname NOT LIKE '%%pkey'"
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute(LOAD_READINGS, {"tenant": company.pk, "first": FIRST_MONTH, "months": READING_MONTHS})
        readings = cursor.rowcount
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute("VACUUM ANALYZE parc_asset")
        cursor.execute("VACUUM ANALYZE parc_meterreading")
    del types
    print(f"  {readings:,} readings in {time.perf_counter() - started:.1f} s", flush=True)


def _company():
    from crm.models import Company

    return Company.objects.get(code="bench")


def _reset() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE parc_monthlyvolume")
        cursor.execute("VACUUM ANALYZE parc_monthlyvolume")


def _temp_bytes() -> int:
    from django.db import connection

    time.sleep(1.1)  # backends report their statistics at most once a second
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT temp_bytes FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


def _worker(tenant_id: int, chunk_ids: list[int]) -> None:
    """A second process: its own connection, the same chunks; SKIP LOCKED shares them out."""
    from django.db import connections
    from django_scopes import scope

    from crm.models import Company
    from parc.services.vmm_runs import vmm_chunk_process

    connections.close_all()
    tenant = Company.objects.get(pk=tenant_id)
    with scope(tenant=tenant):
        for chunk_id in chunk_ids:
            vmm_chunk_process(tenant=tenant, chunk_id=chunk_id, owner=f"bench-{os.getpid()}")


def measure(chunk_assets: int) -> list[tuple[str, float, int, int]]:
    from django.db import connection, connections, transaction
    from django_scopes import scope

    from parc.models import Asset
    from parc.services.vmm import vmm_upsert
    from parc.services.vmm_runs import vmm_run_process, vmm_run_start

    tenant = _company()
    results = []
    with connection.cursor() as cursor:  # runs left by an interrupted bench would refuse the start
        cursor.execute("TRUNCATE parc_vmmrun, parc_vmmchunk")
    with connection.cursor() as cursor:  # warm the cache
        cursor.execute("SELECT count(*), sum(value) FROM parc_meterreading WHERE tenant_id = %s", [tenant.pk])
    with scope(tenant=tenant):
        first = Asset.objects.filter(tenant=tenant).order_by("pk").values_list("pk", flat=True).first()
        last = Asset.objects.filter(tenant=tenant).order_by("-pk").values_list("pk", flat=True).first()

        def timed(label: str, work) -> None:
            spilled = _temp_bytes()
            started = time.perf_counter()
            rows = work()
            elapsed = time.perf_counter() - started
            results.append((label, elapsed, rows, _temp_bytes() - spilled))
            print(f"  {label:<44} {elapsed:7.1f} s  {rows:>9,} rows", flush=True)

        def single() -> int:
            with transaction.atomic():
                return vmm_upsert(tenant_id=tenant.pk, month=MONTH, first_asset_id=first, last_asset_id=last)

        def one_worker() -> int:
            run = vmm_run_start(tenant=tenant, month=MONTH, enqueue=False, chunk_assets=chunk_assets)
            return vmm_run_process(run=run).rows_written

        def two_workers() -> int:
            run = vmm_run_start(tenant=tenant, month=MONTH, enqueue=False, chunk_assets=chunk_assets)
            chunk_ids = list(run.chunks.order_by("position").values_list("pk", flat=True))
            connections.close_all()
            context = multiprocessing.get_context("fork")
            processes = [context.Process(target=_worker, args=(tenant.pk, chunk_ids)) for _ in range(2)]
            for process in processes:
                process.start()
            for process in processes:
                process.join()
            run.refresh_from_db()
            assert run.state == "done", run.state
            shares = run.chunks.values_list("claimed_by", flat=True)
            print(f"    chunks per process: {sorted(Counter(shares).values())}", flush=True)
            return run.rows_written

        _reset()
        timed("(a) one set-based statement (floor)", single)
        _reset()
        timed(f"(b) chunks of {chunk_assets:,}, one worker", one_worker)
        _reset()
        timed(f"(c) chunks of {chunk_assets:,}, two workers", two_workers)
        timed("(d) rerun, nothing changed, one worker", one_worker)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0, help="share of 200,000 assets (default 1)")
    parser.add_argument("--chunk-assets", type=int, default=10_000, help="assets per chunk (default 10,000)")
    parser.add_argument("--rebuild", action="store_true", help="drop and build the database again")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    args = parser.parse_args()

    if args.rebuild:
        _admin(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    exists = _admin(f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'")
    if not exists:
        _admin(f'CREATE DATABASE "{DB_NAME}"')
    _setup_django()
    if not exists:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        build(args.scale)
    from parc.models import Asset
    from parc.services.vmm import VmmWindow

    with __import__("django_scopes").scopes_disabled():  # the bench database holds one company
        assets = Asset.objects.count()
    window = VmmWindow.of(MONTH)
    print(f"{assets:,} assets; VMM of {MONTH:%m/%Y} (start target {window.target}, end {window.end})")
    results = measure(args.chunk_assets)
    floor, one, two = results[0][1], results[1][1], results[2][1]
    print(
        f"one worker / floor = {one / floor:.2f} (target ≤ 1.3); two / one = {two / one:.2f} (target ≤ 0.75)"
    )
    for label, _elapsed, _rows, spilled in results:
        print(f"  temp spilled by {label[:3]}: {spilled / 1e6:.0f} MB")
    if args.drop:
        from django.db import connections

        connections.close_all()
        _admin(f'DROP DATABASE "{DB_NAME}" WITH (FORCE)')
        print(f"Dropped {DB_NAME}.")


if __name__ == "__main__":
    main()
