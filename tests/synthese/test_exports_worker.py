"""The synthèse's export processed end to end by a real Celery worker (needs REDIS_URL)."""

from __future__ import annotations

import time

import pytest
from django_scopes import scope

from crm.models import ExportJob
from synthese.exports import synthese_export_request
from tests.factories import member
from tests.synthese.export_support import build_parc_world, sheet_rows, workbook_of

WAIT_SECONDS = 60


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
def test_synthese_export_runs_in_a_real_celery_worker(celery_worker, tenant):
    manager = member(tenant, "Manager")
    pw = build_parc_world(tenant, owner=manager)

    with scope(tenant=tenant):
        job = synthese_export_request(
            tenant=tenant,
            user=manager,
            customer=pw.world.customer,
            format="xlsx",
            sections=["sites", "situation", "interventions"],
            query=f"bien={pw.world.asset.pk}",
        )
    job = _wait_finished(job)

    assert job.status == ExportJob.Status.DONE, celery_worker.log()
    assert job.progress == 100
    assert "Task crm.export_run[" in celery_worker.log()
    workbook = workbook_of(job)
    assert workbook.sheetnames == [
        "Présentation",
        "Sites",
        "Sites - Commerciaux",
        "Situation actuelle",
        "Interventions",
    ]
    assert len(sheet_rows(workbook, "Situation actuelle")) == 3  # header + asset A x 2 active rules
