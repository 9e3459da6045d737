"""Runs of the monthly VMM batch: a run per (tenant, month, attempt), its assets split in chunks
processed by separate tasks (parc.tasks), so workers share them.

- ``vmm_run_start`` takes the PostgreSQL advisory lock of (tenant, month) for its transaction
  (``pg_try_advisory_xact_lock``) and is refused when it cannot, or when a run of that month is
  still running. Chunk work holds the same lock in shared mode while it computes, so a start is
  refused while any chunk of the month is being written. A finished month started again is a new
  attempt: everything is recomputed, only the rows that change are written (parc.services.vmm).
- A chunk is claimed by a short committed transaction: ``lease_until`` set and ``attempts``
  bumped (the claim token) by a conditional ``UPDATE`` on a row not done, not leased (or whose
  lease expired) and not locked (``SKIP LOCKED``). Its work transaction locks the row again,
  checks the token, runs the set-based upsert and sets ``done_at`` and ``rows_written``: a worker
  that dies leaves nothing half-written, and its chunk is claimable again once the lease expires
  (``vmm_sweep`` queues such chunks again). A second worker never does a chunk twice.
- The last chunk to finish finishes the run (counts, ``finished_at``); a chunk that gives up
  (retries exhausted or too many claims) fails the run, visibly in the admin.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import Company
from crm.services.audit import audit_record
from parc.models import VmmChunk, VmmRun, VmmRunState

from .vmm import VmmWindow, vmm_upsert

logger = logging.getLogger(__name__)

CHUNK_ASSETS = getattr(settings, "VMM_CHUNK_ASSETS", 2_000)
LEASE = datetime.timedelta(seconds=getattr(settings, "VMM_LEASE_SECONDS", 600))
MAX_CLAIMS = 5


def message_run_in_progress(month: datetime.date) -> str:
    return _("Un calcul des VMM de %(month)s est déjà en cours pour cette société.") % {
        "month": f"{month:%m/%Y}"
    }


def message_chunk_gave_up(position: int, error: str) -> str:
    return _("Le lot %(position)s a échoué : %(error)s") % {"position": position, "error": error}


def vmm_lock_key(tenant_id: int, month: datetime.date) -> str:
    """Text of the advisory lock of (tenant, month), hashed to 64 bits by PostgreSQL."""
    return f"parc.vmm:{tenant_id}:{month:%Y-%m}"


def _lock(tenant_id: int, month: datetime.date, *, shared: bool) -> bool:
    function = "pg_advisory_xact_lock_shared" if shared else "pg_try_advisory_xact_lock"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(hashtextextended(%s, 0))", [vmm_lock_key(tenant_id, month)])
        return cursor.fetchone()[0] is not False


_CHUNKS_SPLIT = """
SELECT min(id), max(id), count(*)
FROM (SELECT a.id, (row_number() OVER (ORDER BY a.id) - 1) / %(size)s AS position
      FROM parc_asset a
      WHERE a.tenant_id = %(tenant)s
        AND EXISTS (SELECT 1 FROM parc_meterreading r
                    WHERE r.tenant_id = %(tenant)s AND r.asset_id = a.id AND r.read_on <= %(end)s)) s
