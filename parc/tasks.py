"""Celery tasks of the parc app: the monthly VMM batch (thin wrappers over parc.services.vmm_runs).

``parc.vmm_monthly`` (beat, 1st of the month at 02:00) queues one ``parc.vmm_start`` per tenant
for the month just ended; each start splits the tenant's assets into chunks and queues one
``parc.vmm_chunk`` per chunk; ``parc.vmm_sweep`` (beat, every 5 minutes) queues again the chunks
whose lease expired. All are idempotent and acknowledged late; the tenant tasks retry database
and broker errors with exponential backoff (crm.tasks.TenantTask) and record their final failure
on the chunk or in the log.
"""

from __future__ import annotations

import datetime
import logging

from django.core.exceptions import ValidationError
from django.utils import timezone

from crm.celery import app
from crm.models import Company
from crm.tasks import TenantTask
from parc.services import vmm_runs

logger = logging.getLogger(__name__)


def month_just_ended(today: datetime.date | None = None) -> datetime.date:
    first = (today or timezone.localdate()).replace(day=1)
    return (first - datetime.timedelta(days=1)).replace(day=1)


class VmmChunkTask(TenantTask):
    def gave_up(self, *, tenant: Company, exc: BaseException, chunk_id: int, **kwargs) -> None:
        vmm_runs.vmm_chunk_fail(tenant=tenant, chunk_id=chunk_id, error=f"{type(exc).__name__}: {exc}")


@app.task(base=VmmChunkTask, name="parc.vmm_chunk")
def vmm_chunk(*, tenant: Company, chunk_id: int) -> int | None:
    """Claim and compute one chunk; its task id is the claim owner, so a retry takes its lease
    back. Returns the rows written, None when another worker has it or it is done."""
    result = vmm_runs.vmm_chunk_process(tenant=tenant, chunk_id=chunk_id, owner=vmm_chunk.request.id or "")
    return result.rows_written if result.done else None


@app.task(base=TenantTask, name="parc.vmm_start")
def vmm_start(*, tenant: Company, month: str) -> int | None:
    """Start the VMM run of ``month`` (YYYY-MM-DD) for the tenant; a refusal (a run of that month
    in progress) is logged, not retried."""
    try:
        run = vmm_runs.vmm_run_start(tenant=tenant, month=datetime.date.fromisoformat(month))
    except ValidationError as refusal:
        logger.warning("VMM %s of %s not started: %s", month, tenant.code, "; ".join(refusal.messages))
        return None
    return run.pk


@app.task(name="parc.vmm_monthly", acks_late=True)
def vmm_monthly() -> int:
    """Monthly: queue the VMM of the month just ended for every tenant (one task each)."""
    month = month_just_ended().isoformat()
    tenant_ids = list(Company.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    for tenant_id in tenant_ids:
        vmm_start.apply_async(kwargs={"tenant_id": tenant_id, "month": month})
    return len(tenant_ids)


@app.task(base=TenantTask, name="parc.vmm_sweep_tenant")
def vmm_sweep_tenant(*, tenant: Company) -> int:
    return len(vmm_runs.vmm_sweep(tenant=tenant))


@app.task(name="parc.vmm_sweep", acks_late=True)
def vmm_sweep() -> int:
    """Every few minutes: for each tenant with a running VMM run, queue again its chunks whose
    lease expired. Cross-tenant maintenance: the companies are walked one by one, each inside its
    own tenant context (row-level security binds this work like any other)."""
    from crm.services.tenant_binding import tenant_context
    from parc.models import VmmRun, VmmRunState

    tenant_ids = []
    for company in Company.objects.filter(is_active=True).order_by("pk"):
        with tenant_context(company):
            if VmmRun.objects.filter(tenant=company, state=VmmRunState.RUNNING).exists():
                tenant_ids.append(company.pk)
    for tenant_id in tenant_ids:
        vmm_sweep_tenant.apply_async(kwargs={"tenant_id": tenant_id})
    return len(tenant_ids)
