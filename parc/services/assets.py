"""Writes of assets (biens) and their financing.

Asset rules: the site, when given, is one of the customer's sites; the status "en prêt" is refused
for a customer whose terms do not allow loans (``ThirdParty.loans_allowed``); the business line
defaults to the article's. Financing rules: the financer is a third party with the financer role;
the start is on or before the end; rent and remaining amount are Decimal and not negative. The
financing row stores the asset's customer, site and business line. Every write is audited.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crm.models import Company
from crm.services.audit import audit_changes, audit_record, audit_snapshot
from parc.models import Asset, AssetStatus, Financing
from tiers.models import ThirdParty

ASSET_FIELDS = (
    "article",
    "site",
    "business_line",
    "serial",
    "provider_id",
    "label",
    "installed_on",
    "status",
)
_ASSET_AUDITED = (
    "customer_id",
    "site_id",
    "business_line_id",
    "article_id",
    "serial",
    "provider_id",
    "label",
    "installed_on",
    "status",
)
FINANCING_FIELDS = (
    "financer",
    "internal_number",
    "external_number",
    "starts_on",
    "ends_on",
    "duration_months",
    "rent",
    "remaining",
    "financing_type",
)
_FINANCING_AUDITED = tuple(f"{name}_id" if name == "financer" else name for name in FINANCING_FIELDS)


def message_loan_refused(customer: str) -> str:
    return _("Le prêt n'est pas autorisé pour le client %(customer)s : le statut « En prêt » est refusé.") % {
        "customer": customer
    }


def message_foreign_site() -> str:
    return _("Ce site n'appartient pas à ce client.")


def message_not_a_financer(name: str) -> str:
    return _("%(name)s n'est pas un financeur : ajoutez-lui d'abord le rôle financeur.") % {"name": name}


def message_financing_dates() -> str:
    return _("La date de fin du financement doit être postérieure ou égale à sa date de début.")


def message_negative_amount() -> str:
    return _("Le montant ne peut pas être négatif.")


def _tenant_check(tenant: Company, *rows) -> None:
    for row in rows:
        if row is not None and row.tenant_id != tenant.pk:
            raise ValueError(f"{type(row).__name__} {row.pk} is not a row of tenant {tenant.pk}")


def _asset_clean(asset: Asset) -> None:
    errors: dict[str, list[str]] = {}
    if asset.site is not None and asset.site.third_party_id != asset.customer_id:
        errors["site"] = [message_foreign_site()]
    if asset.status == AssetStatus.ON_LOAN and not asset.customer.loans_allowed:
        errors["status"] = [message_loan_refused(asset.customer.name)]
    if errors:
        raise ValidationError(errors)
    asset.full_clean()


def _fields_check(fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")


@transaction.atomic
def asset_create(*, tenant: Company, actor, customer: ThirdParty, **fields: Any) -> Asset:
    """Create an asset of ``customer`` (``fields``: article, site, business_line, serial,
    provider_id, label, installed_on, status); the business line defaults to the article's."""
    _fields_check(fields, ASSET_FIELDS)
    asset = Asset(tenant=tenant, customer=customer, **fields)
    _tenant_check(tenant, customer, asset.article, asset.site, asset.business_line)
    if asset.business_line is None:
        asset.business_line = asset.article.business_line
    _asset_clean(asset)
    asset.save()
    audit_record(
        tenant=tenant,
        actor=actor,
        action="asset.create",
        instance=asset,
        changes=audit_changes({}, audit_snapshot(asset, _ASSET_AUDITED)),
    )
    return asset


@transaction.atomic
def asset_update(*, tenant: Company, actor, asset: Asset, **fields: Any) -> Asset:
    _fields_check(fields, ASSET_FIELDS)
    if asset.tenant_id != tenant.pk:
        raise ValueError("The asset does not belong to the tenant.")
    before = audit_snapshot(asset, _ASSET_AUDITED)
    for name, value in fields.items():
        setattr(asset, name, value)
    _tenant_check(tenant, asset.article, asset.site, asset.business_line)
    if asset.business_line is None:
        asset.business_line = asset.article.business_line
    _asset_clean(asset)
    asset.save()
    changes = audit_changes(before, audit_snapshot(asset, _ASSET_AUDITED))
    if changes:
        audit_record(tenant=tenant, actor=actor, action="asset.update", instance=asset, changes=changes)
    return asset


def _financing_clean(financing: Financing) -> None:
    errors: dict[str, list[str]] = {}
    if not financing.financer.is_financer:
        errors["financer"] = [message_not_a_financer(financing.financer.name)]
    if financing.starts_on and financing.ends_on and financing.starts_on > financing.ends_on:
        errors["ends_on"] = [message_financing_dates()]
    for name in ("rent", "remaining"):
        value = getattr(financing, name)
        if value is not None and Decimal(value) < 0:
            errors[name] = [message_negative_amount()]
    if errors:
        raise ValidationError(errors)
    financing.full_clean()


@transaction.atomic
def financing_create(*, tenant: Company, actor, asset: Asset, **fields: Any) -> Financing:
    """Add a financing to ``asset`` (``fields``: financer, internal_number, external_number,
    starts_on, ends_on, duration_months, rent, remaining, financing_type)."""
    _fields_check(fields, FINANCING_FIELDS)
    financing = Financing(
        tenant=tenant,
        asset=asset,
        customer_id=asset.customer_id,
        site_id=asset.site_id,
        business_line_id=asset.business_line_id,
        **fields,
    )
    _tenant_check(tenant, asset, financing.financer)
    _financing_clean(financing)
    financing.save()
    audit_record(
        tenant=tenant,
        actor=actor,
        action="financing.create",
        instance=financing,
        changes=audit_changes({}, audit_snapshot(financing, _FINANCING_AUDITED)),
    )
    return financing


@transaction.atomic
def financing_update(*, tenant: Company, actor, financing: Financing, **fields: Any) -> Financing:
    _fields_check(fields, FINANCING_FIELDS)
    if financing.tenant_id != tenant.pk:
        raise ValueError("The financing does not belong to the tenant.")
    before = audit_snapshot(financing, _FINANCING_AUDITED)
    for name, value in fields.items():
        setattr(financing, name, value)
    _tenant_check(tenant, financing.financer)
    _financing_clean(financing)
    financing.save()
    changes = audit_changes(before, audit_snapshot(financing, _FINANCING_AUDITED))
    if changes:
        audit_record(
            tenant=tenant, actor=actor, action="financing.update", instance=financing, changes=changes
        )
    return financing
