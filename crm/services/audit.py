"""Write the audit log. Services call these inside their transaction."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from crm.models import AuditEntry, Company


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def audit_snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The current values of ``fields`` (all concrete fields by default), JSON-ready."""
    names = fields or [f.attname for f in instance._meta.concrete_fields]
    return {name: _plain(getattr(instance, name)) for name in names}


def audit_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for the fields whose value differs."""
    return {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}


def audit_record(
    *,
    tenant: Company,
    actor,
    action: str,
    instance: models.Model | None = None,
    changes: dict[str, list[Any]] | None = None,
    reason: str = "",
) -> AuditEntry:
    """Append one entry to the tenant's audit log."""
    entry = AuditEntry(
        tenant=tenant,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        changes=changes or {},
        reason=reason,
    )
    if instance is not None:
        entry.content_type = ContentType.objects.get_for_model(instance, for_concrete_model=False)
        entry.object_id = str(instance.pk)
        entry.object_repr = str(instance)[:200]
    entry.save()
    return entry
