"""Factories of meter types and readings (rows as parc.services.meters leaves them)."""

from __future__ import annotations

import datetime

import factory

from parc import models as parc
from tests.factories import CompanyFactory, TenantFactory
from tests.parc.factories_assets import AssetFactory


class MeterTypeFactory(TenantFactory):
    class Meta:
        model = parc.MeterType
        django_get_or_create = ("tenant", "code")

    tenant = factory.SubFactory(CompanyFactory)
    code = parc.BLACK
    label = factory.LazyAttribute(
        lambda o: {"NOIR": "Noir et blanc", "COULEUR": "Couleur"}.get(o.code, o.code)
    )
    position = 1


class MeterReadingFactory(TenantFactory):
    """A reading of ``asset`` (its customer, site and business line copied)."""

    class Meta:
        model = parc.MeterReading

    asset = factory.SubFactory(AssetFactory)
    tenant = factory.SelfAttribute("asset.tenant")
    customer = factory.SelfAttribute("asset.customer")
    site = factory.SelfAttribute("asset.site")
    business_line = factory.SelfAttribute("asset.business_line")
    meter_type = factory.SubFactory(MeterTypeFactory, tenant=factory.SelfAttribute("..tenant"))
    read_on = datetime.date(2025, 1, 5)
    value = 1000
