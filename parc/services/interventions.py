"""Writes of the technicians' interventions on a service request.

Rules: the request is open (not closed nor cancelled); the technician is an active member of the
company (any role: the design lets a manager intervene too); the end, when given, is after the
start; the duration is stored in minutes: computed from start and end when both are given, else
the duration typed as HH.MM ("1.30" = 90 minutes; minutes above 59 are refused). Customer, site
and business line are copied from the request. Every write is audited.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crm.models import Company, Membership
from crm.services.audit import audit_changes, audit_record, audit_snapshot
from parc.models import OPEN_STATES, Intervention, ServiceRequest

from .assets import _fields_check

INTERVENTION_FIELDS = ("technician", "starts_at", "ends_at", "duration_minutes", "report")
_AUDITED = ("technician_id", "starts_at", "ends_at", "duration_minutes", "report")
_DURATION = re.compile(r"^\s*(\d{1,4})(?:[.,:h](\d{2}))?\s*$")


def message_duration_invalid() -> str:
    return _("Durée invalide : saisissez HH.MM, par exemple 1.30 pour une heure trente.")


def message_minutes_invalid() -> str:
    return _("Minutes invalides : saisissez HH.MM avec des minutes de 00 à 59.")


def message_request_not_open(request: ServiceRequest) -> str:
    return _("La demande %(number)s est %(state)s : ses interventions ne peuvent plus être modifiées.") % {
        "number": request.number,
        "state": request.get_state_display().lower(),
    }


def message_not_a_member(user) -> str:
    return _("%(user)s n'est pas membre de la société : il ne peut pas intervenir.") % {
        "user": user.get_full_name() or user.get_username()
    }


def message_end_before_start() -> str:
    return _("La fin de l'intervention doit être postérieure à son début.")


def duration_parse(text: str) -> int:
    """Minutes of a duration typed as hours.minutes: "1.30" → 90, "2" → 120, "0.05" → 5 (two
    minute digits: "1.5" is refused rather than guessed). Refuses minutes ≥ 60 ("1.75")."""
    match = _DURATION.match(text or "")
    if match is None:
        raise ValidationError(message_duration_invalid(), code="invalid")
    hours, minutes = match.group(1), match.group(2) or "0"
    if int(minutes) >= 60:
        raise ValidationError(message_minutes_invalid(), code="invalid_minutes")
    return int(hours) * 60 + int(minutes)


def minutes_between(starts_at: datetime.datetime, ends_at: datetime.datetime) -> int:
    return int((ends_at - starts_at).total_seconds() // 60)


def _open_check(request: ServiceRequest) -> None:
    if request.state not in OPEN_STATES:
        raise ValidationError(message_request_not_open(request))


def _intervention_clean(intervention: Intervention) -> None:
    errors: dict[str, list[str]] = {}
    if not Membership.objects.filter(
        tenant_id=intervention.tenant_id, user=intervention.technician, is_active=True
    ).exists():
        errors["technician"] = [message_not_a_member(intervention.technician)]
    if intervention.ends_at is not None and intervention.ends_at <= intervention.starts_at:
        errors["ends_at"] = [message_end_before_start()]
    if errors:
        raise ValidationError(errors)
    if intervention.ends_at is not None:
        intervention.duration_minutes = minutes_between(intervention.starts_at, intervention.ends_at)
    intervention.duration_minutes = intervention.duration_minutes or 0
    intervention.full_clean()


@transaction.atomic
def intervention_create(*, tenant: Company, actor, request: ServiceRequest, **fields: Any) -> Intervention:
    """Add an intervention to an open ``request`` (``fields``: see INTERVENTION_FIELDS)."""
    _fields_check(fields, INTERVENTION_FIELDS)
    if request.tenant_id != tenant.pk:
        raise ValueError("The service request does not belong to the tenant.")
    _open_check(request)
    intervention = Intervention(
        tenant=tenant,
        request=request,
        customer_id=request.customer_id,
        site_id=request.site_id,
        business_line_id=request.business_line_id,
        **fields,
    )
    _intervention_clean(intervention)
    intervention.save()
    audit_record(
        tenant=tenant,
        actor=actor,
        action="intervention.create",
        instance=intervention,
        changes=audit_changes({}, audit_snapshot(intervention, _AUDITED)),
    )
    return intervention


@transaction.atomic
def intervention_update(*, tenant: Company, actor, intervention: Intervention, **fields: Any) -> Intervention:
    _fields_check(fields, INTERVENTION_FIELDS)
    if intervention.tenant_id != tenant.pk:
        raise ValueError("The intervention does not belong to the tenant.")
    _open_check(intervention.request)
    before = audit_snapshot(intervention, _AUDITED)
    for name, value in fields.items():
        setattr(intervention, name, value)
    _intervention_clean(intervention)
    intervention.save()
    changes = audit_changes(before, audit_snapshot(intervention, _AUDITED))
    if changes:
        audit_record(
            tenant=tenant, actor=actor, action="intervention.update", instance=intervention, changes=changes
        )
    return intervention


@transaction.atomic
def intervention_delete(*, tenant: Company, actor, intervention: Intervention) -> None:
    if intervention.tenant_id != tenant.pk:
        raise ValueError("The intervention does not belong to the tenant.")
    _open_check(intervention.request)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="intervention.delete",
        instance=intervention,
        changes={name: [value, None] for name, value in audit_snapshot(intervention, _AUDITED).items()},
    )
    intervention.delete()
