"""Celery tasks of the core app, and the base class every app's tenant tasks use.

Tasks are thin: primitive ids as keyword arguments, an explicit ``name=``, one service call.
A tenant task receives ``tenant_id``; ``TenantTask`` loads the Company and runs the body inside
``tenant_context(...)`` (nothing else is activated: no user, no language). A row deleted since the
task was queued is "gone": logged and ignored. Transient database or broker errors are retried
with exponential backoff; once the task gives up, ``gave_up`` records the failure.
"""

from __future__ import annotations

import logging
from typing import Any, TypeVar

from celery import Task
from celery.exceptions import Retry
from django.db import InterfaceError, OperationalError
from django.db.models import Model
from kombu.exceptions import OperationalError as BrokerError

from crm.celery import app
from crm.models import Company, ExportJob
from crm.services import exports as export_services
from crm.services.tenant_binding import tenant_context

logger = logging.getLogger(__name__)

M = TypeVar("M", bound=Model)


class ObjectGone(Exception):
    """The row a task works on was deleted after the task was queued."""


def task_object(model: type[M], pk: Any) -> M:
    """The row ``pk`` of ``model`` in the current scope, or ObjectGone."""
    try:
        return model.objects.get(pk=pk)
    except model.DoesNotExist:
        raise ObjectGone(f"{model._meta.label} {pk}") from None


class TenantTask(Task):
    """Base of tasks that work inside one tenant: call them with ``tenant_id=...``; the body
    receives ``tenant=`` (the Company) and runs inside its scope."""

    acks_late = True
    reject_on_worker_lost = True
    # Callers send tenant_id while the body takes tenant: Celery's check of the call against the
    # body's signature would refuse every call (a wrong argument still fails when the task runs).
    typing = False
    autoretry_for = (OperationalError, InterfaceError, BrokerError, ConnectionError)
    retry_backoff = 2
    retry_backoff_max = 300
    retry_jitter = True
    max_retries = 5

    def __call__(self, *args, tenant_id: int, **kwargs):
        try:
            tenant = Company.objects.get(pk=tenant_id)
        except Company.DoesNotExist:
            logger.warning("Task %s ignored: company %s is gone", self.name, tenant_id)
            return None
        with tenant_context(tenant):
            try:
                return super().__call__(*args, tenant=tenant, **kwargs)
            except ObjectGone as gone:
                logger.warning("Task %s ignored: %s is gone", self.name, gone)
                return None
            except Retry:
                raise
            except Exception as exc:  # final: autoretry turned the transient ones into Retry
                self._record_failure(tenant=tenant, exc=exc, kwargs=kwargs)
                raise

    def _record_failure(self, *, tenant: Company, exc: BaseException, kwargs: dict[str, Any]) -> None:
        try:
            self.gave_up(tenant=tenant, exc=exc, **kwargs)
        except Exception:
            logger.exception("Task %s: could not record its failure", self.name)

    def retry(self, *args, exc: BaseException | None = None, **kwargs):
        """Retry later in a worker. In-process (no REDIS_URL) there is no later: retrying at once
        would not wait out the outage, so the error stands and ``gave_up`` records it."""
        if self.request.is_eager and exc is not None:
            raise exc
        return super().retry(*args, exc=exc, **kwargs)

    def gave_up(self, *, tenant: Company, exc: BaseException, **kwargs) -> None:
        """Record a final failure where the user sees it. Override per task."""


class ExportTask(TenantTask):
    def gave_up(self, *, tenant: Company, exc: BaseException, job_id: int, **kwargs) -> None:
        job = ExportJob.objects.filter(pk=job_id).first()
        if job is not None and job.status not in (ExportJob.Status.DONE, ExportJob.Status.FAILED):
            export_services.export_fail(job=job)


@app.task(base=ExportTask, name="crm.export_run")
def export_run(*, tenant: Company, job_id: int) -> None:
    export_services.export_run(job=task_object(ExportJob, job_id))


@app.task(name="crm.exports_purge", acks_late=True)
def exports_purge() -> int:
    return export_services.exports_purge()
