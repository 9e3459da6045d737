"""Writes of deals (affaires).

Rules: the number is the tenant's next "AFF-<year>-NNNNNN" when left blank, unique otherwise;
the site is one of the customer's sites; the owner is a member of the company; the amount is
positive or zero; the probability is between 0 and 100; the expected signature date is on or
after the opening date; a treated deal has a closing date (on or after the opening), an
untreated one has none. Audited.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import Company, Membership
from crm.services.audit import audit_changes, audit_record, audit_snapshot
from crm.services.counters import counter_format
from parc.services.assets import message_foreign_site
from tiers.models import ThirdParty
from ventes.models import Deal, DealStatus

FIELDS = (
    "number",
    "title",
    "site",
    "business_line",
    "organisation",
    "owner",
    "amount",
    "probability",
    "status",
    "opened_on",
    "expected_on",
    "closed_on",
)
_FOREIGN_KEYS = ("site", "business_line", "organisation", "owner")
_AUDITED = tuple(f"{name}_id" if name in _FOREIGN_KEYS else name for name in FIELDS)
NUMBER_PREFIX = "AFF"
NUMBER_WIDTH = 6


def message_number_taken(number: str) -> str:
    return _("Le numéro d'affaire %(number)s existe déjà.") % {"number": number}


def message_amount_negative() -> str:
    return _("Le montant doit être positif ou nul.")


def message_probability_range() -> str:
    return _("La probabilité doit être comprise entre 0 et 100.")


def message_expected_before_opened() -> str:
    return _("La date de signature prévue doit être postérieure ou égale à la date d'ouverture.")


def message_treated_without_close() -> str:
    return _("Une affaire traitée doit avoir une date de clôture.")


def message_untreated_with_close() -> str:
    return _("Une affaire non traitée n'a pas de date de clôture.")


def message_closed_before_opened() -> str:
    return _("La date de clôture doit être postérieure ou égale à la date d'ouverture.")


def message_owner_not_member() -> str:
    return _("Le responsable doit être membre de la société.")


def message_already_treated() -> str:
    return _("Cette affaire est déjà traitée.")


def number_next(*, tenant: Company, on: datetime.date) -> str:
    """The next deal number of ``on``'s year (one counter per year): AFF-2026-000042."""
    return counter_format(
        tenant=tenant,
        key=f"ventes.{NUMBER_PREFIX}.{on.year}",
        width=NUMBER_WIDTH,
        prefix=f"{NUMBER_PREFIX}-{on.year}-",
    )


def _clean(tenant: Company, deal: Deal) -> None:
    errors: dict[str, list[str]] = {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if deal.site is not None and deal.site.third_party_id != deal.customer_id:
        refuse("site", message_foreign_site())
    if (
        deal.owner_id is not None
        and not Membership.objects.filter(tenant=tenant, user_id=deal.owner_id, is_active=True).exists()
    ):
        refuse("owner", message_owner_not_member())
    if deal.amount is not None and Decimal(deal.amount) < 0:
        refuse("amount", message_amount_negative())
    if deal.probability is not None and not 0 <= deal.probability <= 100:
        refuse("probability", message_probability_range())
    if deal.opened_on and deal.expected_on and deal.expected_on < deal.opened_on:
        refuse("expected_on", message_expected_before_opened())
    if deal.status == DealStatus.TREATED and deal.closed_on is None:
        refuse("closed_on", message_treated_without_close())
    if deal.status == DealStatus.UNTREATED and deal.closed_on is not None:
        refuse("closed_on", message_untreated_with_close())
    if deal.closed_on and deal.opened_on and deal.closed_on < deal.opened_on:
        refuse("closed_on", message_closed_before_opened())
    if deal.number:
        taken = Deal.objects.filter(tenant=tenant, number=deal.number).exclude(pk=deal.pk)
        if taken.exists():
            refuse("number", message_number_taken(deal.number))
    if errors:
        raise ValidationError(errors)


def _check(tenant: Company, deal: Deal, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    for related in (deal.customer, deal.site, deal.business_line, deal.organisation):
        if related is not None and related.tenant_id != tenant.pk:
            raise ValueError(f"{type(related).__name__} {related.pk} is not a row of tenant {tenant.pk}")


def _save(tenant: Company, deal: Deal, fields: dict[str, Any]) -> None:
    _check(tenant, deal, fields)
    for name, value in fields.items():
        setattr(deal, name, value)
    _check(tenant, deal, {})
    deal.number = (deal.number or "").strip()
    _clean(tenant, deal)
    if not deal.number:
        deal.number = number_next(tenant=tenant, on=deal.opened_on or timezone.localdate())
    deal.full_clean()
    deal.save()


@transaction.atomic
def deal_create(*, tenant: Company, actor, customer: ThirdParty, **fields: Any) -> Deal:
    """A new deal of ``customer``; the opening date defaults to today, the owner to the actor."""
    if fields.get("opened_on") is None:
        fields["opened_on"] = timezone.localdate()
    if fields.get("owner") is None:
        fields["owner"] = actor
    deal = Deal(tenant=tenant, customer=customer)
    _save(tenant, deal, fields)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="deal.create",
        instance=deal,
        changes=audit_changes({}, audit_snapshot(deal, _AUDITED)),
    )
    return deal


@transaction.atomic
def deal_update(*, tenant: Company, actor, deal: Deal, **fields: Any) -> Deal:
    if deal.tenant_id != tenant.pk:
        raise ValueError("The deal does not belong to the tenant.")
    before = audit_snapshot(deal, _AUDITED)
    _save(tenant, deal, fields)
    changes = audit_changes(before, audit_snapshot(deal, _AUDITED))
    if changes:
        audit_record(tenant=tenant, actor=actor, action="deal.update", instance=deal, changes=changes)
    return deal


@transaction.atomic
def deal_mark_treated(*, tenant: Company, actor, deal: Deal, on: datetime.date | None = None) -> Deal:
    """The deal is treated, closed on ``on`` (today by default)."""
    if deal.status == DealStatus.TREATED:
        raise ValidationError({"status": [message_already_treated()]})
    before = audit_snapshot(deal, _AUDITED)
    deal.status = DealStatus.TREATED
    deal.closed_on = on or timezone.localdate()
    _clean(tenant, deal)
    deal.save(update_fields=["status", "closed_on"])
    changes = audit_changes(before, audit_snapshot(deal, _AUDITED))
    audit_record(tenant=tenant, actor=actor, action="deal.treat", instance=deal, changes=changes)
    return deal
