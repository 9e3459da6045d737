"""Forms of the link pages (management links, filiation links, relations). They only shape the
input: every rule is in tiers.services.links, whose errors land on the fields.

The other party is chosen with the third-party picker (static/js/party-picker.js): a text input
that asks tiers:party_picker from 3 characters and fills a hidden input with the chosen id.
Without JavaScript, typing the party's code in the text input works too.
"""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm.models import Company
from tiers.models import Contact, FiliationLinkType, RelationType, ThirdParty
from tiers.services.links import MANAGEMENT_LINK_TYPES, message_party_not_found

PICKER_KIND_CHOICES = [("client", _("Client")), ("prospect", _("Prospect"))]


class _PartyPickerForm(forms.Form):
    """Adds the picker's three fields for the party named ``party_field``: the hidden id, the
    text input and the kind (client or prospect) the picker searches."""

    party_field = "linked"
    party_label = _("Tiers lié")

    def __init__(self, *args, tenant: Company, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.tenant = tenant
        name = self.party_field
        self.fields[f"{name}_kind"] = forms.ChoiceField(
            label=_("Type de tiers"),
            choices=PICKER_KIND_CHOICES,
            initial="client",
            required=False,
            widget=forms.RadioSelect(attrs={"data-party-picker-kind": name}),
        )
        self.fields[f"{name}_search"] = forms.CharField(
            label=self.party_label,
            required=False,
            help_text=_("Saisissez au moins 3 caractères du nom ou du code."),
            widget=forms.TextInput(
                attrs={
                    "autocomplete": "off",
                    "data-party-picker": reverse("tiers:party_picker"),
                    "data-party-picker-target": f"id_{name}",
                    "data-party-picker-kinds": name,
                }
            ),
        )
        self.fields[name] = forms.ModelChoiceField(
            queryset=ThirdParty.objects.filter(tenant=tenant),
            required=False,
            widget=forms.HiddenInput,
            error_messages={"invalid_choice": message_party_not_found()},
        )
        self.order_fields(self.field_order)

    def add_error(self, field, error):
        # The hidden id has no place on the page: its errors show under the text input.
        super().add_error(f"{field}_search" if field == self.party_field else field, error)

    def clean(self):
        cleaned = super().clean()
        name = self.party_field
        if cleaned.get(name) is None and not self.has_error(name):
            typed = (cleaned.get(f"{name}_search") or "").split("—")[0].strip()
            party = (
                ThirdParty.objects.filter(tenant=self.tenant, code__iexact=typed).first() if typed else None
            )
            if party is None:
                self.add_error(f"{name}_search", message_party_not_found())
            cleaned[name] = party
        return cleaned


def _management_type_choices() -> list[tuple[str, str]]:
    return [(code, f"{label} ({code})") for code, label in MANAGEMENT_LINK_TYPES]


class ManagementLinkForm(_PartyPickerForm):
    role = forms.ChoiceField(label=_("Type de lien de ce tiers"), choices=_management_type_choices)
    linked_role = forms.ChoiceField(label=_("Type de lien du tiers lié"), choices=_management_type_choices)
    is_default = forms.BooleanField(
        label=_("Par défaut"),
        required=False,
        help_text=_("Le client à facturer proposé par défaut sur les pièces de vente du donneur d'ordre."),
    )
    field_order = ["role", "linked_kind", "linked_search", "linked", "linked_role", "is_default"]


class FiliationLinkForm(_PartyPickerForm):
    link_type = forms.ModelChoiceField(label=_("Type de lien"), queryset=FiliationLinkType.objects.none())
    field_order = ["link_type", "linked_kind", "linked_search", "linked"]

    def __init__(self, *args, tenant: Company, **kwargs) -> None:
        super().__init__(*args, tenant=tenant, **kwargs)
        field = self.fields["link_type"]
        field.queryset = FiliationLinkType.objects.filter(tenant=tenant).order_by("label")
        field.label_from_instance = lambda t: f"{t.label} ({t.get_direction_display().lower()})"


class RelationForm(_PartyPickerForm):
    party_field = "target"
    party_label = _("Tiers cible")
    source_contact = forms.ModelChoiceField(
        label=_("Qui"),
        queryset=Contact.objects.none(),
        required=False,
        empty_label=_("— le tiers lui-même —"),
    )
    relation_type = forms.ModelChoiceField(label=_("Relation"), queryset=RelationType.objects.none())
    comment = forms.CharField(label=_("Commentaire"), max_length=200, required=False)
    field_order = ["source_contact", "relation_type", "target_kind", "target_search", "target", "comment"]

    def __init__(self, *args, tenant: Company, third_party: ThirdParty, **kwargs) -> None:
        super().__init__(*args, tenant=tenant, **kwargs)
        self.fields["relation_type"].queryset = RelationType.objects.filter(tenant=tenant).order_by("label")
        contacts = self.fields["source_contact"]
        contacts.queryset = Contact.objects.filter(tenant=tenant, links__third_party=third_party).order_by(
            "last_name", "first_name"
        )
        contacts.label_from_instance = lambda c: f"{c.last_name} {c.first_name}".strip()
