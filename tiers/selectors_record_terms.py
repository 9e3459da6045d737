"""Reads of the commercial and billing conditions shown by the customer record's "Informations
complémentaires" (synthese/record_terms.py): the third party with every referenced row joined,
its default address (the fallback of the billing and delivery addresses) and its invoice footer
discounts and fees. Three queries whatever the customer."""

from __future__ import annotations

from django.db.models import QuerySet

from crm.models import Company

from .models import Address, InvoiceFooterItem, ThirdParty
from .selectors_terms import TERMS_RELATED

RECORD_TERMS_RELATED = (
    *TERMS_RELATED,
    "country",
    "currency",
    "price_list",
    "billing_address",
    "delivery_address",
)


def terms_of(*, tenant: Company, third_party: ThirdParty) -> ThirdParty:
    """``third_party`` again, with its terms' references loaded (one query)."""
    return ThirdParty.objects.select_related(*RECORD_TERMS_RELATED).get(tenant=tenant, pk=third_party.pk)


def default_address_of(*, tenant: Company, third_party: ThirdParty) -> Address | None:
    return Address.objects.filter(tenant=tenant, third_party=third_party, is_default=True).first()


def footer_items_of(*, tenant: Company, third_party: ThirdParty) -> QuerySet[InvoiceFooterItem]:
    return InvoiceFooterItem.objects.filter(tenant=tenant, third_party=third_party).order_by("position", "pk")
