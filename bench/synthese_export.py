"""Synthèse export benchmark (issue 9, "Exports of the synthèse"). Not a test: run by hand.

    .venv/bin/python bench/synthese_export.py            # build once (reused), then measure
    .venv/bin/python bench/synthese_export.py --drop     # drop the database afterwards

Builds, once, the database ``crm360_bench_export`` (same server as DATABASE_URL): ``migrate``
then the ``seed_demo`` steps at the ``large`` scale, whose big customer gets 5,000 assets (2
meters x 36 monthly readings), 20,000 orders and 2,000 service requests, while the rest of the
demo companies is shrunk to the ``medium`` sizes (the export reads one customer: the other
customers only make the tables realistic, at a fraction of the build time). The measures never
write to it (the job is an unsaved ExportJob, the file a temporary one). For the customer with
the most assets it times, each in a fresh process (so the peak RSS is that export's alone):
- every section to Excel (the exporter's ``write``, openpyxl write-only): wall time, peak RSS
  (resource.getrusage), file size, rows;
- the default PDF selection (Présentation, Interlocuteurs, Sites) through WeasyPrint.
Targets (issue 9): Excel ≤ 20 s and ≤ 300 MB; PDF ≤ 10 s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "crm360_bench_export"
BIG_CUSTOMER_ASSETS = 5_000
TARGETS = {"xlsx": (20.0, 300.0), "pdf": (10.0, None)}


def _database_url() -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    return urlunsplit(urlsplit(base)._replace(path=f"/{DB_NAME}"))


def _setup() -> None:
    os.environ["DATABASE_URL"] = _database_url()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings.local")
    import django

    django.setup()


def _psql_admin(sql: str) -> None:
    import psycopg

    admin = urlunsplit(urlsplit(_database_url())._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql)


def _is_built() -> bool:
    """The database exists, is migrated and holds the big customer."""
    import psycopg

    try:
        with psycopg.connect(_database_url()) as connection:
            row = connection.execute(
                "SELECT count(*) FROM parc_asset GROUP BY customer_id ORDER BY 1 DESC LIMIT 1"
            ).fetchone()
    except psycopg.Error:
        return False
    return bool(row and row[0] >= BIG_CUSTOMER_ASSETS)


def build() -> None:
    """Create, migrate and seed the bench database (``large`` big customer, ``medium`` rest)."""
    try:
        _psql_admin(f'CREATE DATABASE "{DB_NAME}"')
    except Exception as error:
        if "already exists" not in str(error):
            raise
    _setup()
    from django.core.management import call_command

    from crm import demo
    from tiers import demo as tiers_demo

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    demo.SIZES["large"] = {**demo.SIZES["medium"], "reading_months": 36}
    tiers_demo.LARGE_FIRST_COMPANY = {}
    demo.demo_run(scale="large", out=print)
    print(f"Base {DB_NAME} construite en {time.perf_counter() - started:.0f} s.")


def _analyze() -> None:
    """Fresh statistics, as autovacuum keeps them on a live database: the demo's bulk inserts
    leave the planner estimating one row per table, and nested loops over thousands of rows."""
    import psycopg

    with psycopg.connect(_database_url(), autocommit=True) as connection:
        connection.execute("ANALYZE")


def _big_customer():
    """(tenant, customer, owner, orders): the customer with the most assets, and an active
    manager or administrator of its tenant with a CRM licence."""
    from django.db.models import Count
    from django_scopes import scopes_disabled

    from crm.models import Membership
    from parc.models import Asset
    from tiers.models import ThirdParty
    from ventes.models import Order

    with scopes_disabled():
        top = Asset.objects.values("customer_id").annotate(n=Count("pk")).order_by("-n").first()
        customer = ThirdParty.objects.select_related("tenant").get(pk=top["customer_id"])
        memberships = Membership.objects.filter(tenant=customer.tenant, is_active=True).select_related(
            "user", "role"
        )
        owner = next(
            m.user
            for m in memberships.order_by("pk")
            if m.role.name in ("Administrateur", "Manager") and m.has_crm_licence
        )
        orders = Order.objects.filter(customer=customer).count()
    return customer.tenant, customer, owner, top["n"], orders


# The screen's default state, and the whole history with every request and contract (all 20,000
# orders of the big customer).
QUERIES = {"xlsx": ["", "mois=240&dit-etat=toutes&ssc-statut=toutes"], "pdf": [""]}


def measure(fmt: str, query: str = "") -> dict:
    """One export in this process: wall time, peak RSS, size."""
    _setup()
    from django_scopes import scope

    from crm.exports.registry import Progress, exporter_registry
    from crm.models import ExportJob
    from synthese.exports import DEFAULT_PDF_SECTIONS, SECTIONS

    tenant, customer, owner, assets, orders = _big_customer()
    sections = [s.key for s in SECTIONS] if fmt == "xlsx" else list(DEFAULT_PDF_SECTIONS)
    job = ExportJob(
        tenant=tenant,
        owner=owner,
        exporter="synthese",
        format=fmt,
        sections=sections,
        parameters={"customer": customer.pk, "query": query},
    )

    def save(percent: int) -> None:
        pass

    exporter = exporter_registry.get("synthese")
    progress = Progress(save)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    before, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    with scope(tenant=tenant), tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        exporter.write(job=job, output=output, progress=progress)
        elapsed = time.perf_counter() - started
        size = output.tell()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime - cpu
    return {
        "format": fmt,
        "query": query,
        "customer": customer.code,
        "assets": assets,
        "orders": orders,
        "sections": len(sections),
        "rows": progress.total,
        "seconds": round(elapsed, 2),
        # The worker's own CPU time (the database's is not in it): steadier than the wall time
        # on a busy machine, whose load average is given too.
        "cpu_seconds": round(cpu, 2),
        "load": round(os.getloadavg()[0], 1),
        "peak_rss_mb": round(peak / 1024, 1),
        "rss_before_mb": round(before / 1024, 1),
        "file_kb": round(size / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--one", choices=["xlsx", "pdf"], help=argparse.SUPPRESS)
    parser.add_argument("--build", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--drop", action="store_true", help="drop the bench database afterwards")
    parser.add_argument("--query", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.query)))
        return
    if args.build:
        build()
        return
    if not _is_built():
        print(f"Construction de {DB_NAME} (quelques minutes)…")
        subprocess.run([sys.executable, __file__, "--build"], check=True, cwd=ROOT)  # noqa: S603
    else:  # reused: bring its schema up to the code's
        env = {**os.environ, "DATABASE_URL": _database_url()}
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--verbosity", "0"], check=True, cwd=ROOT, env=env
        )
    _analyze()
    for fmt, query in [(fmt, query) for fmt, queries in QUERIES.items() for query in queries]:
        done = subprocess.run(  # noqa: S603  (our own script, fixed arguments)
            [sys.executable, __file__, "--one", fmt, "--query", query],
            capture_output=True,
            text=True,
            check=False,
            cwd=ROOT,
        )
        if done.returncode != 0:
            print(f"{fmt}: échec\n{done.stderr[-3000:]}")
            continue
        result = json.loads(done.stdout.strip().splitlines()[-1])
        seconds, megabytes = TARGETS[fmt]
        verdict = (
            "OK"
            if result["seconds"] <= seconds and (megabytes is None or result["peak_rss_mb"] <= megabytes)
            else "HORS CIBLE"
        )
        print(
            f"{fmt.upper():4} client {result['customer']} ({result['assets']} biens, {result['orders']} commandes), "
            f"filtres « {result['query'] or 'écran par défaut'} », "
            f"{result['sections']} sections, {result['rows']} lignes : {result['seconds']} s "
            f"(CPU du worker {result['cpu_seconds']} s, charge {result['load']}), "
            f"pic RSS {result['peak_rss_mb']} Mo (avant export {result['rss_before_mb']} Mo), "
            f"fichier {result['file_kb']} Ko — cible ≤ {seconds} s"
            + (f" et ≤ {megabytes} Mo" if megabytes else "")
            + f" : {verdict}"
        )
    if args.drop:
        _psql_admin(f'DROP DATABASE IF EXISTS "{DB_NAME}"')
        print(f"Base {DB_NAME} supprimée.")


if __name__ == "__main__":
    main()
