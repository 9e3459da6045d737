"""Fixtures of the resilience tests (``make test-resilience``; marker ``resilience``).

The demo data (``seed_demo --scale medium`` plus the load users) is built ONCE per session in a
template PostgreSQL cluster, which is then stopped; each test gets its own cluster started on a
copy of that data directory, its own Redis, and whatever gunicorn / Celery workers it starts
through ``stack``. Everything is stopped in the fixture's teardown, even when the test fails.

``RESILIENCE_TEMPLATE=/some/dir``: keep the seeded template there and reuse it in later sessions
(development only; delete the directory after a model change).
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest

from tests.resilience import harness
from tests.resilience.harness import Gunicorn, Postgres, Redis, Worker

SEED_SCALE = "medium"


def _selected(config) -> bool:
    expression = config.option.markexpr or ""
    return "resilience" in expression and "not resilience" not in expression


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "resilience: load and outage tests with their own PostgreSQL, Redis, gunicorn, workers"
    )
    if _selected(config):
        # `timeout --signal=TERM` (make test-resilience): stop like Ctrl+C, so that the fixtures'
        # teardown stops every server this run started.
        signal.signal(signal.SIGTERM, _interrupt)


def _build_template(base_dir: Path) -> Path:
    """Migrate and seed a fresh cluster in ``base_dir``; stop it; return its data directory."""
    pg = Postgres(base_dir)
    pg.init()
    pg.start()
    try:
        pg.create_database()
        var_dir = base_dir / "var"
        harness.prepare_database(pg, var_dir=var_dir)
        env = harness.django_env(
            database_url=harness.database_urls(pg)["admin"], redis_url=None, var_dir=var_dir
        )
        started = time.monotonic()
        harness.manage("seed_demo", "--scale", SEED_SCALE, env=env)
        harness.manage(
            "shell", "-c", "from tests.resilience.load_users import create; create()", env=env, timeout=300
        )
        print(
            f"\n[resilience] seed_demo --scale {SEED_SCALE} + load users: {time.monotonic() - started:.0f} s"
        )
        with psycopg.connect(pg.admin_dsn(), autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
    finally:
        pg.stop()
    (base_dir / "READY").write_text("ok")
    return pg.data_dir


@pytest.fixture(scope="session")
def work_dir():
    """A world-traversable temporary directory (the postgres user must reach its clusters)."""
    path = Path(tempfile.mkdtemp(prefix="crm360-resilience-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def seeded_data_dir(work_dir) -> Path:
    kept = os.environ.get("RESILIENCE_TEMPLATE")
    if kept:
        base = Path(kept)
        if (base / "READY").exists():
            return base / "data"
        shutil.rmtree(base, ignore_errors=True)
        base.mkdir(parents=True)
        base.chmod(0o755)
        return _build_template(base)
    return _build_template(work_dir / "template")


@dataclass
class Stack:
    """One test's services. ``env()`` is the environment of gunicorn / workers / commands."""

    base_dir: Path
    pg: Postgres
    redis: Redis
    exits: ExitStack
    gunicorns: list[Gunicorn] = field(default_factory=list)

    @property
    def var_dir(self) -> Path:
        return self.base_dir / "var"

    def env(self, *, settings: str = harness.SERVER_SETTINGS, **extra: str) -> dict[str, str]:
        urls = harness.database_urls(self.pg)
        return harness.django_env(
            database_url=urls["app"],
            migrate_url=urls["admin"],
            redis_url=self.redis.url,
            settings=settings,
            var_dir=self.var_dir,
            **extra,
        )

    def gunicorn(self, *, workers: int = 4, threads: int = 1, timeout: int = 30, **extra: str) -> Gunicorn:
        server = Gunicorn(
            env=self.env(**extra), log_dir=self.base_dir, workers=workers, threads=threads, timeout=timeout
        )
        self.exits.callback(server.stop)
        server.start()
        return server

    def worker(self, name: str, **extra: str) -> Worker:
        worker = Worker(
            env=self.env(settings=harness.WORKER_SETTINGS, **extra), log_dir=self.base_dir, name=name
        )
        self.exits.callback(worker.stop)
        worker.start()
        return worker


@pytest.fixture
def stack_factory(work_dir, seeded_data_dir, request):
    """``stack_factory(redis_appendonly=False)``: a fresh cluster on a copy of the seeded data and
    a fresh Redis; everything it started is stopped at teardown, in reverse order."""
    with ExitStack() as exits:

        def make(*, redis_appendonly: bool = False) -> Stack:
            base = Path(tempfile.mkdtemp(prefix=f"{request.node.name[:40]}-", dir=work_dir))
            base.chmod(0o755)
            exits.callback(shutil.rmtree, base, ignore_errors=True)
            pg = Postgres(base / "pg")
            pg.adopt(seeded_data_dir)
            exits.callback(pg.stop)
            pg.start()
            redis = Redis(base / "redis", appendonly=redis_appendonly)
            exits.callback(redis.stop)
            redis.start()
            (base / "var" / "media").mkdir(parents=True)
            return Stack(base_dir=base, pg=pg, redis=redis, exits=exits)

        yield make


def pytest_collection_modifyitems(config, items):
    """Until the default run excludes the marker (pyproject), a run that did not ask for
    ``-m resilience`` skips these tests instead of starting servers."""
    if _selected(config):
        return
    skip = pytest.mark.skip(reason="tests de résilience : make test-resilience")
    for item in items:
        if item.get_closest_marker("resilience"):
            item.add_marker(skip)
