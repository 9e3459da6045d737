"""Writes of a customer's invoice footer discounts and fees (remises et frais de pied de facture),
audited on the third party.

Rules, each refused with a French message on its field: a label and a code are required; the
nature and the type of value are among their choices; a percentage is above 0 and at most 100; an
amount (HT or TTC) is above zero. A new row without a position goes after the last one. The
database repeats the value rules as check constraints (tiers.models.terms.InvoiceFooterItem).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from crm.models import Company
from crm.services.audit import audit_changes, audit_record, audit_snapshot
from tiers.models import FooterItemKind, FooterValueType, InvoiceFooterItem, ThirdParty

FOOTER_FIELDS = ("position", "code", "label", "kind", "value_type", "value")
FOOTER_AUDITED = FOOTER_FIELDS


def message_label_required() -> str:
    return _("Indiquez l'intitulé de la remise ou des frais.")


def message_code_required() -> str:
    return _("Indiquez le code de la remise ou des frais.")


def message_percent_range() -> str:
    return _("Un pourcentage doit être compris entre 0 et 100 (0 exclu).")


def message_amount_positive() -> str:
    return _("Le montant doit être supérieur à zéro.")


def message_two_decimals() -> str:
    return _("Deux décimales au plus.")


def message_invalid_value() -> str:
    return _("Valeur invalide.")


def _cleaned(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` (FOOTER_FIELDS) trimmed and checked; ValidationError with every refusal at once."""
    unknown = set(data) - set(FOOTER_FIELDS)
    if unknown:
        raise TypeError(f"Not fields of an invoice footer item: {sorted(unknown)}")
    cleaned = dict(data)
    errors: dict[str, list[str]] = {}
    for name, message in (("code", message_code_required), ("label", message_label_required)):
        cleaned[name] = (cleaned.get(name) or "").strip()
        if not cleaned[name]:
            errors[name] = [message()]
    if cleaned.get("kind") not in FooterItemKind.values:
        errors["kind"] = [message_invalid_value()]
    value_type = cleaned.get("value_type")
    if value_type not in FooterValueType.values:
        errors["value_type"] = [message_invalid_value()]
    try:
        value = Decimal(str(cleaned.get("value")).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite():
        errors["value"] = [message_invalid_value()]
    elif value_type == FooterValueType.PERCENT and not Decimal(0) < value <= Decimal(100):
        errors["value"] = [message_percent_range()]
    elif value <= 0:
        errors["value"] = [message_amount_positive()]
    elif -value.as_tuple().exponent > 2:  # type: ignore[operator]
        errors["value"] = [message_two_decimals()]
    else:
        value = value.quantize(Decimal("0.01"))
    cleaned["value"] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def _locked(tenant: Company, third_party: ThirdParty) -> ThirdParty:
    """The third party's row, locked: concurrent writes of its footer run one after the other."""
    return ThirdParty.objects.select_for_update().get(tenant=tenant, pk=third_party.pk)


def _audit(*, tenant: Company, actor, third_party: ThirdParty, action: str, changes: dict) -> None:
    audit_record(tenant=tenant, actor=actor, action=action, instance=third_party, changes=changes)


@transaction.atomic
def invoice_footer_item_add(
    *, tenant: Company, actor, third_party: ThirdParty, data: dict[str, Any]
) -> InvoiceFooterItem:
    """Add a discount or a fee to ``third_party``'s invoice footer (``data``: FOOTER_FIELDS)."""
    cleaned = _cleaned(data)
    third_party = _locked(tenant, third_party)
    if cleaned.get("position") is None:
        last = InvoiceFooterItem.objects.filter(tenant=tenant, third_party=third_party).aggregate(
            last=Max("position")
        )["last"]
        cleaned["position"] = (last or 0) + 1
    item = InvoiceFooterItem(tenant=tenant, third_party=third_party, **cleaned)
    item.full_clean(exclude=["tenant", "third_party"])
    item.save()
    _audit(
        tenant=tenant,
        actor=actor,
        third_party=third_party,
        action="third_party.footer_item_add",
        changes={name: [None, value] for name, value in audit_snapshot(item, FOOTER_AUDITED).items()},
    )
    return item


@transaction.atomic
def invoice_footer_item_change(
    *, tenant: Company, actor, item: InvoiceFooterItem, data: dict[str, Any]
) -> InvoiceFooterItem:
    """Change one footer row (``data``: FOOTER_FIELDS; a blank position keeps the current one)."""
    cleaned = _cleaned(data)
    third_party = _locked(tenant, item.third_party)
    item = InvoiceFooterItem.objects.select_for_update().get(tenant=tenant, pk=item.pk)
    before = audit_snapshot(item, FOOTER_AUDITED)
    if cleaned.get("position") is None:
        cleaned["position"] = item.position
    for name, value in cleaned.items():
        setattr(item, name, value)
    item.full_clean(exclude=["tenant", "third_party"])
    item.save(update_fields=list(cleaned))
    changes = audit_changes(before, audit_snapshot(item, FOOTER_AUDITED))
    if changes:
        _audit(
            tenant=tenant,
            actor=actor,
            third_party=third_party,
            action="third_party.footer_item_change",
            changes={"footer_item": [None, item.pk], **changes},
        )
    return item


@transaction.atomic
def invoice_footer_item_remove(*, tenant: Company, actor, item: InvoiceFooterItem) -> None:
    third_party = _locked(tenant, item.third_party)
    before = audit_snapshot(item, FOOTER_AUDITED)
    InvoiceFooterItem.objects.filter(tenant=tenant, pk=item.pk).delete()
    _audit(
        tenant=tenant,
        actor=actor,
        third_party=third_party,
        action="third_party.footer_item_remove",
        changes={name: [value, None] for name, value in before.items()},
    )
