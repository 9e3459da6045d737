"""Forms of the contact pages: the contact's own fields, its link to the third party shown, and
the choice of an existing contact to link.

The rules live in tiers.services.contacts (phones, function, birth date, key, default contact,
address code); the views copy the services' refusals onto these forms' fields, so the user's
input stays on screen with the message next to the field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.models import Company
from crm.normalize import phone_display
from tiers.models import Address, Contact, SegmentValue, ThirdParty
from tiers.models.contacts import Civility
from tiers.models.reference import SegmentKind
from tiers.models.third_parties import LANGUAGES

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TelInput(forms.TextInput):
    input_type = "tel"


class ContactForm(forms.Form):
    """A contact's own fields. ``with_key``: the code may be typed (creation only)."""

    key = forms.CharField(
        label=_("Code"),
        max_length=15,
        required=False,
        help_text=_("Laissez vide pour attribuer automatiquement le prochain numéro."),
    )
    civility = forms.ChoiceField(label=_("Civilité"), choices=[("", "—"), *Civility.choices], required=False)
    first_name = forms.CharField(label=_("Prénom"), max_length=60, required=False)
    last_name = forms.CharField(label=_("Nom"), max_length=80)
    function = forms.ModelChoiceField(
        label=_("Fonction"),
        queryset=SegmentValue.objects.none(),
        required=False,
        empty_label="—",
        error_messages={"invalid_choice": _("Fonction inconnue : choisissez une fonction de la liste.")},
    )
    department = forms.CharField(label=_("Service"), max_length=60, required=False)
    language = forms.ChoiceField(label=_("Langue"), choices=LANGUAGES, initial="fr")
    birth_date = forms.DateField(label=_("Date de naissance"), required=False, widget=DATE_WIDGET)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)
    mobile = forms.CharField(label=_("Portable"), max_length=30, required=False)
    fax = forms.CharField(label=_("Fax"), max_length=30, required=False)
    no_mailing = forms.BooleanField(label=_("Interdit mailing"), required=False)

    def __init__(self, *args, tenant: Company, with_key: bool = True, current_function_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        functions = Q(is_active=True)
        if current_function_id is not None:
            functions |= Q(pk=current_function_id)
        self.fields["function"].queryset = SegmentValue.objects.filter(
            tenant=tenant, kind=SegmentKind.CONTACT_FUNCTION
        ).filter(functions)
        for name in ("phone", "mobile", "fax"):
            self.fields[name].widget = TelInput(attrs={"autocomplete": "tel", "maxlength": 30})
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        if not with_key:
            del self.fields["key"]

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields}

    @staticmethod
    def initial_for(contact: Contact) -> dict[str, Any]:
        return {
            "civility": contact.civility,
            "first_name": contact.first_name,
            "last_name": contact.last_name,
            "function": contact.function_id,
            "department": contact.department,
            "language": contact.language,
            "birth_date": contact.birth_date,
            "email": contact.email,
            "phone": phone_display(contact.phone),
            "mobile": phone_display(contact.mobile),
            "fax": phone_display(contact.fax),
            "no_mailing": contact.no_mailing,
        }


class AddressCodeField(forms.ModelChoiceField):
    """An address code of the third party shown; any other address is "Code adresse inexistant"."""

    def label_from_instance(self, obj: Address) -> str:
        return str(obj)


def _address_field(third_party: ThirdParty) -> AddressCodeField:
    return AddressCodeField(
        label=_("Code adresse"),
        queryset=Address.objects.filter(tenant=third_party.tenant_id, third_party=third_party).order_by(
            "code"
        ),
        required=False,
        empty_label=_("— aucune —"),
        error_messages={"invalid_choice": _("Code adresse inexistant.")},
    )


class ContactLinkForm(forms.Form):
    """The fields of a contact's link to ONE third party. ``with_active``: the active flag is
    offered (a new link is always active)."""

    is_default = forms.BooleanField(label=_("Contact par défaut"), required=False)
    is_active = forms.BooleanField(label=_("Actif pour ce tiers"), required=False, initial=True)

    def __init__(self, *args, third_party: ThirdParty, with_active: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"address": _address_field(third_party), **self.fields}
        if not with_active:
            del self.fields["is_active"]

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields}


class ContactPickForm(ContactLinkForm):
    """An existing contact of the tenant to link to the third party shown."""

    def __init__(self, *args, contacts, **kwargs):
        super().__init__(*args, with_active=False, **kwargs)
        self.fields = {
            "contact": forms.ModelChoiceField(
                label=_("Contact"),
                queryset=contacts,
                widget=forms.HiddenInput,
                error_messages={
                    "required": _("Choisissez le contact à associer."),
                    "invalid_choice": _("Contact inconnu."),
                },
            ),
            **self.fields,
        }


class SearchInput(forms.TextInput):
    input_type = "search"


class ContactSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Nom du contact"),
        max_length=100,
        required=False,
        widget=SearchInput(attrs={"autocomplete": "off", "autofocus": True, "minlength": 2}),
    )


def errors_to_form(form: forms.Form, error: ValidationError, *others: forms.Form) -> None:
    """Put a service's refusal on the fields of ``form`` (or of ``others``) that it names; the
    rest as a non-field error of ``form``."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        target = next((f for f in (form, *others) if name in f.fields), None)
        if target is None:
            form.add_error(None, ValidationError(errors))
        else:
            target.add_error(name, ValidationError(errors))
