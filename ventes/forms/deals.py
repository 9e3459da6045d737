"""Form of a deal; the rules are the service's (ventes.services.deals)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import BusinessLine, Company, InternalOrganisation
from parc.forms.assets import DATE_WIDGET, site_field, sites_of_customer
from tiers.filters import UserChoiceField
from tiers.models import ThirdParty
from ventes.models import Deal
from ventes.selectors_pipeline import owner_choices
from ventes.services.deals import FIELDS


def owner_field() -> UserChoiceField:
    return UserChoiceField(label=_("Responsable"), queryset=None)


def business_line_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(label=_("Activité"), queryset=None, required=False)


class DealForm(forms.ModelForm):
    site = site_field()
    business_line = business_line_field()
    organisation = forms.ModelChoiceField(label=_("Organisation interne"), queryset=None, required=False)
    owner = owner_field()

    class Meta:
        model = Deal
        fields = list(FIELDS)
        widgets = {"opened_on": DATE_WIDGET, "expected_on": DATE_WIDGET, "closed_on": DATE_WIDGET}
        help_texts = {"number": _("Laissez vide pour le numéro suivant.")}

    def __init__(self, *args, tenant: Company, customer: ThirdParty, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["number"].required = False
        self.fields["opened_on"].required = False  # the service defaults it to today
        if not self.instance.pk:
            self.initial.setdefault("opened_on", timezone.localdate())
        self.fields["site"].queryset = sites_of_customer(tenant=tenant, customer=customer)
        self.fields["business_line"].queryset = BusinessLine.objects.filter(tenant=tenant).order_by("name")
        self.fields["organisation"].queryset = InternalOrganisation.objects.filter(tenant=tenant).order_by(
            "name"
        )
        self.fields["owner"].queryset = owner_choices(tenant=tenant)
        # The service checks the ranges with their French messages.
        for name in ("amount", "probability"):
            self.fields[name].validators = []
            self.fields[name].widget.attrs.pop("min", None)
            self.fields[name].widget.attrs.pop("max", None)
        self.fields["probability"].min_value = None

    def _post_clean(self) -> None:
        """The service validates: skip the model's own validation here."""
