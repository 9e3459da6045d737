"""Runs and chunks of the VMM batch (parc.services.vmm_runs), its command, tasks and schedule."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from parc.models import MonthlyVolume, VmmChunk, VmmRun, VmmRunState
from parc.services import vmm_runs
from parc.services.vmm_runs import (
    vmm_chunk_claim,
    vmm_chunk_compute,
    vmm_chunk_process,
    vmm_run_process,
    vmm_run_start,
    vmm_sweep,
)
from parc.tasks import month_just_ended, vmm_monthly
from tests.factories import CompanyFactory, member
from tests.parc.factories_assets import AssetFactory
from tests.parc.factories_meters import MeterReadingFactory, MeterTypeFactory

MARCH = datetime.date(2025, 3, 1)
REFUSED = "Un calcul des VMM de 03/2025 est déjà en cours pour cette société."


def with_readings(tenant, count: int) -> list:
    """``count`` assets whose NOIR meter went from 5,000 to 17,000 in the year to 31/03/2025."""
    black = MeterTypeFactory(tenant=tenant, code="NOIR")
    assets = []
    for _index in range(count):
        asset = AssetFactory(tenant=tenant)
        MeterReadingFactory(asset=asset, meter_type=black, read_on=datetime.date(2024, 3, 31), value=5_000)
        MeterReadingFactory(asset=asset, meter_type=black, read_on=datetime.date(2025, 3, 31), value=17_000)
        assets.append(asset)
    return assets


def test_run_splits_assets_into_chunks_and_computes_them(in_tenant):
    assets = with_readings(in_tenant, 5)
    AssetFactory(tenant=in_tenant)  # no readings: in no chunk

    run = vmm_run_start(tenant=in_tenant, month=MARCH, enqueue=False, chunk_assets=2)

    chunks = list(
        run.chunks.order_by("position").values_list("first_asset_id", "last_asset_id", "asset_count")
    )
    ids = [asset.pk for asset in assets]
    assert chunks == [(ids[0], ids[1], 2), (ids[2], ids[3], 2), (ids[4], ids[4], 1)]
    assert (run.attempt, run.state, run.asset_count, run.chunk_count) == (1, VmmRunState.RUNNING, 5, 3)

    run = vmm_run_process(run=run)

    assert (run.state, run.rows_written) == (VmmRunState.DONE, 5)
    assert run.finished_at is not None
    # 12,000 in 365 days: 12,000 * 30.4375 / 365 = 1,000.6849 → 1,000.68
    assert set(MonthlyVolume.objects.filter(month=MARCH).values_list("value", flat=True)) == {
        Decimal("1000.68")
    }


def test_second_start_refused_while_the_month_runs(in_tenant):
    with_readings(in_tenant, 1)
    vmm_run_start(tenant=in_tenant, month=MARCH, enqueue=False)

    with pytest.raises(ValidationError) as refusal:
        vmm_run_start(tenant=in_tenant, month=MARCH, enqueue=False)

    assert refusal.value.message_dict == {"month": [REFUSED]}


def test_finished_month_started_again_is_a_new_attempt_writing_nothing(in_tenant):
    with_readings(in_tenant, 3)
    vmm_run_process(run=vmm_run_start(tenant=in_tenant, month=MARCH, enqueue=False))

    again = vmm_run_process(run=vmm_run_start(tenant=in_tenant, month=MARCH, enqueue=False))

    assert (again.attempt, again.state, again.rows_written) == (2, VmmRunState.DONE, 0)
    assert MonthlyVolume.objects.count() == 3


def test_month_without_readings_is_a_finished_run_without_chunks(in_tenant):
    run = vmm_run_start(tenant=in_tenant, month=MARCH, enqueue=False)

    assert (run.state, run.chunk_count, run.chunks.count()) == (VmmRunState.DONE, 0, 0)


def test_two_claims_of_the_same_chunk_one_wins(in_tenant):
    with_readings(in_tenant, 1)
    chunk = vmm_run_start(tenant=in_tenant, month=MARCH, enqueue=False).chunks.get()

    first = vmm_chunk_claim(tenant=in_tenant, chunk_id=chunk.pk, owner="worker-a")
    second = vmm_chunk_claim(tenant=in_tenant, chunk_id=chunk.pk, owner="worker-b")

    assert (first, second) == (1, None)
    chunk.refresh_from_db()
    assert chunk.claimed_by == "worker-a"
    assert chunk.lease_until > timezone.now()


def test_done_chunk_is_never_done_twice(in_tenant):
    with_readings(in_tenant, 1)
    chunk = vmm_run_start(tenant=in_tenant, month=MARCH, enqueue=False).chunks.get()
    assert vmm_chunk_process(tenant=in_tenant, chunk_id=chunk.pk, owner="a").rows_written == 1
    VmmChunk.objects.filter(pk=chunk.pk).update(lease_until=None)

    again = vmm_chunk_process(tenant=in_tenant, chunk_id=chunk.pk, owner="b")

    assert (again.done, vmm_chunk_claim(tenant=in_tenant, chunk_id=chunk.pk, owner="a")) == (False, None)


def test_retried_task_takes_its_own_lease_back(in_tenant):
    with_readings(in_tenant, 1)
    chunk = vmm_run_start(tenant=in_tenant, month=MARCH, enqueue=False).chunks.get()
    vmm_chunk_claim(tenant=in_tenant, chunk_id=chunk.pk, owner="task-1")

    assert vmm_chunk_claim(tenant=in_tenant, chunk_id=chunk.pk, owner="task-1") == 2


def test_expired_lease_is_reclaimed_and_the_old_claim_writes_nothing(in_tenant):
    with_readings(in_tenant, 2)
    chunk = vmm_run_start(tenant=in_tenant, month=MARCH, enqueue=False).chunks.get()
    dead = vmm_chunk_claim(tenant=in_tenant, chunk_id=chunk.pk, owner="dead-worker")
    VmmChunk.objects.filter(pk=chunk.pk).update(lease_until=timezone.now() - datetime.timedelta(seconds=1))

    token = vmm_chunk_claim(tenant=in_tenant, chunk_id=chunk.pk, owner="live-worker")
    late = vmm_chunk_compute(tenant=in_tenant, chunk_id=chunk.pk, token=dead)
    done = vmm_chunk_compute(tenant=in_tenant, chunk_id=chunk.pk, token=token)

    assert (token, late.done, done.done, done.rows_written) == (2, False, True, 2)
    assert VmmRun.objects.get().state == VmmRunState.DONE


def test_sweep_queues_expired_chunks_again(in_tenant):
    with_readings(in_tenant, 1)
    run = vmm_run_start(tenant=in_tenant, month=MARCH, enqueue=False)
    chunk = run.chunks.get()
    vmm_chunk_claim(tenant=in_tenant, chunk_id=chunk.pk, owner="dead-worker")
    assert vmm_sweep(tenant=in_tenant) == []  # lease still running
    VmmChunk.objects.filter(pk=chunk.pk).update(lease_until=timezone.now() - datetime.timedelta(seconds=1))

    assert vmm_sweep(tenant=in_tenant) == [chunk.pk]  # queued: runs in-process here

    run.refresh_from_db()
    assert (run.state, run.rows_written) == (VmmRunState.DONE, 1)


def test_sweep_fails_a_chunk_claimed_too_often_and_a_new_start_is_allowed(in_tenant):
    with_readings(in_tenant, 1)
    run = vmm_run_start(tenant=in_tenant, month=MARCH, enqueue=False)
    expired = timezone.now() - datetime.timedelta(seconds=1)
    run.chunks.update(attempts=vmm_runs.MAX_CLAIMS, lease_until=expired)

    assert vmm_sweep(tenant=in_tenant) == []

    run.refresh_from_db()
    assert run.state == VmmRunState.FAILED
    assert run.error == "Le lot 1 a échoué : réservé 5 fois sans aboutir"
    assert vmm_run_start(tenant=in_tenant, month=MARCH, enqueue=False).attempt == 2


def test_chunk_task_that_gives_up_records_its_failure(in_tenant, monkeypatch):
    from parc.tasks import vmm_chunk

    with_readings(in_tenant, 1)
    run = vmm_run_start(tenant=in_tenant, month=MARCH, enqueue=False)

    def broken(**kwargs):
        raise ValueError("valeur inattendue")

    monkeypatch.setattr(vmm_runs, "vmm_upsert", broken)
    with pytest.raises(ValueError, match="valeur inattendue"):
        vmm_chunk.apply(kwargs={"tenant_id": in_tenant.pk, "chunk_id": run.chunks.get().pk}).get()

    run.refresh_from_db()
    assert (run.state, run.error) == (VmmRunState.FAILED, "Le lot 1 a échoué : ValueError: valeur inattendue")


@pytest.mark.django_db(transaction=True)
def test_start_refused_while_another_session_holds_the_month_lock(tenant):
    """The advisory lock of (tenant, month) held by another connection (a chunk being written)."""
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_lock(hashtextextended(%s, 0))", [vmm_runs.vmm_lock_key(tenant.pk, MARCH)]
            )
            holding.set()
            release.wait(10)
            cursor.execute("SELECT pg_advisory_unlock_all()")
        connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    holding.wait(10)
    try:
        with scope(tenant=tenant), pytest.raises(ValidationError) as refusal:
            vmm_run_start(tenant=tenant, month=MARCH, enqueue=False)
    finally:
        release.set()
        thread.join()

    assert refusal.value.message_dict == {"month": [REFUSED]}
    with scope(tenant=tenant):
        assert vmm_run_start(tenant=tenant, month=MARCH, enqueue=False).attempt == 1


@pytest.mark.django_db(transaction=True)
def test_chunk_being_written_by_another_worker_is_skipped(tenant):
    """A chunk whose row another transaction holds (its upsert in progress, lease expired or
    not) is not claimed: SKIP LOCKED."""
    with scope(tenant=tenant):
        with_readings(tenant, 1)
        chunk = vmm_run_start(tenant=tenant, month=MARCH, enqueue=False).chunks.get()
        VmmChunk.objects.filter(pk=chunk.pk).update(
            lease_until=timezone.now() - datetime.timedelta(seconds=1)
        )
    holding, release = threading.Event(), threading.Event()

    def write() -> None:
        from django.db import transaction

        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT id FROM parc_vmmchunk WHERE id = %s FOR UPDATE", [chunk.pk])
            holding.set()
            release.wait(10)
        connection.close()

    thread = threading.Thread(target=write)
    thread.start()
    holding.wait(10)
    try:
        with scope(tenant=tenant):
            assert vmm_chunk_claim(tenant=tenant, chunk_id=chunk.pk, owner="second") is None
    finally:
        release.set()
        thread.join()
    with scope(tenant=tenant):
        assert vmm_chunk_claim(tenant=tenant, chunk_id=chunk.pk, owner="second") == 1


def test_compute_vmm_command_sync_for_one_tenant(tenant):
    with scope(tenant=tenant):
        with_readings(tenant, 2)
    out = StringIO()

    call_command("compute_vmm", "--month", "2025-03", "--tenant", tenant.code, "--sync", stdout=out)

    assert (
        out.getvalue() == "acme : VMM 03/2025, tentative 1, 2 biens, 1 lots, état Terminé, 2 lignes écrites\n"
    )


def test_compute_vmm_command_every_tenant_queues_runs(
    tenant, other_tenant, django_capture_on_commit_callbacks
):
    """Without --tenant: every active company; the queued chunks run in-process (no broker)."""
    with scope(tenant=other_tenant):
        with_readings(other_tenant, 1)
    CompanyFactory(code="ancienne", is_active=False)
    out = StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("compute_vmm", "--month", "2025-03", stdout=out)

    with scope(tenant=other_tenant):
        assert MonthlyVolume.objects.filter(tenant=other_tenant, month=MARCH).count() == 1
    assert sorted(line.split(" : ")[0] for line in out.getvalue().splitlines()) == ["acme", "autre"]


def test_compute_vmm_command_refuses_a_bad_month_and_a_running_month(tenant):
    with pytest.raises(CommandError, match="Mois invalide : 2025-13"):
        call_command("compute_vmm", "--month", "2025-13", "--tenant", tenant.code)
    with scope(tenant=tenant):
        with_readings(tenant, 1)
        vmm_run_start(tenant=tenant, month=MARCH, enqueue=False)
    err = StringIO()

    with pytest.raises(CommandError, match=r"Aucun calcul lancé\."):
        call_command("compute_vmm", "--month", "2025-03", "--tenant", tenant.code, stderr=err)

    assert err.getvalue() == f"acme : {REFUSED}\n"


def test_month_just_ended():
    assert month_just_ended(datetime.date(2025, 1, 1)) == datetime.date(2024, 12, 1)
    assert month_just_ended(datetime.date(2025, 3, 31)) == datetime.date(2025, 2, 1)


def test_monthly_task_starts_the_month_just_ended_for_every_tenant(
    tenant, other_tenant, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("parc.tasks.month_just_ended", lambda: MARCH)
    with scope(tenant=tenant):
        with_readings(tenant, 1)

    with django_capture_on_commit_callbacks(execute=True):
        assert vmm_monthly.apply().get() == 2

    with scope(tenant=tenant):
        assert VmmRun.objects.get().state == VmmRunState.DONE
    with scope(tenant=other_tenant):
        assert VmmRun.objects.get().chunk_count == 0


@pytest.mark.django_db(transaction=True)  # the scheduler closes the database connection
def test_beat_schedule_is_in_the_database_and_its_admin(login):
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.schedulers import DatabaseScheduler

    from crm.celery import app

    DatabaseScheduler(app=app)  # what ``celery beat`` does at start: the default schedule is saved

    monthly = PeriodicTask.objects.get(name="vmm-monthly")
    assert monthly.task == "parc.vmm_monthly"
    crontab = monthly.crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_month, crontab.month_of_year) == ("0", "2", "1", "*")
    assert PeriodicTask.objects.get(name="vmm-sweep").crontab.minute == "*/5"
    superuser = member(CompanyFactory(code="plateforme"), "Administrateur", is_staff=True, is_superuser=True)
    response = login(superuser).get(reverse("admin:django_celery_beat_periodictask_changelist"))
    assert response.status_code == 200
    assert "vmm-monthly" in response.text


def test_runs_shown_read_only_in_the_admin(login, tenant, other_tenant):
    with scope(tenant=tenant):
        with_readings(tenant, 1)
        run = vmm_run_start(tenant=tenant, month=MARCH, enqueue=False)
    with scope(tenant=other_tenant):
        foreign = vmm_run_start(tenant=other_tenant, month=MARCH, enqueue=False)
    client = login(member(tenant, "Administrateur", is_staff=True))

    assert client.get(reverse("admin:parc_vmmrun_change", args=[run.pk])).status_code == 200
    assert client.get(reverse("admin:parc_vmmrun_change", args=[foreign.pk])).status_code == 302
    assert client.get(reverse("admin:parc_vmmrun_add")).status_code == 403
    assert client.get(reverse("admin:parc_vmmchunk_changelist")).status_code == 200
