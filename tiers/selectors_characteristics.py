"""Reads of characteristic groups and values (admin-defined custom fields), for any record.

Generic like tiers.services.characteristics: a record and a target (third party, competitor
asset…). ``characteristics_for`` feeds the third party's "Caractéristiques" section and the
synthèse (``synthese_only``) with two queries, whatever the number of groups and fields (the
content type comes from Django's cache).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _

from crm.models import Company
from tiers.models import CharacteristicField, CharacteristicValue
from tiers.models.characteristics import FieldKind

_COLUMNS = {
    FieldKind.TEXT: "value_text",
    FieldKind.CHOICE: "value_text",
    FieldKind.NUMBER: "value_number",
    FieldKind.DATE: "value_date",
    FieldKind.BOOLEAN: "value_bool",
}


def characteristic_fields_of(
    *, tenant: Company, target: str, synthese_only: bool = False, target_kind: str | None = None
):
    """The fields of the tenant's active groups for ``target``, in display order, with their group.
    ``target_kind`` (a competitor asset's type) keeps the groups of that kind and those of every
    kind (blank ``CharacteristicGroup.target_kind``); None applies no such filter."""
    fields = CharacteristicField.objects.filter(tenant=tenant, group__target=target, group__is_active=True)
    if target_kind is not None:
        fields = fields.filter(Q(group__target_kind="") | Q(group__target_kind=target_kind))
    if synthese_only:
        fields = fields.filter(visible_in_synthese=True)
    return fields.select_related("group").order_by(
        "group__position", "group__label", "group_id", "position", "label", "pk"
    )


def characteristic_values_of(*, tenant: Company, record: models.Model) -> dict[int, Any]:
    """{field pk: CharacteristicValue row} of ``record`` (one query); read them with ``value_of``."""
    rows = CharacteristicValue.objects.filter(
        tenant=tenant, content_type=ContentType.objects.get_for_model(record), object_id=record.pk
    )
    return {row.field_id: row for row in rows}


def value_of(field: CharacteristicField, row: CharacteristicValue | None) -> Any:
    """The typed value of ``row`` for ``field``'s kind (None when absent or empty)."""
    if row is None:
        return None
    value = getattr(row, _COLUMNS[field.kind])
    return None if value == "" else value


def value_display(field: CharacteristicField, value: Any) -> str:
    """A value as shown on a page, in French formats ("" when empty)."""
    if value is None:
        return ""
    if field.kind == FieldKind.BOOLEAN:
        return _("Oui") if value else _("Non")
    if field.kind == FieldKind.NUMBER:
        return formats.number_format(Decimal(format(value.normalize(), "f")), use_l10n=True)
    if field.kind == FieldKind.DATE:
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


@dataclass(frozen=True)
class CharacteristicDisplay:
    label: str
    value: str  # "" when the record has no value for this field
    kind: str


@dataclass
class CharacteristicGroupDisplay:
    code: str
    label: str
    rows: list[CharacteristicDisplay] = field(default_factory=list)


def characteristics_for(
    *,
    tenant: Company,
    record: models.Model,
    target: str,
    synthese_only: bool = False,
    target_kind: str | None = None,
) -> list[CharacteristicGroupDisplay]:
    """The active groups of ``target`` with (label, display value) of each field for ``record``;
    ``synthese_only`` keeps the fields marked visible in the synthèse (and the groups that keep
    one). Two queries."""
    rows = characteristic_values_of(tenant=tenant, record=record)
    groups: dict[int, CharacteristicGroupDisplay] = {}
    for item in characteristic_fields_of(
        tenant=tenant, target=target, synthese_only=synthese_only, target_kind=target_kind
    ):
        group = groups.get(item.group_id)
        if group is None:
            group = groups[item.group_id] = CharacteristicGroupDisplay(
                code=item.group.code, label=item.group.label
            )
        value = value_of(item, rows.get(item.pk))
        group.rows.append(
            CharacteristicDisplay(label=item.label, value=value_display(item, value), kind=item.kind)
        )
    return list(groups.values())
