"""A Celery worker killed (SIGKILL) in the middle of a VMM run and in the middle of an export.

The worker runs with the solo pool: the killed process is the one running the task, as when
the OOM killer or a node failure takes a worker down; nothing gets a warm shutdown.

To kill it in the middle, deterministically, the test holds a lock the task needs next:
- VMM: the advisory lock of (tenant, month), taken exclusively once a few chunks are done; the
  next chunk has been claimed (leased, committed) and waits for it inside its work transaction;
- export: the third parties' table, locked before the export is asked; the job is claimed
  (RUNNING, committed) and its worker waits to read the rows.
The worker is killed while it waits; the lock is released; PostgreSQL rolls its transaction back.

Recovery, the way production does it:
- VMM: the chunk's lease expires and ``parc.vmm_sweep`` (beat, every 5 minutes) queues it again;
  a new worker does it. Lease shortened to 5 s (VMM_LEASE_SECONDS, tests/resilience/
  worker_settings.py); chunks of 150 assets (VMM_CHUNK_ASSETS) so the run has ~20 chunks.
- export: the task is acknowledged late, so its message is still "unacknowledged" in Redis;
  Redis hands it to another worker after the visibility timeout, 1 hour by default, 10 s here
  (CELERY_VISIBILITY_TIMEOUT). ``export_run`` accepts a RUNNING job again and redoes it.

Results must be identical to an uninterrupted run: the VMM rows of the month against a clean
``compute_vmm --sync`` on the same data (rows deleted first), the export file's cells against
a second export of the same list done without interruption.
"""

from __future__ import annotations

import json
import time

import pytest

from tests.resilience import data, load
from tests.resilience.harness import PROJECT_DIR, celery_call, manage, wait_for

pytestmark = [pytest.mark.resilience, pytest.mark.timeout(900)]

VMM_MONTH = "2025-12-01"  # the month before the demo's "today" (crm.demo.DEMO_TODAY)
VMM_TENANT = "durand"
VMM_KNOBS = {"VMM_LEASE_SECONDS": "5", "VMM_CHUNK_ASSETS": "150"}
EXPORT_KNOBS = {"CELERY_VISIBILITY_TIMEOUT": "10", "CELERY_UNACKED_RESTORE_INTERVAL": "2"}
EXPORT_USER = "admin.durand"
SWEEP_EVERY = 10.0
RESULTS = PROJECT_DIR / "var" / "resilience" / "worker_killed.json"


def record(key: str, figures: dict) -> None:
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    load.dump(RESULTS, {**previous, key: figures})


def vmm_lock_sql(tenant_id: int) -> tuple[str, list]:
    # The key of parc.services.vmm_runs.vmm_lock_key, hashed as _lock does.
    return "SELECT pg_advisory_lock(hashtextextended(%s, 0))", [f"parc.vmm:{tenant_id}:{VMM_MONTH[:7]}"]


