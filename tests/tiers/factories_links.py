"""Factories and builders of the links tests (management links, filiation links, relations)."""

from __future__ import annotations

import factory
from django_scopes import scope

from tests.factories import TenantFactory
from tests.tiers.factories import ContactFactory, ThirdPartyFactory
from tests.tiers.factories_sites_banks import CustomerFactory
from tiers import models as tiers
from tiers.services.links import link_types_ensure

__all__ = ["ContactFactory", "CustomerFactory", "ThirdPartyFactory"]


def types(tenant) -> dict[str, object]:
    """The company's default link and relation types (created by the service), by code; the
    filiation types are keyed "fil:<code>", the relation types "rel:<code>"."""
    with scope(tenant=tenant):
        link_types_ensure(tenant=tenant)
        found: dict[str, object] = {t.code: t for t in tiers.ManagementLinkType.objects.filter(tenant=tenant)}
        found.update({f"fil:{t.code}": t for t in tiers.FiliationLinkType.objects.filter(tenant=tenant)})
        found.update({f"rel:{t.code}": t for t in tiers.RelationType.objects.filter(tenant=tenant)})
    return found


class ManagementLinkFactory(TenantFactory):
    """An ordering party (DONORDRE) → bill-to (CL_A_FACT) link; pass ``linked_role`` for SITE_LIV."""

    class Meta:
        model = tiers.ManagementLink

    third_party = factory.SubFactory(CustomerFactory)
    tenant = factory.SelfAttribute("third_party.tenant")
    linked = factory.SubFactory(CustomerFactory, tenant=factory.SelfAttribute("..tenant"))
    role = factory.LazyAttribute(lambda o: types(o.tenant)[tiers.ORDERING_PARTY])
    linked_role = factory.LazyAttribute(lambda o: types(o.tenant)[tiers.BILL_TO])
    is_default = False


class FiliationLinkFactory(TenantFactory):
    class Meta:
        model = tiers.FiliationLink

    third_party = factory.SubFactory(CustomerFactory)
    tenant = factory.SelfAttribute("third_party.tenant")
    linked = factory.SubFactory(CustomerFactory, tenant=factory.SelfAttribute("..tenant"))
    link_type = factory.LazyAttribute(lambda o: types(o.tenant)["fil:MERE"])


class RelationFactory(TenantFactory):
    class Meta:
        model = tiers.Relation

    source_third_party = factory.SubFactory(CustomerFactory)
    tenant = factory.SelfAttribute("source_third_party.tenant")
    target = factory.SubFactory(CustomerFactory, tenant=factory.SelfAttribute("..tenant"))
    relation_type = factory.LazyAttribute(lambda o: types(o.tenant)["rel:PARTENAIRE"])
