"""Purchase history of a customer (seed 001, "Historique des achats"): every invoice line, newest
first, searched by period, document, article code and article label, paginated."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext as _

from crm.views.lists import FilteredListView
from tiers.views.third_parties import ThirdPartyObjectMixin
from ventes.filters_billing import PurchaseHistoryFilterSet
from ventes.selectors_history import purchase_history_rows
from ventes.tables_billing import PurchaseHistoryTable


class PurchaseHistoryView(ThirdPartyObjectMixin, FilteredListView):
    permission_required = "ventes.view_invoiceline"
    table_class = PurchaseHistoryTable
    template_name = "ventes/history/page.html"

    @property
    def title(self) -> str:
        return _("Historique des achats")

    def queryset(self, request):
        return purchase_history_rows(tenant=request.tenant, user=request.user, customer=self.third_party)

    def filterset(self, request):
        return PurchaseHistoryFilterSet(
            request.GET, tenant=request.tenant, user=request.user, queryset=self.queryset(request)
        )

    def extra_context(self, request) -> dict:
        return {"customer": self.third_party}


urlpatterns = [
    path("clients/<int:pk>/historique-achats/", PurchaseHistoryView.as_view(), name="purchase_history"),
]
