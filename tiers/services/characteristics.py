"""Writes of characteristic values (admin-defined custom fields) on any record.

Generic: the record is any tenant model instance and ``target`` says which groups apply
(tiers.models.CharacteristicTarget: third parties here, competitor assets in parc), so later apps
call the same service. Each value is validated by its field's kind (text, number, date, choice,
boolean) with a French message keyed by ``characteristic_key(field)`` — the name of the field in
the form built by tiers.forms.characteristics — and only the column of that kind is written; an
emptied value is deleted. One transaction, one audit entry.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from crm.models import Company
from crm.services.audit import audit_record
from tiers.models import CharacteristicField, CharacteristicValue
from tiers.models.characteristics import FieldKind
from tiers.selectors_characteristics import characteristic_fields_of

TEXT_MAX_LENGTH = CharacteristicValue._meta.get_field("value_text").max_length
NUMBER_MAX_DIGITS = CharacteristicValue._meta.get_field("value_number").max_digits
NUMBER_DECIMALS = CharacteristicValue._meta.get_field("value_number").decimal_places
VALUE_COLUMNS = {
    FieldKind.TEXT: "value_text",
    FieldKind.CHOICE: "value_text",
    FieldKind.NUMBER: "value_number",
    FieldKind.DATE: "value_date",
    FieldKind.BOOLEAN: "value_bool",
}
_EMPTY_COLUMNS = {"value_text": "", "value_number": None, "value_date": None, "value_bool": None}
_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y")
_TRUE = {"true", "1", "oui", "o", "yes", "vrai", "on"}
_FALSE = {"false", "0", "non", "n", "no", "faux", "off"}


def characteristic_key(field: CharacteristicField) -> str:
    """The name of ``field`` in forms and in error dicts."""
    return f"car_{field.pk}"


def message_required() -> str:
    return _("Ce champ est obligatoire.")


def message_number() -> str:
    return _("Saisissez un nombre.")


def message_number_size() -> str:
    return _("Saisissez un nombre d'au plus %(digits)s chiffres avant la virgule et %(decimals)s après.") % {
        "digits": NUMBER_MAX_DIGITS - NUMBER_DECIMALS,
        "decimals": NUMBER_DECIMALS,
    }


def message_date() -> str:
    return _("Saisissez une date valide (JJ/MM/AAAA).")


def message_choice() -> str:
    return _("Valeur hors de la liste proposée.")


def message_boolean() -> str:
    return _("Répondez par oui ou par non.")


def message_text_length() -> str:
    return _("Saisissez au plus %(max)s caractères.") % {"max": TEXT_MAX_LENGTH}


def message_unknown_field() -> str:
    return _("Cette caractéristique n'existe pas ou ne s'applique pas à cette fiche.")


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValidationError(message_number())
    if isinstance(value, Decimal | int):
        number = Decimal(value)
    else:
        typed = str(value).strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
        try:
            number = Decimal(typed.replace(",", "."))
        except InvalidOperation as exc:
            raise ValidationError(message_number()) from exc
    if not number.is_finite():
        raise ValidationError(message_number())
    exponent = number.normalize().as_tuple().exponent
    too_precise = isinstance(exponent, int) and -exponent > NUMBER_DECIMALS
    if too_precise or abs(number) >= 10 ** (NUMBER_MAX_DIGITS - NUMBER_DECIMALS):
        raise ValidationError(message_number_size())
    return number.quantize(Decimal(1).scaleb(-NUMBER_DECIMALS))


def _date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    typed = str(value).strip()
    for pattern in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(typed, pattern).date()
        except ValueError:
            continue
    raise ValidationError(message_date())


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    typed = str(value).strip().lower()
    if typed in _TRUE:
        return True
    if typed in _FALSE:
        return False
    raise ValidationError(message_boolean())


def _text(value: Any) -> str:
    text = str(value).strip()
    if len(text) > TEXT_MAX_LENGTH:
        raise ValidationError(message_text_length())
    return text


def _choice(value: Any, field: CharacteristicField) -> str:
    text = str(value).strip()
    if text not in field.choice_list:
        raise ValidationError(message_choice())
    return text


def characteristic_value_clean(field: CharacteristicField, value: Any) -> Any:
    """``value`` (typed, or as typed in a form or a file) checked and converted for ``field``'s
    kind; None when empty. ValidationError with the French message otherwise."""
    if _empty(value):
        if field.is_required:
            raise ValidationError(message_required())
        return None
    if field.kind == FieldKind.NUMBER:
        return _number(value)
    if field.kind == FieldKind.DATE:
        return _date(value)
    if field.kind == FieldKind.BOOLEAN:
        return _boolean(value)
    if field.kind == FieldKind.CHOICE:
        return _choice(value, field)
    return _text(value)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


@transaction.atomic
def characteristic_values_set(
    *,
    tenant: Company,
    actor,
    record: models.Model,
    target: str,
    values: Mapping[int, Any],
    target_kind: str | None = None,
) -> dict[str, list[Any]]:
    """Set the characteristic values of ``record`` for ``target``: ``values`` maps a field's pk to
    its value (typed or text; None or "" deletes it). Fields left out keep their value. Refuses a
    field of another tenant, of an inactive group, of another target or of another
    ``target_kind`` (see tiers.selectors_characteristics.characteristic_fields_of). Returns the audited
    changes ({field code: [before, after]})."""
    if getattr(record, "tenant_id", None) != tenant.pk:
        raise ValueError("The record does not belong to the tenant.")
    fields = {
        field.pk: field
        for field in characteristic_fields_of(tenant=tenant, target=target, target_kind=target_kind)
    }
    errors: dict[str, list[str]] = {}
    cleaned: dict[int, Any] = {}
    for pk, value in values.items():
        field = fields.get(int(pk))
        if field is None:
            errors.setdefault("__all__", []).append(message_unknown_field())
            continue
        try:
            cleaned[field.pk] = characteristic_value_clean(field, value)
        except ValidationError as exc:
            errors[characteristic_key(field)] = exc.messages
    if errors:
        raise ValidationError(errors)
    content_type = ContentType.objects.get_for_model(record)
    existing = {
        row.field_id: row
        for row in CharacteristicValue.objects.select_for_update().filter(
            tenant=tenant, content_type=content_type, object_id=record.pk, field_id__in=list(cleaned)
        )
    }
    changes: dict[str, list[Any]] = {}
    for pk, value in cleaned.items():
        field = fields[pk]
        column = VALUE_COLUMNS[field.kind]
        row = existing.get(pk)
        before = getattr(row, column) if row is not None else None
        if value is None:
            if row is not None:
                row.delete()
                changes[f"{field.group.code}.{field.code}"] = [_plain(before), None]
            continue
        if row is not None and before == value:
            continue
        row = row or CharacteristicValue(
            tenant=tenant, field=field, content_type=content_type, object_id=record.pk
        )
        for name, empty in _EMPTY_COLUMNS.items():
            setattr(row, name, empty)
        setattr(row, column, value)
        row.save()
        changes[f"{field.group.code}.{field.code}"] = [_plain(before), _plain(value)]
    if changes:
        audit_record(
            tenant=tenant, actor=actor, action="characteristics.update", instance=record, changes=changes
        )
    return changes
