"""django-filter FilterSets of the parc lists (articles, assets, equipment, competitors' assets).

Like tiers.filters: a FilterSet is built from the query string, the tenant and the user (no
request), so the Excel export re-applies it from the query string stored on its job; the asset
list's business-line filter defaults to the user's selection of the top bar and
``querystring()`` returns the effective query string (defaults included).
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.filters import registered_filterset
from crm.models import BusinessLine, Company
from tiers.filters import ALL_BUSINESS_LINES, _TenantFilterSet

from .models import ArticleFamily, AssetStatus, Brand, CompetitorAssetKind
from .selectors_assets import article_rows, asset_rows, competitor_asset_rows, equipment_rows

YES, NO = "oui", "non"
YES_NO = [(YES, _("Oui")), (NO, _("Non"))]


def _search_widget() -> forms.TextInput:
    return forms.TextInput(attrs={"type": "search", "autocomplete": "off"})


class _ParcFilterSet(_TenantFilterSet):
    """Choices read per tenant; ``activite`` (when declared) defaults to the user's selection."""

    def __init__(self, data=None, *, tenant: Company, user, default_business_lines=None, **kwargs) -> None:
        super().__init__(data, tenant=tenant, user=user, **kwargs)
        if "activite" in self.filters:
            lines = BusinessLine.objects.filter(tenant=tenant).order_by("name")
            self.filters["activite"].extra["choices"] = [
                (ALL_BUSINESS_LINES, _("Toutes les activités")),
                *[(str(line.pk), line.name) for line in lines],
            ]
            if "activite" not in self.data:
                defaults = [str(pk) for pk in default_business_lines or []]
                self.data.setlist("activite", defaults or [ALL_BUSINESS_LINES])
        for name, model in (("famille", ArticleFamily), ("marque", Brand)):
            if name in self.filters:
                queryset = model.objects.filter(tenant=tenant)
                if model is ArticleFamily:
                    queryset = queryset.filter(parent__isnull=True)
                self.filters[name].queryset = queryset

    def filter_business_lines(self, queryset, name, value):
        if not value or ALL_BUSINESS_LINES in value:
            return queryset
        return queryset.filter(**{f"{name}__in": [int(pk) for pk in value]})


def _business_line_filter(field_name: str) -> django_filters.MultipleChoiceFilter:
    return django_filters.MultipleChoiceFilter(
        label=_("Activités"), choices=[], field_name=field_name, method="filter_business_lines"
    )


class ArticleFilterSet(_ParcFilterSet):
    q = django_filters.CharFilter(
        label=_("Recherche"),
        method="filter_search",
        widget=_search_widget(),
        help_text=_("Début du code article ou mot du libellé."),
    )
    activite = _business_line_filter("business_line")
    famille = django_filters.ModelChoiceFilter(
        label=_("Famille"), queryset=None, field_name="family", empty_label=_("Toutes")
    )
    marque = django_filters.ModelChoiceFilter(
        label=_("Marque"), queryset=None, field_name="brand", empty_label=_("Toutes")
    )

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(code__istartswith=value) | Q(label__icontains=value)) if value else queryset


class AssetFilterSet(_ParcFilterSet):
    q = django_filters.CharFilter(
        label=_("Recherche"),
        method="filter_search",
        widget=_search_widget(),
        help_text=_("Début de l'identifiant fabricant ou prestataire, ou mot du libellé."),
    )
    client = django_filters.CharFilter(
        label=_("Code client"), field_name="customer__code", lookup_expr="iexact"
    )
    site = django_filters.CharFilter(label=_("Site"), field_name="site__name", lookup_expr="icontains")
    article = django_filters.CharFilter(
        label=_("Code article"), field_name="article__code", lookup_expr="iexact"
    )
    activite = _business_line_filter("business_line")
    famille = django_filters.ModelChoiceFilter(
        label=_("Famille d'articles"), queryset=None, method="filter_family", empty_label=_("Toutes")
    )
    marque = django_filters.ModelChoiceFilter(
        label=_("Marque"), queryset=None, field_name="article__brand", empty_label=_("Toutes")
    )
    statut = django_filters.ChoiceFilter(
        label=_("Statut"), choices=AssetStatus.choices, field_name="status", empty_label=_("Tous")
    )
    sous_contrat = django_filters.ChoiceFilter(
        label=_("Sous contrat"), choices=YES_NO, method="filter_covered", empty_label=_("Tous")
    )

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(serial__istartswith=value) | Q(provider_id__istartswith=value) | Q(label__icontains=value)
        )

    def filter_family(self, queryset, name, value):
        return queryset.filter(Q(article__family=value) | Q(article__sub_family__parent=value))

    def filter_covered(self, queryset, name, value):
        return queryset.filter(is_covered=(value == YES))


class EquipmentFilterSet(_ParcFilterSet):
    q = django_filters.CharFilter(
        label=_("Recherche"),
        method="filter_search",
        widget=_search_widget(),
        help_text=_("Début du n° de série ou du nom d'hôte."),
    )
    client = django_filters.CharFilter(
        label=_("Code client"), field_name="customer__code", lookup_expr="iexact"
    )
    actif = django_filters.ChoiceFilter(
        label=_("Actif"), choices=YES_NO, method="filter_active", empty_label=_("Tous")
    )
    rapproche = django_filters.ChoiceFilter(
        label=_("Rapproché d'un bien"), choices=YES_NO, method="filter_matched", empty_label=_("Tous")
    )

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return (
            queryset.filter(Q(serial__istartswith=value) | Q(hostname__istartswith=value))
            if value
            else queryset
        )

    def filter_active(self, queryset, name, value):
        return queryset.filter(is_active=(value == YES))

    def filter_matched(self, queryset, name, value):
        return queryset.filter(asset__isnull=(value != YES))


class CompetitorAssetFilterSet(_ParcFilterSet):
    q = django_filters.CharFilter(
        label=_("Concurrent"), field_name="competitor", lookup_expr="icontains", widget=_search_widget()
    )
    client = django_filters.CharFilter(
        label=_("Code client"), field_name="customer__code", lookup_expr="iexact"
    )
    type = django_filters.ChoiceFilter(
        label=_("Type"), choices=CompetitorAssetKind.choices, field_name="kind", empty_label=_("Tous")
    )
    fin_contrat_avant = django_filters.DateFilter(
        label=_("Fin de contrat avant le"),
        field_name="contract_initial_end_on",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )


# The lists: {key: (FilterSet, selector of its rows)}; the key is also the export's key.
LISTS = {
    "articles": (ArticleFilterSet, article_rows),
    "assets": (AssetFilterSet, asset_rows),
    "equipment": (EquipmentFilterSet, equipment_rows),
    "competitor_assets": (CompetitorAssetFilterSet, competitor_asset_rows),
}


def list_filterset(key: str, data, **kwargs):
    """The FilterSet of list ``key`` over its selector's rows, bound to ``data`` (a QueryDict)."""
    return registered_filterset(LISTS, key, data, **kwargs)
