"""Forms of the terms and representatives pages. They only shape the input: every rule is in the
services (tiers.services.terms, terms_reps), whose errors land on the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.models import Company
from tiers.forms.sites_banks import user_label
from tiers.models import (
    Address,
    FooterItemKind,
    FooterValueType,
    SegmentKind,
    StatisticalFamily,
    ThirdParty,
)
from tiers.selectors import third_parties_visible
from tiers.selectors_sites_banks import addresses_of, business_lines_of, reps_of
from tiers.selectors_terms import (
    active_or_current,
    organisations_of,
    payment_terms_choice,
    segment_choice,
    statistical_axes_with_families,
)
from tiers.services.terms import (
    ADDRESS_FIELDS,
    PARTY_FIELDS,
    SEGMENT_FIELDS,
    TERMS_FIELDS,
    message_not_own_address,
)
from tiers.services.terms_footer import message_code_required, message_label_required

FAMILY_PREFIX = "famille_"
FIELDSETS = (
    (
        _("Commande"),
        (
            "abc_category",
            "minimum_order_amount",
            "partial_delivery",
            "loans_allowed",
            "order_grouping_forbidden",
            "price_type",
            "price_list",
        ),
    ),
    (
        _("Facturation"),
        (
            "billing_mode",
            "billing_periodicity",
            "free_shipping",
            "free_shipping_threshold",
            "bill_to",
            "payer",
            "group",
            "accounting_code",
            "tax_regime",
            "is_vat_liable",
            "vat_treatment",
            "billing_address",
            "delivery_address",
            "invoice_sending",
            "order_ack_text",
            "invoice_text",
        ),
    ),
    (
        _("Règlement"),
        (
            "payment_term",
            "payment_method",
            "payment_days",
            "unavailable_from",
            "unavailable_to",
            "reminder_group",
        ),
    ),
    (
        _("Encours"),
        (
            "credit_control",
            "credit_limit",
            "credit_insurance_amount",
            "credit_insurance_expiry",
            "credit_insurer",
        ),
    ),
    (_("Représentants"), ("rep_1", "rep_2", "commission_category")),
)
_MODEL_FIELDS = [
    name for name in TERMS_FIELDS if name not in (*PARTY_FIELDS, "payment_days", "rep_1", "rep_2")
]
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return user_label(obj)


def address_label(address: Address) -> str:
    place = " ".join(part for part in (address.postal_code, address.city) if part)
    return " — ".join(part for part in (address.code, address.description or address.line1, place) if part)


class TermsForm(forms.Form):
    payment_days = forms.CharField(
        label=_("Jours de règlement"),
        required=False,
        help_text=_("Jusqu'à 4 jours du mois séparés par des virgules, par exemple 5, 15."),
    )
    rep_1 = UserChoiceField(label=_("Représentant 1"), queryset=None, required=False)
    rep_2 = UserChoiceField(label=_("Représentant 2"), queryset=None, required=False)

    def __init__(self, *args, tenant: Company, user, third_party: ThirdParty, families=(), **kwargs) -> None:
        """``third_party`` loaded with its terms' related rows and ``families`` its statistical
        families (tiers.selectors_terms.terms_section)."""
        kwargs.setdefault("initial", self._initial(third_party))
        super().__init__(*args, **kwargs)
        self.tenant, self.user, self.third_party = tenant, user, third_party
        model_fields = forms.fields_for_model(
            ThirdParty,
            fields=_MODEL_FIELDS,
            widgets={"unavailable_from": _DATE, "unavailable_to": _DATE, "credit_insurance_expiry": _DATE},
        )
        for name in PARTY_FIELDS:
            model_fields[name] = forms.CharField(
                label=ThirdParty._meta.get_field(name).verbose_name.capitalize(),
                required=False,
                help_text=_("Code du tiers ; vide : le tiers lui-même.") if name != "credit_insurer" else "",
            )
        for name, field in model_fields.items():
            field.label = str(field.label)[:1].upper() + str(field.label)[1:]
            self.fields[name] = field
        self.fields["payment_term"].queryset = payment_terms_choice(
            tenant=tenant, current_id=third_party.payment_term_id
        )
        for name, kind in SEGMENT_FIELDS.items():
            self.fields[name].queryset = segment_choice(
                tenant=tenant, kind=kind, current_id=getattr(third_party, f"{name}_id")
            )
        for name in ("rep_1", "rep_2"):
            self.fields[name].queryset = reps_of(tenant=tenant)
        addresses = addresses_of(tenant=tenant, third_party=third_party)
        for name in ADDRESS_FIELDS:
            field = self.fields[name]
            field.queryset = addresses
            field.label_from_instance = address_label
            field.help_text = _("Vide : l'adresse par défaut du tiers.")
            # Another third party's address: the service's message, not the generic one.
            field.error_messages["invalid_choice"] = message_not_own_address()
        self.fields["vat_treatment"].help_text = _(
            "Automatique : TVA française en France, autoliquidation dans l'Union européenne avec un "
            "numéro de TVA valide (TVA française sans), exonéré hors de l'Union européenne."
        )
        self.axes = statistical_axes_with_families(tenant=tenant)
        current = {row.axis_id: row.family_id for row in families}
        for axis in self.axes:
            field = forms.ModelChoiceField(
                label=axis.label,
                queryset=active_or_current(
                    StatisticalFamily.objects.filter(tenant=tenant, axis=axis), current.get(axis.pk)
                ),
                required=False,
                initial=current.get(axis.pk),
            )
            field.choices = [("", "---------")] + [
                (family.pk, family.label)
                for family in axis.choices
                if family.is_active or family.pk == current.get(axis.pk)
            ]
            self.fields[f"{FAMILY_PREFIX}{axis.pk}"] = field

    @staticmethod
    def _initial(third_party: ThirdParty) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(third_party, name) for name in _MODEL_FIELDS}
        initial["payment_days"] = ", ".join(str(day) for day in third_party.payment_days or [])
        for name in PARTY_FIELDS:
            party = getattr(third_party, name)
            initial[name] = party.code if party is not None else ""
        initial["rep_1"], initial["rep_2"] = third_party.rep_1_id, third_party.rep_2_id
        return initial

    def fieldsets(self) -> list[tuple[str, list]]:
        groups = [(legend, [self[name] for name in names]) for legend, names in FIELDSETS]
        if self.axes:
            groups.append(
                (_("Familles statistiques"), [self[f"{FAMILY_PREFIX}{axis.pk}"] for axis in self.axes])
            )
        return groups

    def clean_payment_days(self) -> list[int | str]:
        """'5, 15' → [5, 15] (the ranges and duplicates are the service's rules)."""
        text = self.cleaned_data["payment_days"] or ""
        days: list[int | str] = []
        for part in text.replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit():
                raise forms.ValidationError(_("Saisissez des numéros de jour séparés par des virgules."))
            days.append(int(part))
        return days

    def _party(self, name: str):
        code = (self.cleaned_data.get(name) or "").strip().upper()
        if not code:
            return None
        party = third_parties_visible(tenant=self.tenant, user=self.user).filter(code__iexact=code).first()
        if party is None:
            raise forms.ValidationError(_("Tiers inconnu : %(code)s.") % {"code": code})
        return party

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name in PARTY_FIELDS:
            if name not in self.errors:
                try:
                    cleaned[name] = self._party(name)
                except forms.ValidationError as exc:
                    self.add_error(name, exc)
        return cleaned

    def data_for_service(self) -> dict[str, Any]:
        data = {name: self.cleaned_data.get(name) for name in TERMS_FIELDS}
        data["statistical_families"] = [
            self.cleaned_data[name]
            for name in self.fields
            if name.startswith(FAMILY_PREFIX) and self.cleaned_data.get(name) is not None
        ]
        return data


class SecondaryRepForm(forms.Form):
    user = UserChoiceField(label=_("Représentant"), queryset=None)
    role = forms.ModelChoiceField(label=_("Rôle"), queryset=None, required=False)
    product_family = forms.ModelChoiceField(label=_("Famille de produit"), queryset=None, required=False)

    def __init__(self, *args, tenant: Company, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = reps_of(tenant=tenant)
        self.fields["role"].queryset = segment_choice(tenant=tenant, kind=SegmentKind.REP_ROLE)
        self.fields["product_family"].queryset = segment_choice(
            tenant=tenant, kind=SegmentKind.PRODUCT_FAMILY
        )


class FollowUpForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation interne"), queryset=None)
    business_line = forms.ModelChoiceField(label=_("Activité"), queryset=None)
    rep = UserChoiceField(label=_("Commercial"), queryset=None)

    def __init__(self, *args, tenant: Company, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_of(tenant=tenant)
        self.fields["business_line"].queryset = business_lines_of(tenant=tenant)
        self.fields["rep"].queryset = reps_of(tenant=tenant)


class InvoiceFooterItemForm(forms.Form):
    """A discount or a fee of the invoice footer (the rules are tiers.services.terms_footer's)."""

    code = forms.CharField(label=_("Code"), max_length=20)
    label = forms.CharField(label=_("Intitulé"), max_length=100)
    kind = forms.ChoiceField(label=_("Nature"), choices=FooterItemKind.choices)
    value_type = forms.ChoiceField(label=_("Type de valeur"), choices=FooterValueType.choices)
    value = forms.DecimalField(label=_("Valeur"), localize=True)
    position = forms.IntegerField(
        label=_("Ordre"), required=False, min_value=1, max_value=999, help_text=_("Vide : à la fin.")
    )

    def __init__(self, *args, tenant: Company, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The service's own messages, so the page says the same as any other caller gets.
        self.fields["code"].error_messages["required"] = message_code_required()
        self.fields["label"].error_messages["required"] = message_label_required()
