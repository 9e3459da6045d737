"""Reads of the customer's shared records (documents, exchanges, signatures, wiki pages, vault
secrets), shared by the third party's page, the record screens and other apps' pages.

Every read goes through the visibility of the record's customer (tiers.selectors.visible_q):
the records of a customer the user may not see (reserved to others, closed) do not exist for
them, exactly like another tenant's."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from crm.models import Company
from tiers.models import (
    Attachment,
    CustomerOwnedModel,
    Exchange,
    Signature,
    Site,
    ThirdParty,
    VaultSecret,
    WikiPage,
)
from tiers.selectors import visible_q
from tiers.services.targets import target_owner


class TargetNotFound(Exception):
    """The target does not exist, is not a record of a customer, or its customer is hidden."""


def records_visible(model: type[models.Model], *, tenant: Company, user) -> QuerySet:
    """``model``'s rows of ``tenant`` whose customer ``user`` may see."""
    return model.objects.filter(tenant=tenant).filter(visible_q(tenant=tenant, user=user, field="customer"))


def record_get_visible(model: type[models.Model], *, tenant: Company, user, pk: int):
    """The record ``pk`` with its customer, or ``model.DoesNotExist``."""
    return records_visible(model, tenant=tenant, user=user).select_related("customer").get(pk=pk)


def _is_target_model(model: type[models.Model] | None) -> bool:
    if model is None:
        return False
    return model in (ThirdParty, Site) or issubclass(model, CustomerOwnedModel)


def target_resolve(*, tenant: Company, user, content_type_id: int, object_id: int) -> models.Model:
    """The record (a third party, a site or any customer-owned row) named by a content type and
    an id, when ``user`` may see its customer; TargetNotFound otherwise."""
    try:
        content_type = ContentType.objects.get_for_id(content_type_id)
    except ContentType.DoesNotExist:
        raise TargetNotFound from None
    model = content_type.model_class()
    if not _is_target_model(model) or model in _SHARED_RECORDS:
        raise TargetNotFound
    field = "pk" if model is ThirdParty else "third_party" if model is Site else "customer"
    queryset = model.objects.filter(tenant=tenant).filter(visible_q(tenant=tenant, user=user, field=field))
    if model is Site:
        queryset = queryset.select_related("third_party")
    elif model is not ThirdParty:
        queryset = queryset.select_related("customer", "site")
    target = queryset.filter(pk=object_id).first()
    if target is None:
        raise TargetNotFound
    return target


def target_kwargs(target: models.Model) -> dict:
    """URL kwargs of the record screens about ``target``."""
    return {"content_type": ContentType.objects.get_for_model(target).pk, "object_id": target.pk}


def target_customer(target: models.Model) -> ThirdParty:
    return target_owner(target).customer


def _for_target(model, target: models.Model) -> QuerySet:
    return model.objects.filter(
        tenant_id=target.tenant_id,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
    )


# --- Lists ----------------------------------------------------------------------------------------


def attachments_of_customer(*, tenant: Company, customer: ThirdParty) -> QuerySet[Attachment]:
    """Every document of the customer, whatever it is about: one indexed query."""
    return (
        Attachment.objects.filter(tenant=tenant, customer=customer)
        .select_related("site", "uploaded_by")
        .order_by("-created_at", "-pk")
    )


def exchanges_for(target: models.Model) -> QuerySet[Exchange]:
    """The thread of ``target`` (oldest first), with its authors."""
    return _for_target(Exchange, target).select_related("author").order_by("created_at", "pk")


def signatures_of_customer(*, tenant: Company, customer: ThirdParty) -> QuerySet[Signature]:
    return (
        Signature.objects.filter(tenant=tenant, customer=customer)
        .select_related("document", "requested_by")
        .order_by("-sent_at", "-pk")
    )


def wiki_pages_of_customer(*, tenant: Company, customer: ThirdParty) -> QuerySet[WikiPage]:
    """The pages about the customer itself and about its sites."""
    types = ContentType.objects.get_for_models(ThirdParty, Site).values()
    return (
        WikiPage.objects.filter(tenant=tenant, customer=customer, target_type__in=list(types))
        .select_related("site", "updated_by")
        .order_by("title", "pk")
    )


def wiki_pages_for(target: models.Model) -> QuerySet[WikiPage]:
    return _for_target(WikiPage, target).select_related("updated_by").order_by("title", "pk")


def vault_secrets_of_customer(*, tenant: Company, customer: ThirdParty) -> QuerySet[VaultSecret]:
    """The customer's secrets without their encrypted columns: a list never loads a secret."""
    return (
        VaultSecret.objects.filter(tenant=tenant, customer=customer)
        .defer("secret_encrypted", "notes_encrypted")
        .select_related("site")
        .order_by("label", "pk")
    )


_SHARED_RECORDS = (Attachment, Exchange, Signature, WikiPage, VaultSecret)


def target_label(row) -> str:
    """A short French label of what ``row`` is about, without a query once the content types are
    cached: the customer, the site's name, or the kind of record and its number."""
    model = ContentType.objects.get_for_id(row.target_type_id).model_class()
    if model is ThirdParty:
        return str(_("Client"))
    if model is Site and row.site_id:
        return row.site.name
    name = model._meta.verbose_name if model is not None else _("enregistrement")
    return f"{capfirst(name)} n° {row.target_id}"


def with_target_labels(rows) -> list:
    rows = list(rows)
    for row in rows:
        row.target_label = target_label(row)
    return rows
