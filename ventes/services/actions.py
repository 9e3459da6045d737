"""Writes of commercial actions (calls, meetings, tasks, events, notes, e-mails, SMS).

Rules: a planned or a done date; the done date is not in the future; the site is one of the
customer's sites; the contact ("personne à contacter") and every further participant are
contacts linked to the customer; the deal is one of the customer's; the owner is a member of
the company. Audited.

The customer's relationship dates follow (tiers.services.relationship): a done action is a
contact (first/last contact), a planned one in the future is a candidate next contact. When an
action is completed, the customer's next contact is recorded again from its earliest planned
action still to do (the relationship service clears it when it was this one).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import Company, Membership
from crm.services.audit import audit_changes, audit_record, audit_snapshot
from parc.services.assets import message_foreign_site
from tiers.models import Contact, ContactLink, ThirdParty
from tiers.services.relationship import relationship_contact_record
from ventes.models import Action, ActionKind, ActionParticipant
from ventes.selectors_pipeline import participant_ids

FIELDS = (
    "kind",
    "subject",
    "notes",
    "site",
    "contact",
    "deal",
    "owner",
    "planned_at",
    "done_at",
    "business_line",
)
_FOREIGN_KEYS = ("site", "contact", "deal", "owner", "business_line")
_AUDITED = tuple(f"{name}_id" if name in _FOREIGN_KEYS else name for name in FIELDS)


def message_no_date() -> str:
    return _("Indiquez une date prévue ou une date de réalisation.")


def message_done_in_future() -> str:
    return _("La date de réalisation ne peut pas être dans le futur.")


def message_contact_not_linked(contact: Contact) -> str:
    return _("%(contact)s n'est pas un contact de ce client.") % {"contact": contact}


def message_participants_not_linked(contacts: Iterable[Contact]) -> str:
    names = ", ".join(str(contact) for contact in contacts)
    return _("Ces participants ne sont pas des contacts de ce client : %(names)s.") % {"names": names}


def message_foreign_deal() -> str:
    return _("Cette affaire n'appartient pas à ce client.")


def message_owner_not_member() -> str:
    return _("Le responsable doit être membre de la société.")


def message_already_done() -> str:
    return _("Cette action est déjà faite.")


def _linked_contact_ids(tenant: Company, customer: ThirdParty, contacts: Iterable[Contact]) -> set[int]:
    ids = [contact.pk for contact in contacts]
    if not ids:
        return set()
    return set(
        ContactLink.objects.filter(tenant=tenant, third_party=customer, contact_id__in=ids).values_list(
            "contact_id", flat=True
        )
    )


def _clean(tenant: Company, action: Action, participants: list[Contact] | None) -> None:
    errors: dict[str, list[str]] = {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if action.planned_at is None and action.done_at is None:
        refuse("planned_at", message_no_date())
    if action.done_at is not None and action.done_at > timezone.now():
        refuse("done_at", message_done_in_future())
    if action.site is not None and action.site.third_party_id != action.customer_id:
        refuse("site", message_foreign_site())
    if action.deal is not None and action.deal.customer_id != action.customer_id:
        refuse("deal", message_foreign_deal())
    if (
        action.owner_id is not None
        and not Membership.objects.filter(tenant=tenant, user_id=action.owner_id, is_active=True).exists()
    ):
        refuse("owner", message_owner_not_member())
    contacts = [c for c in [action.contact, *(participants or [])] if c is not None]
    linked = _linked_contact_ids(tenant, action.customer, contacts)
    if action.contact is not None and action.contact.pk not in linked:
        refuse("contact", message_contact_not_linked(action.contact))
    strangers = [c for c in participants or [] if c.pk not in linked]
    if strangers:
        refuse("participants", message_participants_not_linked(strangers))
    if errors:
        raise ValidationError(errors)


def _check(tenant: Company, action: Action, fields: dict[str, Any], participants) -> None:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    related = (action.customer, action.site, action.contact, action.deal, action.business_line)
    for row in (*related, *(participants or [])):
        if row is not None and row.tenant_id != tenant.pk:
            raise ValueError(f"{type(row).__name__} {row.pk} is not a row of tenant {tenant.pk}")


def _kind_label(action: Action) -> str:
    return str(ActionKind(action.kind).label)


def _record_relationship(tenant: Company, action: Action) -> None:
    """The customer's contact dates after this action was recorded or completed."""
    kind = _kind_label(action)
    if action.done_at is not None:
        relationship_contact_record(
            tenant=tenant, third_party=action.customer, at=action.done_at, kind=kind, done=True
        )
        _record_next_planned(tenant, action.customer)
    elif action.planned_at is not None:
        relationship_contact_record(
            tenant=tenant, third_party=action.customer, at=action.planned_at, kind=kind, done=False
        )


