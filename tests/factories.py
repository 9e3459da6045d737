"""factory_boy factories shared by every test folder."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_scopes import scope

from crm import models as core


class TenantFactory(factory.django.DjangoModelFactory):
    """Creates a tenant row inside the scope of its own tenant (tenant managers refuse to run unscoped)."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with scope(tenant=kwargs["tenant"]):
            return super()._create(model_class, *args, **kwargs)


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = core.Company
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"societe-{n}")
    name = factory.Sequence(lambda n: f"Société {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"utilisateur{n}")
    first_name = "Jean"
    last_name = factory.Sequence(lambda n: f"Dupont{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "motdepasse-test")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class BusinessLineFactory(TenantFactory):
    class Meta:
        model = core.BusinessLine

    tenant = factory.SubFactory(CompanyFactory)
    code = factory.Sequence(lambda n: f"BL{n}")
    name = factory.Sequence(lambda n: f"Activité {n}")


class InternalOrganisationFactory(TenantFactory):
    class Meta:
        model = core.InternalOrganisation

    tenant = factory.SubFactory(CompanyFactory)
    code = factory.Sequence(lambda n: f"ORG{n}")
    name = factory.Sequence(lambda n: f"Agence {n}")


class MembershipFactory(TenantFactory):
    class Meta:
        model = core.Membership

    tenant = factory.SubFactory(CompanyFactory)
    user = factory.SubFactory(UserFactory)
    role = factory.LazyFunction(lambda: Group.objects.get(name="Commercial"))
    licence = core.Licence.CRM


def member(tenant: core.Company, role: str = "Commercial", licence: str = core.Licence.CRM, **user_fields):
    """A user with one active membership of ``role`` in ``tenant``."""
    user = UserFactory(**user_fields)
    MembershipFactory(tenant=tenant, user=user, role=Group.objects.get(name=role), licence=licence)
    return user
