"""The characteristics form of any record: one typed field per field of the active groups of a
target, in fieldsets per group. Built per request (the fields are data), used by the third party's
page here and by later apps (competitor assets) with their own target; the values are written by
tiers.services.characteristics.characteristic_values_set, which checks them again."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.models import Company
from tiers.models import CharacteristicField
from tiers.models.characteristics import FieldKind
from tiers.selectors_characteristics import characteristic_fields_of, characteristic_values_of, value_of
from tiers.services.characteristics import (
    NUMBER_DECIMALS,
    NUMBER_MAX_DIGITS,
    TEXT_MAX_LENGTH,
    characteristic_key,
    message_choice,
    message_date,
    message_number,
    message_required,
)

BOOLEAN_CHOICES = [("", _("Non renseigné")), ("true", _("Oui")), ("false", _("Non"))]


def form_field(field: CharacteristicField) -> forms.Field:
    """The Django form field of one characteristic, typed by its kind."""
    common = {"label": field.label, "required": field.is_required}
    messages = {"required": message_required()}
    if field.kind == FieldKind.NUMBER:
        return forms.DecimalField(
            max_digits=NUMBER_MAX_DIGITS,
            decimal_places=NUMBER_DECIMALS,
            localize=True,
            error_messages={**messages, "invalid": message_number()},
            **common,
        )
    if field.kind == FieldKind.DATE:
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            input_formats=["%Y-%m-%d", "%d/%m/%Y"],
            error_messages={**messages, "invalid": message_date()},
            **common,
        )
    if field.kind == FieldKind.CHOICE:
        return forms.ChoiceField(
            choices=[("", "—"), *((value, value) for value in field.choice_list)],
            error_messages={**messages, "invalid_choice": message_choice()},
            **common,
        )
    if field.kind == FieldKind.BOOLEAN:
        # Oui / Non / not given: a checkbox could not tell "non" from "not answered", and a
        # required yes/no question must accept "Non".
        return forms.TypedChoiceField(
            choices=BOOLEAN_CHOICES,
            coerce=lambda value: value == "true",
            empty_value=None,
            error_messages=messages,
            **common,
        )
    return forms.CharField(max_length=TEXT_MAX_LENGTH, error_messages=messages, **common)


def _initial(field: CharacteristicField, value):
    if field.kind == FieldKind.BOOLEAN and value is not None:
        return "true" if value else "false"
    return value


@dataclass(frozen=True)
class Fieldset:
    label: str
    fields: list  # bound fields


class CharacteristicsForm(forms.Form):
    """Built by ``characteristics_form``; ``values()`` gives {field pk: value} for the service."""

    def __init__(self, *args, characteristic_fields: list[CharacteristicField], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.characteristic_fields = characteristic_fields
        for item in characteristic_fields:
            self.fields[characteristic_key(item)] = form_field(item)

    def fieldsets(self) -> list[Fieldset]:
        fieldsets: list[Fieldset] = []
        group_id = None
        for item in self.characteristic_fields:
            if item.group_id != group_id:
                group_id = item.group_id
                fieldsets.append(Fieldset(label=item.group.label, fields=[]))
            fieldsets[-1].fields.append(self[characteristic_key(item)])
        return fieldsets

    def values(self) -> dict[int, object]:
        return {
            item.pk: self.cleaned_data.get(characteristic_key(item)) for item in self.characteristic_fields
        }

    def add_service_errors(self, error) -> None:
        for name, errors in error.error_dict.items():
            self.add_error(name if name in self.fields else None, errors)


def characteristics_form(
    *, tenant: Company, record: models.Model, target: str, target_kind: str | None = None, data=None
) -> CharacteristicsForm:
    """The form of ``record``'s characteristics for ``target`` (initial values from the database)."""
    items = list(characteristic_fields_of(tenant=tenant, target=target, target_kind=target_kind))
    rows = characteristic_values_of(tenant=tenant, record=record)
    initial = {characteristic_key(item): _initial(item, value_of(item, rows.get(item.pk))) for item in items}
    return CharacteristicsForm(data, initial=initial, characteristic_fields=items)
