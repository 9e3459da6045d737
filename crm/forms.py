"""Forms of the core app."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SectionsField(forms.MultipleChoiceField):
    """A list of section keys; which ones exist depends on the exporter, so the service checks them."""

    def valid_value(self, value) -> bool:
        return isinstance(value, str) and len(value) <= 60


class ExportRequestForm(forms.Form):
    """Which export, which format and sections. The service checks that they exist and are
    allowed, so the user gets one precise French message whatever is wrong."""

    exporter = forms.CharField(label=_("Export"), max_length=60)
    format = forms.CharField(label=_("Format"), max_length=10)
    sections = SectionsField(label=_("Sections"), required=False)
    # The query string of the screen the export comes from (a list's filters), stored on the job.
    query = forms.CharField(label=_("Filtres"), required=False, max_length=2000)

    def parameters(self) -> dict:
        query = self.cleaned_data.get("query")
        return {"query": query} if query else {}
