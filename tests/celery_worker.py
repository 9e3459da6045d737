"""Celery in tests: in-process (eager) runs, and a real worker on a private queue.

Used through the ``celery_eager`` and ``celery_worker`` fixtures of ``tests/conftest.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from crm.celery import app as celery_app

NO_REDIS_REASON = "REDIS_URL non défini : pas de worker Celery réel"
WORKER_START_TIMEOUT = 30.0
PROJECT_DIR = Path(__file__).resolve().parent.parent


@contextmanager
def celery_conf(**values) -> Iterator[None]:
    """Override Celery settings of the app for the duration of the block, then restore them."""
    conf = celery_app.conf
    saved = {name: conf[name] for name in values}
    conf.update(values)
    try:
        yield
    finally:
        conf.update(saved)


def skip_or_fail(reason: str) -> None:
    """Skip with ``reason`` on a developer machine; fail on CI, where everything must run."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI est défini : ce test doit s'exécuter)")
    pytest.skip(reason)


def test_database_url() -> str:
    """A URL for the database the tests use now (pytest-django's test database)."""
    params = connection.settings_dict
    user = quote(params.get("USER") or "", safe="")
    password = quote(params.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = params.get("HOST") or "127.0.0.1"
    if host.startswith("/"):  # a Unix socket directory
        return f"postgres://{credentials}/{quote(params['NAME'], safe='')}?host={quote(host, safe='')}"
    port = f":{params['PORT']}" if params.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(params['NAME'], safe='')}"


test_database_url.__test__ = False  # a helper, not a test


@dataclass
class CeleryWorker:
    queue: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def _wait_ready(worker: CeleryWorker) -> None:
    deadline = time.monotonic() + WORKER_START_TIMEOUT
    while time.monotonic() < deadline:
        if worker.process.poll() is not None:
            pytest.fail(f"Le worker Celery s'est arrêté au démarrage :\n{worker.log()}")
        if " ready." in worker.log():
            return
        time.sleep(0.2)
    pytest.fail(f"Le worker Celery n'a pas démarré en {WORKER_START_TIMEOUT:.0f} s :\n{worker.log()}")


def _stop(worker: CeleryWorker) -> None:
    if worker.process.poll() is None:
        worker.process.terminate()
        try:
            worker.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.process.kill()
            worker.process.wait(timeout=5)
    try:
        from kombu import Exchange, Queue

        with celery_app.connection_for_write() as broker:
            # Declared here so the channel knows its binding, then deleted with it.
            queue = Queue(worker.queue, Exchange(worker.queue), routing_key=worker.queue)
            queue(broker.default_channel).declare()
            queue(broker.default_channel).delete()
    except Exception as exc:  # the queue is private and empty: leaving it behind is harmless
        print(f"Could not delete the test queue {worker.queue}: {exc}", file=sys.stderr)


@contextmanager
def celery_worker_running(log_dir: Path) -> Iterator[CeleryWorker]:
    """Start ``celery -A crm worker`` on a private queue, against the test database and the
    test's MEDIA_ROOT, and send this process's tasks to it; stop it and restore the app after."""
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        skip_or_fail(NO_REDIS_REASON)
    queue = f"crm360-test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "crm.settings.test",
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": redis_url,
        "CELERY_QUEUE": queue,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PYTHONUNBUFFERED": "1",
    }
    log_path = log_dir / f"{queue}.log"
    command = [
        sys.executable, "-m", "celery", "-A", "crm", "worker",
        "--pool=solo", "--concurrency=1", "-Q", queue, "-n", f"{queue}@%h",
        "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(
            command, cwd=PROJECT_DIR, env=env, stdout=log_file, stderr=subprocess.STDOUT
        )
    worker = CeleryWorker(queue=queue, process=process, log_path=log_path)
    try:
        _wait_ready(worker)
        with celery_conf(task_always_eager=False, task_default_queue=queue):
            yield worker
    finally:
        _stop(worker)
