"""Form of a commercial action; the rules are the service's (ventes.services.actions)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.models import BusinessLine, Company
from parc.forms.assets import site_field, sites_of_customer
from tiers.models import Contact, ThirdParty
from ventes.forms.deals import business_line_field, owner_field
from ventes.models import Action
from ventes.selectors_pipeline import deal_choices, owner_choices
from ventes.services.actions import FIELDS

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def contacts_of_customer(*, tenant: Company, customer: ThirdParty):
    return (
        Contact.objects.filter(tenant=tenant, links__tenant=tenant, links__third_party=customer)
        .order_by("last_name", "first_name")
        .distinct()
    )


class ActionForm(forms.ModelForm):
    site = site_field()
    business_line = business_line_field()
    owner = owner_field()
    contact = forms.ModelChoiceField(label=_("Personne à contacter"), queryset=None, required=False)
    participants = forms.ModelMultipleChoiceField(
        label=_("Autres participants"), queryset=None, required=False
    )
    deal = forms.ModelChoiceField(label=_("Affaire"), queryset=None, required=False)

    class Meta:
        model = Action
        fields = list(FIELDS)
        widgets = {"planned_at": DATETIME_WIDGET, "done_at": DATETIME_WIDGET}

    def __init__(self, *args, tenant: Company, customer: ThirdParty, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        contacts = contacts_of_customer(tenant=tenant, customer=customer)
        self.fields["site"].queryset = sites_of_customer(tenant=tenant, customer=customer)
        self.fields["business_line"].queryset = BusinessLine.objects.filter(tenant=tenant).order_by("name")
        self.fields["owner"].queryset = owner_choices(tenant=tenant)
        self.fields["contact"].queryset = contacts
        self.fields["participants"].queryset = contacts
        self.fields["deal"].queryset = deal_choices(tenant=tenant, customer=customer)
        if self.instance.pk:
            self.initial["participants"] = list(
                self.instance.participant_links.values_list("contact_id", flat=True)
            )

    def _post_clean(self) -> None:
        """The service validates: skip the model's own validation here."""
