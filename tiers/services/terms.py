"""Writes of a third party's commercial and financial terms (seed 003: commercial, management and
financial tabs), and the due-date rule that invoices read.

``third_party_terms_update`` validates every rule with a French message on its field, then saves
the terms fields of the third party's row (and its statistical families) in one transaction,
audited with a before/after diff. The database repeats the main rules as check constraints
(tiers.models.terms.TERMS_CONSTRAINTS).

A reference value (payment term, segmentation value, statistical family) must be active when it
is chosen; a value chosen while active stays accepted after it is deactivated, so editing another
field of an old customer never fails on it. The default billing and delivery addresses are
addresses of the third party itself; the VAT treatment is "auto" (derived by tiers.vat) or forced.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crm.models import Company, Membership
from crm.services.audit import audit_changes, audit_record, audit_snapshot
from tiers.models import (
    PaymentTerm,
    SegmentKind,
    StatisticalAxis,
    StatisticalFamily,
    ThirdParty,
    ThirdPartyStatisticalFamily,
)
from tiers.models.terms import CreditControl, FreeShipping
from tiers.selectors import third_parties_visible

MAX_PAYMENT_DAYS = 4
SEGMENT_FIELDS = {
    "reminder_group": SegmentKind.REMINDER_GROUP,
    "tax_regime": SegmentKind.TAX_REGIME,
    "commission_category": SegmentKind.COMMISSION_CATEGORY,
    "price_list": SegmentKind.PRICE_LIST,
}
PARTY_FIELDS = ("bill_to", "payer", "group", "credit_insurer")
# Blank means "the third party itself" for these: naming itself is refused.
SELF_PARTY_FIELDS = ("bill_to", "payer", "group")
REP_FIELDS = ("rep_1", "rep_2")
# The default billing and delivery addresses: one of the third party's own addresses.
ADDRESS_FIELDS = ("billing_address", "delivery_address")
AMOUNT_FIELDS = ("minimum_order_amount", "free_shipping_threshold", "credit_limit", "credit_insurance_amount")
FK_FIELDS = ("payment_term", *SEGMENT_FIELDS, *PARTY_FIELDS, *REP_FIELDS, *ADDRESS_FIELDS)
PLAIN_FIELDS = (
    "accounting_code",
    "payment_days",
    "unavailable_from",
    "unavailable_to",
    "is_vat_liable",
    "abc_category",
    *AMOUNT_FIELDS,
    "loans_allowed",
    "order_grouping_forbidden",
    "partial_delivery",
    "price_type",
    "billing_mode",
    "billing_periodicity",
    "free_shipping",
    "credit_control",
    "credit_insurance_expiry",
    "order_ack_text",
    "invoice_text",
    "payment_method",
    "vat_treatment",
    "invoice_sending",
)
TERMS_FIELDS = (*PLAIN_FIELDS, *FK_FIELDS)
REP_ID_FIELDS = ("rep_1_id", "rep_2_id")
AUDITED = (*PLAIN_FIELDS, *(f"{name}_id" for name in FK_FIELDS))
THRESHOLD_RULES = (FreeShipping.ABOVE_EXCL_TAX, FreeShipping.ABOVE_INCL_TAX)


def message_rep_2_without_rep_1() -> str:
    return _("Valeur incorrecte")


def message_not_a_member() -> str:
    return _("Ce représentant n'est pas un utilisateur actif de la société.")


def message_unknown_value() -> str:
    return _("Valeur inconnue ou inactive dans cette liste.")


def message_unknown_third_party() -> str:
    return _("Tiers inconnu.")


def message_itself() -> str:
    return _("Choisissez un autre tiers : laissez vide pour le tiers lui-même.")


def message_not_own_address() -> str:
    return _("Choisissez une adresse de ce tiers.")


def message_amount() -> str:
    return _("Le montant doit être positif ou nul.")


class _Errors(dict):
    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)


def payment_days_clean(days: Iterable[Any]) -> list[int]:
    """[15, '5'] → [5, 15]: at most 4 days of the month (1 to 31), each once."""
    cleaned: list[int] = []
    for day in days or ():
        try:
            number = int(day)
        except (TypeError, ValueError):
            number = 0
        if isinstance(day, bool) or not 1 <= number <= 31:
            raise ValidationError({"payment_days": _("Un jour de règlement est un jour du mois, de 1 à 31.")})
        if number in cleaned:
            raise ValidationError(
                {"payment_days": _("Le jour de règlement %(day)s est en double.") % {"day": number}}
            )
        cleaned.append(number)
    if len(cleaned) > MAX_PAYMENT_DAYS:
        raise ValidationError(
            {"payment_days": _("Au plus %(count)s jours de règlement.") % {"count": MAX_PAYMENT_DAYS}}
        )
    return sorted(cleaned)


def amount_clean(value: Any) -> Decimal | None:
    """None/'' → None; anything else a Decimal ≥ 0 (ValueError with the French message)."""
    if value is None or value == "":
        return None
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValueError(_("Montant invalide.")) from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(message_amount())
    return amount


def active_member_ids(tenant: Company, users: Sequence) -> set[int]:
    return set(
        Membership.objects.filter(
            tenant=tenant, is_active=True, user__is_active=True, user_id__in=[user.pk for user in users]
        ).values_list("user_id", flat=True)
    )


def _references_check(*, tenant, actor, third_party, before: dict, data: dict, errors: _Errors) -> None:
    """Reference values of ``data``: of the tenant, active (unless unchanged), of the right kind."""
    term = data.get("payment_term")
    if term is not None and (
        term.tenant_id != tenant.pk or (not term.is_active and term.pk != before["payment_term_id"])
    ):
        errors.add("payment_term", _("Condition de paiement inconnue ou inactive."))
    for name, kind in SEGMENT_FIELDS.items():
        value = data.get(name)
        if value is None:
            continue
        newly_inactive = not value.is_active and value.pk != before[f"{name}_id"]
        if value.tenant_id != tenant.pk or value.kind != kind or newly_inactive:
            errors.add(name, message_unknown_value())
    parties = {name: data[name] for name in PARTY_FIELDS if data.get(name) is not None}
    visible = set(
        third_parties_visible(tenant=tenant, user=actor)
        .filter(pk__in=[party.pk for party in parties.values()])
        .values_list("pk", flat=True)
    )
    for name, party in parties.items():
        if party.tenant_id != tenant.pk or party.pk not in visible:
            errors.add(name, message_unknown_third_party())
        elif name in SELF_PARTY_FIELDS and party.pk == third_party.pk:
            errors.add(name, message_itself())
    for name in ADDRESS_FIELDS:
        address = data.get(name)
        if address is not None and (
            address.tenant_id != tenant.pk or address.third_party_id != third_party.pk
        ):
            errors.add(name, message_not_own_address())
    reps = [data[name] for name in REP_FIELDS if data.get(name) is not None]
    members = active_member_ids(tenant, reps) if reps else set()
    for name in REP_FIELDS:
        rep = data.get(name)
        if rep is not None and rep.pk not in members:
            errors.add(name, message_not_a_member())


def _rules_check(terms: dict[str, Any], errors: _Errors) -> None:
    """Rules between fields, on the values after the change (``terms``: the plain fields and the
    reps' ids, so no related row is loaded)."""
    if terms["rep_2_id"] is not None and terms["rep_1_id"] is None:
        errors.add("rep_2", message_rep_2_without_rep_1())
    threshold = terms["free_shipping_threshold"]
    if terms["free_shipping"] in THRESHOLD_RULES:
        if threshold is None:
            errors.add("free_shipping_threshold", _("Indiquez le seuil du franco de port."))
        elif threshold <= 0:
            errors.add("free_shipping_threshold", _("Le seuil du franco doit être supérieur à zéro."))
    elif threshold is not None:
        errors.add(
            "free_shipping_threshold",
            _("Un seuil ne s'applique qu'au franco au-delà d'un seuil HT ou TTC."),
        )
    if terms["credit_control"] != CreditControl.NONE and terms["credit_limit"] is None:
        errors.add("credit_limit", _("Indiquez l'encours autorisé : le contrôle de l'encours en a besoin."))
    start, end = terms["unavailable_from"], terms["unavailable_to"]
    if (start is None) != (end is None):
        field = "unavailable_to" if end is None else "unavailable_from"
        errors.add(field, _("Indiquez les deux dates de la période d'indisponibilité."))
    elif start is not None and start > end:
        errors.add("unavailable_to", _("La fin de la période d'indisponibilité précède son début."))


def _families_set(*, tenant: Company, third_party: ThirdParty, families: Sequence, errors: _Errors) -> tuple:
    """One value per active axis: exactly ``families`` (an axis left out has no value)."""
    rows = list(ThirdPartyStatisticalFamily.objects.filter(tenant=tenant, third_party=third_party))
    current = {row.axis_id: row for row in rows}
    before = sorted(row.family_id for row in rows)
    axes = {axis.pk: axis for axis in StatisticalAxis.objects.filter(tenant=tenant, is_active=True)}
    wanted: dict[int, StatisticalFamily] = {}
    for family in families:
        kept = family.axis_id in current and current[family.axis_id].family_id == family.pk
        if family.tenant_id != tenant.pk or family.axis_id not in axes or not (family.is_active or kept):
            errors.add("statistical_families", _("Famille statistique inconnue ou inactive : %s.") % family)
        elif family.axis_id in wanted:
            errors.add(
                "statistical_families",
                _("Une seule famille par axe : %(axis)s.") % {"axis": axes[family.axis_id].label},
            )
        else:
            wanted[family.axis_id] = family
    if errors:
        return before, before
    for axis_id, row in current.items():
        family = wanted.get(axis_id)
        if family is None and axis_id in axes:
            row.delete()
        elif family is not None and row.family_id != family.pk:
            row.family = family
            row.save(update_fields=["family"])
    ThirdPartyStatisticalFamily.objects.bulk_create(
        [
            ThirdPartyStatisticalFamily(
                tenant=tenant, third_party=third_party, axis_id=axis_id, family=family
            )
            for axis_id, family in wanted.items()
            if axis_id not in current
        ]
    )
    after = sorted(
        ThirdPartyStatisticalFamily.objects.filter(tenant=tenant, third_party=third_party).values_list(
            "family_id", flat=True
        )
    )
    return before, after


@transaction.atomic
def third_party_terms_update(
    *, tenant: Company, actor, third_party: ThirdParty, data: dict[str, Any]
) -> ThirdParty:
    """Change the commercial and financial terms of ``third_party``.

    ``data`` holds any of TERMS_FIELDS (foreign keys as instances or None) and optionally
    ``statistical_families`` (the families, one per active axis, that replace the current ones).
    Refusals are one ValidationError with a French message per field.
    """
    data = dict(data)
    families = data.pop("statistical_families", None)
    unknown = set(data) - set(TERMS_FIELDS)
    if unknown:
        raise TypeError(f"Not terms fields of a third party: {sorted(unknown)}")
    third_party = ThirdParty.objects.select_for_update().get(tenant=tenant, pk=third_party.pk)
    before = audit_snapshot(third_party, AUDITED)
    errors = _Errors()
    _references_check(
        tenant=tenant, actor=actor, third_party=third_party, before=before, data=data, errors=errors
    )
    for name in AMOUNT_FIELDS:
        if name in data:
            try:
                data[name] = amount_clean(data[name])
            except ValueError as exc:
                errors.add(name, str(exc))
    if "payment_days" in data:
        try:
            data["payment_days"] = payment_days_clean(data["payment_days"])
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if "accounting_code" in data:
        data["accounting_code"] = (data["accounting_code"] or "").strip()
    for name in ("abc_category", "payment_method"):
        if name in data and data[name] is None:
            data[name] = ""
    for name, value in data.items():
        if name not in errors:
            setattr(third_party, name, value)
    rule_errors = _Errors()
    _rules_check({name: getattr(third_party, name) for name in (*PLAIN_FIELDS, *REP_ID_FIELDS)}, rule_errors)
    for name, messages in rule_errors.items():
        errors.setdefault(name, messages)  # a field already refused keeps its own message
    family_changes = (
        _families_set(tenant=tenant, third_party=third_party, families=families, errors=errors)
        if families is not None
        else None
    )
    if errors:
        raise ValidationError(dict(errors))
    others = [field.name for field in ThirdParty._meta.concrete_fields if field.name not in TERMS_FIELDS]
    third_party.full_clean(exclude=others, validate_unique=False)
    third_party.save(update_fields=[*TERMS_FIELDS, "updated_at"])
    changes = audit_changes(before, audit_snapshot(third_party, AUDITED))
    if family_changes is not None and family_changes[0] != family_changes[1]:
        changes["statistical_families"] = list(family_changes)
    if changes:
        audit_record(
            tenant=tenant,
            actor=actor,
            action="third_party.terms_update",
            instance=third_party,
            changes=changes,
        )
    return third_party


# --- Due date -------------------------------------------------------------------------------------


def _month_day(year: int, month: int, day: int) -> datetime.date:
    """Day ``day`` of the month, or its last day when the month is shorter (31 → 28 February)."""
    return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _next_payment_day(date: datetime.date, payment_days: Sequence[int]) -> datetime.date:
    year, month = date.year, date.month
    while True:
        candidates = [_month_day(year, month, day) for day in sorted(payment_days)]
        later = [candidate for candidate in candidates if candidate >= date]
        if later:
            return later[0]
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def payment_due_date(
    *,
    term: PaymentTerm,
    basis_date: datetime.date,
    payment_days: Sequence[int] = (),
    unavailable: tuple[datetime.date, datetime.date] | None = None,
) -> datetime.date:
    """The due date of a document under ``term`` (pure: no database access).

    ``basis_date`` is the invoice or delivery date, as ``term.due_date_basis`` says (the caller
    picks it). Steps: basis + ``term.days``; the end of that month when ``term.end_of_month``;
    then the first of the customer's ``payment_days`` on or after it (a day the month lacks is
    its last day: 31 → 30 April); then, when that date falls in the customer's unavailability
    period ``(from, to)``, the first available date, the day after the period.
    """
    due = basis_date + datetime.timedelta(days=term.days)
    if term.end_of_month:
        due = _month_day(due.year, due.month, 31)
    if payment_days:
        due = _next_payment_day(due, payment_days)
    if unavailable is not None:
        start, end = unavailable
        if start <= due <= end:
            due = end + datetime.timedelta(days=1)
    return due