def _record_next_planned(tenant: Company, customer: ThirdParty) -> None:
    upcoming = (
        Action.objects.filter(
            tenant=tenant, customer=customer, done_at__isnull=True, planned_at__gt=timezone.now()
        )
        .order_by("planned_at")
        .first()
    )
    if upcoming is not None:
        relationship_contact_record(
            tenant=tenant,
            third_party=customer,
            at=upcoming.planned_at,
            kind=_kind_label(upcoming),
            done=False,
        )


def _save(tenant: Company, action: Action, fields: dict[str, Any], participants) -> None:
    _check(tenant, action, fields, participants)
    for name, value in fields.items():
        setattr(action, name, value)
    _check(tenant, action, {}, participants)
    _clean(tenant, action, participants)
    action.full_clean(exclude=["participants"])
    action.save()
    if participants is not None:
        _participants_set(tenant, action, participants)


def _participants_set(tenant: Company, action: Action, participants: list[Contact]) -> None:
    wanted = {contact.pk for contact in participants}
    ActionParticipant.objects.filter(tenant=tenant, action=action).exclude(contact_id__in=wanted).delete()
    existing = set(
        ActionParticipant.objects.filter(tenant=tenant, action=action).values_list("contact_id", flat=True)
    )
    ActionParticipant.objects.bulk_create(
        [ActionParticipant(tenant=tenant, action=action, contact_id=pk) for pk in sorted(wanted - existing)]
    )


def _snapshot(action: Action, participants) -> dict[str, Any]:
    snapshot = audit_snapshot(action, _AUDITED)
    if participants is not None:
        snapshot["participants"] = sorted(contact.pk for contact in participants)
    return snapshot


@transaction.atomic
def action_create(
    *, tenant: Company, actor, customer: ThirdParty, participants: Iterable[Contact] = (), **fields: Any
) -> Action:
    """A new action about ``customer``; the owner defaults to the actor."""
    if fields.get("owner") is None:
        fields["owner"] = actor
    participants = list(participants)
    action = Action(tenant=tenant, customer=customer)
    _save(tenant, action, fields, participants)
    _record_relationship(tenant, action)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="action.create",
        instance=action,
        changes=audit_changes({}, _snapshot(action, participants)),
    )
    return action


@transaction.atomic
def action_update(
    *,
    tenant: Company,
    actor,
    action: Action,
    participants: Iterable[Contact] | None = None,
    **fields: Any,
) -> Action:
    """Change an action; ``participants`` (when given) replaces its further participants."""
    if action.tenant_id != tenant.pk:
        raise ValueError("The action does not belong to the tenant.")
    participants = list(participants) if participants is not None else None
    previous = list(Contact.objects.filter(pk__in=participant_ids(tenant=tenant, action=action)))
    before = _snapshot(action, previous if participants is not None else None)
    dates_before = (action.planned_at, action.done_at)
    _save(tenant, action, fields, participants)
    if (action.planned_at, action.done_at) != dates_before:
        _record_relationship(tenant, action)
    changes = audit_changes(before, _snapshot(action, participants))
    if changes:
        audit_record(tenant=tenant, actor=actor, action="action.update", instance=action, changes=changes)
    return action


@transaction.atomic
def action_mark_done(
    *, tenant: Company, actor, action: Action, at: datetime.datetime | None = None
) -> Action:
    """The action is done at ``at`` (now by default): the customer's last contact moves forward."""
    if action.done_at is not None:
        raise ValidationError({"done_at": [message_already_done()]})
    before = audit_snapshot(action, _AUDITED)
    action.done_at = at or timezone.now()
    _clean(tenant, action, None)
    action.save(update_fields=["done_at"])
    _record_relationship(tenant, action)
    changes = audit_changes(before, audit_snapshot(action, _AUDITED))
    audit_record(tenant=tenant, actor=actor, action="action.done", instance=action, changes=changes)
    return action
