"""Contract templates (modèles de contrat), read only: list and detail. Templates are created and
edited in the Django admin. URLs added by parc.views.contracts."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy
from django.views import View

from crm.views.base import TenantPermissionRequiredMixin
from crm.views.lists import FilteredListView
from parc.filters_contracts import ContractTemplateFilterSet
from parc.models import ContractTemplate
from parc.selectors_contracts import contract_template_get, contract_template_usage, contract_templates_of
from parc.tables_contracts import ContractTemplateTable


class ContractTemplateListView(FilteredListView):
    permission_required = "parc.view_contracttemplate"
    title = gettext_lazy("Modèles de contrat")
    table_class = ContractTemplateTable
    nav = "contracts"

    def filterset(self, request):
        return ContractTemplateFilterSet(
            request.GET,
            tenant=request.tenant,
            user=request.user,
            queryset=contract_templates_of(tenant=request.tenant),
        )


class ContractTemplateDetailView(TenantPermissionRequiredMixin, View):
    permission_required = "parc.view_contracttemplate"
    http_method_names = ["get"]

    def get(self, request, pk: int):
        try:
            template = contract_template_get(tenant=request.tenant, pk=pk)
        except ContractTemplate.DoesNotExist:
            raise Http404 from None
        context = {
            "template": template,
            "usage": contract_template_usage(tenant=request.tenant, template=template),
            "nav": "contracts",
        }
        return render(request, "parc/contracts/template_detail.html", context)


urlpatterns = [
    path("modeles-contrat/", ContractTemplateListView.as_view(), name="contract_template_list"),
    path("modeles-contrat/<int:pk>/", ContractTemplateDetailView.as_view(), name="contract_template_detail"),
]
