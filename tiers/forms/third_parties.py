"""Forms of the third party: identity, the address formset (each address with its own small
formsets of phones and e-mails), other roles and allowed users.

The forms run the same validators as the services (tiers.validators) so that every refusal is
shown on its field while the user's input stays on screen; the services check again.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from crm.models import Company, Country, Membership
from crm.normalize import phone_display
from tiers.models import Address, SegmentValue, Tag, ThirdParty
from tiers.models.addresses import PhoneKind
from tiers.models.reference import SegmentKind
from tiers.services.addresses import message_no_address, message_no_default, message_two_defaults
from tiers.services.third_parties import IDENTITY_FIELDS, ROLE_FLAGS
from tiers.validators import email_clean, identity_clean, phone_clean, postal_place_clean

# The identity fields of the service, with the tag and classification lists after the segments.
_LISTS_AFTER = IDENTITY_FIELDS.index("origin") + 1
IDENTITY_FORM_FIELDS = [
    *IDENTITY_FIELDS[:_LISTS_AFTER],
    "classifications",
    "tags",
    *IDENTITY_FIELDS[_LISTS_AFTER:],
]


# Lists of the tenant: declared with empty querysets (a tenant model's manager refuses to run
# outside a scope, and the form class is built at import), filled per tenant in __init__.
_TENANT_CHOICES = {
    "category": SegmentKind.CATEGORY,
    "activity": SegmentKind.ACTIVITY,
    "origin": SegmentKind.ORIGIN,
    "classifications": SegmentKind.CLASSIFICATION,
}


class ThirdPartyForm(forms.ModelForm):
    """Identity of a third party. ``tenant`` limits the segmentation lists and tags to its own."""

    category = forms.ModelChoiceField(
        label=_("Catégorie"), queryset=SegmentValue.objects.none(), required=False
    )
    activity = forms.ModelChoiceField(
        label=_("Activité"), queryset=SegmentValue.objects.none(), required=False
    )
    origin = forms.ModelChoiceField(label=_("Origine"), queryset=SegmentValue.objects.none(), required=False)
    classifications = forms.ModelMultipleChoiceField(
        label=_("Classifications"),
        queryset=SegmentValue.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tags = forms.ModelMultipleChoiceField(
        label=_("Étiquettes"),
        queryset=Tag.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ThirdParty
        fields = [name for name in IDENTITY_FORM_FIELDS if name not in _TENANT_CHOICES and name != "tags"]
        widgets = {
            "client_since": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "observations": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "siret": _("14 chiffres ; le SIREN en est tiré s'il est laissé vide."),
            "naf": _("Par exemple 62.01Z."),
            "vat_number": _("Par exemple FR40303265045."),
        }

    def __init__(self, *args, tenant: Company, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.tenant = tenant
        for name, kind in _TENANT_CHOICES.items():
            self.fields[name].queryset = SegmentValue.objects.filter(tenant=tenant, kind=kind, is_active=True)
        self.fields["tags"].queryset = Tag.objects.filter(tenant=tenant)
        self.fields["country"].queryset = Country.objects.order_by("name")
        if "code" in self.fields:
            self.fields["code"].required = False
            self.fields["code"].help_text = _("Laissez vide pour un code automatique.")
        if self.instance.pk:
            for name in ("category", "activity", "origin"):
                self.initial.setdefault(name, getattr(self.instance, f"{name}_id"))
            self.initial.setdefault(
                "classifications", list(self.instance.classifications.values_list("pk", flat=True))
            )
            self.initial.setdefault("tags", list(self.instance.tags.values_list("pk", flat=True)))
        else:
            self.initial.setdefault("currency", tenant.currency_id)
            self.initial.setdefault("country", tenant.country_id)
        self.order_fields([*IDENTITY_FORM_FIELDS, "create_anyway"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if any(name in self.errors for name in ("country", "is_natural_person")):
            return data
        try:
            cleaned = identity_clean(
                country=data.get("country"),
                is_natural_person=bool(data.get("is_natural_person")),
                siren=data.get("siren", ""),
                siret=data.get("siret", ""),
                vat_number=data.get("vat_number", ""),
                naf=data.get("naf", ""),
            )
        except ValidationError as exc:
            for name, errors in exc.error_dict.items():
                if name not in self.errors:
                    self.add_error(name, errors)
        else:
            data.update(cleaned)
        return data

    def identity(self) -> dict[str, Any]:
        """The cleaned values as keyword arguments of the third-party services."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name in IDENTITY_FORM_FIELDS and name not in ("tags", "classifications")
        }


class ThirdPartyCreateForm(ThirdPartyForm):
    create_anyway = forms.BooleanField(
        label=_("Créer quand même"),
        required=False,
        help_text=_("Cochez si aucun des tiers ci-dessus n'est celui que vous saisissez."),
    )


class ThirdPartyUpdateForm(ThirdPartyForm):
    class Meta(ThirdPartyForm.Meta):
        fields = [name for name in ThirdPartyForm.Meta.fields if name != "code"]


