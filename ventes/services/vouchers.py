"""Purchase vouchers (bons d'achat): issue one to a customer, use part of it.

Rules: the amount is above zero; the voucher is valid until ``expires_on`` (not before its issue
date); a use takes from the remaining amount, never beyond it and never after expiry; a voucher
whose remaining amount reaches zero becomes "utilisé". One transaction, audited; the voucher is
locked while used.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from crm.models import Company
from crm.services.audit import audit_record, audit_snapshot
from crm.services.counters import counter_format
from tiers.models import ThirdParty
from ventes.amounts import money
from ventes.documents import amount_fr
from ventes.models import Voucher, VoucherStatus

NUMBER_PREFIX = "BA"
NUMBER_WIDTH = 6
_AUDITED = ("number", "label", "amount", "remaining_amount", "issued_on", "expires_on", "status")


def message_amount_positive() -> str:
    return _("Le montant du bon d'achat doit être supérieur à zéro.")


def message_expiry_before_issue() -> str:
    return _("La date de validité ne peut pas précéder la date d'émission.")


def message_use_positive() -> str:
    return _("Le montant utilisé doit être supérieur à zéro.")


def message_beyond_remaining(remaining: Decimal) -> str:
    return _("Le montant utilisé dépasse le reste disponible du bon d'achat (%(remaining)s).") % {
        "remaining": amount_fr(remaining)
    }


def message_expired(voucher: Voucher) -> str:
    return _("Le bon d'achat %(number)s a expiré le %(date)s : il ne peut plus être utilisé.") % {
        "number": voucher.number,
        "date": date_format(voucher.expires_on, "d/m/Y"),
    }


def number_next(*, tenant: Company, on: datetime.date) -> str:
    """The next voucher number of ``on``'s year: BA-2026-000042."""
    return counter_format(
        tenant=tenant,
        key=f"ventes.{NUMBER_PREFIX}.{on.year}",
        width=NUMBER_WIDTH,
        prefix=f"{NUMBER_PREFIX}-{on.year}-",
    )


@transaction.atomic
def voucher_issue(
    *,
    tenant: Company,
    actor,
    customer: ThirdParty,
    amount: Decimal,
    expires_on: datetime.date,
    issued_on: datetime.date | None = None,
    label: str = "",
) -> Voucher:
    issued_on = issued_on or timezone.localdate()
    errors: dict[str, str] = {}
    if amount is None or amount <= 0:
        errors["amount"] = message_amount_positive()
    if expires_on < issued_on:
        errors["expires_on"] = message_expiry_before_issue()
    if errors:
        raise ValidationError(errors)
    amount = money(amount)
    voucher = Voucher.objects.create(
        tenant=tenant,
        customer=customer,
        number=number_next(tenant=tenant, on=issued_on),
        label=" ".join((label or "").split()),
        amount=amount,
        remaining_amount=amount,
        issued_on=issued_on,
        expires_on=expires_on,
        created_by=actor,
    )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="voucher.issue",
        instance=voucher,
        changes={name: [None, value] for name, value in audit_snapshot(voucher, _AUDITED).items()},
    )
    return voucher


@transaction.atomic
def voucher_use(
    *, tenant: Company, actor, voucher: Voucher, amount: Decimal, on: datetime.date | None = None
) -> Voucher:
    """Take ``amount`` from the voucher's remaining amount (on ``on``, today by default)."""
    on = on or timezone.localdate()
    voucher = Voucher.objects.select_for_update().get(tenant=tenant, pk=voucher.pk)
    if amount is None or amount <= 0:
        raise ValidationError({"amount": message_use_positive()})
    amount = money(amount)
    if voucher.expires_on < on:
        raise ValidationError({"amount": message_expired(voucher)})
    if amount > voucher.remaining_amount:
        raise ValidationError({"amount": message_beyond_remaining(voucher.remaining_amount)})
    before = audit_snapshot(voucher, ("remaining_amount", "status"))
    voucher.remaining_amount -= amount
    if voucher.remaining_amount == 0:
        voucher.status = VoucherStatus.USED
    voucher.save(update_fields=["remaining_amount", "status"])
    after = audit_snapshot(voucher, ("remaining_amount", "status"))
    audit_record(
        tenant=tenant,
        actor=actor,
        action="voucher.use",
        instance=voucher,
        changes={name: [before[name], after[name]] for name in after if before[name] != after[name]},
    )
    return voucher
