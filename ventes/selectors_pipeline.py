"""Reads of deals (affaires) and commercial actions, shared by the list screens, their Excel
export, the detail pages and the third party's sections.

Every read hides the rows of customers the user may not see
(``tiers.selectors.visible_q(field="customer")``). List rows carry what their columns show as
``select_related`` joins, so a page costs the same number of queries for 2 rows and for 25.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from crm.models import Company
from tiers.models import Contact, ThirdParty
from tiers.selectors import visible_q

from .models import Action, ActionParticipant, Deal, Order, Quote

# "My actions to do": planned up to this many days ahead.
TODO_DAYS_AHEAD = 7
# Rows shown in the third party's sections.
SECTION_ROWS = 10


def deal_rows(*, tenant: Company, user) -> QuerySet[Deal]:
    return (
        Deal.objects.filter(tenant=tenant)
        .filter(visible_q(tenant=tenant, user=user, field="customer"))
        .select_related("customer", "site", "business_line", "organisation", "owner")
    )


def deal_get_visible(*, tenant: Company, user, pk: int) -> Deal:
    return deal_rows(tenant=tenant, user=user).get(pk=pk)


def deals_of_customer(*, tenant: Company, customer: ThirdParty) -> QuerySet[Deal]:
    """The customer's deals, newest first (the caller has checked the customer is visible)."""
    return (
        Deal.objects.filter(tenant=tenant, customer=customer)
        .select_related("owner", "business_line")
        .order_by("-opened_on", "-pk")
    )


def deal_choices(*, tenant: Company, customer: ThirdParty) -> QuerySet[Deal]:
    return Deal.objects.filter(tenant=tenant, customer=customer).order_by("-opened_on", "-pk")


def action_rows(*, tenant: Company, user) -> QuerySet[Action]:
    return (
        Action.objects.filter(tenant=tenant)
        .filter(visible_q(tenant=tenant, user=user, field="customer"))
        .select_related("customer", "site", "business_line", "contact", "deal", "owner")
    )


def action_get_visible(*, tenant: Company, user, pk: int) -> Action:
    participants = Contact.objects.filter(tenant=tenant).order_by("last_name", "first_name")
    return (
        action_rows(tenant=tenant, user=user)
        .prefetch_related(Prefetch("participants", queryset=participants))
        .get(pk=pk)
    )


def actions_of_customer(*, tenant: Company, customer: ThirdParty) -> QuerySet[Action]:
    """The customer's actions, newest first (planned or done date, whichever is set)."""
    return (
        Action.objects.filter(tenant=tenant, customer=customer)
        .select_related("owner", "contact", "deal")
        .order_by("-planned_at", "-done_at", "-pk")
    )


def actions_of_deal(*, tenant: Company, deal: Deal) -> QuerySet[Action]:
    return (
        Action.objects.filter(tenant=tenant, deal=deal)
        .select_related("owner", "contact")
        .order_by("-planned_at", "-done_at", "-pk")
    )


def quotes_of_deal(*, tenant: Company, deal: Deal) -> QuerySet[Quote]:
    return Quote.objects.filter(tenant=tenant, deal=deal).order_by("-issued_on", "-pk")


def orders_of_deal(*, tenant: Company, deal: Deal) -> QuerySet[Order]:
    return Order.objects.filter(tenant=tenant, deal=deal).order_by("-ordered_on", "-pk")


def todo_until(*, today: datetime.date | None = None) -> datetime.datetime:
    """The end of "my actions to do": the end of the day ``TODO_DAYS_AHEAD`` days from today."""
    today = today or timezone.localdate()
    last_day = today + datetime.timedelta(days=TODO_DAYS_AHEAD + 1)
    return timezone.make_aware(datetime.datetime.combine(last_day, datetime.time.min))


def participant_ids(*, tenant: Company, action: Action) -> list[int]:
    return list(
        ActionParticipant.objects.filter(tenant=tenant, action=action).values_list("contact_id", flat=True)
    )


def owner_choices(*, tenant: Company) -> QuerySet:
    """The users who may own a deal or an action: the tenant's active members."""
    return (
        get_user_model()
        .objects.filter(memberships__tenant=tenant, memberships__is_active=True)
        .order_by("last_name", "first_name", "username")
    )
