"""FilterSet of the service request list (same conventions as parc.filters: built from the query
string, the tenant and the user, so the Excel export re-applies it from its job). The state filter
defaults to the open states (new, in progress, waiting)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from crm.models import Company
from parc.filters import LISTS, _business_line_filter, _ParcFilterSet, _search_widget
from parc.models import OPEN_STATES, RequestNature, RequestState, ServiceRequestAsset
from parc.selectors_requests import request_rows

REQUESTS_LIST = "service_requests"
STATE_PARAMETER = "etat"
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RequestFilterSet(_ParcFilterSet):
    q = django_filters.CharFilter(
        label=_("Recherche"),
        method="filter_search",
        widget=_search_widget(),
        help_text=_("Début du numéro ou mot du détail."),
    )
    client = django_filters.CharFilter(
        label=_("Code client"), field_name="customer__code", lookup_expr="iexact"
    )
    etat = django_filters.MultipleChoiceFilter(
        label=_("États"), choices=RequestState.choices, field_name="state"
    )
    nature = django_filters.ChoiceFilter(
        label=_("Nature"), choices=RequestNature.choices, field_name="nature", empty_label=_("Toutes")
    )
    activite = _business_line_filter("business_line")
    du = django_filters.DateFilter(
        label=_("Début à partir du"), field_name="started_at", lookup_expr="date__gte", widget=DATE_WIDGET
    )
    au = django_filters.DateFilter(
        label=_("Début jusqu'au"), field_name="started_at", lookup_expr="date__lte", widget=DATE_WIDGET
    )
    serie = django_filters.CharFilter(
        label=_("N° de série du bien"),
        method="filter_serial",
        help_text=_("Début de l'identifiant fabricant d'un bien de la demande."),
    )

    def __init__(self, data=None, *, tenant: Company, user, **kwargs) -> None:
        super().__init__(data, tenant=tenant, user=user, **kwargs)
        if STATE_PARAMETER not in self.data:
            self.data.setlist(STATE_PARAMETER, [str(state) for state in OPEN_STATES])

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__istartswith=value) | Q(detail__icontains=value))

    def filter_serial(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        links = ServiceRequestAsset.objects.filter(
            tenant=self.tenant, request=OuterRef("pk"), asset__serial__istartswith=value
        )
        return queryset.filter(Exists(links))


# The request list joins parc.filters' list registry: parc.filters.list_filterset builds it for
# the screen (ParcListView) and for its Excel export (parc.exports.owner_filterset).
LISTS[REQUESTS_LIST] = (RequestFilterSet, request_rows)
