"""Form of a competitor's asset; the rules are the service's (parc.services.competitors)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.models import BusinessLine, Company
from parc.forms.assets import DATE_WIDGET, site_field, sites_of_customer
from parc.models import CompetitorAsset
from parc.services.competitors import FIELDS
from tiers.models import ThirdParty


class CompetitorAssetForm(forms.ModelForm):
    site = site_field()
    business_line = forms.ModelChoiceField(label=_("Activité"), queryset=None, required=False)

    class Meta:
        model = CompetitorAsset
        fields = list(FIELDS)
        widgets = {
            "contract_initial_end_on": DATE_WIDGET,
            "financing_starts_on": DATE_WIDGET,
            "financing_ends_on": DATE_WIDGET,
        }

    def __init__(self, *args, tenant: Company, customer: ThirdParty, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites_of_customer(tenant=tenant, customer=customer)
        self.fields["business_line"].queryset = BusinessLine.objects.filter(tenant=tenant).order_by("name")

    def _post_clean(self) -> None:
        """The service validates: skip the model's own validation here."""
