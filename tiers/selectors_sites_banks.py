"""Reads of the sites, ship-to and bank-account pages (the third party's visibility is checked by
tiers.selectors.third_party_get_visible before any of these)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from crm.models import BusinessLine, Company, Membership
from tiers.models import Address, BankAccount, ShipTo, Site, SiteBusinessLine, ThirdParty
from tiers.selectors import visible_q


def message_unknown_address_code() -> str:
    return _("Code adresse inexistant")


def address_for_code(*, tenant: Company, third_party: ThirdParty, code: str) -> Address:
    """The third party's address ``code``; ValidationError {"address_code": "Code adresse inexistant"}."""
    address = Address.objects.filter(
        tenant=tenant, third_party=third_party, code=(code or "").strip()
    ).first()
    if address is None:
        raise ValidationError({"address_code": message_unknown_address_code()}, code="address_code_unknown")
    return address


def addresses_of(*, tenant: Company, third_party: ThirdParty) -> QuerySet[Address]:
    return Address.objects.filter(tenant=tenant, third_party=third_party).order_by("code")


def sites_of(*, tenant: Company, third_party: ThirdParty) -> QuerySet[Site]:
    """The third party's sites, main first, with address, business lines and reps in 2 queries."""
    from django.db.models import Prefetch

    return (
        Site.objects.filter(tenant=tenant, third_party=third_party)
        .select_related("address")
        .prefetch_related(
            Prefetch(
                "business_line_links",
                queryset=SiteBusinessLine.objects.filter(tenant=tenant)
                .select_related("business_line", "rep")
                .order_by("business_line__name"),
            )
        )
        .order_by("-is_main", "name", "pk")
    )


def site_get(*, tenant: Company, third_party: ThirdParty, pk: int) -> Site:
    """A site of this third party (Site.DoesNotExist, a 404, for any other)."""
    return Site.objects.select_related("address", "address__country").get(
        tenant=tenant, third_party=third_party, pk=pk
    )


def ship_tos_of(*, tenant: Company, third_party: ThirdParty) -> QuerySet[ShipTo]:
    return (
        ShipTo.objects.filter(tenant=tenant, third_party=third_party)
        .select_related("address", "carrier")
        .order_by("address__code", "pk")
    )


def bank_accounts_of(*, tenant: Company, third_party: ThirdParty) -> QuerySet[BankAccount]:
    return (
        BankAccount.objects.filter(tenant=tenant, third_party=third_party)
        .select_related("address", "currency", "intermediary_country")
        .order_by("-is_default", "pk")
    )


def carriers_visible(*, tenant: Company, user) -> QuerySet[ThirdParty]:
    """The carriers the user may choose: open third parties with the carrier role, visible to them."""
    return (
        ThirdParty.objects.filter(tenant=tenant, is_carrier=True, is_closed=False)
        .filter(visible_q(tenant=tenant, user=user, field="pk"))
        .order_by("name")
    )


def business_lines_of(*, tenant: Company) -> QuerySet[BusinessLine]:
    return BusinessLine.objects.filter(tenant=tenant).order_by("name")


def reps_of(*, tenant: Company) -> QuerySet:
    """The users who may be a site's rep: active members of the tenant."""
    members = Membership.objects.filter(tenant=tenant, is_active=True).values("user_id")
    return get_user_model().objects.filter(pk__in=members, is_active=True).order_by("last_name", "first_name")


def iban_masked(iban: str) -> str:
    """'FR7630006000011234567890189' → 'FR76 •••• 0189' (enough to recognise, not to copy)."""
    compact = (iban or "").replace(" ", "")
    if len(compact) <= 8:
        return compact
    return f"{compact[:4]} •••• {compact[-4:]}"


def iban_formatted(iban: str) -> str:
    """'FR7630006000011234567890189' → 'FR76 3000 6000 0112 3456 7890 189'."""
    compact = (iban or "").replace(" ", "")
    return " ".join(compact[index : index + 4] for index in range(0, len(compact), 4))
