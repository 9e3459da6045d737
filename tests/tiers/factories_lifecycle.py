"""Test data of the prospect lifecycle and the delete: prospects, statistical axes and families,
payment terms, and a third party with one row of every kind that goes with it."""

from __future__ import annotations

import factory
from django_scopes import scope

from tests.factories import TenantFactory
from tests.tiers.factories import (
    AddressFactory,
    BankAccountFactory,
    ContactFactory,
    ContactLinkFactory,
    SiteFactory,
)
from tests.tiers.factories_third_parties import TPFactory
from tiers import models as tiers


class ProspectFactory(TPFactory):
    lifecycle = tiers.Lifecycle.PROSPECT_DRAFT


class PaymentTermFactory(TenantFactory):
    class Meta:
        model = tiers.PaymentTerm

    code = factory.Sequence(lambda n: f"P{n:03d}")
    label = factory.Sequence(lambda n: f"30 jours fin de mois {n}")
    days = 30
    end_of_month = True


class AxisFactory(TenantFactory):
    class Meta:
        model = tiers.StatisticalAxis

    code = factory.Sequence(lambda n: f"FS{n}")
    label = factory.Sequence(lambda n: f"Famille statistique {n}")
    position = factory.Sequence(lambda n: n)


class FamilyFactory(TenantFactory):
    class Meta:
        model = tiers.StatisticalFamily

    axis = factory.SubFactory(AxisFactory)
    tenant = factory.SelfAttribute("axis.tenant")
    code = factory.Sequence(lambda n: f"F{n}")
    label = factory.Sequence(lambda n: f"Famille {n}")


def family_set(third_party: tiers.ThirdParty, family: tiers.StatisticalFamily):
    with scope(tenant=third_party.tenant):
        return tiers.ThirdPartyStatisticalFamily.objects.create(
            tenant=third_party.tenant, third_party=third_party, axis=family.axis, family=family
        )


def full_third_party(tenant, **fields) -> tiers.ThirdParty:
    """A customer with 2 addresses, a site, a bank account, a ship-to, a statistical family, a
    contact of its own and a contact shared with another third party (returned as attributes)."""
    third_party = TPFactory(tenant=tenant, **fields)
    with scope(tenant=tenant):
        main = AddressFactory(tenant=tenant, third_party=third_party, code="001", is_default=True)
        other = AddressFactory(tenant=tenant, third_party=third_party, code="002", is_default=False)
        SiteFactory(tenant=tenant, third_party=third_party, address=main)
        BankAccountFactory(tenant=tenant, third_party=third_party, address=main)
        tiers.ShipTo.objects.create(tenant=tenant, third_party=third_party, address=other)
        family_set(third_party, FamilyFactory(tenant=tenant, axis=AxisFactory(tenant=tenant)))
        own = ContactLinkFactory(tenant=tenant, third_party=third_party, address=main).contact
        shared = ContactFactory(tenant=tenant)
        ContactLinkFactory(tenant=tenant, third_party=third_party, contact=shared, is_default=False)
        ContactLinkFactory(tenant=tenant, third_party=TPFactory(tenant=tenant), contact=shared)
    third_party.own_contact = own
    third_party.shared_contact = shared
    return third_party
