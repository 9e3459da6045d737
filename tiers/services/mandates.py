"""Writes of a third party's payment authorisations (tiers.models.mandates): create and revoke.

Rules: a SEPA mandate (prélèvement sur compte) needs one of this third party's bank accounts and
its mandate reference (RUM); a reference is unique in the company; the end date, when given, is
not before the signature; a revoked mandate stays revoked (kept for history). One transaction,
audited.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import Company
from crm.services.audit import audit_record, audit_snapshot
from tiers.models import BankAccount, MandateKind, MandateStatus, PaymentMandate, ThirdParty

_AUDITED = ("kind", "bank_account_id", "reference", "signed_on", "ends_on", "status", "revoked_on")


def message_bank_account_required() -> str:
    return _("Un prélèvement sur compte (SEPA) nécessite un compte bancaire du tiers.")


def message_bank_account_other() -> str:
    return _("Ce compte bancaire n'appartient pas à ce tiers.")


def message_reference_required() -> str:
    return _("La référence du mandat (RUM) est obligatoire pour un prélèvement SEPA.")


def message_reference_taken(reference: str) -> str:
    return _("La référence de mandat %(reference)s est déjà utilisée.") % {"reference": reference}


def message_ends_before_signed() -> str:
    return _("La fin de validité ne peut pas précéder la date de signature.")


def message_already_revoked() -> str:
    return _("Cette autorisation de prélèvement est déjà révoquée.")


def _errors(
    *,
    tenant: Company,
    third_party: ThirdParty,
    kind: str,
    bank_account: BankAccount | None,
    reference: str,
    signed_on: datetime.date,
    ends_on: datetime.date | None,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if bank_account is not None and (
        bank_account.tenant_id != tenant.pk or bank_account.third_party_id != third_party.pk
    ):
        errors["bank_account"] = message_bank_account_other()
    elif kind == MandateKind.SEPA and bank_account is None:
        errors["bank_account"] = message_bank_account_required()
    if kind == MandateKind.SEPA and not reference:
        errors["reference"] = message_reference_required()
    elif reference and PaymentMandate.objects.filter(tenant=tenant, reference=reference).exists():
        errors["reference"] = message_reference_taken(reference)
    if ends_on is not None and ends_on < signed_on:
        errors["ends_on"] = message_ends_before_signed()
    return errors


@transaction.atomic
def payment_mandate_create(
    *,
    tenant: Company,
    actor,
    third_party: ThirdParty,
    kind: str,
    signed_on: datetime.date,
    bank_account: BankAccount | None = None,
    reference: str = "",
    ends_on: datetime.date | None = None,
) -> PaymentMandate:
    reference = " ".join((reference or "").split()).upper()
    errors = _errors(
        tenant=tenant,
        third_party=third_party,
        kind=kind,
        bank_account=bank_account,
        reference=reference,
        signed_on=signed_on,
        ends_on=ends_on,
    )
    if errors:
        raise ValidationError(errors)
    mandate = PaymentMandate(
        tenant=tenant,
        third_party=third_party,
        kind=kind,
        bank_account=bank_account,
        reference=reference,
        signed_on=signed_on,
        ends_on=ends_on,
        created_by=actor,
    )
    mandate.full_clean(
        exclude=["tenant", "third_party", "bank_account", "created_by"], validate_constraints=False
    )
    mandate.save()
    audit_record(
        tenant=tenant,
        actor=actor,
        action="payment_mandate.create",
        instance=mandate,
        changes={name: [None, value] for name, value in audit_snapshot(mandate, _AUDITED).items()},
    )
    return mandate


@transaction.atomic
def payment_mandate_revoke(
    *, tenant: Company, actor, mandate: PaymentMandate, on: datetime.date | None = None
) -> PaymentMandate:
    mandate = PaymentMandate.objects.select_for_update().get(tenant=tenant, pk=mandate.pk)
    if mandate.status == MandateStatus.REVOKED:
        raise ValidationError(message_already_revoked())
    mandate.status = MandateStatus.REVOKED
    mandate.revoked_on = on or timezone.localdate()
    mandate.save(update_fields=["status", "revoked_on"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="payment_mandate.revoke",
        instance=mandate,
        changes={
            "status": [str(MandateStatus.ACTIVE), str(MandateStatus.REVOKED)],
            "revoked_on": [None, mandate.revoked_on.isoformat()],
        },
    )
    return mandate
