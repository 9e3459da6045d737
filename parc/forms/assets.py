"""Forms of assets and their financing; the rules are the services' (parc.services.assets)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.models import BusinessLine, Company
from parc.models import Article, Asset, Financing
from parc.selectors_assets import financers_visible
from tiers.models import Site, ThirdParty


class ArticleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.code} — {obj.label}"


class SiteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.address.code} — {obj.address.postal_code} {obj.address.city})"


def sites_of_customer(*, tenant: Company, customer: ThirdParty):
    return Site.objects.filter(tenant=tenant, third_party=customer).select_related("address")


DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def business_line_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Activité"),
        queryset=None,
        required=False,
        help_text=_("Par défaut : l'activité de l'article."),
    )


def site_field() -> SiteChoiceField:
    return SiteChoiceField(label=_("Site"), queryset=None, required=False)


class AssetForm(forms.ModelForm):
    # Foreign keys are declared with their queryset set per tenant (a scoped manager cannot be
    # read at import).
    article = ArticleChoiceField(label=_("Article"), queryset=None)
    site = site_field()
    business_line = business_line_field()

    class Meta:
        model = Asset
        fields = [
            "article",
            "label",
            "serial",
            "provider_id",
            "site",
            "business_line",
            "installed_on",
            "status",
        ]
        widgets = {"installed_on": DATE_WIDGET}

    def __init__(self, *args, tenant: Company, customer: ThirdParty, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["article"].queryset = Article.objects.filter(tenant=tenant, is_active=True).order_by(
            "code"
        )
        if self.instance.pk and self.instance.article_id:  # keep an article made inactive since
            self.fields["article"].queryset = Article.objects.filter(tenant=tenant).order_by("code")
        self.fields["site"].queryset = sites_of_customer(tenant=tenant, customer=customer)
        self.fields["business_line"].queryset = BusinessLine.objects.filter(tenant=tenant).order_by("name")

    def _post_clean(self) -> None:
        """The service validates (customer, site, loans): skip the model's own validation here."""


class FinancingForm(forms.ModelForm):
    financer = forms.ModelChoiceField(label=_("Financeur"), queryset=None)

    class Meta:
        model = Financing
        fields = [
            "financer",
            "financing_type",
            "internal_number",
            "external_number",
            "starts_on",
            "ends_on",
            "duration_months",
            "rent",
            "remaining",
        ]
        widgets = {"starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET}

    def __init__(self, *args, tenant: Company, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["financer"].queryset = financers_visible(tenant=tenant, user=user)

    def _post_clean(self) -> None:
        """The service validates: skip the model's own validation here."""
