"""Redis (the Celery broker) crashes in the middle of the day, then comes back.

The realistic outage: the redis-server process dies (SIGKILL: the OOM killer, a crashed
container) and is restarted on the same port with the same data directory, as docker-compose's
``restart: unless-stopped`` does. Production runs Redis with ``--appendonly yes``
(docker-compose.yml), so the queue survives the restart; the disposable Redis here does too.
A Redis without persistence would lose every queued task on such a restart: that is a
configuration requirement, not something the application can make up for.

What must hold:
- pages (quick search, synthèse, lists) keep answering 200: they never touch Redis;
- an export asked during the outage is refused at once with the French message of
  crm.services.exports.export_unavailable_message;
- no task lost: an export queued before the crash, still waiting in the queue (the only worker
  busy), is done after Redis returns, by the same worker, which reconnects by itself;
- once Redis is back, a new export is accepted and done (gunicorn's broker connection recovers).
"""

from __future__ import annotations

import time

import pytest

from tests.resilience import data, load
from tests.resilience.harness import PROJECT_DIR, wait_for

pytestmark = [pytest.mark.resilience, pytest.mark.timeout(900)]

UNAVAILABLE = "Le service d'export est indisponible pour le moment. Réessayez dans quelques minutes."
EXPORT_USER = "admin.durand"
OUTAGE_SECONDS = 8.0
RESULTS = PROJECT_DIR / "var" / "resilience" / "redis_outage.json"
PAGES = ("/synthese/recherche-rapide/?q=dur", "/synthese/?q=mar", "/tiers/clients/", "/ventes/commandes/")


def ask_export(session, base_url: str, exporter: str) -> load.Sample:
    return load.post_form(
        session,
        base_url,
        page="/exports/",
        action="/exports/demander/",
        data={"exporter": exporter, "format": "xlsx"},
    )


def test_redis_crash_keeps_pages_refuses_exports_and_loses_no_task(stack_factory):
    # Arrange: Redis with its append-only file, gunicorn, two exports queued before any worker
    # runs; the first one's row is locked, so the worker (solo: one task at a time) started next
    # is stuck inside it and the second one waits in the Redis queue.
    stack = stack_factory(redis_appendonly=True)
    server = stack.gunicorn(workers=2, timeout=30)
    session = load.login(server.base_url, EXPORT_USER)
    for exporter in ("users", "customers"):
        assert ask_export(session, server.base_url, exporter).status == 302
    busy_job, queued_job = (job["id"] for job in data.export_jobs(stack.pg, EXPORT_USER))
    queue = stack.env()["CELERY_QUEUE"]
    with data.connect(stack.pg) as blocker:
        blocker.execute("BEGIN")
        blocker.execute("SELECT 1 FROM crm_exportjob WHERE id = %s FOR UPDATE", [busy_job])
        worker = stack.worker("w1")
        wait_for(lambda: stack.redis.client().llen(queue) == 1, timeout=30, what="the busy worker")
        assert data.export_job(stack.pg, queued_job)["status"] == "pending"

        # Act 1: Redis crashes; the application is used during the outage.
        stack.redis.crash()
        outage_started = time.monotonic()
        pages = [load.timed_get(session, server.base_url, path, kind="page") for path in PAGES]
        refused = ask_export(session, server.base_url, "contacts")
        list_page = load.page_text(session, server.base_url, "/exports/")
        time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - outage_started)))

        # Act 2: Redis comes back with its data; the busy worker is let go.
        stack.redis.start()
        back = time.monotonic()
        blocker.execute("ROLLBACK")

    def done(job_id: int) -> bool:
        job = data.export_job(stack.pg, job_id)
        assert job["status"] != "failed", job
        return job["status"] == "done"

    wait_for(lambda: done(queued_job), timeout=120, interval=0.2, what="the queued export")
    queued_done_after = time.monotonic() - back
    assert done(busy_job)
    accepted = ask_export(session, server.base_url, "contacts")
    new_job = data.export_jobs(stack.pg, EXPORT_USER)[-1]["id"]
    wait_for(lambda: done(new_job), timeout=120, interval=0.2, what="the export asked after the outage")
    new_done_after = time.monotonic() - back

    # Assert
    assert [page.status for page in pages] == [200] * len(PAGES), pages
    assert refused.status == 302 and refused.seconds < 5.0, refused
    assert UNAVAILABLE in list_page
    assert len(data.export_jobs(stack.pg, EXPORT_USER)) == 3  # the refused request made no job
    assert accepted.status == 302
    figures = {
        "outage_s": OUTAGE_SECONDS,
        "pages_during_outage_ms": {page.path: round(page.seconds * 1000, 1) for page in pages},
        "refused_export_ms": round(refused.seconds * 1000, 1),
        "queued_task_done_after_redis_back_s": round(queued_done_after, 2),
        "new_export_done_after_redis_back_s": round(new_done_after, 2),
    }
    print(f"\nRedis crash: {figures}")
    load.dump(RESULTS, figures)
    assert worker.process.poll() is None, worker.log()[-3000:]
