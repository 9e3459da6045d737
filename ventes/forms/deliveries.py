"""The delivery form: a date and one quantity per order line (default: what remains)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def quantity_fields(form: forms.Form, rows: Iterable[tuple[object, str, Decimal]], label_prefix=None) -> None:
    """One optional ``quantity_<pk>`` decimal field per (row, label, initial) on ``form``."""
    form.line_fields = []
    for row, label, initial in rows:
        name = f"quantity_{row.pk}"
        form.fields[name] = forms.DecimalField(
            label=label, required=False, min_value=0, max_digits=12, decimal_places=3, initial=initial
        )
        form.line_fields.append(name)


def quantities_of(form: forms.Form) -> dict[int, Decimal]:
    """{row pk: quantity} of the filled quantity fields."""
    return {
        int(name.removeprefix("quantity_")): form.cleaned_data[name]
        for name in form.line_fields
        if form.cleaned_data.get(name) is not None
    }


class DeliveryForm(forms.Form):
    delivered_on = forms.DateField(label=_("Date de livraison"), widget=DATE_WIDGET)

    def __init__(self, data=None, *, lines, today: datetime.date) -> None:
        super().__init__(data, initial={"delivered_on": today})
        quantity_fields(
            self,
            (
                (
                    line,
                    f"{line.position}. {line.label} ({_('reste')} {line.remaining.normalize()})",
                    line.remaining,
                )
                for line in lines
                if line.remaining > 0
            ),
        )
