"""Factories of service requests, their assets and coverages, and interventions."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from parc import models as parc
from tests.factories import CompanyFactory, TenantFactory, UserFactory
from tests.tiers.factories import ThirdPartyFactory

STARTED_AT = datetime.datetime(2025, 6, 2, 9, 0, tzinfo=datetime.UTC)


class ServiceRequestFactory(TenantFactory):
    class Meta:
        model = parc.ServiceRequest

    tenant = factory.SubFactory(CompanyFactory)
    customer = factory.SubFactory(ThirdPartyFactory, tenant=factory.SelfAttribute("..tenant"))
    principal = factory.SelfAttribute("customer")
    number = factory.Sequence(lambda n: f"DIT-T-{n:06d}")
    detail = "Bourrage papier à répétition"
    started_at = STARTED_AT


class InterventionFactory(TenantFactory):
    class Meta:
        model = parc.Intervention

    request = factory.SubFactory(ServiceRequestFactory)
    tenant = factory.SelfAttribute("request.tenant")
    customer = factory.SelfAttribute("request.customer")
    technician = factory.SubFactory(UserFactory)
    starts_at = STARTED_AT
    duration_minutes = 90


def link_assets(service_request: parc.ServiceRequest, *assets: parc.Asset) -> None:
    from django_scopes import scope

    with scope(tenant=service_request.tenant):
        parc.ServiceRequestAsset.objects.bulk_create(
            [
                parc.ServiceRequestAsset(tenant=service_request.tenant, request=service_request, asset=asset)
                for asset in assets
            ]
        )


def local(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))
