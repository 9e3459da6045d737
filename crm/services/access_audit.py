"""Audit of access changes (who may see what): a seat created, changed (role, licence, state,
business lines, internal organisations) or removed, and a user's access flags (active, staff,
superuser). The admin calls these after saving; an unchanged save writes nothing."""

from __future__ import annotations

from typing import Any

from django_scopes import scopes_disabled

from crm.models import Membership, MembershipBusinessLine, MembershipOrganisation
from crm.services.audit import audit_changes, audit_record, audit_snapshot

MEMBERSHIP_AUDITED_FIELDS = ("role_id", "licence", "is_active")
USER_ACCESS_FIELDS = ("is_active", "is_staff", "is_superuser")


def membership_snapshot(membership: Membership) -> dict[str, Any] | None:
    """The stored role, licence, state, business lines and organisations of a seat (None: new)."""
    if membership.pk is None:
        return None
    with scopes_disabled():
        stored = Membership.unscoped.filter(pk=membership.pk, tenant_id=membership.tenant_id).first()
        if stored is None:
            return None
        values = audit_snapshot(stored, MEMBERSHIP_AUDITED_FIELDS)
        values["business_lines"] = sorted(
            MembershipBusinessLine.objects.filter(
                tenant_id=stored.tenant_id, membership_id=stored.pk
            ).values_list("business_line_id", flat=True)
        )
        values["organisations"] = sorted(
            MembershipOrganisation.objects.filter(
                tenant_id=stored.tenant_id, membership_id=stored.pk
            ).values_list("organisation_id", flat=True)
        )
    return values


def membership_audit(*, actor, membership: Membership, before: dict | None, deleted: bool = False) -> None:
    """One entry for a seat created, changed or removed (``before``: membership_snapshot taken
    before the change)."""
    if deleted:
        action, changes = "membership.delete", {name: [value, None] for name, value in (before or {}).items()}
    else:
        after = membership_snapshot(membership) or {}
        if before is None:
            action, changes = "membership.create", {name: [None, value] for name, value in after.items()}
        else:
            action, changes = "membership.change", audit_changes(before, after)
            if not changes:
                return
    audit_record(tenant=membership.tenant, actor=actor, action=action, instance=membership, changes=changes)


def user_access_snapshot(user) -> dict[str, Any] | None:
    if user.pk is None:
        return None
    stored = type(user)._default_manager.filter(pk=user.pk).first()
    return None if stored is None else audit_snapshot(stored, USER_ACCESS_FIELDS)


def user_access_audit(*, actor, user, before: dict | None) -> None:
    """A change of a user's access flags, written in the log of every company the user holds a
    seat in (a user is global; each company sees who gained or lost access to its data)."""
    after = audit_snapshot(user, USER_ACCESS_FIELDS)
    changes = audit_changes(before or {}, after)
    if before is None:
        changes = {name: [None, value] for name, value in after.items() if value}
    if not changes:
        return
    with scopes_disabled():
        memberships = list(Membership.unscoped.filter(user_id=user.pk).select_related("tenant"))
    for membership in memberships:
        audit_record(
            tenant=membership.tenant, actor=actor, action="user.access_change", instance=user, changes=changes
        )
