"""The quote form (header fields; the lines are ventes.forms.lines' formset). The rules are the
services' (ventes.services.quotes)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.models import BusinessLine, Company
from parc.forms.assets import DATE_WIDGET, site_field, sites_of_customer
from tiers.models import ThirdParty
from ventes.models import Quote
from ventes.selectors_pipeline import deal_choices


def deal_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(label=_("Affaire"), queryset=None, required=False)


def business_line_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(label=_("Activité"), queryset=None, required=False)


def document_querysets(form: forms.Form, *, tenant: Company, customer: ThirdParty) -> None:
    """Site, deal and business line choices of a sales document of ``customer``."""
    form.fields["site"].queryset = sites_of_customer(tenant=tenant, customer=customer)
    form.fields["deal"].queryset = deal_choices(tenant=tenant, customer=customer)
    form.fields["business_line"].queryset = BusinessLine.objects.filter(tenant=tenant).order_by("name")


class QuoteForm(forms.ModelForm):
    site = site_field()
    deal = deal_field()
    business_line = business_line_field()

    class Meta:
        model = Quote
        fields = ["quote_type", "issued_on", "valid_until", "site", "deal", "business_line"]
        widgets = {"issued_on": DATE_WIDGET, "valid_until": DATE_WIDGET}

    def __init__(self, *args, tenant: Company, customer: ThirdParty, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        document_querysets(self, tenant=tenant, customer=customer)
        if self.instance.pk:  # the type is chosen at creation (the CRM licence rule)
            del self.fields["quote_type"]

    def _post_clean(self) -> None:
        """The service validates (site, deal, dates, licence): skip the model's own validation."""
