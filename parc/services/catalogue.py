"""Writes of the article catalogue.

Rules: the code is unique in the company; a family is a top-level family; a sub-family needs a
family and must be one of that family's sub-families; the business line, family, sub-family and
brand belong to the company. Audited.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crm.models import BusinessLine, Company
from crm.services.audit import audit_changes, audit_record, audit_snapshot
from parc.models import Article, ArticleFamily, Brand

_FIELDS = ("code", "label", "business_line", "family", "sub_family", "brand", "model", "is_active")
_AUDITED = (
    "code",
    "label",
    "business_line_id",
    "family_id",
    "sub_family_id",
    "brand_id",
    "model",
    "is_active",
)


def message_code_taken(code: str) -> str:
    return _("Le code article %(code)s existe déjà.") % {"code": code}


def message_family_is_sub_family() -> str:
    return _("Choisissez une famille, pas une sous-famille.")


def message_sub_family_without_family() -> str:
    return _("Choisissez d'abord la famille de cette sous-famille.")


def message_sub_family_mismatch(sub_family: str, family: str) -> str:
    return _("La sous-famille %(sub_family)s n'appartient pas à la famille %(family)s.") % {
        "sub_family": sub_family,
        "family": family,
    }


def message_not_a_sub_family() -> str:
    return _("Cette famille n'est pas une sous-famille.")


def _clean(*, tenant: Company, article: Article) -> None:
    errors: dict[str, list[str]] = {}
    for name, model in (
        ("business_line", BusinessLine),
        ("family", ArticleFamily),
        ("sub_family", ArticleFamily),
        ("brand", Brand),
    ):
        related = getattr(article, name)
        if related is not None and related.tenant_id != tenant.pk:
            raise ValueError(f"{model.__name__} {related.pk} is not a row of tenant {tenant.pk}")
    family, sub_family = article.family, article.sub_family
    if family is not None and family.parent_id is not None:
        errors["family"] = [message_family_is_sub_family()]
    if sub_family is not None:
        if sub_family.parent_id is None:
            errors["sub_family"] = [message_not_a_sub_family()]
        elif family is None:
            errors["sub_family"] = [message_sub_family_without_family()]
        elif sub_family.parent_id != family.pk:
            errors["sub_family"] = [message_sub_family_mismatch(sub_family.label, family.label)]
    code_taken = (
        Article.objects.filter(tenant=tenant, code__iexact=article.code).exclude(pk=article.pk).exists()
    )
    if code_taken:
        errors["code"] = [message_code_taken(article.code)]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def article_create(*, tenant: Company, actor, **fields: Any) -> Article:
    """Create an article from ``fields`` (code, label, business_line, family, sub_family, brand,
    model, is_active)."""
    unknown = set(fields) - set(_FIELDS)
    if unknown:
        raise TypeError(f"Unknown article fields: {sorted(unknown)}")
    article = Article(tenant=tenant, **fields)
    article.code = article.code.strip().upper()
    _clean(tenant=tenant, article=article)
    article.full_clean(validate_unique=False)
    article.save()
    audit_record(
        tenant=tenant,
        actor=actor,
        action="article.create",
        instance=article,
        changes=audit_changes({}, audit_snapshot(article, _AUDITED)),
    )
    return article


@transaction.atomic
def article_update(*, tenant: Company, actor, article: Article, **fields: Any) -> Article:
    unknown = set(fields) - set(_FIELDS)
    if unknown:
        raise TypeError(f"Unknown article fields: {sorted(unknown)}")
    if article.tenant_id != tenant.pk:
        raise ValueError("The article does not belong to the tenant.")
    before = audit_snapshot(article, _AUDITED)
    for name, value in fields.items():
        setattr(article, name, value)
    article.code = article.code.strip().upper()
    _clean(tenant=tenant, article=article)
    article.full_clean(validate_unique=False)
    article.save()
    changes = audit_changes(before, audit_snapshot(article, _AUDITED))
    if changes:
        audit_record(tenant=tenant, actor=actor, action="article.update", instance=article, changes=changes)
    return article
