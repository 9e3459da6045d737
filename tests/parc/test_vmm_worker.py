"""The VMM batch with real Celery workers and Redis (skipped without REDIS_URL, except on CI)."""

from __future__ import annotations

import datetime
import time
from decimal import Decimal

import pytest
from django_scopes import scope

from parc.models import MonthlyVolume, VmmRun, VmmRunState
from parc.services.vmm_runs import vmm_run_start
from tests.celery_worker import celery_worker_running
from tests.parc.test_vmm_runs import MARCH, with_readings

WAIT_SECONDS = 60
LONG_AGO = datetime.datetime(2025, 4, 1, 2, 0, tzinfo=datetime.UTC)


def _wait_finished(run: VmmRun, worker) -> VmmRun:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.state != VmmRunState.RUNNING:
            return run
        time.sleep(0.2)
    pytest.fail(f"Le calcul n'est pas terminé en {WAIT_SECONDS} s :\n{worker.log()}")


@pytest.mark.celery_worker
def test_vmm_run_in_real_workers_then_a_second_worker_changes_nothing(celery_worker, tenant, tmp_path):
    with scope(tenant=tenant):
        with_readings(tenant, 5)
        run = vmm_run_start(tenant=tenant, month=MARCH, chunk_assets=2)
        run = _wait_finished(run, celery_worker)

        assert (run.state, run.chunk_count, run.rows_written) == (VmmRunState.DONE, 3, 5), celery_worker.log()
        assert celery_worker.log().count("Task parc.vmm_chunk[") >= 3
        assert set(MonthlyVolume.objects.values_list("value", flat=True)) == {Decimal("1000.68")}
        MonthlyVolume.objects.update(computed_at=LONG_AGO)

    second_dir = tmp_path / "second"
    second_dir.mkdir()
    with celery_worker_running(second_dir) as second, scope(tenant=tenant):
        again = _wait_finished(vmm_run_start(tenant=tenant, month=MARCH, chunk_assets=2), second)

        assert (again.attempt, again.state, again.rows_written) == (2, VmmRunState.DONE, 0), second.log()
        assert "Task parc.vmm_chunk[" in second.log()
        assert set(MonthlyVolume.objects.values_list("computed_at", flat=True)) == {LONG_AGO}
