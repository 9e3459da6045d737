"""Exports with a real Celery worker and Redis (skipped without REDIS_URL, except on CI)."""

from __future__ import annotations

import io
import time

import pytest
from django_scopes import scope

from crm.models import ExportJob
from crm.services.exports import export_request
from tests.factories import member

WAIT_SECONDS = 30


def _wait_finished(job: ExportJob) -> ExportJob:
    deadline = time.monotonic() + WAIT_SECONDS
    with scope(tenant=job.tenant):
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if not job.in_progress:
                return job
            time.sleep(0.2)
    return job


@pytest.mark.celery_worker
def test_users_export_runs_in_a_real_celery_worker(celery_worker, tenant, other_tenant):
    from openpyxl import load_workbook

    requester = member(tenant, "Commercial", username="demandeur")
    member(tenant, "Technicien", username="technicien")
    member(other_tenant, "Manager", username="intrus")

    job = export_request(tenant=tenant, user=requester, exporter_key="users", format="xlsx")
    job = _wait_finished(job)

    assert job.status == ExportJob.Status.DONE, celery_worker.log()
    assert job.progress == 100
    assert job.expires_at is not None
    assert "Task crm.export_run[" in celery_worker.log()
    assert "succeeded" in celery_worker.log()
    with job.file.open("rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()))
    logins = [row[0] for row in workbook["Utilisateurs"].iter_rows(min_row=2, values_only=True)]
    assert sorted(logins) == ["demandeur", "technicien"]
