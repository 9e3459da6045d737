"""Forms of the loyalty screens; the rules are the services' (their refusals go on the fields)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class JoinForm(forms.Form):
    program = forms.ModelChoiceField(label=_("Programme"), queryset=None, empty_label=None)

    def __init__(self, *args, programs, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs


class PointsForm(forms.Form):
    points = forms.IntegerField(label=_("Points"), min_value=1)
    reason = forms.CharField(label=_("Motif"), max_length=200)
