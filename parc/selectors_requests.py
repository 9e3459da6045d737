"""Reads of service requests (DIT), their assets, coverages and interventions, shared by the list
screen, its Excel export, the request's page, the third party's page and the services.

Every read of a request hides those of customers the user may not see
(``tiers.selectors.visible_q(field="customer")``): a reserved customer's requests are absent from
lists and a 404 on their pages. List rows carry what their columns show as joins and one
correlated sum (total intervention minutes), so a page costs the same for 2 rows and 25.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import IntegerField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from crm.models import Company, Membership
from tiers.models import Attachment, Contact, ContactLink, ThirdParty
from tiers.selectors import visible_q

from .models import (
    Asset,
    Intervention,
    ServiceContract,
    ServiceRequest,
    ServiceRequestAsset,
    ServiceRequestCoverage,
)
from .selectors_contracts import contracts_covering

RECENT_REQUESTS = 10


def requests_visible(*, tenant: Company, user) -> QuerySet[ServiceRequest]:
    return ServiceRequest.objects.filter(tenant=tenant).filter(
        visible_q(tenant=tenant, user=user, field="customer")
    )


def _minutes_sum(tenant: Company) -> Coalesce:
    """A correlated ``SUM(duration_minutes)`` of the outer request's interventions."""
    total = (
        Intervention.objects.filter(tenant=tenant, request=OuterRef("pk"))
        .order_by()
        .values("request")
        .annotate(total=Sum("duration_minutes"))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=IntegerField()), 0)


def request_rows(*, tenant: Company, user) -> QuerySet[ServiceRequest]:
    """The request list's rows: customer, site, business line, requester and principal joined;
    ``total_minutes`` of the interventions annotated (constant query count)."""
    return (
        requests_visible(tenant=tenant, user=user)
        .select_related("customer", "site", "business_line", "requester", "principal")
        .annotate(total_minutes=_minutes_sum(tenant))
    )


def request_get_visible(*, tenant: Company, user, pk: int) -> ServiceRequest:
    """The request ``pk`` if ``user`` may see its customer; raises ServiceRequest.DoesNotExist."""
    return request_rows(tenant=tenant, user=user).select_related("created_by").get(pk=pk)


def recent_requests_of_customer(
    *, tenant: Company, user, customer: ThirdParty, limit: int = RECENT_REQUESTS
) -> list[ServiceRequest]:
    """The customer's ``limit`` most recent requests (one query, index servicerequest_recent_idx)."""
    return list(
        requests_visible(tenant=tenant, user=user)
        .filter(customer=customer)
        .select_related("business_line")
        .order_by("-started_at", "-pk")[:limit]
    )


def minutes_display(minutes: int) -> str:
    """Minutes as hours.minutes (HH.MM), like Intervention.duration_display: 90 → "01.30"."""
    hours, rest = divmod(minutes or 0, 60)
    return f"{hours:02d}.{rest:02d}"


# --- One request ----------------------------------------------------------------------------------


def request_assets(*, tenant: Company, request: ServiceRequest) -> QuerySet[Asset]:
    return (
        Asset.objects.filter(tenant=tenant, request_links__request=request)
        .select_related("article", "site")
        .order_by("label", "pk")
    )


def request_coverages(*, tenant: Company, request: ServiceRequest) -> QuerySet[ServiceRequestCoverage]:
    """The contracts proposed for the request, each with ``is_selected`` (checked ones first)."""
    return (
        ServiceRequestCoverage.objects.filter(tenant=tenant, request=request)
        .select_related("contract__contract_type")
        .order_by("-is_selected", "contract__code")
    )


def request_interventions(*, tenant: Company, request: ServiceRequest) -> QuerySet[Intervention]:
    return (
        Intervention.objects.filter(tenant=tenant, request=request)
        .select_related("technician")
        .order_by("-starts_at", "-pk")
    )


def intervention_get(*, tenant: Company, request: ServiceRequest, pk: int) -> Intervention:
    return request_interventions(tenant=tenant, request=request).get(pk=pk)


def request_documents(*, tenant: Company, request: ServiceRequest) -> QuerySet[Attachment]:
    """The documents attached to the request itself (tiers' shared records)."""
    return (
        Attachment.objects.filter(
            tenant=tenant,
            customer_id=request.customer_id,
            target_type=ContentType.objects.get_for_model(ServiceRequest),
            target_id=request.pk,
        )
        .select_related("uploaded_by")
        .order_by("-created_at", "-pk")
    )


def request_asset_ids(*, tenant: Company, request: ServiceRequest) -> list[int]:
    return list(
        ServiceRequestAsset.objects.filter(tenant=tenant, request=request)
        .order_by("pk")
        .values_list("asset_id", flat=True)
    )


def request_selected_contract_ids(*, tenant: Company, request: ServiceRequest) -> list[int]:
    return list(
        ServiceRequestCoverage.objects.filter(tenant=tenant, request=request, is_selected=True)
        .order_by("contract_id")
        .values_list("contract_id", flat=True)
    )


def request_total_minutes(*, tenant: Company, request: ServiceRequest) -> int:
    total = Intervention.objects.filter(tenant=tenant, request=request).aggregate(
        total=Sum("duration_minutes")
    )["total"]
    return total or 0


# --- Choices of the forms -------------------------------------------------------------------------


def requesters_of(*, tenant: Company, customer: ThirdParty) -> QuerySet[Contact]:
    """The contacts linked to the customer (active links), who may ask for a service."""
    links = ContactLink.objects.filter(tenant=tenant, third_party=customer, is_active=True)
    return Contact.objects.filter(tenant=tenant, pk__in=links.values("contact_id")).order_by(
        "last_name", "first_name", "pk"
    )


def technicians_of(*, tenant: Company) -> QuerySet:
    """Who may be an intervention's technician: any active member of the tenant (a dealer's
    technicians may hold any role; the Technicien role is not a condition)."""
    members = Membership.objects.filter(tenant=tenant, is_active=True).values("user_id")
    return (
        get_user_model()
        .objects.filter(pk__in=members, is_active=True)
        .order_by("last_name", "first_name", "username")
    )


def request_assets_choosable(*, tenant: Company, user, customer: ThirdParty) -> QuerySet[Asset]:
    """The customer's assets a request may concern."""
    return (
        Asset.objects.filter(tenant=tenant, customer=customer)
        .filter(visible_q(tenant=tenant, user=user, field="customer"))
        .order_by("label", "pk")
    )


def coverages_proposed(
    *, tenant: Company, asset_ids: Iterable[int], on: datetime.datetime | datetime.date | None
) -> list[ServiceContract]:
    """The active contracts covering any of ``asset_ids`` on the request's start date (today when
    none): every one is proposed, pre-checked."""
    if isinstance(on, datetime.datetime):
        on = timezone.localtime(on).date() if timezone.is_aware(on) else on.date()
    return contracts_covering(tenant=tenant, asset_ids=asset_ids, on_date=on or timezone.localdate())


# --- Billing --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BillingParty:
    """Who is invoiced for a request and who pays: the principal's bill-to and payer when set,
    else the principal itself."""

    principal: ThirdParty
    bill_to: ThirdParty
    payer: ThirdParty


def request_billing_party(request: ServiceRequest) -> BillingParty:
    """The billing defaults of the request's principal (ordering party): its ``bill_to`` and
    ``payer`` when set, else the principal (the payer falls back to the bill-to party)."""
    principal = request.principal
    bill_to = principal.bill_to or principal
    return BillingParty(principal=principal, bill_to=bill_to, payer=principal.payer or bill_to)
