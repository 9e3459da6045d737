"""Factories of the contacts area: contacts stored the way tiers.services.contacts leaves them
(phones in E.164 with their national digits, e-mail in lower case) and contact functions."""

from __future__ import annotations

import factory

from crm.normalize import phone_digits
from tests.factories import CompanyFactory, TenantFactory
from tests.tiers.factories import ContactFactory, ContactLinkFactory, ThirdPartyFactory
from tiers import models as tiers
from tiers.models.reference import SegmentKind


class ContactFunctionFactory(TenantFactory):
    class Meta:
        model = tiers.SegmentValue

    tenant = factory.SubFactory(CompanyFactory)
    kind = SegmentKind.CONTACT_FUNCTION
    code = factory.Sequence(lambda n: f"FCT{n}")
    label = factory.Sequence(lambda n: f"Fonction {n}")


class StoredContactFactory(ContactFactory):
    """A contact whose phone digits are filled like the service does."""

    phone = ""
    mobile = ""

    phone_digits = factory.LazyAttribute(lambda c: phone_digits(c.phone) if c.phone else "")
    mobile_digits = factory.LazyAttribute(lambda c: phone_digits(c.mobile) if c.mobile else "")


class TPFactory(ThirdPartyFactory):
    """The shared factory without factory_boy's deprecated second save after its visibility hook."""

    class Meta:
        model = tiers.ThirdParty
        skip_postgeneration_save = True


class LinkFactory(ContactLinkFactory):
    """A contact linked (as default) to a new third party, both built without deprecated saves."""

    third_party = factory.SubFactory(TPFactory)
