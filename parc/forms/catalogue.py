"""Forms of the article catalogue; the rules are the service's (parc.services.catalogue)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.models import BusinessLine, Company
from parc.models import Article, Brand
from parc.selectors_assets import families_of, sub_families_of


class SubFamilyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.parent.label} — {obj.label}"


class ArticleForm(forms.ModelForm):
    # Foreign keys are declared with their queryset set per tenant (a scoped manager cannot be
    # read at import).
    business_line = forms.ModelChoiceField(label=_("Activité article"), queryset=None)
    family = forms.ModelChoiceField(label=_("Famille"), queryset=None, required=False)
    sub_family = SubFamilyChoiceField(label=_("Sous-famille"), queryset=None, required=False)
    brand = forms.ModelChoiceField(label=_("Marque"), queryset=None, required=False)

    class Meta:
        model = Article
        fields = ["code", "label", "business_line", "family", "sub_family", "brand", "model", "is_active"]

    def __init__(self, *args, tenant: Company, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["business_line"].queryset = BusinessLine.objects.filter(tenant=tenant).order_by("name")
        self.fields["family"].queryset = families_of(tenant=tenant)
        self.fields["sub_family"].queryset = sub_families_of(tenant=tenant).order_by("parent__label", "label")
        self.fields["brand"].queryset = Brand.objects.filter(tenant=tenant).order_by("name")

    def _post_clean(self) -> None:
        """The service validates (with the tenant): skip the model's own validation here."""
