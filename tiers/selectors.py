"""Reads of the tiers app shared by views, exports and tasks."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from crm.models import Company

from .models import Lifecycle, ThirdParty, ThirdPartyAllowedUser, ThirdPartyVisibility

VIEW_CLOSED_PERMISSION = "crm.view_closed_accounts"


def hidden_third_party_ids(*, tenant: Company, user) -> QuerySet:
    """Ids of the tenant's third parties ``user`` must not see: reserved to other users, and closed
    ones unless the user may see closed accounts. Reads only the narrow visibility table (few rows
    are hidden), so callers add ``NOT IN (…)`` at almost no cost.
    """
    reserved_to_others = Q(is_reserved=True) & ~Exists(
        ThirdPartyAllowedUser.objects.filter(tenant=tenant, third_party=OuterRef("third_party"), user=user)
    )
    hidden = reserved_to_others
    if not user.has_perm(VIEW_CLOSED_PERMISSION):
        hidden |= Q(is_closed=True)
    return ThirdPartyVisibility.objects.filter(tenant=tenant).filter(hidden).values("third_party_id")


def visible_q(*, tenant: Company, user, field: str = "third_party") -> Q:
    """A filter for any queryset whose rows belong to a third party through ``field``
    (``"pk"`` for ThirdParty itself): hides the rows of third parties hidden from ``user``."""
    return ~Q(**{f"{field}__in": hidden_third_party_ids(tenant=tenant, user=user)})


def third_parties_visible(*, tenant: Company, user) -> QuerySet[ThirdParty]:
    return ThirdParty.objects.filter(tenant=tenant).filter(visible_q(tenant=tenant, user=user, field="pk"))


def third_party_get_visible(*, tenant: Company, user, pk: int) -> ThirdParty:
    """The third party ``pk`` if ``user`` may see it; raises ThirdParty.DoesNotExist (a 404) otherwise."""
    return third_parties_visible(tenant=tenant, user=user).select_related("country", "currency").get(pk=pk)


def customers_visible(*, tenant: Company, user) -> QuerySet[ThirdParty]:
    return third_parties_visible(tenant=tenant, user=user).filter(lifecycle=Lifecycle.CUSTOMER)


def prospects_visible(*, tenant: Company, user) -> QuerySet[ThirdParty]:
    return third_parties_visible(tenant=tenant, user=user).exclude(lifecycle=Lifecycle.CUSTOMER)
