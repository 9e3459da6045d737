"""Points from sales and service, run by the domain events of ventes and parc (subscribed in
fidelite.apps) inside the emitting transaction.

- ``invoice.validated``: the customer's active account earns floor(Σ line HT * rate) points,
  the rate being the programme's rate for the article's sub-family, else its family, else the
  programme's own; nothing below the programme's minimum invoice amount (HT).
- ``invoice.credited``: the credit note takes back the points of its lines, never more than the
  credited invoice earned and was not taken back yet. The reversal is recorded even when the
  points were already used (the balance may then go negative: the customer owes them).
- ``service_request.closed``: a *points-covered* request — closed with no selected contract
  coverage, for a customer with an active account whose programme debits points per hour —
  takes ceil(minutes * points per hour / 60) points; a balance too low refuses the closing
  ("Solde de points insuffisant : …").

Each is idempotent: the ledger's unique constraint on (tenant, account, kind, source) and a
check under the account's lock mean reprocessing an invoice or a request never counts twice.
"""

from __future__ import annotations

import math
from decimal import ROUND_FLOOR, Decimal

from django.db import transaction
from django.db.models import Sum

from crm.models import Company
from fidelite.models import AccountStatus, EntryKind, LoyaltyAccount, LoyaltyProgram, PointEntry
from ventes.models import Invoice, InvoiceKind, InvoiceLine, InvoiceState

from .ledger import account_locked, debit_checked, entry_append, offer_check


def active_account(*, tenant: Company, customer_id: int) -> LoyaltyAccount | None:
    return (
        LoyaltyAccount.objects.filter(tenant=tenant, customer_id=customer_id, status=AccountStatus.ACTIVE)
        .select_related("program")
        .first()
    )


def family_rates(*, tenant: Company, program: LoyaltyProgram) -> dict[int, Decimal]:
    return dict(program.family_rates.filter(tenant=tenant).values_list("family_id", "points_per_euro"))


def lines_points(*, tenant: Company, program: LoyaltyProgram, invoice: Invoice) -> int:
    """floor(Σ line HT * rate of the line's article family) for the lines of ``invoice``."""
    rates = family_rates(tenant=tenant, program=program)
    total = Decimal(0)
    lines = InvoiceLine.objects.filter(tenant=tenant, invoice=invoice).values_list(
        "total_excl_tax", "article__sub_family_id", "article__family_id"
    )
    for amount, sub_family_id, family_id in lines:
        rate = rates.get(sub_family_id, rates.get(family_id, program.points_per_euro))
        total += amount * rate
    return int(total.to_integral_value(rounding=ROUND_FLOOR))


def invoice_points(*, tenant: Company, program: LoyaltyProgram, invoice: Invoice) -> int:
    if invoice.total_excl_tax < program.minimum_invoice_amount:
        return 0
    return lines_points(tenant=tenant, program=program, invoice=invoice)


def _already(account: LoyaltyAccount, kind: str, **source) -> bool:
    return PointEntry.objects.filter(tenant=account.tenant_id, account=account, kind=kind, **source).exists()


@transaction.atomic
def invoice_points_earn(*, tenant: Company, actor, invoice: Invoice) -> PointEntry | None:
    """Credit the points of a validated invoice (None: no account, no points, already done)."""
    if invoice.kind != InvoiceKind.INVOICE or invoice.state != InvoiceState.VALIDATED:
        return None
    account = active_account(tenant=tenant, customer_id=invoice.customer_id)
    if account is None:
        return None
    account = account_locked(tenant=tenant, account=account)
    if _already(account, EntryKind.EARNED, source_invoice=invoice):
        return None
    points = invoice_points(tenant=tenant, program=account.program, invoice=invoice)
    if points <= 0:
        return None
    entry = entry_append(
        tenant=tenant,
        actor=actor,
        account=account,
        kind=EntryKind.EARNED,
        points=points,
        occurred_on=invoice.invoice_date,
        source_invoice=invoice,
    )
    offer_check(tenant=tenant, actor=actor, account=account)
    return entry


@transaction.atomic
def credit_note_points_reverse(*, tenant: Company, actor, note: Invoice) -> PointEntry | None:
    """Take back the points of a validated credit note (None when there is nothing to take)."""
    if note.kind != InvoiceKind.CREDIT_NOTE or note.state != InvoiceState.VALIDATED:
        return None
    account = LoyaltyAccount.objects.filter(tenant=tenant, customer_id=note.customer_id).first()
    if account is None:
        return None
    account = account_locked(tenant=tenant, account=account)
    if _already(account, EntryKind.EARNED, source_invoice=note):
        return None
    earned = PointEntry.objects.filter(
        tenant=tenant, account=account, kind=EntryKind.EARNED, source_invoice_id=note.credited_invoice_id
    ).aggregate(total=Sum("points"))["total"]
    taken = PointEntry.objects.filter(
        tenant=tenant,
        account=account,
        kind=EntryKind.EARNED,
        source_invoice__credited_invoice_id=note.credited_invoice_id,
    ).aggregate(total=Sum("points"))["total"]
    remaining = (earned or 0) + (taken or 0)
    points = min(lines_points(tenant=tenant, program=account.program, invoice=note), remaining)
    if points <= 0:
        return None
    return entry_append(
        tenant=tenant,
        actor=actor,
        account=account,
        kind=EntryKind.EARNED,
        points=-points,
        occurred_on=note.invoice_date,
        source_invoice=note,
    )


def service_points(*, program: LoyaltyProgram, minutes: int) -> int:
    return math.ceil(minutes * program.service_points_per_hour / 60)


@transaction.atomic
def service_points_debit(
    *, tenant: Company, actor, request_id: int, customer_id: int, minutes: int, contract_ids
) -> PointEntry | None:
    """Debit a points-covered service request (see the module's docstring)."""
    if contract_ids or minutes <= 0:
        return None
    account = active_account(tenant=tenant, customer_id=customer_id)
    if account is None or account.program.service_points_per_hour <= 0:
        return None
    if _already(account, EntryKind.SERVICE_DEBIT, source_request_id=request_id):
        return None
    return debit_checked(
        tenant=tenant,
        actor=actor,
        account=account,
        kind=EntryKind.SERVICE_DEBIT,
        points=service_points(program=account.program, minutes=minutes),
        source_request_id=request_id,
    )


# --- Domain event handlers (fidelite.apps) ---------------------------------------------------------


def on_invoice_validated(*, tenant: Company, actor=None, invoice: Invoice, **payload) -> None:
    invoice_points_earn(tenant=tenant, actor=actor, invoice=invoice)


def on_invoice_credited(*, tenant: Company, actor=None, invoice: Invoice, **payload) -> None:
    credit_note_points_reverse(tenant=tenant, actor=actor, note=invoice)


def on_service_request_closed(
    *, tenant: Company, request_id: int, customer_id: int, intervention_minutes: int, contract_ids, **payload
) -> None:
    service_points_debit(
        tenant=tenant,
        actor=payload.get("actor"),
        request_id=request_id,
        customer_id=customer_id,
        minutes=intervention_minutes,
        contract_ids=contract_ids,
    )
