"""The customer, prospect and contact lists.

Thin views: permission mixin → FilterSet → Table → template; an htmx request gets only the
results partial. A list and its Excel export share the selector and the FilterSet
(tiers.filters.list_filterset).
"""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _

from crm.views.lists import RegistryListView
from tiers.filters import list_filterset
from tiers.tables import PER_PAGE, ContactTable, ThirdPartyTable


class _ListView(RegistryListView):
    permission_required = "tiers.view_thirdparty"
    list_filterset = staticmethod(list_filterset)
    template_name = "tiers/lists/list.html"
    table_class = ThirdPartyTable
    per_page = PER_PAGE

    @property
    def export_key(self) -> str:
        """The list's key is also its exporter's key (tiers/exports.py)."""
        return self.list_key

    def extra_context(self, request) -> dict:
        return {**super().extra_context(request), "list_key": self.list_key}


class CustomerListView(_ListView):
    list_key = "customers"
    title = _("Clients")


class ProspectListView(_ListView):
    list_key = "prospects"
    title = _("Prospects")


class ContactListView(_ListView):
    permission_required = "tiers.view_contact"
    list_key = "contacts"
    title = _("Contacts")
    table_class = ContactTable


urlpatterns = [
    path("clients/", CustomerListView.as_view(), name="customer_list"),
    path("prospects/", ProspectListView.as_view(), name="prospect_list"),
    path("contacts/", ContactListView.as_view(), name="contact_list"),
]
