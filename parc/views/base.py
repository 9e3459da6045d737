"""Building blocks of the parc views: the list view over parc.filters' lists (the generic
crm.views.lists.RegistryListView) and the service form view (crm.views.forms)."""

from __future__ import annotations

from crm.views.forms import ServiceFormView as _ServiceFormView
from crm.views.lists import RegistryListView
from parc.filters import list_filterset

FORM_TEMPLATE = "parc/form.html"


class ParcListView(RegistryListView):
    """A parc list: ``list_key`` names the FilterSet and selector of parc.filters.LISTS."""

    list_filterset = staticmethod(list_filterset)
    template_name = "parc/list.html"


class ServiceFormView(_ServiceFormView):
    template_name = FORM_TEMPLATE
