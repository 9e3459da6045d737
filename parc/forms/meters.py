"""Form of a meter reading; the rules are the service's (parc.services.meters.reading_add)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.models import Company
from parc.forms.assets import DATE_WIDGET
from parc.models import ReadingSource
from parc.selectors_meters import meter_types_of


class ReadingForm(forms.Form):
    meter_type = forms.ModelChoiceField(label=_("Grandeur"), queryset=None)
    read_on = forms.DateField(label=_("Date du relevé"), widget=DATE_WIDGET)
    value = forms.IntegerField(label=_("Valeur"), min_value=0)
    source = forms.ChoiceField(
        label=_("Origine"), choices=ReadingSource.choices, initial=ReadingSource.MANUAL
    )
    is_estimated = forms.BooleanField(
        label=_("Estimé"),
        required=False,
        help_text=_("Un relevé estimé ne sert pas de référence aux suivants."),
    )
    is_replacement = forms.BooleanField(
        label=_("Remplacement du compteur"),
        required=False,
        help_text=_(
            "Cochez si le compteur a été changé : la valeur peut alors être inférieure au relevé précédent."
        ),
    )

    def __init__(self, *args, tenant: Company, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meter_type"].queryset = meter_types_of(tenant=tenant)
