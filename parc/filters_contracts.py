"""FilterSet of the service contract list (same conventions as parc.filters: built from the query
string, the tenant and the user, so the Excel export re-applies it from its job)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.models import Company
from parc.filters import LISTS, _business_line_filter, _ParcFilterSet, _search_widget
from parc.models import ContractKind, ContractStatus, ContractType
from parc.selectors_assets import active_contracts_q
from parc.selectors_contracts import contract_rows


class ContractFilterSet(_ParcFilterSet):
    q = django_filters.CharFilter(
        label=_("Recherche"),
        method="filter_search",
        widget=_search_widget(),
        help_text=_("Début du code ou mot du libellé du contrat."),
    )
    client = django_filters.CharFilter(
        label=_("Code client"), field_name="customer__code", lookup_expr="iexact"
    )
    type = django_filters.ModelChoiceFilter(
        label=_("Type"), queryset=None, field_name="contract_type", empty_label=_("Tous")
    )
    nature = django_filters.ChoiceFilter(
        label=_("Nature"), choices=ContractKind.choices, field_name="kind", empty_label=_("Toutes")
    )
    statut = django_filters.ChoiceFilter(
        label=_("Statut"), choices=ContractStatus.choices, field_name="status", empty_label=_("Tous")
    )
    activite = _business_line_filter("business_line")
    actif_le = django_filters.DateFilter(
        label=_("En cours le"),
        method="filter_running_on",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Contrats actifs dont la période couvre cette date."),
    )

    def __init__(self, data=None, *, tenant: Company, user, **kwargs) -> None:
        super().__init__(data, tenant=tenant, user=user, **kwargs)
        self.filters["type"].queryset = ContractType.objects.filter(tenant=tenant).order_by("label")

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(code__istartswith=value) | Q(label__icontains=value)) if value else queryset

    def filter_running_on(self, queryset, name, value):
        return queryset.filter(active_contracts_q(on=value))


# The contract list joins parc.filters' list registry: parc.filters.list_filterset builds it for
# the screen (ParcListView) and for its Excel export (parc.exports.owner_filterset).
CONTRACTS_LIST = "service_contracts"
LISTS[CONTRACTS_LIST] = (ContractFilterSet, contract_rows)


class ContractTemplateFilterSet(_ParcFilterSet):
    q = django_filters.CharFilter(label=_("Recherche"), method="filter_search", widget=_search_widget())
    type = django_filters.ModelChoiceFilter(
        label=_("Type"), queryset=None, field_name="contract_type", empty_label=_("Tous")
    )
    actif = django_filters.BooleanFilter(label=_("Actif"), field_name="is_active")

    def __init__(self, data=None, *, tenant: Company, user, **kwargs) -> None:
        super().__init__(data, tenant=tenant, user=user, **kwargs)
        self.filters["type"].queryset = ContractType.objects.filter(tenant=tenant).order_by("label")

    filter_search = ContractFilterSet.filter_search
