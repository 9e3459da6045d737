"""Shared data of the incoming-call tests (tests/synthese/test_cti.py, tests/e2e/test_quick_search.py)."""

from __future__ import annotations

from django_scopes import scope

from synthese.cti import cti_token_rotate
from tests.tiers.factories import AddressFactory, ThirdPartyFactory
from tests.tiers.factories_third_parties import phone_add


def customer_with_phone(tenant, name: str = "Garage Martin", e164: str = "+33123456789"):
    """A customer whose default address has the phone ``e164`` (French national digits indexed)."""
    customer = ThirdPartyFactory(tenant=tenant, name=name)
    with scope(tenant=tenant):
        address = AddressFactory(third_party=customer, tenant=tenant)
    phone_add(address, e164, "0" + e164.removeprefix("+33"))
    return customer


def tenant_token(tenant) -> str:
    with scope(tenant=tenant):
        return cti_token_rotate(tenant=tenant, actor=None)
