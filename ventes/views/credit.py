"""Credit control (en-cours): the customers over their limit with their exposure's breakdown, the
aged balance of every payer at a date, and the "En-cours et balance âgée" section of the third
party's page."""

from __future__ import annotations

import datetime

from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from crm.exports.registry import exporter_registry
from crm.views.base import TenantPermissionRequiredMixin
from crm.views.lists import PER_PAGE
from crm.views.pagination import table_configure
from tiers.models import CreditControl
from tiers.views.detail import Section, section_register
from ventes.exports_credit import OVER_LIMIT
from ventes.selectors_balance import aged_balance_of, aged_balance_rows
from ventes.selectors_credit import credit_exposure, customers_over_limit
from ventes.tables_billing import AgedBalanceTable, CreditControlTable

PAGE_TEMPLATE = "ventes/credit/page.html"


def date_param(request, name: str = "date") -> datetime.date:
    """The date of the query string (ISO), today when absent or invalid."""
    try:
        return datetime.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return timezone.localdate()


class CreditControlView(TenantPermissionRequiredMixin, View):
    permission_required = "ventes.view_invoice"
    http_method_names = ["get"]

    def get(self, request):
        rows = customers_over_limit(tenant=request.tenant, user=request.user)
        table = CreditControlTable(rows)
        table_configure(request, table, per_page=PER_PAGE)
        context = {"title": _("Clients en dépassement d'encours"), "table": table, "nav": "credit"}
        # Printable and exportable (ventes/exports_credit.py).
        if exporter_registry.get(OVER_LIMIT).is_allowed(request.user):
            context["export_key"] = OVER_LIMIT
        return render(request, PAGE_TEMPLATE, context)


class AgedBalanceView(TenantPermissionRequiredMixin, View):
    permission_required = "ventes.view_invoice"
    http_method_names = ["get"]

    def get(self, request):
        at = date_param(request)
        table = AgedBalanceTable(aged_balance_rows(tenant=request.tenant, user=request.user, at=at))
        table_configure(request, table, per_page=PER_PAGE)
        context = {"title": _("Balance âgée"), "table": table, "at": at, "nav": "aged_balance"}
        return render(request, PAGE_TEMPLATE, context)


def _section_load(request, third_party) -> dict:
    today = timezone.localdate()
    controlled = third_party.credit_control != CreditControl.NONE and third_party.credit_limit is not None
    return {
        "exposure": credit_exposure(tenant=request.tenant, customer_id=third_party.pk),
        "credit_limit": third_party.credit_limit,
        "credit_controlled": controlled,
        "aged_balance": aged_balance_of(
            tenant=request.tenant, user=request.user, payer=third_party, at=today
        ),
        "aged_balance_date": today,
        "aged_balance_url": reverse("ventes:aged_balance"),
    }


section_register(
    Section(
        name="credit",
        template="ventes/credit/_section.html",
        position=170,
        permission="ventes.view_invoice",
        load=_section_load,
    )
)

urlpatterns = [
    path("encours/", CreditControlView.as_view(), name="credit_control"),
    path("balance-agee/", AgedBalanceView.as_view(), name="aged_balance"),
]