GROUP BY position ORDER BY position
"""


def _chunk_ranges(tenant_id: int, month: datetime.date, size: int) -> list[tuple[int, int, int]]:
    """(first asset id, last asset id, asset count) of consecutive groups of ``size`` assets with
    readings up to the end of ``month``."""
    with connection.cursor() as cursor:
        cursor.execute(_CHUNKS_SPLIT, {"size": size, "tenant": tenant_id, "end": VmmWindow.of(month).end})
        return cursor.fetchall()


def vmm_run_start(
    *,
    tenant: Company,
    month: datetime.date,
    actor=None,
    enqueue: bool = True,
    chunk_assets: int = CHUNK_ASSETS,
) -> VmmRun:
    """Start a new attempt of ``month``'s VMM for ``tenant``: its chunks, queued after commit
    (``enqueue=False``: the caller processes them, see ``vmm_run_process``). A month without
    any asset with readings is a finished run of 0 chunks."""
    month = month.replace(day=1)
    with transaction.atomic():
        if not _lock(tenant.pk, month, shared=False) or (
            VmmRun.objects.filter(tenant=tenant, month=month, state=VmmRunState.RUNNING).exists()
        ):
            raise ValidationError({"month": message_run_in_progress(month)})
        last = VmmRun.objects.filter(tenant=tenant, month=month).aggregate(last=Max("attempt"))["last"]
        ranges = _chunk_ranges(tenant.pk, month, chunk_assets)
        now = timezone.now()
        run = VmmRun.objects.create(
            tenant=tenant,
            month=month,
            attempt=(last or 0) + 1,
            started_at=now,
            state=VmmRunState.RUNNING if ranges else VmmRunState.DONE,
            finished_at=None if ranges else now,
            asset_count=sum(count for _first, _last, count in ranges),
            chunk_count=len(ranges),
        )
        chunks = VmmChunk.objects.bulk_create(
            VmmChunk(
                tenant=tenant,
                run=run,
                position=position,
                first_asset_id=first,
                last_asset_id=last_id,
                asset_count=count,
            )
            for position, (first, last_id, count) in enumerate(ranges, start=1)
        )
        audit_record(
            tenant=tenant,
            actor=actor,
            action="parc.vmm_run_start",
            instance=run,
            changes={
                "month": [None, f"{month:%Y-%m}"],
                "attempt": [None, run.attempt],
                "chunks": [None, len(chunks)],
            },
        )
        if enqueue:
            chunk_ids = [chunk.pk for chunk in chunks]
            transaction.on_commit(lambda: vmm_chunks_enqueue(tenant_id=tenant.pk, chunk_ids=chunk_ids))
    return run


def vmm_chunks_enqueue(*, tenant_id: int, chunk_ids: Iterable[int]) -> None:
    from parc.tasks import vmm_chunk

    for chunk_id in chunk_ids:
        vmm_chunk.apply_async(kwargs={"tenant_id": tenant_id, "chunk_id": chunk_id})


_CLAIM = """
UPDATE parc_vmmchunk
SET lease_until = now() + %(lease)s, attempts = attempts + 1, claimed_by = %(owner)s
WHERE id = (SELECT c.id FROM parc_vmmchunk c JOIN parc_vmmrun r ON r.id = c.run_id
            WHERE c.id = %(chunk)s AND c.tenant_id = %(tenant)s AND c.done_at IS NULL
              AND (c.lease_until IS NULL OR c.lease_until < now() OR c.claimed_by = %(owner)s)
              AND r.state = %(running)s
            FOR UPDATE OF c SKIP LOCKED)
