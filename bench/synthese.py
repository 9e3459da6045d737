"""Synthèse benchmark (issue "synthèse client", § Performance). Not a test: run by hand.

    .venv/bin/python bench/synthese.py              # build once (reused), then measure
    .venv/bin/python bench/synthese.py --runs 50    # more samples
    .venv/bin/python bench/synthese.py --drop       # drop the database afterwards

The database ``crm360_bench_synthese`` (same server as DATABASE_URL, default local PostgreSQL) is
built once with ``migrate`` and ``seed_demo --scale large`` (one customer with 5,000 assets of
2 meters x 36 readings, 20,000 orders, 2,000 service requests), which takes tens of minutes, and
reused while it holds that customer. Then, warm, in-process, for the big customer and for a small
one: the frame (test client, when the frame's URL ``synthese:customer`` exists), the tab bar's
counts (``tab_counts``, one query) and each tab's body (``Tab.render`` as the frame's htmx tab
request calls it, RequestFactory), N times each: p50/p95 in ms and the number of SQL queries,
which must be the same for both customers.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "crm360_bench_synthese"
BIG_CUSTOMER_ASSETS = 5_000


def _database_url() -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{DB_NAME}"))


def _manage(*args: str) -> None:
    env = {**os.environ, "DATABASE_URL": _database_url()}
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], check=True, env=env)  # noqa: S603
    print(f"  manage.py {' '.join(args)} : {time.perf_counter() - started:.0f} s")


def _psql_admin(sql: str) -> None:
    import psycopg

    parts = urlsplit(_database_url())
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql)


def _ensure_database() -> None:
    try:
        _psql_admin(f'CREATE DATABASE "{DB_NAME}"')
        print(f"Base {DB_NAME} créée.")
    except Exception as exc:
        if "already exists" not in str(exc):
            raise


def _analyze() -> None:
    """Planner statistics: a bulk-loaded database has none until autovacuum gets to it."""
    import psycopg

    with psycopg.connect(_database_url(), autocommit=True) as connection:
        connection.execute("ANALYZE")


def _setup_django() -> None:
    os.environ["DATABASE_URL"] = _database_url()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings.local")
    import django

    django.setup()
    from django.conf import settings

    # The frame is requested through Django's test client, whose host is "testserver".
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def _big_and_small_customer():
    from django.db.models import Count

    from parc.models import Asset

    rows = (
        Asset.objects.values("tenant_id", "customer_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .filter(n__gte=1)
    )
    ranked = list(rows[:1])
    if not ranked or ranked[0]["n"] < BIG_CUSTOMER_ASSETS:
        return None
    big = ranked[0]
    small = rows.filter(tenant_id=big["tenant_id"], n__lte=20).order_by("-n").first()
    return big, small


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def _measure(label: str, call, runs: int) -> tuple[float, float, int]:
    from django.core.signals import request_started
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    call()  # warm (caches, prepared plans)
    # The test client's request resets the connection's query log at its start: keep it while
    # counting, or the frame's count reads 0.
    request_started.disconnect(reset_queries)
    try:
        with CaptureQueriesContext(connection) as captured:
            call()
    finally:
        request_started.connect(reset_queries)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    p50, p95 = _percentiles(samples)
    return p50, p95, len(captured)


def run(runs: int) -> None:
    from django.test import Client, RequestFactory
    from django.urls import NoReverseMatch, reverse
    from django_scopes import scope, scopes_disabled

    from crm.models import Company, Membership
    from synthese.context import context_from_query
    from synthese.tabs import TABS, tab_counts
    from tiers.models import ThirdParty

    # Reviewed exception: the benchmark picks its tenant and customers before opening a scope.
    with scopes_disabled():
        found = _big_and_small_customer()
        if found is None:
            sys.exit("Pas de client à 5 000 biens : lancer seed_demo --scale large (voir l'en-tête).")
        big, small = found
        tenant = Company.objects.get(pk=big["tenant_id"])
        membership = (
            Membership.objects.filter(
                tenant=tenant, is_active=True, role__name__in=["Administrateur", "Manager"]
            )
            .select_related("user")
            .first()
        )
        user = membership.user
    print(
        f"Société {tenant.code}, client {big['customer_id']} ({big['n']} biens), petit client "
        f"{small['customer_id'] if small else '—'} ; {runs} mesures par ligne.\n"
    )
    factory = RequestFactory()
    results = []
    with scope(tenant=tenant):
        for name, customer_id in (("grand", big["customer_id"]), ("petit", small and small["customer_id"])):
            if not customer_id:
                continue
            customer = ThirdParty.objects.get(tenant=tenant, pk=customer_id)
            try:
                url = reverse("synthese:customer", kwargs={"pk": customer.pk})
            except NoReverseMatch:
                url = None
            if url:
                client = Client()
                client.force_login(user)

                def frame(client=client, url=url):
                    return client.get(url)

                results.append((name, "cadre (page complète)", *_measure("frame", frame, runs)))

            def counts(customer=customer):
                request = factory.get("/")
                ctx = context_from_query(request.GET, tenant=tenant, user=user, customer=customer)
                return tab_counts(ctx, list(TABS.values()))

            results.append((name, "compteurs des onglets", *_measure("counts", counts, runs)))
            for key, tab in sorted(TABS.items(), key=lambda item: item[1].position):

                def body(tab=tab, key=key, customer=customer):
                    request = factory.get("/synthese/", {"onglet": key})
                    request.user, request.tenant = user, tenant
                    ctx = context_from_query(request.GET, tenant=tenant, user=user, customer=customer)
                    return tab.render(request, ctx)

                results.append((name, f"onglet {key}", *_measure(key, body, runs)))
    print(f"{'client':<7} {'mesure':<28} {'p50 ms':>8} {'p95 ms':>8} {'requêtes':>9}")
    for name, label, p50, p95, queries in results:
        print(f"{name:<7} {label:<28} {p50:8.1f} {p95:8.1f} {queries:9d}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--drop", action="store_true", help="supprimer la base de benchmark et quitter")
    parser.add_argument("--no-build", action="store_true", help="ne pas lancer migrate / seed_demo")
    args = parser.parse_args()
    if args.drop:
        _psql_admin(f'DROP DATABASE IF EXISTS "{DB_NAME}"')
        print(f"Base {DB_NAME} supprimée.")
        return
    _ensure_database()
    _setup_django()
    if not args.no_build:
        from django_scopes import scopes_disabled

        _manage("migrate", "--no-input")
        with scopes_disabled():
            seeded = _big_and_small_customer() is not None
        if not seeded:
            print("Construction : seed_demo --scale large (plusieurs dizaines de minutes)…")
            _manage("seed_demo", "--scale", "large")
    _analyze()
    run(args.runs)


if __name__ == "__main__":
    main()
