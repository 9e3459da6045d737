"""Reads of quotes and orders (with their lines), shared by the list screens, their Excel exports,
the detail pages, the forms and the third party's sections.

Every read hides the documents of customers the user may not see
(``tiers.selectors.visible_q(field="customer")``). A quote's "commandé" is derived: an order points
at it (``is_ordered``, an ``Exists`` annotation). List rows carry what their columns show as
joins and annotations, so a page costs the same number of queries for 2 rows and for 25.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from crm.models import Company
from parc.models import ContractStatus, ServiceContract
from tiers.models import Exchange, Site, ThirdParty
from tiers.selectors import visible_q
from tiers.selectors_links import bill_to_candidates, ship_to_candidates

from .models import Order, OrderLine, Quote, QuoteLine

# Rows shown in the third party's sections.
SECTION_ROWS = 10


def _is_ordered(tenant: Company) -> Exists:
    return Exists(Order.objects.filter(tenant=tenant, quote=OuterRef("pk")))


def quotes_visible(*, tenant: Company, user) -> QuerySet[Quote]:
    return Quote.objects.filter(tenant=tenant).filter(visible_q(tenant=tenant, user=user, field="customer"))


def quote_rows(*, tenant: Company, user) -> QuerySet[Quote]:
    """The quote list's rows: customer, site, deal, business line and owner joined; ``is_ordered``."""
    return (
        quotes_visible(tenant=tenant, user=user)
        .select_related("customer", "site", "deal", "business_line", "owner")
        .annotate(is_ordered=_is_ordered(tenant))
    )


def quote_get_visible(*, tenant: Company, user, pk: int) -> Quote:
    """The quote ``pk`` if the user may see its customer (Quote.DoesNotExist otherwise)."""
    return quote_rows(tenant=tenant, user=user).get(pk=pk)


def quote_lines(*, tenant: Company, quote: Quote) -> QuerySet[QuoteLine]:
    return QuoteLine.objects.filter(tenant=tenant, quote=quote).select_related("article").order_by("position")


def quote_orders(*, tenant: Company, quote: Quote) -> QuerySet[Order]:
    return Order.objects.filter(tenant=tenant, quote=quote).order_by("-ordered_on", "-pk")


def quotes_of_customer(*, tenant: Company, customer: ThirdParty) -> QuerySet[Quote]:
    """The customer's latest quotes (the caller has checked the customer is visible)."""
    return (
        Quote.objects.filter(tenant=tenant, customer=customer)
        .select_related("deal", "business_line")
        .annotate(is_ordered=_is_ordered(tenant))
        .order_by("-issued_on", "-pk")[:SECTION_ROWS]
    )


def _exchange_count(tenant: Company) -> Coalesce:
    """Number of exchanges about the order (the synthèse's "Ech." column)."""
    counted = (
        Exchange.objects.filter(
            tenant=tenant, target_type=ContentType.objects.get_for_model(Order), target_id=OuterRef("pk")
        )
        .order_by()
        .values("target_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def orders_visible(*, tenant: Company, user) -> QuerySet[Order]:
    return Order.objects.filter(tenant=tenant).filter(visible_q(tenant=tenant, user=user, field="customer"))


def order_rows(*, tenant: Company, user) -> QuerySet[Order]:
    """The order list's rows: customer, site, deal, business line, ship-to joined; exchange count."""
    return (
        orders_visible(tenant=tenant, user=user)
        .select_related("customer", "site", "deal", "business_line", "ship_to", "rep_1")
        .annotate(exchange_count=_exchange_count(tenant))
    )


def order_get_visible(*, tenant: Company, user, pk: int) -> Order:
    return (
        orders_visible(tenant=tenant, user=user)
        .select_related(
            "customer", "site", "deal", "quote", "business_line", "bill_to", "ship_to", "ship_to_site"
        )
        .select_related("rep_1", "rep_2", "created_by")
        .get(pk=pk)
    )


def order_lines(*, tenant: Company, order: Order) -> QuerySet[OrderLine]:
    return (
        OrderLine.objects.filter(tenant=tenant, order=order)
        .select_related("article", "service_contract")
        .order_by("position")
    )


def orders_of_customer(*, tenant: Company, customer: ThirdParty) -> QuerySet[Order]:
    return (
        Order.objects.filter(tenant=tenant, customer=customer)
        .select_related("deal", "business_line")
        .annotate(exchange_count=_exchange_count(tenant))
        .order_by("-ordered_on", "-pk")[:SECTION_ROWS]
    )


# --- What the order form offers -------------------------------------------------------------------


@dataclass(frozen=True)
class OrderParties:
    """The bill-to and ship-to parties an order of ``customer`` may use (management links), the
    default of each first."""

    bill_to: list[ThirdParty]
    ship_to: list[ThirdParty]

    @property
    def default_bill_to(self) -> ThirdParty | None:
        return self.bill_to[0] if self.bill_to else None

    @property
    def default_ship_to(self) -> ThirdParty | None:
        return self.ship_to[0] if self.ship_to else None


def order_parties(*, tenant: Company, user, customer: ThirdParty) -> OrderParties:
    return OrderParties(
        bill_to=bill_to_candidates(tenant=tenant, user=user, ordering_party=customer),
        ship_to=ship_to_candidates(tenant=tenant, user=user, ordering_party=customer),
    )


def ship_to_sites(*, tenant: Company, parties: list[ThirdParty]) -> QuerySet[Site]:
    return (
        Site.objects.filter(tenant=tenant, third_party__in=parties)
        .select_related("third_party")
        .order_by("third_party__name", "-is_main", "name")
    )


def service_contracts_of(*, tenant: Company, customer: ThirdParty) -> QuerySet[ServiceContract]:
    """The customer's active contracts an order line may carry."""
    return ServiceContract.objects.filter(
        tenant=tenant, customer=customer, status=ContractStatus.ACTIVE
    ).order_by("code")
