"""Which company a user works in now, and which business lines are selected."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from crm.models import BusinessLine, Membership

SESSION_MEMBERSHIP = "active_membership_id"
SESSION_BUSINESS_LINES = "business_line_ids"


def user_memberships(user) -> list[Membership]:
    """The user's active memberships in active companies (read before a tenant is known)."""
    if not user.is_authenticated:
        return []
    return list(
        Membership.unscoped.filter(user=user, is_active=True, tenant__is_active=True)
        .select_related("tenant", "role")
        .order_by("tenant__name")
    )


def membership_activate(user, membership: Membership | None) -> None:
    """Make ``membership`` the one whose role gives ``user`` its permissions."""
    user.active_membership = membership
    if hasattr(user, "_membership_perm_cache"):
        del user._membership_perm_cache


def membership_resolve(user, session) -> Membership | None:
    """The active membership: the one chosen in the session, else the first of the user's."""
    memberships = user_memberships(user)
    chosen = session.get(SESSION_MEMBERSHIP)
    for membership in memberships:
        if membership.pk == chosen:
            return membership
    return memberships[0] if memberships else None


def membership_switch(*, user, session, membership_id: int) -> Membership:
    """Switch the session to another of the user's companies."""
    for membership in user_memberships(user):
        if membership.pk == membership_id:
            session[SESSION_MEMBERSHIP] = membership.pk
            session.pop(SESSION_BUSINESS_LINES, None)
            return membership
    raise PermissionDenied(_("Vous n'êtes pas rattaché à cette société."))


def business_lines_default(membership: Membership) -> list[int]:
    return list(membership.business_lines.values_list("pk", flat=True))


def business_lines_current(*, membership: Membership, session) -> list[int]:
    """The business lines selected for list screens: the session's choice, else the user's own."""
    chosen = session.get(SESSION_BUSINESS_LINES)
    if chosen is None:
        return business_lines_default(membership)
    return chosen


def business_lines_select(*, membership: Membership, session, business_line_ids: list[int]) -> list[int]:
    """Store the selection until logout; only the tenant's own business lines are kept."""
    valid = set(BusinessLine.objects.filter(tenant=membership.tenant).values_list("pk", flat=True))
    selected = sorted(valid.intersection(business_line_ids))
    session[SESSION_BUSINESS_LINES] = selected
    return selected
