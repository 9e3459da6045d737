"""Deals (affaires): list, detail (actions, quotes and orders of the deal), create from a
customer (permission and CRM licence), edit, mark treated; the "Affaires" section of the third
party's page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from crm.views.base import TenantPermissionRequiredMixin
from tiers.views.customer_forms import CustomerRowCreateView, CustomerRowUpdateView
from tiers.views.detail import ActionSpec, Section, action_register, reverse_or_none, section_register
from ventes.forms.deals import DealForm
from ventes.models import Deal, DealStatus
from ventes.selectors_pipeline import (
    SECTION_ROWS,
    actions_of_deal,
    deal_get_visible,
    deals_of_customer,
    orders_of_deal,
    quotes_of_deal,
)
from ventes.services.deals import deal_create, deal_mark_treated, deal_update
from ventes.tables import DealTable

from .base import LicensedFormView, VentesListView, has_crm_licence

FORM_TEMPLATE = "ventes/form.html"


def detail_url(deal: Deal) -> str:
    return reverse("ventes:deal_detail", kwargs={"pk": deal.pk})


def linked(rows, url_name: str) -> list[tuple]:
    """(row, URL of its page or None while that page does not exist yet)."""
    return [(row, reverse_or_none(url_name, row.pk)) for row in rows]


class DealObjectMixin:
    deal: Deal

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        try:
            self.deal = deal_get_visible(tenant=request.tenant, user=request.user, pk=kwargs["pk"])
        except Deal.DoesNotExist:
            raise Http404 from None
        return super().dispatch(request, *args, **kwargs)


class DealListView(VentesListView):
    permission_required = "ventes.view_deal"
    title = gettext_lazy("Affaires")
    list_key = "deals"
    table_class = DealTable
    export_key = "deals"
    nav = "deals"


class DealDetailView(DealObjectMixin, TenantPermissionRequiredMixin, View):
    permission_required = "ventes.view_deal"
    http_method_names = ["get"]

    def get(self, request, pk: int):
        tenant, deal = request.tenant, self.deal
        user = request.user
        context = {
            "deal": deal,
            "customer": deal.customer,
            "nav": "deals",
            "is_treated": deal.status == DealStatus.TREATED,
            "deal_actions": linked(actions_of_deal(tenant=tenant, deal=deal), "ventes:action_detail")
            if user.has_perm("ventes.view_action")
            else None,
            "quotes": linked(quotes_of_deal(tenant=tenant, deal=deal), "ventes:quote_detail")
            if user.has_perm("ventes.view_quote")
            else None,
            "orders": linked(orders_of_deal(tenant=tenant, deal=deal), "ventes:order_detail")
            if user.has_perm("ventes.view_order")
            else None,
            "action_create_url": reverse_or_none("ventes:action_create", deal.customer_id)
            if user.has_perm("ventes.add_action") and has_crm_licence(request)
            else None,
        }
        return render(request, "ventes/deals/detail.html", context)


class _DealFormMixin:
    template_name = FORM_TEMPLATE
    success_message = gettext_lazy("Affaire enregistrée.")
    form_class = DealForm
    row_url = staticmethod(detail_url)


class DealCreateView(_DealFormMixin, CustomerRowCreateView, LicensedFormView):
    permission_required = "ventes.add_deal"
    title = gettext_lazy("Nouvelle affaire")
    create_service = staticmethod(deal_create)

    def form_initial(self) -> dict:
        return {"owner": self.request.user, "probability": 50}


class DealUpdateView(_DealFormMixin, DealObjectMixin, CustomerRowUpdateView):
    permission_required = "ventes.change_deal"
    title = gettext_lazy("Modifier l'affaire")
    update_service = staticmethod(deal_update)
    row_attribute = "deal"


class DealTreatView(DealObjectMixin, TenantPermissionRequiredMixin, View):
    """POST: the deal is treated today (a refusal is shown as a message on the deal's page)."""

    permission_required = "ventes.change_deal"
    http_method_names = ["post"]

    def post(self, request, pk: int):
        try:
            deal_mark_treated(tenant=request.tenant, actor=request.user, deal=self.deal)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Affaire traitée."))
        return redirect(detail_url(self.deal))


# --- The third party's page -----------------------------------------------------------------------


def _section_load(request, third_party) -> dict:
    deals = deals_of_customer(tenant=request.tenant, customer=third_party)
    rows = list(deals[: SECTION_ROWS + 1])
    return {
        "deals": rows[:SECTION_ROWS],
        "deals_more": len(rows) > SECTION_ROWS,
        "deals_list_url": f"{reverse('ventes:deal_list')}?client={third_party.code}&activite=toutes",
    }


section_register(
    Section(
        name="deals",
        template="ventes/deals/_section.html",
        position=120,
        permission="ventes.view_deal",
        load=_section_load,
    )
)
# The CRM licence cannot be tested by ActionSpec.when (it gets the third party only): the link
# shows with the permission, and the page refuses users without the licence (403 + message).
action_register(
    ActionSpec("header", "ventes:deal_create", "ventes.add_deal", gettext_lazy("Nouvelle affaire"))
)

urlpatterns = [
    path("affaires/", DealListView.as_view(), name="deal_list"),
    path("affaires/<int:pk>/", DealDetailView.as_view(), name="deal_detail"),
    path("affaires/<int:pk>/modifier/", DealUpdateView.as_view(), name="deal_update"),
    path("affaires/<int:pk>/traiter/", DealTreatView.as_view(), name="deal_treat"),
    path("clients/<int:pk>/affaires/nouvelle/", DealCreateView.as_view(), name="deal_create"),
]
