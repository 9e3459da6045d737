"""Forms of the merge pages: choose the other third party and which one survives.

The other party is typed by its code; when the links area's picker (tiers:party_picker,
static/js/party-picker.js) is installed, the text input proposes parties from 3 characters and
fills the hidden ``other`` id; without JavaScript the code typed is used ("CODE — Name" too).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.models import Company
from tiers.models import ThirdParty
from tiers.selectors import third_parties_visible
from tiers.services.merge import MESSAGE_SAME

KEEP_THIS = "this"
KEEP_OTHER = "other"


class MergeChooseForm(forms.Form):
    other_code = forms.CharField(
        label=_("Code de l'autre tiers"),
        max_length=200,
        help_text=_("Le tiers à fusionner avec celui-ci."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    other = forms.IntegerField(required=False, widget=forms.HiddenInput)
    keep = forms.ChoiceField(
        label=_("Tiers conservé"),
        widget=forms.RadioSelect,
        initial=KEEP_THIS,
        choices=[
            (KEEP_THIS, _("Ce tiers : l'autre est absorbé puis supprimé")),
            (KEEP_OTHER, _("L'autre tiers : celui-ci est absorbé puis supprimé")),
        ],
    )

    def __init__(
        self, *args, tenant: Company, user, third_party: ThirdParty, picker_url: str | None = None, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.tenant, self.user, self.third_party = tenant, user, third_party
        self.other: ThirdParty | None = None
        if picker_url:
            self.fields["other_code"].help_text = _("Saisissez au moins 3 caractères du nom ou du code.")
            self.fields["other_code"].widget.attrs.update(
                {"data-party-picker": picker_url, "data-party-picker-target": "id_other"}
            )

    def clean(self):
        cleaned = super().clean()
        if self.has_error("other_code"):
            return cleaned
        visible = third_parties_visible(tenant=self.tenant, user=self.user)
        code = cleaned["other_code"].split("—")[0].strip()
        lookup = {"pk": cleaned["other"]} if cleaned.get("other") else {"code": code}
        try:
            self.other = visible.get(**lookup)
        except ThirdParty.DoesNotExist:
            self.add_error(
                "other_code", _("Aucun tiers accessible ne porte le code %(code)s.") % {"code": code}
            )
            return cleaned
        if self.other.pk == self.third_party.pk:
            self.add_error("other_code", MESSAGE_SAME)
        return cleaned

    def pair(self) -> tuple[ThirdParty, ThirdParty]:
        """(survivor, loser) once the form is valid."""
        if self.cleaned_data["keep"] == KEEP_THIS:
            return self.third_party, self.other
        return self.other, self.third_party
