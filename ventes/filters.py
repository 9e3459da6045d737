"""django-filter FilterSets of the ventes lists, and their registry.

Like parc.filters (whose base FilterSet this reuses): a FilterSet is built from the query
string, the tenant and the user (no request), so the Excel export re-applies it from the query
string stored on its job; ``activite`` defaults to the user's business-line selection and
``querystring()`` returns the effective query string (defaults included).

Each area registers its lists into ``LISTS`` from its own ``ventes/filters_<area>.py``
(``LISTS[key] = (FilterSet, selector)``); ``list_filterset`` builds any of them for the screen
(ventes.views.base.VentesListView) and for the export (ventes.exports.owner_filterset).
"""

from __future__ import annotations

from collections.abc import Callable

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.filters import registered_filterset
from crm.models import Company, InternalOrganisation
from parc.filters import _business_line_filter, _ParcFilterSet, _search_widget
from tiers.filters import UserChoiceFilter

from .models import ActionKind, DealStatus
from .selectors_pipeline import action_rows, deal_rows, owner_choices, todo_until

# The base FilterSet of every ventes list: tenant, user, ``activite`` defaulting to the user's
# business lines (parc's, reused as is).
VentesFilterSet = _ParcFilterSet
business_line_filter = _business_line_filter
search_widget = _search_widget
DATE_WIDGET = forms.DateInput(attrs={"type": "date"})


def date_filter(label, field_name: str, lookup_expr: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        label=label, field_name=field_name, lookup_expr=lookup_expr, widget=DATE_WIDGET
    )


def customer_code_filter() -> django_filters.CharFilter:
    return django_filters.CharFilter(
        label=_("Code client"), field_name="customer__code", lookup_expr="iexact"
    )


class _OwnedFilterSet(VentesFilterSet):
    """A ventes list with a ``responsable`` filter over the tenant's members."""

    def __init__(self, data=None, *, tenant: Company, user, **kwargs) -> None:
        super().__init__(data, tenant=tenant, user=user, **kwargs)
        self.filters["responsable"].queryset = owner_choices(tenant=tenant)


def _owner_filter() -> UserChoiceFilter:
    return UserChoiceFilter(label=_("Responsable"), queryset=None, field_name="owner", empty_label=_("Tous"))


class DealFilterSet(_OwnedFilterSet):
    q = django_filters.CharFilter(
        label=_("Recherche"),
        method="filter_search",
        widget=search_widget(),
        help_text=_("Début du numéro ou mot de l'intitulé."),
    )
    client = customer_code_filter()
    responsable = _owner_filter()
    statut = django_filters.ChoiceFilter(
        label=_("Statut"), choices=DealStatus.choices, field_name="status", empty_label=_("Tous")
    )
    activite = business_line_filter("business_line")
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation interne"), queryset=None, field_name="organisation", empty_label=_("Toutes")
    )
    ouverte_du = date_filter(_("Ouverte à partir du"), "opened_on", "gte")
    ouverte_au = date_filter(_("Ouverte jusqu'au"), "opened_on", "lte")
    signature_au = date_filter(_("Signature prévue jusqu'au"), "expected_on", "lte")

    def __init__(self, data=None, *, tenant: Company, user, **kwargs) -> None:
        super().__init__(data, tenant=tenant, user=user, **kwargs)
        organisations = InternalOrganisation.objects.filter(tenant=tenant).order_by("name")
        self.filters["organisation"].queryset = organisations

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return (
            queryset.filter(Q(number__istartswith=value) | Q(title__icontains=value)) if value else queryset
        )


# The action list's views: by default the user's actions to do (not done, planned within a week).
MY_TODO, ALL_ACTIONS, TO_DO, DONE = "mes_actions_a_faire", "toutes", "a_faire", "faites"


class ActionFilterSet(_OwnedFilterSet):
    vue = django_filters.ChoiceFilter(
        label=_("Vue"),
        choices=[
            (MY_TODO, _("Mes actions à faire")),
            (TO_DO, _("Actions à faire")),
            (DONE, _("Actions faites")),
            (ALL_ACTIONS, _("Toutes les actions")),
        ],
        method="filter_view",
        empty_label=None,
    )
    q = django_filters.CharFilter(
        label=_("Objet"), field_name="subject", lookup_expr="icontains", widget=search_widget()
    )
    client = customer_code_filter()
    responsable = _owner_filter()
    type = django_filters.ChoiceFilter(
        label=_("Type"), choices=ActionKind.choices, field_name="kind", empty_label=_("Tous")
    )
    activite = business_line_filter("business_line")
    prevue_du = date_filter(_("Prévue à partir du"), "planned_at__date", "gte")
    prevue_au = date_filter(_("Prévue jusqu'au"), "planned_at__date", "lte")

    def __init__(self, data=None, *, tenant: Company, user, **kwargs) -> None:
        super().__init__(data, tenant=tenant, user=user, **kwargs)
        if "vue" not in self.data:
            self.data["vue"] = MY_TODO

    def filter_view(self, queryset, name, value):
        if value == MY_TODO:
            return queryset.filter(owner=self.user, done_at__isnull=True, planned_at__lt=todo_until())
        if value == TO_DO:
            return queryset.filter(done_at__isnull=True)
        if value == DONE:
            return queryset.filter(done_at__isnull=False)
        return queryset


# The lists: {key: (FilterSet, selector of its rows)}; the key is also the export's key.
LISTS: dict[str, tuple[type[VentesFilterSet], Callable]] = {
    "deals": (DealFilterSet, deal_rows),
    "actions": (ActionFilterSet, action_rows),
}


def list_filterset(key: str, data, **kwargs):
    """The FilterSet of list ``key`` over its selector's rows, bound to ``data`` (a QueryDict)."""
    return registered_filterset(LISTS, key, data, **kwargs)
