"""factory_boy factories of the tiers app (rows created the way the services leave them)."""

from __future__ import annotations

import factory
from django_scopes import scope

from crm.models import Country, Currency
from crm.normalize import normalize_text
from tests.factories import CompanyFactory, TenantFactory
from tiers import models as tiers


class ThirdPartyFactory(TenantFactory):
    """A third party with its visibility row (the services always write both)."""

    class Meta:
        model = tiers.ThirdParty
        skip_postgeneration_save = True

    tenant = factory.SubFactory(CompanyFactory)
    code = factory.Sequence(lambda n: f"C{n:06d}")
    name = factory.Sequence(lambda n: f"Société Exemple {n}")
    name_search = factory.LazyAttribute(lambda tp: normalize_text(tp.name))
    country = factory.LazyFunction(lambda: Country.objects.get(code="FR"))
    currency = factory.LazyFunction(lambda: Currency.objects.get(code="EUR"))
    lifecycle = tiers.Lifecycle.CUSTOMER

    @factory.post_generation
    def visibility(obj, create, extracted, **kwargs):
        if create:
            with scope(tenant=obj.tenant):
                tiers.ThirdPartyVisibility.objects.update_or_create(
                    third_party=obj,
                    defaults={
                        "tenant": obj.tenant,
                        "is_closed": obj.is_closed,
                        "is_reserved": obj.is_reserved,
                    },
                )


class AddressFactory(TenantFactory):
    class Meta:
        model = tiers.Address

    third_party = factory.SubFactory(ThirdPartyFactory)
    tenant = factory.SelfAttribute("third_party.tenant")
    code = factory.Sequence(lambda n: f"{n % 1000:03d}")
    line1 = "12 rue de la République"
    postal_code = "69002"
    city = "LYON"
    subdivision = "69"
    country = factory.LazyFunction(lambda: Country.objects.get(code="FR"))
    is_default = True


class SiteFactory(TenantFactory):
    class Meta:
        model = tiers.Site

    address = factory.SubFactory(AddressFactory)
    third_party = factory.SelfAttribute("address.third_party")
    tenant = factory.SelfAttribute("third_party.tenant")
    name = factory.Sequence(lambda n: f"Site {n}")
    is_main = True


class ContactFactory(TenantFactory):
    class Meta:
        model = tiers.Contact

    tenant = factory.SubFactory(CompanyFactory)
    key = factory.Sequence(lambda n: f"{n:015d}")
    civility = tiers.Civility.MR
    first_name = "Jean"
    last_name = factory.Sequence(lambda n: f"Dupont{n}")


class ContactLinkFactory(TenantFactory):
    class Meta:
        model = tiers.ContactLink

    third_party = factory.SubFactory(ThirdPartyFactory)
    tenant = factory.SelfAttribute("third_party.tenant")
    contact = factory.SubFactory(ContactFactory, tenant=factory.SelfAttribute("..tenant"))
    is_default = True


class BankAccountFactory(TenantFactory):
    class Meta:
        model = tiers.BankAccount

    address = factory.SubFactory(AddressFactory)
    third_party = factory.SelfAttribute("address.third_party")
    tenant = factory.SelfAttribute("third_party.tenant")
    iban = "FR7630006000011234567890189"
    bic = "AGRIFRPP"
    bank_name = "Crédit Agricole"
    domiciliation = "Lyon Part-Dieu"
    is_default = True
