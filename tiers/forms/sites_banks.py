"""Forms of the sites, ship-to and bank-account pages. They only shape the input: every rule is
in the services (tiers.services.sites, ship_tos, bank_accounts), whose errors land on the fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.models import Country, Currency
from tiers.models.addresses import Incoterm
from tiers.selectors_sites_banks import message_unknown_address_code
from tiers.services.ship_tos import message_working_days

WEEKDAYS = [
    (1, _("Lundi")),
    (2, _("Mardi")),
    (3, _("Mercredi")),
    (4, _("Jeudi")),
    (5, _("Vendredi")),
    (6, _("Samedi")),
    (7, _("Dimanche")),
]


class AddressCodeField(forms.ChoiceField):
    """The third party's address codes; any other code gets exactly "Code adresse inexistant"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Code adresse"))
        super().__init__(**kwargs)
        self.error_messages["invalid_choice"] = message_unknown_address_code()


def model_choices(queryset, *, key: str = "pk", label=str, empty_label: str = "---------") -> list:
    """The choices of a ModelChoiceField computed once: a formset passes the same list to every
    row instead of letting each row's widget query the database again."""
    return [("", empty_label), *((getattr(obj, key), label(obj)) for obj in queryset)]


def user_label(user) -> str:
    return user.get_full_name() or user.get_username()


def _address_choices(addresses) -> list[tuple[str, str]]:
    return [("", "—"), *((address.code, str(address)) for address in addresses)]


def currency_choices() -> list:
    return model_choices(
        Currency.objects.order_by("code"), key="code", label=lambda c: f"{c.code} — {c.name}"
    )


def country_choices() -> list:
    return model_choices(Country.objects.order_by("name"), key="code", label=lambda c: c.name)


def rows_formset(form_class, *, can_delete: bool):
    """The inline formset of a rows page (one empty row to add; deletion only with the right)."""
    return forms.formset_factory(form_class, extra=1, can_delete=can_delete)


# --- Sites ----------------------------------------------------------------------------------------


class SiteForm(forms.Form):
    name = forms.CharField(label=_("Nom du site"), max_length=100)
    address = forms.ModelChoiceField(label=_("Adresse"), queryset=None, empty_label=None)
    latitude = forms.DecimalField(
        label=_("Latitude"),
        max_digits=9,
        decimal_places=6,
        required=False,
        help_text=_("Par exemple 45.764043"),
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        max_digits=9,
        decimal_places=6,
        required=False,
        help_text=_("Par exemple 4.835659"),
    )
    is_main = forms.BooleanField(label=_("Site principal"), required=False)

    def __init__(self, *args, addresses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["address"].queryset = addresses


class SiteBusinessLineForm(forms.Form):
    business_line = forms.ModelChoiceField(label=_("Activité"), queryset=None)
    rep = forms.ModelChoiceField(label=_("Commercial"), queryset=None, required=False)

    def __init__(self, *args, business_lines, reps, choices, **kwargs):
        """``choices``: {"business_line": [...], "rep": [...]} from model_choices, computed once."""
        super().__init__(*args, **kwargs)
        self.fields["business_line"].queryset = business_lines
        self.fields["rep"].queryset = reps
        for name, values in choices.items():
            self.fields[name].choices = values


SiteBusinessLineFormSet = forms.formset_factory(SiteBusinessLineForm, extra=1, can_delete=True)


# --- Ship-to --------------------------------------------------------------------------------------


class ShipToForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    address_code = AddressCodeField()
    lead_time_days = forms.IntegerField(label=_("Délai de livraison (jours)"), min_value=0, initial=0)
    carrier = forms.ModelChoiceField(label=_("Transporteur"), queryset=None, required=False)
    incoterm = forms.ChoiceField(label=_("Incoterm"), choices=[("", "—"), *Incoterm.choices], required=False)
    working_days = forms.TypedMultipleChoiceField(
        label=_("Jours ouvrés"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        initial=[1, 2, 3, 4, 5],
    )
    picking_note = forms.CharField(
        label=_("Texte du bon de préparation"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    delivery_note = forms.CharField(
        label=_("Texte du bon de livraison"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    vat_number = forms.CharField(label=_("N° TVA intracommunautaire"), max_length=30, required=False)

    def __init__(self, *args, addresses, carriers, carrier_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["address_code"].choices = _address_choices(addresses)
        self.fields["carrier"].queryset = carriers
        self.fields["carrier"].choices = carrier_choices
        self.fields["working_days"].error_messages["invalid_choice"] = message_working_days()


# --- Bank accounts --------------------------------------------------------------------------------


class BankAccountForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    address_code = AddressCodeField()
    iban = forms.CharField(
        label=_("IBAN"),
        max_length=50,
        required=False,
        help_text=_("Ou, pour un compte français, le RIB ci-dessous : l'IBAN en est calculé."),
    )
    rib_bank_code = forms.CharField(label=_("Code banque"), max_length=5, required=False)
    rib_branch_code = forms.CharField(label=_("Code guichet"), max_length=5, required=False)
    rib_account_number = forms.CharField(label=_("N° de compte"), max_length=11, required=False)
    rib_key = forms.CharField(label=_("Clé RIB"), max_length=2, required=False)
    bic = forms.CharField(
        label=_("BIC"),
        max_length=20,
        required=False,
        help_text=_("Laissé vide, il est repris de l'annuaire des banques quand l'IBAN y figure."),
    )
    bank_name = forms.CharField(
        label=_("Banque"),
        max_length=100,
        error_messages={"required": _("Le nom de la banque est obligatoire.")},
    )
    domiciliation = forms.CharField(
        label=_("Domiciliation"),
        max_length=100,
        error_messages={"required": _("La domiciliation est obligatoire.")},
    )
    holder = forms.CharField(label=_("Titulaire"), max_length=100, required=False)
    currency = forms.ModelChoiceField(label=_("Devise"), queryset=None, required=False, to_field_name="code")
    intermediary_bic = forms.CharField(
        label=_("BIC de la banque intermédiaire"), max_length=20, required=False
    )
    intermediary_bank_name = forms.CharField(label=_("Banque intermédiaire"), max_length=100, required=False)
    intermediary_country = forms.ModelChoiceField(
        label=_("Pays de la banque intermédiaire"), queryset=None, required=False, to_field_name="code"
    )
    is_default = forms.BooleanField(label=_("Compte par défaut"), required=False)

    def __init__(self, *args, addresses, currency_choices, country_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["address_code"].choices = _address_choices(addresses)
        self.fields["currency"].queryset = Currency.objects.all()
        self.fields["currency"].choices = currency_choices
        self.fields["intermediary_country"].queryset = Country.objects.all()
        self.fields["intermediary_country"].choices = country_choices
        self.fields["is_default"].widget.attrs["data-exclusive"] = "bank-default"
