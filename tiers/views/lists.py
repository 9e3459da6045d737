"""The customer, prospect and contact lists.

Thin views: permission mixin → FilterSet → Table → template; an htmx request gets only the
results partial. A list and its Excel export share the selector and the FilterSet
(tiers.filters.list_filterset).
"""

from __future__ import annotations

from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views import View
from django_tables2 import RequestConfig

from crm.exports.registry import EXPORT_PERMISSION
from crm.services.tenancy import business_lines_current
from crm.views.base import TenantPermissionRequiredMixin
from tiers.filters import list_filterset
from tiers.tables import PER_PAGE, ContactTable, ThirdPartyTable

LIST_TEMPLATE = "tiers/lists/list.html"


class _ListView(TenantPermissionRequiredMixin, View):
    permission_required = "tiers.view_thirdparty"
    http_method_names = ["get"]
    list_key = ""
    title = ""
    table_class: type = ThirdPartyTable

    def get(self, request):
        filterset = list_filterset(
            self.list_key,
            request.GET,
            tenant=request.tenant,
            user=request.user,
            default_business_lines=business_lines_current(
                membership=request.membership, session=request.session
            ),
        )
        table = self.table_class(filterset.qs)
        RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
        context = {
            "title": self.title,
            "list_key": self.list_key,
            "filter": filterset,
            "table": table,
            "export_query": filterset.querystring(),
            "can_export": request.user.has_perm(EXPORT_PERMISSION),
        }
        template = f"{LIST_TEMPLATE}#results" if request.htmx else LIST_TEMPLATE
        return render(request, template, context)


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