def test_vmm_run_killed_mid_chunk_completes_identically_after_the_sweep(stack_factory):
    # Arrange: a worker, and the VMM run of the month queued for the demo company.
    stack = stack_factory()
    tenant_id = data.company_id(stack.pg, VMM_TENANT)
    first = stack.worker("w1", **VMM_KNOBS)
    env = first.env
    celery_call("parc.vmm_start", env=env, kwargs=json.dumps({"tenant_id": tenant_id, "month": VMM_MONTH}))

    def chunks_done() -> int:
        run = data.vmm_run(stack.pg, tenant_id, VMM_MONTH)
        return sum(chunk["done"] for chunk in run["chunks"]) if run else 0

    wait_for(lambda: chunks_done() >= 3, timeout=120, what="three VMM chunks done")

    # Act: hold the month's lock; the next chunk waits in its work transaction; kill the worker.
    sql, params = vmm_lock_sql(tenant_id)
    with data.connect(stack.pg) as holder:
        holder.execute(sql, params)
        wait_for(lambda: data.lock_waiters(stack.pg, "advisory") >= 1, timeout=60, what="a chunk waiting")
        run = data.vmm_run(stack.pg, tenant_id, VMM_MONTH)
        killed = [chunk for chunk in run["chunks"] if chunk["leased"] and not chunk["done"]]
        first.kill()
        done_when_killed = chunks_done()
    assert len(killed) == 1, run["chunks"]
    assert 3 <= done_when_killed < run["chunk_count"], run["chunks"]

    # Act: a new worker; the sweep (as beat would) until the run is done.
    killed_at = time.monotonic()
    stack.worker("w2", **VMM_KNOBS)
    last_sweep = 0.0

    def run_finished() -> bool:
        nonlocal last_sweep
        current = data.vmm_run(stack.pg, tenant_id, VMM_MONTH)
        assert current["state"] != "failed", current
        if current["state"] == "done":
            return True
        if time.monotonic() - last_sweep > SWEEP_EVERY and time.monotonic() - killed_at > 6:
            celery_call("parc.vmm_sweep", env=env)
            last_sweep = time.monotonic()
        return False

    wait_for(run_finished, timeout=240, interval=0.5, what="the interrupted VMM run")
    completed_after = time.monotonic() - killed_at
    interrupted = data.vmm_run(stack.pg, tenant_id, VMM_MONTH)
    interrupted_rows = data.monthly_volumes(stack.pg, tenant_id, VMM_MONTH)

    # Act: the clean run on the same data: rows deleted, computed again in one process.
    with data.connect(stack.pg) as conn:
        conn.execute(
            "DELETE FROM parc_monthlyvolume WHERE tenant_id = %s AND month = %s", [tenant_id, VMM_MONTH]
        )
    manage(
        "compute_vmm",
        "--month",
        VMM_MONTH[:7],
        "--tenant",
        VMM_TENANT,
        "--sync",
        env=stack.env(),
        timeout=600,
    )
    clean = data.vmm_run(stack.pg, tenant_id, VMM_MONTH)
    clean_rows = data.monthly_volumes(stack.pg, tenant_id, VMM_MONTH)

    # Assert: the killed chunk was done again, and the results are those of the clean run.
    redone = next(chunk for chunk in interrupted["chunks"] if chunk["id"] == killed[0]["id"])
    assert redone["done"] and redone["attempts"] >= 2, redone
    assert interrupted["state"] == "done" and clean["state"] == "done"
    assert clean_rows, "the clean run wrote no row"
    assert interrupted_rows == clean_rows
    assert interrupted["rows_written"] == clean["rows_written"] == len(clean_rows)
    figures = {
        "chunks": interrupted["chunk_count"],
        "chunks_done_when_killed": done_when_killed,
        "rows": len(clean_rows),
        "completed_s_after_kill": round(completed_after, 1),
    }
    print(f"\nVMM worker killed: {figures}")
    record("vmm", figures)


def sheet_values(path) -> dict[str, list[tuple]]:
    import openpyxl  # heavy: imported where used (ruff TID253)

    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}
    finally:
        workbook.close()


def test_export_killed_mid_run_is_redone_with_the_same_content(stack_factory):
    # Arrange: gunicorn, a worker; the third parties' table locked before the export is asked.
    stack = stack_factory()
    server = stack.gunicorn(workers=2, timeout=30)
    first = stack.worker("w1", **EXPORT_KNOBS)
    session = load.login(server.base_url, EXPORT_USER)
    ask = {
        "page": "/exports/",
        "action": "/exports/demander/",
        "data": {"exporter": "customers", "format": "xlsx"},
    }

    with data.connect(stack.pg) as holder:
        holder.execute("BEGIN")
        holder.execute("LOCK TABLE tiers_thirdparty IN ACCESS EXCLUSIVE MODE")
        assert load.post_form(session, server.base_url, **ask).status == 302
        job_id = data.export_jobs(stack.pg, EXPORT_USER)[-1]["id"]
        wait_for(lambda: data.export_job(stack.pg, job_id)["status"] == "running", timeout=60, what="claim")
        wait_for(lambda: data.lock_waiters(stack.pg, "relation") >= 1, timeout=30, what="the export waiting")

        # Act: the worker is killed in the middle of the export.
        first.kill()
        holder.execute("ROLLBACK")
    killed_at = time.monotonic()
    assert data.export_job(stack.pg, job_id)["status"] == "running"
    stack.worker("w2", **EXPORT_KNOBS)

    def finished(job: int) -> bool:
        status = data.export_job(stack.pg, job)["status"]
        assert status != "failed", data.export_job(stack.pg, job)
        return status == "done"

    wait_for(lambda: finished(job_id), timeout=120, interval=0.5, what="the killed export redone")
    redone_after = time.monotonic() - killed_at
    assert load.post_form(session, server.base_url, **ask).status == 302
    clean_id = data.export_jobs(stack.pg, EXPORT_USER)[-1]["id"]
    wait_for(lambda: finished(clean_id), timeout=120, interval=0.5, what="the clean export")

    # Assert: same cells in both files.
    media = stack.var_dir / "media"
    redone = sheet_values(media / data.export_job(stack.pg, job_id)["file"])
    clean = sheet_values(media / data.export_job(stack.pg, clean_id)["file"])
    assert sum(len(rows) for rows in clean.values()) > 100
    assert redone == clean
    figures = {
        "rows": sum(len(rows) for rows in clean.values()),
        "redone_s_after_kill": round(redone_after, 1),
    }
    print(f"\nExport worker killed: {figures}")
    record("export", figures)
