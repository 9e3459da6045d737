"""Reads of the loyalty screens (third party's page section, history page, synthèse summary)."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from crm.models import Company
from fidelite.models import EntryKind, LoyaltyAccount, LoyaltyProgram, PointEntry
from tiers.models import ThirdParty

SECTION_PAGE_SIZE = 10
HISTORY_PAGE_SIZE = 25


def _sum(condition: Q | None = None):
    return Coalesce(Sum("entries__points", filter=condition), Value(0), output_field=IntegerField())


def account_of_customer(*, tenant: Company, customer: ThirdParty) -> LoyaltyAccount | None:
    """The customer's account with ``balance``, ``earned_total`` (earned from invoices, credit
    notes deducted) and ``credited_total`` (the same plus manual credits), in one query."""
    return (
        LoyaltyAccount.objects.filter(tenant=tenant, customer=customer)
        .select_related("program", "template_override", "offered_contract")
        .annotate(
            balance=_sum(),
            earned_total=_sum(Q(entries__kind=EntryKind.EARNED)),
            credited_total=_sum(Q(entries__kind__in=[EntryKind.EARNED, EntryKind.MANUAL_CREDIT])),
        )
        .first()
    )


def last_manual_credit(*, tenant: Company, account: LoyaltyAccount) -> PointEntry | None:
    return (
        PointEntry.objects.filter(tenant=tenant, account=account, kind=EntryKind.MANUAL_CREDIT)
        .select_related("author")
        .order_by("-created_at", "-pk")
        .first()
    )


def account_entries(*, tenant: Company, account: LoyaltyAccount) -> QuerySet[PointEntry]:
    return (
        PointEntry.objects.filter(tenant=tenant, account=account)
        .select_related("author", "source_invoice", "source_request")
        .order_by("-occurred_on", "-pk")
    )


def entries_page(*, tenant: Company, account: LoyaltyAccount, number, size: int) -> Page:
    """One page of the ledger, newest first (two queries: the count and the page)."""
    return Paginator(account_entries(tenant=tenant, account=account), size).get_page(number)


def programs_active(*, tenant: Company) -> QuerySet[LoyaltyProgram]:
    return LoyaltyProgram.objects.filter(tenant=tenant, is_active=True).order_by("name")
