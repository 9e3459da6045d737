"""The record a shared record (document, exchange, signature, wiki page, secret) is about, and the
customer and site that record belongs to: stored on the shared record at creation."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models

from tiers.models import CustomerOwnedModel, Site, ThirdParty


@dataclass(frozen=True)
class Owner:
    customer: ThirdParty
    site: Site | None
    business_line_id: int | None


def target_owner(target: models.Model) -> Owner:
    """Customer, site and business line of ``target``: a third party, one of its sites, or any
    customer-owned row (asset, service request, order...)."""
    if isinstance(target, ThirdParty):
        return Owner(customer=target, site=None, business_line_id=None)
    if isinstance(target, Site):
        return Owner(customer=target.third_party, site=target, business_line_id=None)
    if isinstance(target, CustomerOwnedModel):
        return Owner(customer=target.customer, site=target.site, business_line_id=target.business_line_id)
    raise TypeError(f"{type(target).__name__} belongs to no customer")


def target_fields(target: models.Model) -> dict:
    """The owner and target columns of a new shared record about ``target``."""
    owner = target_owner(target)
    return {
        "tenant_id": target.tenant_id,
        "customer": owner.customer,
        "site": owner.site,
        "business_line_id": owner.business_line_id,
        "target_type": ContentType.objects.get_for_model(target),
        "target_id": target.pk,
    }
