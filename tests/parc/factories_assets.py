"""Factories of the installed base (catalogue, assets, financing, equipment, competitor assets),
shared by every parc test module (contracts, meters and requests build on AssetFactory)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory

from parc import models as parc
from tests.factories import BusinessLineFactory, CompanyFactory, TenantFactory
from tests.tiers.factories import AddressFactory, SiteFactory, ThirdPartyFactory


class BrandFactory(TenantFactory):
    class Meta:
        model = parc.Brand

    tenant = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Marque {n}")


class ArticleFamilyFactory(TenantFactory):
    """A family (no parent); pass ``parent=`` for a sub-family."""

    class Meta:
        model = parc.ArticleFamily

    tenant = factory.SubFactory(CompanyFactory)
    code = factory.Sequence(lambda n: f"FAM{n}")
    label = factory.Sequence(lambda n: f"Famille {n}")
    parent = None


class ArticleFactory(TenantFactory):
    class Meta:
        model = parc.Article

    tenant = factory.SubFactory(CompanyFactory)
    code = factory.Sequence(lambda n: f"ART{n:05d}")
    label = factory.Sequence(lambda n: f"Copieur couleur {n}")
    business_line = factory.SubFactory(BusinessLineFactory, tenant=factory.SelfAttribute("..tenant"))
    family = factory.SubFactory(ArticleFamilyFactory, tenant=factory.SelfAttribute("..tenant"))
    sub_family = None
    brand = factory.SubFactory(BrandFactory, tenant=factory.SelfAttribute("..tenant"))
    model = "C3530i"


def site_of(customer, *, code: str = "001", name: str = "Siège", is_main: bool = True):
    """A site of ``customer`` on a new address ``code`` of that customer."""
    address = AddressFactory(third_party=customer, tenant=customer.tenant, code=code, is_default=is_main)
    return SiteFactory(
        address=address, third_party=customer, tenant=customer.tenant, name=name, is_main=is_main
    )


class AssetFactory(TenantFactory):
    """An asset of a customer (a new customer when none is given), at no site by default;
    its business line is its article's, as the service sets it."""

    class Meta:
        model = parc.Asset

    tenant = factory.SubFactory(CompanyFactory)
    customer = factory.SubFactory(ThirdPartyFactory, tenant=factory.SelfAttribute("..tenant"))
    site = None
    article = factory.SubFactory(ArticleFactory, tenant=factory.SelfAttribute("..tenant"))
    business_line = factory.SelfAttribute("article.business_line")
    serial = factory.Sequence(lambda n: f"SN{n:08d}")
    provider_id = factory.Sequence(lambda n: f"P{n:06d}")
    label = factory.Sequence(lambda n: f"Copieur accueil {n}")
    installed_on = datetime.date(2024, 3, 1)
    status = parc.AssetStatus.IN_BASE


class FinancerFactory(ThirdPartyFactory):
    name = factory.Sequence(lambda n: f"Financement Exemple {n}")
    is_financer = True


class FinancingFactory(TenantFactory):
    class Meta:
        model = parc.Financing

    asset = factory.SubFactory(AssetFactory)
    tenant = factory.SelfAttribute("asset.tenant")
    customer = factory.SelfAttribute("asset.customer")
    site = factory.SelfAttribute("asset.site")
    business_line = factory.SelfAttribute("asset.business_line")
    financer = factory.SubFactory(FinancerFactory, tenant=factory.SelfAttribute("..tenant"))
    internal_number = factory.Sequence(lambda n: f"INT{n:05d}")
    external_number = factory.Sequence(lambda n: f"EXT{n:05d}")
    starts_on = datetime.date(2024, 1, 1)
    ends_on = datetime.date(2028, 12, 31)
    duration_months = 60
    rent = Decimal("189.00")
    remaining = Decimal("5670.00")
    financing_type = "Location financière"


class EquipmentFactory(TenantFactory):
    class Meta:
        model = parc.Equipment

    tenant = factory.SubFactory(CompanyFactory)
    customer = factory.SubFactory(ThirdPartyFactory, tenant=factory.SelfAttribute("..tenant"))
    asset = None
    serial = factory.Sequence(lambda n: f"EQ{n:08d}")
    hostname = factory.Sequence(lambda n: f"poste-{n}")
    model = "OptiPlex 7010"
    is_active = True


class CompetitorAssetFactory(TenantFactory):
    class Meta:
        model = parc.CompetitorAsset

    tenant = factory.SubFactory(CompanyFactory)
    customer = factory.SubFactory(ThirdPartyFactory, tenant=factory.SelfAttribute("..tenant"))
    kind = parc.CompetitorAssetKind.PRINTING
    competitor = factory.Sequence(lambda n: f"Concurrent {n}")
    description = "Copieur multifonction"
