"""Exports: request a job, run it (in a Celery worker or in-process), purge expired files."""

from __future__ import annotations

import datetime
import logging
import tempfile
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.celery import app as celery_app
from crm.exports.registry import Progress, exporter_registry
from crm.models import Company, ExportJob
from crm.rights import active_membership
from crm.services.audit import audit_record
from crm.services.tenant_binding import tenant_context

logger = logging.getLogger(__name__)

BROKER_CHECK_TIMEOUT = 2.0  # seconds: a refused request must come back at once

# Transient errors: the task retries with backoff instead of failing the job.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError)


def export_unavailable_message() -> str:
    return _("Le service d'export est indisponible pour le moment. Réessayez dans quelques minutes.")


def export_failed_message() -> str:
    return _("L'export a échoué. Réessayez ; si le problème persiste, contactez votre administrateur.")


def broker_available(*, timeout: float = BROKER_CHECK_TIMEOUT) -> bool:
    """Whether queued tasks can reach the workers. In-process (eager) mode always can."""
    if celery_app.conf.task_always_eager:
        return True
    from kombu.exceptions import OperationalError as BrokerError

    try:
        with celery_app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, timeout=timeout)
    except (BrokerError, OSError) as exc:
        logger.warning("Export broker unreachable: %s", exc)
        return False
    return True


def _enqueue(job_pk: int, tenant: Company) -> None:
    """Queue the job's task (after commit). A broker lost since the check fails the job, visibly."""
    from kombu.exceptions import OperationalError as BrokerError

    from crm import tasks

    try:
        tasks.export_run.apply_async(kwargs={"tenant_id": tenant.pk, "job_id": job_pk})
    except BrokerError:
        logger.exception("Could not queue export job %s", job_pk)
        with tenant_context(tenant):
            ExportJob.objects.filter(pk=job_pk).update(
                status=ExportJob.Status.FAILED, error=export_unavailable_message(), finished_at=timezone.now()
            )


@transaction.atomic
def export_request(
    *,
    tenant: Company,
    user,
    exporter_key: str,
    format: str,
    sections: Iterable[str] = (),
    parameters: dict[str, Any] | None = None,
) -> ExportJob:
    """Create a pending export job for ``user`` and queue it once the transaction commits.

    Refused when the user may not run this export in this tenant, when the format or a section
    is not offered, or when the export service (the Celery broker) cannot be reached.
    """
    exporter = exporter_registry.get(exporter_key)
    membership = active_membership(user)
    if membership is None or membership.tenant_id != tenant.pk or not exporter.is_allowed(user):
        raise PermissionDenied(_("Vous n'avez pas le droit de lancer cet export."))
    if format not in exporter.formats:
        raise ValidationError(
            _("Le format « %(format)s » n'est pas proposé pour cet export."),
            code="invalid_format",
            params={"format": format},
        )
    sections = list(sections)
    unknown = [section for section in sections if section not in exporter.sections]
    if unknown:
        raise ValidationError(
            _("Section inconnue pour cet export : %(sections)s."),
            code="invalid_section",
            params={"sections": ", ".join(unknown)},
        )
    if not broker_available():
        raise ValidationError(export_unavailable_message(), code="unavailable")

    job = ExportJob(
        tenant=tenant,
        owner=user,
        exporter=exporter.key,
        format=format,
        sections=sections,
        parameters=parameters or {},
        status=ExportJob.Status.PENDING,
    )
    job.full_clean()
    job.save()
    audit_record(
        tenant=tenant,
        actor=user,
        action="export.request",
        instance=job,
        changes={"format": [None, format], "sections": [None, sections]},
    )
    # robust: in-process, a failed run (already recorded on the job) must not break the request.
    transaction.on_commit(lambda: _enqueue(job.pk, tenant), robust=True)
    return job


def _save_progress(job_pk: int):
    def save(percent: int) -> None:
        ExportJob.objects.filter(pk=job_pk).update(progress=percent)

    return save


def export_run(*, job: ExportJob) -> ExportJob:
    """Produce the job's file (called by the task, inside the job's tenant scope).

    Not one transaction: progress must be visible while it runs. Transient database errors
    propagate so the task retries; any other error fails the job with a French message.
    """
    claimed = ExportJob.objects.filter(
        pk=job.pk, status__in=[ExportJob.Status.PENDING, ExportJob.Status.RUNNING]
    ).update(status=ExportJob.Status.RUNNING, progress=0, error="")
    if not claimed:
        logger.info("Export job %s already finished, nothing to do", job.pk)
        job.refresh_from_db()
        return job
    job.status, job.progress, job.error = ExportJob.Status.RUNNING, 0, ""

    try:
        exporter = exporter_registry.get(job.exporter)
        filename = exporter.filename(job)
        with tempfile.TemporaryFile() as output:
            exporter.write(job=job, output=output, progress=Progress(_save_progress(job.pk)))
            output.seek(0)
            job.file.save(f"{uuid.uuid4().hex}/{filename}", File(output), save=False)
    except TRANSIENT_ERRORS:
        raise
    except Exception:
        logger.exception("Export job %s (%s) failed", job.pk, job.exporter)
        return export_fail(job=job)

    now = timezone.now()
    job.status = ExportJob.Status.DONE
    job.progress = 100
    job.finished_at = now
    job.expires_at = now + datetime.timedelta(days=settings.EXPORT_EXPIRY_DAYS)
    job.save(update_fields=["status", "progress", "file", "finished_at", "expires_at"])
    return job


def export_fail(*, job: ExportJob, message: str | None = None) -> ExportJob:
    """Mark the job failed; the user sees ``message`` (French). It expires like a finished one."""
    now = timezone.now()
    job.status = ExportJob.Status.FAILED
    job.error = message or export_failed_message()
    job.finished_at = now
    job.expires_at = now + datetime.timedelta(days=settings.EXPORT_EXPIRY_DAYS)
    job.save(update_fields=["status", "error", "finished_at", "expires_at"])
    return job


def exports_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the files and rows of every tenant's expired jobs, and of jobs that never finished
    within the expiry period. Returns the number of jobs deleted."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(days=settings.EXPORT_EXPIRY_DAYS)
    deleted = 0
    # A platform job that cleans every tenant: the companies one after the other, each inside
    # its own tenant context (row-level security binds this work like any other).
    for company in Company.objects.order_by("pk"):
        with tenant_context(company):
            expired = list(
                ExportJob.objects.filter(tenant=company).filter(
                    Q(expires_at__lte=now) | Q(expires_at__isnull=True, created_at__lte=stale)
                )
            )
            for job in expired:
                try:
                    if job.file:
                        job.file.delete(save=False)
                    job.delete()
                except (OSError, DatabaseError):
                    logger.exception("Could not purge export job %s", job.pk)
                    continue
                deleted += 1
    return deleted
