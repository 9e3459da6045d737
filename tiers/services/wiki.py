"""Wiki pages about a customer, one of its sites, an asset or an equipment: plain text, audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crm.models import Company
from crm.services.audit import audit_changes, audit_record, audit_snapshot
from tiers.models import WikiPage

from .targets import target_fields

FIELDS = ("title", "body")


def _title_check(title: str) -> str:
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Le titre est obligatoire.")})
    return title


def wiki_page_create(*, tenant: Company, actor, target, title: str, body: str = "") -> WikiPage:
    title = _title_check(title)
    with transaction.atomic():
        page = WikiPage(**target_fields(target), title=title, body=body, updated_by=actor)
        page.save()
        audit_record(tenant=tenant, actor=actor, action="wiki.create", instance=page)
    return page


def wiki_page_update(*, tenant: Company, actor, page: WikiPage, title: str, body: str = "") -> WikiPage:
    title = _title_check(title)
    with transaction.atomic():
        before = audit_snapshot(page, FIELDS)
        page.title, page.body, page.updated_by = title, body, actor
        page.save()
        audit_record(
            tenant=tenant,
            actor=actor,
            action="wiki.update",
            instance=page,
            changes=audit_changes(before, audit_snapshot(page, FIELDS)),
        )
    return page


def wiki_page_delete(*, tenant: Company, actor, page: WikiPage) -> None:
    with transaction.atomic():
        audit_record(tenant=tenant, actor=actor, action="wiki.delete", instance=page)
        page.delete()
