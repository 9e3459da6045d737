"""Commercial actions: list (by default "my actions to do"), detail, create from a customer
(permission and CRM licence), edit, mark done; the "Actions" section of the third party's page
(shown to CRM licence holders: the actions are a CRM feature)."""

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
from tiers.views.detail import ActionSpec, Section, action_register, section_register
from ventes.filters import ALL_ACTIONS
from ventes.forms.actions import ActionForm
from ventes.models import Action
from ventes.selectors_pipeline import SECTION_ROWS, action_get_visible, actions_of_customer, deal_choices
from ventes.services.actions import action_create, action_mark_done, action_update
from ventes.tables import ActionTable

from .base import LicensedFormView, VentesListView, has_crm_licence

FORM_TEMPLATE = "ventes/form.html"
DEAL_PARAMETER = "affaire"


def detail_url(action: Action) -> str:
    return reverse("ventes:action_detail", kwargs={"pk": action.pk})


def _save_fields(form) -> dict:
    fields = dict(form.cleaned_data)
    return {"participants": list(fields.pop("participants", [])), **fields}


class ActionObjectMixin:
    action: Action

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        try:
            self.action = action_get_visible(tenant=request.tenant, user=request.user, pk=kwargs["pk"])
        except Action.DoesNotExist:
            raise Http404 from None
        return super().dispatch(request, *args, **kwargs)


class ActionListView(VentesListView):
    permission_required = "ventes.view_action"
    title = gettext_lazy("Actions commerciales")
    list_key = "actions"
    table_class = ActionTable
    export_key = "actions"
    nav = "actions"


class ActionDetailView(ActionObjectMixin, TenantPermissionRequiredMixin, View):
    permission_required = "ventes.view_action"
    http_method_names = ["get"]

    def get(self, request, pk: int):
        context = {
            "row": self.action,
            "customer": self.action.customer,
            "participants": list(self.action.participants.all()),
            "nav": "actions",
        }
        return render(request, "ventes/actions/detail.html", context)


class _ActionFormMixin:
    template_name = FORM_TEMPLATE
    success_message = gettext_lazy("Action enregistrée.")
    form_class = ActionForm
    row_url = staticmethod(detail_url)

    def form_data(self, form) -> dict:
        return _save_fields(form)


class ActionCreateView(_ActionFormMixin, CustomerRowCreateView, LicensedFormView):
    """``?affaire=<pk>`` pre-selects one of the customer's deals (from the deal's page)."""

    permission_required = "ventes.add_action"
    title = gettext_lazy("Nouvelle action")
    create_service = staticmethod(action_create)

    def form_initial(self) -> dict:
        initial = {"owner": self.request.user}
        deal_pk = self.request.GET.get(DEAL_PARAMETER, "")
        if deal_pk.isdigit():
            customer_deals = deal_choices(tenant=self.request.tenant, customer=self.third_party)
            initial["deal"] = customer_deals.filter(pk=int(deal_pk)).first()
        return initial


class ActionUpdateView(_ActionFormMixin, ActionObjectMixin, CustomerRowUpdateView):
    permission_required = "ventes.change_action"
    title = gettext_lazy("Modifier l'action")
    update_service = staticmethod(action_update)
    row_attribute = "action"


class ActionDoneView(ActionObjectMixin, TenantPermissionRequiredMixin, View):
    """POST: the action is done now (a refusal is shown as a message on the action's page)."""

    permission_required = "ventes.change_action"
    http_method_names = ["post"]

    def post(self, request, pk: int):
        try:
            action_mark_done(tenant=request.tenant, actor=request.user, action=self.action)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Action faite."))
        return redirect(detail_url(self.action))


# --- The third party's page -----------------------------------------------------------------------


def _section_load(request, third_party) -> dict:
    if not has_crm_licence(request):
        return {"crm_licence": False}
    rows = list(actions_of_customer(tenant=request.tenant, customer=third_party)[: SECTION_ROWS + 1])
    query = f"client={third_party.code}&activite=toutes&vue={ALL_ACTIONS}"
    return {
        "crm_licence": True,
        "customer_actions": rows[:SECTION_ROWS],
        "customer_actions_more": len(rows) > SECTION_ROWS,
        "customer_actions_url": f"{reverse('ventes:action_list')}?{query}",
    }


section_register(
    Section(
        name="actions",
        template="ventes/actions/_section.html",
        position=130,
        permission="ventes.view_action",
        load=_section_load,
    )
)
# As for deals: the CRM licence is checked by the page (ActionSpec.when gets the third party only).
action_register(
    ActionSpec("header", "ventes:action_create", "ventes.add_action", gettext_lazy("Nouvelle action"))
)

urlpatterns = [
    path("actions/", ActionListView.as_view(), name="action_list"),
    path("actions/<int:pk>/", ActionDetailView.as_view(), name="action_detail"),
    path("actions/<int:pk>/modifier/", ActionUpdateView.as_view(), name="action_update"),
    path("actions/<int:pk>/faite/", ActionDoneView.as_view(), name="action_done"),
    path("clients/<int:pk>/actions/nouvelle/", ActionCreateView.as_view(), name="action_create"),
]
