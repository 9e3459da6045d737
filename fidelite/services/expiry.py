"""Expiry of points, first in first out.

Points credited in month M (earned on an invoice or credited by hand) expire on the first day of
month M + N + 1, N being the programme's ``expiry_months`` (none: they never expire). Debits
(spent, manual debit, service debit, credit-note reversals, earlier expiries) consume the oldest
points first. The monthly run writes, per account, one "expired" entry for what is left of the
lots past their date; it is idempotent: the entry is unique per (account, month of the run) and a
rerun finds nothing left to expire. Points are usable until the run writes their expiry.
"""

from __future__ import annotations

import datetime
from collections import deque

from django.db import transaction
from django.utils import timezone

from crm.models import Company
from fidelite.models import EntryKind, LoyaltyAccount, PointEntry

from .ledger import account_locked, entry_append


def expiry_date(earned_on: datetime.date, months: int) -> datetime.date:
    """First day of the month ``months + 1`` after the month of ``earned_on``."""
    index = earned_on.year * 12 + earned_on.month - 1 + months + 1
    return datetime.date(index // 12, index % 12 + 1, 1)


def points_to_expire(entries, *, months: int, on: datetime.date) -> int:
    """What is left, after FIFO consumption by every debit, of the lots expired by ``on``.
    ``entries``: (occurred_on, points) in ledger order."""
    lots: deque[list] = deque()
    for occurred_on, points in entries:
        if points > 0:
            lots.append([expiry_date(occurred_on, months), points])
            continue
        due = -points
        while due and lots:
            taken = min(due, lots[0][1])
            lots[0][1] -= taken
            due -= taken
            if not lots[0][1]:
                lots.popleft()
    return sum(remaining for expires_on, remaining in lots if expires_on <= on)


@transaction.atomic
def account_points_expire(
    *, tenant: Company, account: LoyaltyAccount, on: datetime.date | None = None
) -> PointEntry | None:
    on = on or timezone.localdate()
    account = account_locked(tenant=tenant, account=account)
    months = account.program.expiry_months
    period = on.replace(day=1)
    if (
        months is None
        or PointEntry.objects.filter(
            tenant=tenant, account=account, kind=EntryKind.EXPIRED, period=period
        ).exists()
    ):
        return None
    entries = (
        PointEntry.objects.filter(tenant=tenant, account=account, occurred_on__lte=on)
        .order_by("occurred_on", "pk")
        .values_list("occurred_on", "points")
    )
    points = points_to_expire(entries, months=months, on=on)
    if points <= 0:
        return None
    return entry_append(
        tenant=tenant,
        actor=None,
        account=account,
        kind=EntryKind.EXPIRED,
        points=-points,
        occurred_on=on,
        period=period,
    )


def points_expire(*, tenant: Company, on: datetime.date | None = None) -> int:
    """The monthly run for one tenant: each account in its own transaction; returns how many
    expired entries were written."""
    written = 0
    accounts = LoyaltyAccount.objects.filter(tenant=tenant, program__expiry_months__isnull=False).order_by(
        "pk"
    )
    for account in accounts.iterator():
        if account_points_expire(tenant=tenant, account=account, on=on) is not None:
            written += 1
    return written