# --- Phones and e-mails of one address ------------------------------------------------------------


class _ItemFormSet(forms.BaseFormSet):
    """A nested formset whose empty form uses its own placeholder, so that the address template
    (which replaces ``__prefix__``) keeps this one intact for the script that adds rows."""

    placeholder = "__item__"

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix(self.placeholder),
            empty_permitted=True,
            use_required_attribute=False,
            **self.get_form_kwargs(None),
            renderer=self.renderer,
        )
        self.add_fields(form, None)
        return form


class PhoneForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type"), choices=PhoneKind.choices, initial=PhoneKind.PHONE, required=False
    )
    number = forms.CharField(label=_("Téléphone"), max_length=30, required=False)


class EmailForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), required=False)


PhoneFormSet = forms.formset_factory(PhoneForm, formset=_ItemFormSet, extra=1, max_num=10, absolute_max=10)
EmailFormSet = forms.formset_factory(EmailForm, formset=_ItemFormSet, extra=1, max_num=10, absolute_max=10)


# --- Addresses ------------------------------------------------------------------------------------


class AddressForm(forms.Form):
    pk = forms.IntegerField(widget=forms.HiddenInput, required=False)
    code = forms.CharField(
        label=_("Code adresse"), max_length=10, required=False, help_text=_("Vide : 001, 002…")
    )
    description = forms.CharField(label=_("Désignation"), max_length=100, required=False)
    line1 = forms.CharField(label=_("Adresse ligne 1"), max_length=100, required=False)
    line2 = forms.CharField(label=_("Adresse ligne 2"), max_length=100, required=False)
    line3 = forms.CharField(label=_("Adresse ligne 3"), max_length=100, required=False)
    # data-postal-lookup: static/js/postal-lookup.js fills city and département from the code.
    postal_code = forms.CharField(
        label=_("Code postal"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"data-postal-lookup": "code", "inputmode": "numeric"}),
    )
    city = forms.CharField(
        label=_("Ville"),
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={"data-postal-lookup": "city"}),
    )
    subdivision = forms.CharField(
        label=_("Département"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"data-postal-lookup": "subdivision"}),
    )
    # Choices given by the formset (one query for every address), cleaned to a Country.
    country = forms.TypedChoiceField(label=_("Pays"), coerce=int, choices=())
    website = forms.URLField(label=_("Site web"), required=False, assume_scheme="https")
    external_id = forms.CharField(label=_("Identifiant externe"), max_length=40, required=False)
    is_default = forms.BooleanField(
        label=_("Adresse par défaut"),
        required=False,
        widget=forms.CheckboxInput(attrs={"data-exclusive": "address-default"}),
    )

    def __init__(self, *args, countries: list[Country] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        countries = countries if countries is not None else list(Country.objects.order_by("name"))
        self.countries = {country.pk: country for country in countries}
        self.fields["country"].choices = [("", "—"), *((country.pk, country.name) for country in countries)]
        france = next((country.pk for country in countries if country.code == "FR"), "")
        self.fields["country"].widget.attrs.update({"data-postal-lookup": "country", "data-france": france})
        initial = self.initial or {}
        data = self.data if self.is_bound else None
        self.phones = PhoneFormSet(data, prefix=self.add_prefix("tel"), initial=initial.get("phones") or None)
        self.emails = EmailFormSet(data, prefix=self.add_prefix("mel"), initial=initial.get("emails") or None)
        self.warnings: list[str] = []

    def has_changed(self) -> bool:
        return super().has_changed() or self.phones.has_changed() or self.emails.has_changed()

    def is_valid(self) -> bool:
        valid = super().is_valid()
        return self.phones.is_valid() and self.emails.is_valid() and valid

    def clean_country(self) -> Country:
        return self.countries[self.cleaned_data["country"]]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        country = data.get("country")
        if country is not None and not {"postal_code", "city"} & set(self.errors):
            try:
                place = postal_place_clean(
                    country=country,
                    postal_code=data.get("postal_code", ""),
                    city=data.get("city", ""),
                    subdivision=data.get("subdivision", ""),
                )
            except ValidationError as exc:
                for name, errors in exc.error_dict.items():
                    self.add_error(name, errors)
            else:
                data.update(postal_code=place.postal_code, city=place.city, subdivision=place.subdivision)
                self.warnings = place.warnings
        region = (country.phone_region if country is not None else "") or "FR"
        if self.phones.is_valid():
            for form in self.phones.forms:
                number = form.cleaned_data.get("number", "")
                if number:
                    try:
                        phone_clean(number, region)
                    except ValidationError as exc:
                        form.add_error("number", exc)
        return data

    def values(self) -> dict[str, Any]:
        """The address as the address services take it."""
        data = {name: value for name, value in self.cleaned_data.items() if name != "pk"}
        data["phones"] = [
            {"kind": form.cleaned_data.get("kind") or PhoneKind.PHONE, "number": form.cleaned_data["number"]}
            for form in self.phones.forms
            if form.cleaned_data.get("number")
        ]
        data["emails"] = [
            email_clean(form.cleaned_data["email"])
            for form in self.emails.forms
            if form.cleaned_data.get("email")
        ]
        if self.cleaned_data.get("pk"):
            data["pk"] = self.cleaned_data["pk"]
        return data


class BaseAddressFormSet(forms.BaseFormSet):
    """At least one address and exactly one default (a lone address becomes the default), checked
    here so the message shows above the addresses; the services check again."""

    def __init__(
        self,
        *args,
        default_country: Country | None = None,
        allowed_pks: frozenset[int] = frozenset(),
        initial_phone: str = "",
        **kwargs,
    ) -> None:
        self.default_country = default_country
        self.allowed_pks = allowed_pks
        self.initial_phone = initial_phone  # pre-filled on the first new address (incoming call)
        self.countries = list(Country.objects.order_by("name"))
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        """New rows start with the third party's country (and, for the very first address of a
        new third party, as the default address)."""
        if index is not None and index < len(self.initial or []):
            return {"countries": self.countries}
        initial: dict[str, Any] = {"country": self.default_country.pk if self.default_country else None}
        if index == 0:
            initial["is_default"] = True
            if self.initial_phone:
                initial["phones"] = [{"kind": PhoneKind.PHONE, "number": self.initial_phone}]
        return {"countries": self.countries, "initial": initial}

    def _construct_form(self, i: int, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if not form.initial.get("pk"):
            form.empty_permitted = True  # an untouched new row is ignored, not validated
        return form

    def kept_forms(self) -> list[AddressForm]:
        kept = []
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            if not form.has_changed() and not form.initial.get("pk"):
                continue  # an untouched empty row
            kept.append(form)
        return kept

    def deleted_pks(self) -> list[int]:
        return [
            form.cleaned_data["pk"]
            for form in self.forms
            if self.can_delete and self._should_delete_form(form) and form.cleaned_data.get("pk")
        ]

    def clean(self) -> None:
        if any(self.errors):
            return
        kept = self.kept_forms()
        for form in self.forms:
            pk = form.cleaned_data.get("pk")
            if pk and pk not in self.allowed_pks:
                raise ValidationError(_("Adresse inconnue pour ce tiers."))
        if not kept:
            raise ValidationError(message_no_address())
        defaults = sum(1 for form in kept if form.cleaned_data.get("is_default"))
        if defaults == 0 and len(kept) > 1:
            raise ValidationError(message_no_default())
        if defaults > 1:
            raise ValidationError(message_two_defaults())

    def values(self) -> list[dict[str, Any]]:
        return [form.values() for form in self.kept_forms()]

    def warnings(self) -> list[str]:
        return [warning for form in self.kept_forms() for warning in form.warnings]

    def add_non_form_errors(self, errors: list[str]) -> None:
        self.non_form_errors()
        self._non_form_errors = self.error_class([*self._non_form_errors, *errors], renderer=self.renderer)


NewAddressFormSet = forms.formset_factory(
    AddressForm, formset=BaseAddressFormSet, extra=1, max_num=50, absolute_max=50
)
AddressFormSet = forms.formset_factory(
    AddressForm, formset=BaseAddressFormSet, extra=1, can_delete=True, max_num=50, absolute_max=50
)


def address_initial(address: Address) -> dict[str, Any]:
    """An existing address (phones and e-mails prefetched) as the initial data of an AddressForm."""
    return {
        "pk": address.pk,
        "code": address.code,
        "description": address.description,
        "line1": address.line1,
        "line2": address.line2,
        "line3": address.line3,
        "postal_code": address.postal_code,
        "city": address.city,
        "subdivision": address.subdivision,
        "country": address.country_id,
        "website": address.website,
        "external_id": address.external_id,
        "is_default": address.is_default,
        "phones": [
            {"kind": phone.kind, "number": phone_display(phone.number)} for phone in address.phones.all()
        ],
        "emails": [{"email": email.email} for email in address.emails.all()],
    }


# --- Roles and access -----------------------------------------------------------------------------


def role_choices() -> list[tuple[str, str]]:
    return [
        (role, ThirdParty._meta.get_field(field).verbose_name.capitalize())
        for role, field in ROLE_FLAGS.items()
    ]


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Autres rôles"), required=False, widget=forms.CheckboxSelectMultiple, choices=role_choices
    )


class UserChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


class AllowedUsersForm(forms.Form):
    users = UserChoiceField(
        label=_("Utilisateurs autorisés"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucun utilisateur coché : le tiers est visible de tous."),
    )

    def __init__(self, *args, tenant: Company, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        members = Membership.objects.filter(tenant=tenant, is_active=True).values("user_id")
        self.fields["users"].queryset = (
            get_user_model()
            .objects.filter(pk__in=members, is_active=True)
            .order_by("last_name", "first_name")
        )
