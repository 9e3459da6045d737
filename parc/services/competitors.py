"""Writes of competitors' assets (parc concurrent).

Rules: the site, when given, is one of the customer's sites; the financing's start is on or
before its end. Audited.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crm.models import Company
from crm.services.audit import audit_changes, audit_record, audit_snapshot
from parc.models import CompetitorAsset
from tiers.models import ThirdParty

from .assets import message_foreign_site

FIELDS = (
    "site",
    "business_line",
    "kind",
    "competitor",
    "description",
    "contract_initial_end_on",
    "contract_type",
    "contract_comment",
    "financing_starts_on",
    "financing_ends_on",
    "financing_duration_months",
    "financing_type",
    "financer",
    "financing_comment",
)
_AUDITED = tuple(f"{name}_id" if name in ("site", "business_line") else name for name in FIELDS)


def message_financing_dates() -> str:
    return _("La fin du financement doit être postérieure ou égale à son début.")


def _clean(row: CompetitorAsset) -> None:
    errors: dict[str, list[str]] = {}
    if row.site is not None and row.site.third_party_id != row.customer_id:
        errors["site"] = [message_foreign_site()]
    if (
        row.financing_starts_on is not None
        and row.financing_ends_on is not None
        and row.financing_starts_on > row.financing_ends_on
    ):
        errors["financing_ends_on"] = [message_financing_dates()]
    if errors:
        raise ValidationError(errors)
    row.full_clean()


def _check(tenant: Company, row: CompetitorAsset, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    for related in (row.customer, row.site, row.business_line):
        if related is not None and related.tenant_id != tenant.pk:
            raise ValueError(f"{type(related).__name__} {related.pk} is not a row of tenant {tenant.pk}")


@transaction.atomic
def competitor_asset_create(
    *, tenant: Company, actor, customer: ThirdParty, **fields: Any
) -> CompetitorAsset:
    row = CompetitorAsset(tenant=tenant, customer=customer)
    _check(tenant, row, fields)
    for name, value in fields.items():
        setattr(row, name, value)
    _check(tenant, row, {})
    _clean(row)
    row.save()
    audit_record(
        tenant=tenant,
        actor=actor,
        action="competitor_asset.create",
        instance=row,
        changes=audit_changes({}, audit_snapshot(row, _AUDITED)),
    )
    return row


@transaction.atomic
def competitor_asset_update(
    *, tenant: Company, actor, row: CompetitorAsset, **fields: Any
) -> CompetitorAsset:
    if row.tenant_id != tenant.pk:
        raise ValueError("The row does not belong to the tenant.")
    _check(tenant, row, fields)
    before = audit_snapshot(row, _AUDITED)
    for name, value in fields.items():
        setattr(row, name, value)
    _check(tenant, row, {})
    _clean(row)
    row.save()
    changes = audit_changes(before, audit_snapshot(row, _AUDITED))
    if changes:
        audit_record(
            tenant=tenant, actor=actor, action="competitor_asset.update", instance=row, changes=changes
        )
    return row
