"""Celery tasks of the tiers app (thin wrappers over services)."""

from __future__ import annotations

from crm.celery import app
from crm.models import Company
from crm.services.tenant_binding import tenant_context
from tiers.services.signatures import signatures_expire as signatures_expire_for_tenant


@app.task(name="tiers.signatures_expire", acks_late=True)
def signatures_expire() -> int:
    """Daily: expire the unanswered signature requests of every tenant (idempotent).

    Cross-tenant maintenance: it walks the companies and works inside each one's scope, so every
    query keeps its tenant filter (and the (tenant, status, expires_at) index)."""
    count = 0
    for tenant in Company.objects.order_by("pk").iterator():
        with tenant_context(tenant):
            count += signatures_expire_for_tenant(tenant=tenant)
    return count
