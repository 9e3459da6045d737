"""Relationship dates of a third party, kept up to date by the apps that record contacts, quotes
and orders (ventes calls these services in its own transaction).

Each call is one ``UPDATE … SET x = GREATEST(x, value)`` (or LEAST): the database compares
with the row's current value under the row lock, so two concurrent calls never lose a date, and
nothing is read first. PostgreSQL's GREATEST and LEAST ignore NULLs, so the first value recorded
simply wins. They are derived data (recomputable from the documents), so they are not audited.

Contacts:

- a done contact (``done=True``) moves the first contact date back (minimum) and the last
  contact date and kind forward (maximum); when it is the planned next contact (same date),
  the next contact is cleared: the caller records its following planned contact, if any, again
  (this app does not know the planned actions, so it cannot recompute it);
- a planned contact (``done=False``) in the future becomes the next contact when there is none,
  when it is earlier than the current one, or when the current one is already past. A planned
  contact in the past is ignored.
"""

from __future__ import annotations

import datetime

from django.db.models import Case, DateTimeField, F, Q, Value, When
from django.db.models.functions import Greatest, Least
from django.utils import timezone

from crm.models import Company
from tiers.models import ThirdParty


def _rows(tenant: Company, third_party: ThirdParty):
    return ThirdParty.objects.filter(tenant=tenant, pk=third_party.pk)


def relationship_contact_record(
    *, tenant: Company, third_party: ThirdParty, at: datetime.datetime, kind: str, done: bool = True
) -> int:
    """Record a contact (call, meeting, e-mail…) at ``at``; returns the number of rows updated."""
    kind = (kind or "")[: ThirdParty._meta.get_field("last_contact_kind").max_length]
    at_value = Value(at)
    if done:
        is_next = Q(next_contact_at=at_value)
        return _rows(tenant, third_party).update(
            first_contact_at=Least(F("first_contact_at"), at_value),
            last_contact_at=Greatest(F("last_contact_at"), at_value),
            last_contact_kind=Case(
                When(Q(last_contact_at__isnull=True) | Q(last_contact_at__lte=at_value), then=Value(kind)),
                default=F("last_contact_kind"),
            ),
            next_contact_at=Case(
                When(is_next, then=Value(None)), default=F("next_contact_at"), output_field=DateTimeField()
            ),
            next_contact_kind=Case(When(is_next, then=Value("")), default=F("next_contact_kind")),
        )
    now = timezone.now()
    if at <= now:
        return 0
    replaces = (
        Q(next_contact_at__isnull=True) | Q(next_contact_at__lte=Value(now)) | Q(next_contact_at__gt=at_value)
    )
    return _rows(tenant, third_party).update(
        next_contact_at=Case(When(replaces, then=at_value), default=F("next_contact_at")),
        next_contact_kind=Case(When(replaces, then=Value(kind)), default=F("next_contact_kind")),
    )


def relationship_quote_record(*, tenant: Company, third_party: ThirdParty, on: datetime.date) -> int:
    """A quote dated ``on``: the last quote date is the latest one."""
    return _rows(tenant, third_party).update(last_quote_on=Greatest(F("last_quote_on"), Value(on)))


def relationship_order_record(*, tenant: Company, third_party: ThirdParty, on: datetime.date) -> int:
    """An order dated ``on``: the first order date is the earliest one."""
    return _rows(tenant, third_party).update(first_order_on=Least(F("first_order_on"), Value(on)))
