"""Factories and builders for the list and page tests: a third party with its whole neighbourhood."""

from __future__ import annotations

import factory
from django.utils import timezone
from django_scopes import scope

from crm.normalize import phone_digits
from tests.factories import BusinessLineFactory, CompanyFactory, TenantFactory
from tests.tiers.factories import (
    AddressFactory,
    BankAccountFactory,
    ContactFactory,
    ContactLinkFactory,
    SiteFactory,
    ThirdPartyFactory,
)
from tiers import models as tiers
from tiers.models.addresses import PhoneKind


class ListThirdPartyFactory(ThirdPartyFactory):
    """The shared factory, without factory_boy's deprecated save after the post-generation hook
    (its visibility hook writes another row; the third party itself needs no second save)."""

    class Meta:
        model = tiers.ThirdParty
        skip_postgeneration_save = True


class TagFactory(TenantFactory):
    class Meta:
        model = tiers.Tag

    tenant = factory.SubFactory(CompanyFactory)
    label = factory.Sequence(lambda n: f"Étiquette {n}")


class SegmentValueFactory(TenantFactory):
    class Meta:
        model = tiers.SegmentValue

    tenant = factory.SubFactory(CompanyFactory)
    kind = tiers.SegmentKind.CONTACT_FUNCTION
    code = factory.Sequence(lambda n: f"V{n}")
    label = factory.Sequence(lambda n: f"Valeur {n}")


class AddressPhoneFactory(TenantFactory):
    class Meta:
        model = tiers.AddressPhone

    address = factory.SubFactory(AddressFactory)
    tenant = factory.SelfAttribute("address.tenant")
    kind = PhoneKind.PHONE
    number = "+33478000000"
    digits = factory.LazyAttribute(lambda phone: phone_digits(phone.number))


class AddressEmailFactory(TenantFactory):
    class Meta:
        model = tiers.AddressEmail

    address = factory.SubFactory(AddressFactory)
    tenant = factory.SelfAttribute("address.tenant")
    email = "accueil@example.com"


class SiteBusinessLineFactory(TenantFactory):
    class Meta:
        model = tiers.SiteBusinessLine

    site = factory.SubFactory(SiteFactory)
    tenant = factory.SelfAttribute("site.tenant")
    business_line = factory.SubFactory(BusinessLineFactory, tenant=factory.SelfAttribute("..tenant"))


class ShipToFactory(TenantFactory):
    class Meta:
        model = tiers.ShipTo

    address = factory.SubFactory(AddressFactory)
    third_party = factory.SelfAttribute("address.third_party")
    tenant = factory.SelfAttribute("third_party.tenant")
    lead_time_days = 2
    incoterm = "DAP"


def third_party(
    tenant,
    name: str,
    *,
    code: str | None = None,
    lifecycle: str = tiers.Lifecycle.CUSTOMER,
    postal_code: str = "69002",
    city: str = "LYON",
    phone: str | None = None,
    business_lines=(),
    rep=None,
    tags=(),
    is_closed: bool = False,
    is_blocked: bool = False,
    allowed_users=(),
    with_site: bool = True,
) -> tiers.ThirdParty:
    """A third party with a default address (and, by default, a main site on it), its phone,
    the business lines of its main site with ``rep``, its tags and its allowed users."""
    fields = {"tenant": tenant, "name": name, "lifecycle": lifecycle, "is_blocked": is_blocked}
    if code is not None:
        fields["code"] = code
    if is_closed:
        fields.update(is_closed=True, closed_at=timezone.now())
    if allowed_users:
        fields["is_reserved"] = True
    record = ListThirdPartyFactory(**fields)
    address = AddressFactory(third_party=record, tenant=tenant, postal_code=postal_code, city=city)
    if phone:
        AddressPhoneFactory(address=address, number=phone)
    if with_site:
        site = SiteFactory(address=address, third_party=record, tenant=tenant)
        for line in business_lines:
            SiteBusinessLineFactory(site=site, business_line=line, rep=rep)
    with scope(tenant=tenant):
        for tag in tags:
            tiers.ThirdPartyTag.objects.create(tenant=tenant, third_party=record, tag=tag)
        for user in allowed_users:
            tiers.ThirdPartyAllowedUser.objects.create(tenant=tenant, third_party=record, user=user)
    return record


def rich_third_party(tenant, name: str, *, size: int, rep=None, business_line=None) -> tiers.ThirdParty:
    """A customer with ``size`` addresses (two phones and an e-mail each), sites, contacts, ship-to
    rows and bank accounts: the page of a small (size 1) and a large (size 5) customer."""
    record = ListThirdPartyFactory(tenant=tenant, name=name)
    function = SegmentValueFactory(tenant=tenant, label="Responsable achats")
    for index in range(size):
        address = AddressFactory(
            third_party=record, tenant=tenant, code=f"{index + 1:03d}", is_default=index == 0
        )
        AddressPhoneFactory(address=address, number=f"+3347800000{index}")
        AddressPhoneFactory(address=address, kind=PhoneKind.MOBILE, number=f"+3361200000{index}")
        AddressEmailFactory(address=address, email=f"site{index}@example.com")
        site = SiteFactory(
            address=address,
            third_party=record,
            tenant=tenant,
            name=f"Site {index + 1}",
            is_main=index == 0,
            latitude="45.764043",
            longitude="4.835659",
        )
        if business_line is not None:
            SiteBusinessLineFactory(site=site, business_line=business_line, rep=rep)
        contact = ContactFactory(
            tenant=tenant,
            last_name=f"Martin{index}",
            first_name="Claire",
            function=function,
            email=f"claire.martin{index}@example.com",
            phone="+33478123456",
        )
        ContactLinkFactory(
            third_party=record, tenant=tenant, contact=contact, address=address, is_default=index == 0
        )
        ShipToFactory(address=address, third_party=record, tenant=tenant)
        BankAccountFactory(
            address=address,
            third_party=record,
            tenant=tenant,
            iban="FR7630006000011234567890189" if index == 0 else _iban(index),
            is_default=index == 0,
        )
    return record


def _iban(index: int) -> str:
    from schwifty import IBAN

    return str(
        IBAN.generate("FR", bank_code="30004", branch_code="00001", account_code=f"{index:011d}")
    ).replace(" ", "")
