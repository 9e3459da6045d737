"""Forms of service contracts, their covered assets and billing rules; the rules are the
services' (parc.services.contracts)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.models import BusinessLine, Company
from parc.forms.assets import DATE_WIDGET, site_field, sites_of_customer
from parc.models import BillingRule, ContractType, ServiceContract
from parc.selectors_contracts import RULE_FIELDS, contract_templates_of
from parc.selectors_meters import meter_types_of
from tiers.models import ThirdParty


class AssetsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_label


class ContractForm(forms.ModelForm):
    contract_type = forms.ModelChoiceField(label=_("Type"), queryset=None)
    site = site_field()
    business_line = forms.ModelChoiceField(label=_("Activité"), queryset=None, required=False)

    class Meta:
        model = ServiceContract
        fields = [
            "code",
            "label",
            "contract_type",
            "kind",
            "prepaid_balance",
            "starts_on",
            "ends_on",
            "site",
            "business_line",
        ]
        widgets = {"starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET}
        help_texts = {"code": _("Laissez vide pour le numéro suivant (SSC000042).")}

    def __init__(self, *args, tenant: Company, customer: ThirdParty, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].required = False
        self.fields["contract_type"].queryset = ContractType.objects.filter(tenant=tenant).order_by("label")
        self.fields["site"].queryset = sites_of_customer(tenant=tenant, customer=customer)
        self.fields["business_line"].queryset = BusinessLine.objects.filter(tenant=tenant).order_by("name")

    def _post_clean(self) -> None:
        """The service validates (code, site, dates, prepaid balance): skip the model's own checks."""


class ContractFromTemplateForm(forms.Form):
    template = forms.ModelChoiceField(label=_("Modèle de contrat"), queryset=None)
    site = site_field()
    starts_on = forms.DateField(label=_("Début"), widget=DATE_WIDGET)
    assets = AssetsChoiceField(label=_("Biens couverts"), queryset=None, required=False)

    def __init__(self, *args, tenant: Company, customer: ThirdParty, assets, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = contract_templates_of(tenant=tenant).filter(is_active=True)
        self.fields["site"].queryset = sites_of_customer(tenant=tenant, customer=customer)
        self.fields["assets"].queryset = assets


class ContractAssetsForm(forms.Form):
    assets = AssetsChoiceField(label=_("Biens à couvrir"), queryset=None)

    def __init__(self, *args, assets, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assets"].queryset = assets


class BillingRuleForm(forms.ModelForm):
    meter_type = forms.ModelChoiceField(label=_("Grandeur"), queryset=None, required=False)

    class Meta:
        model = BillingRule
        fields = list(RULE_FIELDS)
        widgets = {"next_invoice_on": DATE_WIDGET}

    def __init__(self, *args, tenant: Company, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["position"].required = False
        self.fields["meter_type"].queryset = meter_types_of(tenant=tenant)

    def _post_clean(self) -> None:
        """The service validates (code, meter type's unit cost, costs): skip the model's checks."""
