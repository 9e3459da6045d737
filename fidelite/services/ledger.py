"""The points ledger: every write appends PointEntry rows (never an update or a delete).

The account row is locked (``select_for_update``) before a balance is read and a debit written,
so two debits never both pass on the same points. A debit that would make the balance negative
is refused with "Solde de points insuffisant : …". Reaching the threshold (the account's own,
else the programme's) after a credit creates the offered service contract once: the account's
``offered_contract`` is the marker.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import Company
from crm.services.audit import audit_record
from fidelite.models import AccountStatus, EntryKind, LoyaltyAccount, PointEntry
from parc.services.contracts import contract_create_from_template

CENT = Decimal("0.01")


def account_locked(*, tenant: Company, account: LoyaltyAccount) -> LoyaltyAccount:
    return (
        LoyaltyAccount.objects.select_for_update().select_related("program").get(tenant=tenant, pk=account.pk)
    )


def account_balance(*, tenant: Company, account: LoyaltyAccount) -> int:
    total = PointEntry.objects.filter(tenant=tenant, account=account).aggregate(total=Sum("points"))
    return total["total"] or 0


def message_insufficient(balance: int, points: int) -> str:
    return _("Solde de points insuffisant : %(balance)s points disponibles, %(points)s demandés.") % {
        "balance": balance,
        "points": points,
    }


def entry_append(
    *,
    tenant: Company,
    actor,
    account: LoyaltyAccount,
    kind: str,
    points: int,
    occurred_on: datetime.date | None = None,
    reason: str = "",
    **sources,
) -> PointEntry:
    """Append one entry (the account must be locked by the caller); audited."""
    entry = PointEntry(
        tenant=tenant,
        account=account,
        kind=kind,
        points=points,
        occurred_on=occurred_on or timezone.localdate(),
        reason=reason,
        author=actor if getattr(actor, "is_authenticated", False) else None,
        **sources,
    )
    entry.full_clean(exclude=["account", "author", "source_invoice", "source_request"])
    entry.save()
    audit_record(
        tenant=tenant,
        actor=actor,
        action=f"loyalty.{kind}",
        instance=account,
        changes={"points": [None, points]},
        reason=reason,
    )
    return entry


def debit_checked(
    *,
    tenant: Company,
    actor,
    account: LoyaltyAccount,
    kind: str,
    points: int,
    reason: str = "",
    **sources,
) -> PointEntry:
    """Append a debit of ``points`` (> 0) unless it would make the balance negative."""
    if points <= 0:
        raise ValidationError({"points": [_("Le nombre de points doit être positif.")]})
    account = account_locked(tenant=tenant, account=account)
    balance = account_balance(tenant=tenant, account=account)
    if points > balance:
        raise ValidationError({"points": [message_insufficient(balance, points)]})
    return entry_append(
        tenant=tenant, actor=actor, account=account, kind=kind, points=-points, reason=reason, **sources
    )


def _reason_check(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Indiquez le motif du mouvement de points.")]})
    return reason


@transaction.atomic
def points_credit_manual(
    *, tenant: Company, actor, account: LoyaltyAccount, points: int, reason: str
) -> PointEntry:
    reason = _reason_check(reason)
    if points <= 0:
        raise ValidationError({"points": [_("Le nombre de points doit être positif.")]})
    account = account_locked(tenant=tenant, account=account)
    if account.status != AccountStatus.ACTIVE:
        raise ValidationError({"points": [_("Le compte de fidélité n'est pas actif.")]})
    entry = entry_append(
        tenant=tenant,
        actor=actor,
        account=account,
        kind=EntryKind.MANUAL_CREDIT,
        points=points,
        reason=reason,
    )
    offer_check(tenant=tenant, actor=actor, account=account)
    return entry


@transaction.atomic
def points_debit_manual(
    *, tenant: Company, actor, account: LoyaltyAccount, points: int, reason: str
) -> PointEntry:
    reason = _reason_check(reason)
    return debit_checked(
        tenant=tenant, actor=actor, account=account, kind=EntryKind.MANUAL_DEBIT, points=points, reason=reason
    )


@transaction.atomic
def points_spend(*, tenant: Company, actor, account: LoyaltyAccount, points: int, reason: str = ""):
    """Spend ``points``; returns (the entry, their value in euros from the programme)."""
    entry = debit_checked(
        tenant=tenant, actor=actor, account=account, kind=EntryKind.SPENT, points=points, reason=reason
    )
    return entry, (account.program.point_value * points).quantize(CENT)


def offer_threshold(account: LoyaltyAccount) -> int | None:
    """The account's own threshold wins over the programme's."""
    if account.threshold_override is not None:
        return account.threshold_override
    return account.program.offer_threshold


def offer_template(account: LoyaltyAccount):
    """The account's own contract template wins over the programme's."""
    return account.template_override or account.program.offer_template


def offer_check(*, tenant: Company, actor, account: LoyaltyAccount):
    """After a credit (account locked): create the offered contract once when the balance reaches
    the threshold. Returns the new contract, or None."""
    threshold, template = offer_threshold(account), offer_template(account)
    if account.offered_at is not None or threshold is None or template is None:
        return None
    if account_balance(tenant=tenant, account=account) < threshold:
        return None
    contract = contract_create_from_template(
        tenant=tenant,
        actor=actor,
        template=template,
        customer=account.customer,
        site=None,
        starts_on=timezone.localdate(),
    )
    account.offered_contract = contract
    account.offered_at = timezone.now()
    account.save(update_fields=["offered_contract", "offered_at"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="loyalty.offer",
        instance=account,
        changes={"offered_contract": [None, contract.code]},
    )
    return contract
