"""Factories and builders of the sites, ship-to and bank-account tests."""

from __future__ import annotations

import factory
from django_scopes import scope

from tests.factories import TenantFactory, member
from tests.tiers.factories import AddressFactory, ThirdPartyFactory
from tiers import models as tiers

# A valid French account: RIB 30006 00001 12345678901 key 89 (Crédit Agricole's bank code).
IBAN_FR = "FR7630006000011234567890189"
# Another valid one: RIB 20041 01005 0500013M026 key 06 (La Banque Postale's documented example).
IBAN_FR_2 = "FR1420041010050500013M02606"
IBAN_DE = "DE89370400440532013000"


class CustomerFactory(ThirdPartyFactory):
    """The shared factory, without factory_boy's deprecated save after the post-generation hook."""

    class Meta:
        model = tiers.ThirdParty
        skip_postgeneration_save = True


class CarrierFactory(CustomerFactory):
    name = factory.Sequence(lambda n: f"Transports Exemple {n}")
    is_carrier = True
    lifecycle = tiers.Lifecycle.CUSTOMER


class ShipToFactory(TenantFactory):
    class Meta:
        model = tiers.ShipTo

    address = factory.SubFactory(AddressFactory)
    third_party = factory.SelfAttribute("address.third_party")
    tenant = factory.SelfAttribute("third_party.tenant")
    lead_time_days = 2
    working_days = factory.LazyFunction(lambda: [1, 2, 3, 4, 5])


def customer_with_address(tenant, *, code: str = "001", **fields) -> tuple[tiers.ThirdParty, tiers.Address]:
    """A customer of ``tenant`` and its default address ``code``."""
    third_party = CustomerFactory(tenant=tenant, **fields)
    address = AddressFactory(third_party=third_party, tenant=tenant, code=code)
    return third_party, address


def reserved_customer(tenant) -> tiers.ThirdParty:
    """A customer reserved to another user of ``tenant`` (invisible to everyone else)."""
    owner = member(tenant, "Commercial")
    third_party = CustomerFactory(tenant=tenant, is_reserved=True)
    AddressFactory(third_party=third_party, tenant=tenant, code="001")
    with scope(tenant=tenant):
        tiers.ThirdPartyAllowedUser.objects.create(tenant=tenant, third_party=third_party, user=owner)
    return third_party
