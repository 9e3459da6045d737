"""Celery tasks of fidelite: the monthly expiry of points (thin wrappers over
fidelite.services.expiry). ``fidelite.points_expire_monthly`` (beat, 1st of the month) queues one
``fidelite.points_expire`` per tenant; both are idempotent."""

from __future__ import annotations

from crm.celery import app
from crm.models import Company
from crm.tasks import TenantTask
from fidelite.services.expiry import points_expire


@app.task(base=TenantTask, name="fidelite.points_expire")
def points_expire_task(*, tenant: Company) -> int:
    return points_expire(tenant=tenant)


@app.task(name="fidelite.points_expire_monthly", acks_late=True)
def points_expire_monthly() -> int:
    """Monthly: queue the expiry run of every tenant (one task each)."""
    tenant_ids = list(Company.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    for tenant_id in tenant_ids:
        points_expire_task.apply_async(kwargs={"tenant_id": tenant_id})
    return len(tenant_ids)
