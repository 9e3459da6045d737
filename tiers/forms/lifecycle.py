"""Forms of the prospect lifecycle: the conversion form shows only what the prospect still lacks."""

from __future__ import annotations

from django import forms

from crm.models import Company
from tiers.models import PaymentTerm, StatisticalFamily
from tiers.services.lifecycle import family_axis_pk, message_missing


class _RowChoiceField(forms.ChoiceField):
    """A select over rows loaded beforehand (no query when rendered); its cleaned value is the row."""

    def __init__(self, *, rows, **kwargs) -> None:
        self.rows = {str(row.pk): row for row in rows}
        choices = [("", "---------"), *((key, row.label) for key, row in self.rows.items())]
        super().__init__(choices=choices, **kwargs)

    def clean(self, value):
        return self.rows.get(super().clean(value))


class ConversionForm(forms.Form):
    """One field per item of ``missing`` (tiers.services.lifecycle.conversion_missing): a select of
    the axis's active families per missing axis, the accounting code, the active payment terms.
    ``cleaned_data`` is the ``data`` of prospect_convert. Two queries whatever the number of axes."""

    def __init__(self, *args, tenant: Company, missing: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        required = {"required": message_missing()}
        axes = {family_axis_pk(name) for name, _label in missing} - {None}
        families: dict[int, list[StatisticalFamily]] = {pk: [] for pk in axes}
        if axes:
            for family in StatisticalFamily.objects.filter(
                tenant=tenant, axis_id__in=axes, is_active=True
            ).order_by("label"):
                families[family.axis_id].append(family)
        for name, label in missing:
            axis_pk = family_axis_pk(name)
            if axis_pk is not None:
                field: forms.Field = _RowChoiceField(
                    rows=families[axis_pk], label=label, error_messages=required
                )
            elif name == "accounting_code":
                field = forms.CharField(label=label, max_length=20, error_messages=required)
            else:
                field = forms.ModelChoiceField(
                    queryset=PaymentTerm.objects.filter(tenant=tenant, is_active=True),
                    label=label,
                    error_messages=required,
                )
            self.fields[name] = field


class ReasonForm(forms.Form):
    """The optional reason typed on a confirmation page (close, reopen, validate, delete): kept in
    the audit trail, so it must be text the database can store."""

    reason = forms.CharField(required=False, max_length=500)
