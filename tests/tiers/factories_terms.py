"""Factories of the terms and representatives tests: reference rows and a customer's reps."""

from __future__ import annotations

from decimal import Decimal

import factory

from tests.factories import (
    BusinessLineFactory,
    CompanyFactory,
    InternalOrganisationFactory,
    TenantFactory,
    UserFactory,
)
from tests.tiers.factories_sites_banks import CustomerFactory
from tiers import models as tiers


class PaymentTermFactory(TenantFactory):
    class Meta:
        model = tiers.PaymentTerm

    tenant = factory.SubFactory(CompanyFactory)
    code = factory.Sequence(lambda n: f"PT{n}")
    label = factory.Sequence(lambda n: f"Condition {n}")
    days = 30


class SegmentFactory(TenantFactory):
    class Meta:
        model = tiers.SegmentValue

    tenant = factory.SubFactory(CompanyFactory)
    kind = tiers.SegmentKind.REMINDER_GROUP
    code = factory.Sequence(lambda n: f"S{n}")
    label = factory.Sequence(lambda n: f"Valeur {n}")


class StatisticalAxisFactory(TenantFactory):
    class Meta:
        model = tiers.StatisticalAxis

    tenant = factory.SubFactory(CompanyFactory)
    code = factory.Sequence(lambda n: f"AX{n}")
    label = factory.Sequence(lambda n: f"Axe {n}")


class StatisticalFamilyFactory(TenantFactory):
    class Meta:
        model = tiers.StatisticalFamily

    axis = factory.SubFactory(StatisticalAxisFactory)
    tenant = factory.SelfAttribute("axis.tenant")
    code = factory.Sequence(lambda n: f"F{n}")
    label = factory.Sequence(lambda n: f"Famille {n}")


class SecondaryRepFactory(TenantFactory):
    class Meta:
        model = tiers.SecondaryRep

    third_party = factory.SubFactory(CustomerFactory)
    tenant = factory.SelfAttribute("third_party.tenant")
    user = factory.SubFactory(UserFactory)


class FollowUpFactory(TenantFactory):
    class Meta:
        model = tiers.CommercialFollowUp

    third_party = factory.SubFactory(CustomerFactory)
    tenant = factory.SelfAttribute("third_party.tenant")
    organisation = factory.SubFactory(InternalOrganisationFactory, tenant=factory.SelfAttribute("..tenant"))
    business_line = factory.SubFactory(BusinessLineFactory, tenant=factory.SelfAttribute("..tenant"))
    rep = factory.SubFactory(UserFactory)


class InvoiceFooterItemFactory(TenantFactory):
    class Meta:
        model = tiers.InvoiceFooterItem

    third_party = factory.SubFactory(CustomerFactory)
    tenant = factory.SelfAttribute("third_party.tenant")
    position = factory.Sequence(lambda n: n + 1)
    code = factory.Sequence(lambda n: f"PF{n}")
    label = factory.Sequence(lambda n: f"Remise {n}")
    kind = tiers.FooterItemKind.DISCOUNT
    value_type = tiers.FooterValueType.PERCENT
    value = Decimal("5.00")