RETURNING attempts
"""


def vmm_chunk_claim(*, tenant: Company, chunk_id: int, owner: str) -> int | None:
    """Lease the chunk to ``owner`` (committed at once); its claim token, or None when it is
    done, leased to another owner whose lease runs, being written, or its run no longer runs.
    The same owner (a task retried or redelivered keeps its id) takes its lease back."""
    with transaction.atomic(), connection.cursor() as cursor:
        params = {
            "lease": LEASE,
            "owner": owner,
            "chunk": chunk_id,
            "tenant": tenant.pk,
            "running": VmmRunState.RUNNING,
        }
        cursor.execute(_CLAIM, params)
        row = cursor.fetchone()
    return row[0] if row else None


@dataclass(frozen=True)
class ChunkResult:
    chunk_id: int
    done: bool
    rows_written: int = 0


def vmm_chunk_compute(*, tenant: Company, chunk_id: int, token: int) -> ChunkResult:
    """The work transaction of a claimed chunk: the upsert, then done_at and rows_written, then
    the run finished when this was its last chunk. Nothing is written when the claim was lost."""
    with transaction.atomic():
        chunk = (
            # of=self: lock the chunk only; locking its run row would serialise the workers.
            VmmChunk.objects.select_for_update(of=("self",))
            .select_related("run")
            .filter(tenant=tenant, pk=chunk_id, attempts=token, done_at__isnull=True)
            .first()
        )
        if chunk is None:
            return ChunkResult(chunk_id, done=False)
        _lock(tenant.pk, chunk.run.month, shared=True)
        rows = vmm_upsert(
            tenant_id=tenant.pk,
            month=chunk.run.month,
            first_asset_id=chunk.first_asset_id,
            last_asset_id=chunk.last_asset_id,
        )
        VmmChunk.objects.filter(pk=chunk.pk).update(
            done_at=timezone.now(), rows_written=rows, lease_until=None, error=""
        )
        _run_finish_if_done(chunk.run_id)
    return ChunkResult(chunk_id, done=True, rows_written=rows)


def vmm_chunk_process(*, tenant: Company, chunk_id: int, owner: str = "") -> ChunkResult:
    """Claim then compute the chunk (what a task does, ``owner`` being its task id)."""
    token = vmm_chunk_claim(tenant=tenant, chunk_id=chunk_id, owner=owner or uuid.uuid4().hex)
    if token is None:
        return ChunkResult(chunk_id, done=False)
    return vmm_chunk_compute(tenant=tenant, chunk_id=chunk_id, token=token)


def _run_finish_if_done(run_id: int) -> None:
    # Lock the run (short: the caller commits next) so that two last chunks finishing together
    # see each other; then a new statement, hence a new snapshot, counts what is left.
    run = VmmRun.objects.select_for_update().get(pk=run_id)
    if run.state != VmmRunState.RUNNING or run.chunks.filter(done_at__isnull=True).exists():
        return
    run.rows_written = run.chunks.aggregate(rows=Sum("rows_written"))["rows"] or 0
    run.state = VmmRunState.DONE
    run.finished_at = timezone.now()
    run.save(update_fields=["rows_written", "state", "finished_at"])


def vmm_run_process(*, run: VmmRun) -> VmmRun:
    """Process every chunk of ``run`` in this process, one after the other (``--sync``)."""
    for chunk_id in run.chunks.order_by("position").values_list("pk", flat=True):
        vmm_chunk_process(tenant=run.tenant, chunk_id=chunk_id)
    run.refresh_from_db()
    return run


@transaction.atomic
def vmm_chunk_fail(*, tenant: Company, chunk_id: int, error: str) -> None:
    """Record a chunk that gave up, and fail its run (a new start is then allowed)."""
    chunk = (
        VmmChunk.objects.select_for_update().filter(tenant=tenant, pk=chunk_id, done_at__isnull=True).first()
    )
    if chunk is None:
        return
    chunk.error = error[:2000]
    chunk.lease_until = None
    chunk.claimed_by = ""
    chunk.save(update_fields=["error", "lease_until", "claimed_by"])
    VmmRun.objects.filter(pk=chunk.run_id, state=VmmRunState.RUNNING).update(
        state=VmmRunState.FAILED,
        finished_at=timezone.now(),
        error=message_chunk_gave_up(chunk.position, chunk.error),
    )


def vmm_sweep(*, tenant: Company) -> list[int]:
    """Chunks of running runs that are not done and not (or no longer) leased: queued again, or
    failed when claimed too often (a chunk that kills its worker). Returns the queued ids."""
    now = timezone.now()
    # Expired leases, and chunks never claimed long after their run started (a lost message).
    stale = VmmChunk.objects.filter(
        tenant=tenant, run__state=VmmRunState.RUNNING, done_at__isnull=True
    ).filter(Q(lease_until__lt=now) | Q(lease_until__isnull=True, run__started_at__lt=now - LEASE))
    requeued = []
    for chunk_id, attempts in stale.values_list("pk", "attempts"):
        if attempts >= MAX_CLAIMS:
            vmm_chunk_fail(
                tenant=tenant, chunk_id=chunk_id, error=_("réservé %(n)s fois sans aboutir") % {"n": attempts}
            )
        else:
            requeued.append(chunk_id)
    if requeued:
        vmm_chunks_enqueue(tenant_id=tenant.pk, chunk_ids=requeued)
    return requeued
