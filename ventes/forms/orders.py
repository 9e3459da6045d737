"""The order form (header fields; the lines are ventes.forms.lines' formset, each with an optional
service contract of the customer). Bill-to, ship-to and ship-to site offer the customer's
management links only (the default first, pre-selected); the service refuses any other party
with its message (ventes.services.orders)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.models import Company
from parc.forms.assets import DATE_WIDGET, site_field
from tiers.models import BillingMode, PartialDelivery, Site, ThirdParty
from tiers.selectors import third_parties_visible
from ventes.models import Order
from ventes.selectors_pipeline import owner_choices
from ventes.selectors_sales import order_parties, service_contracts_of, ship_to_sites

from .lines import LineForm
from .quotes import business_line_field, deal_field, document_querysets


class PartyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.code} — {obj.name}"


class ShipToSiteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.third_party.name} — {obj.name}"


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


def _offer(field: forms.ModelChoiceField, rows, empty: bool) -> None:
    """Show only ``rows`` (the field still accepts any row of its queryset, so the service's
    precise refusal is the one the user reads)."""
    choices = [(row.pk, field.label_from_instance(row)) for row in rows]
    field.widget.choices = [("", "---------"), *choices] if empty else choices


class OrderForm(forms.ModelForm):
    site = site_field()
    deal = deal_field()
    business_line = business_line_field()
    bill_to = PartyChoiceField(label=_("Client facturé"), queryset=None)
    ship_to = PartyChoiceField(label=_("Client livré"), queryset=None)
    ship_to_site = ShipToSiteChoiceField(label=_("Site de livraison"), queryset=None, required=False)
    rep_1 = UserChoiceField(label=_("Représentant 1"), queryset=None, required=False)
    rep_2 = UserChoiceField(label=_("Représentant 2"), queryset=None, required=False)
    partial_delivery = forms.ChoiceField(label=_("Livraison partielle"), choices=PartialDelivery.choices)
    billing_mode = forms.ChoiceField(label=_("Mode de facturation"), choices=BillingMode.choices)

    class Meta:
        model = Order
        fields = [
            "ordered_on",
            "site",
            "deal",
            "business_line",
            "bill_to",
            "ship_to",
            "ship_to_site",
            "rep_1",
            "rep_2",
            "partial_delivery",
            "grouping_forbidden",
            "billing_mode",
        ]
        widgets = {"ordered_on": DATE_WIDGET}

    def __init__(self, *args, tenant: Company, user, customer: ThirdParty, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        document_querysets(self, tenant=tenant, customer=customer)
        parties = order_parties(tenant=tenant, user=user, customer=customer)
        visible = third_parties_visible(tenant=tenant, user=user)
        for name, rows in (("bill_to", parties.bill_to), ("ship_to", parties.ship_to)):
            self.fields[name].queryset = visible
            _offer(self.fields[name], rows, empty=False)
        self.fields["ship_to_site"].queryset = Site.objects.filter(tenant=tenant, third_party__in=visible)
        _offer(self.fields["ship_to_site"], ship_to_sites(tenant=tenant, parties=parties.ship_to), empty=True)
        for name in ("rep_1", "rep_2"):
            self.fields[name].queryset = owner_choices(tenant=tenant)

    def _post_clean(self) -> None:
        """The service validates (links, sites, deal, terms): skip the model's own validation."""


class OrderLineForm(LineForm):
    service_contract = forms.ModelChoiceField(label=_("Contrat de service"), queryset=None, required=False)

    def __init__(self, *args, tenant: Company, customer: ThirdParty, **kwargs) -> None:
        super().__init__(*args, tenant=tenant, **kwargs)
        self.fields["service_contract"].queryset = service_contracts_of(tenant=tenant, customer=customer)

    def line(self) -> dict:
        return {**super().line(), "service_contract": self.cleaned_data.get("service_contract")}
