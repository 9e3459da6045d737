"""Service requests (DIT): list with its Excel export, detail (assets, coverages, interventions,
exchanges, documents), create from a customer, edit (coverage checkboxes refreshed by htmx when
the assets change), change of state, close and cancel with confirmation; the "Demandes
d'intervention" section and header action of the third party's page. Interventions have their
own module (views/interventions.py), whose URLs are added here."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from crm.views.base import TenantPermissionRequiredMixin
from parc.filters_requests import REQUESTS_LIST
from parc.forms.requests import ServiceRequestForm
from parc.models import OPEN_STATES, RequestState, ServiceRequest
from parc.selectors_requests import (
    minutes_display,
    recent_requests_of_customer,
    request_assets,
    request_billing_party,
    request_coverages,
    request_documents,
    request_get_visible,
    request_interventions,
)
from parc.services.requests import (
    service_request_cancel,
    service_request_close,
    service_request_create,
    service_request_state_set,
    service_request_update,
)
from parc.tables_requests import STATE_BADGES, RequestTable
from tiers.selectors_records import target_kwargs
from tiers.views.customer_forms import CustomerRowCreateView, CustomerRowUpdateView
from tiers.views.detail import ActionSpec, Section, action_register, section_register
from tiers.views.records import exchanges_context
from tiers.views.third_parties import ThirdPartyObjectMixin

from . import interventions
from .base import ParcListView

FORM_TEMPLATE = "parc/requests/form.html"
CONFIRM_TEMPLATE = "parc/contracts/confirm.html"


def request_url(service_request: ServiceRequest) -> str:
    return reverse("parc:request_detail", kwargs={"pk": service_request.pk})


def request_list_url(customer) -> str:
    query = {"client": customer.code, "activite": "toutes", "etat": [s.value for s in RequestState]}
    return f"{reverse('parc:request_list')}?{urlencode(query, doseq=True)}"


class RequestObjectMixin:
    """Loads ``self.service_request`` (404 when its customer is hidden from the user or another
    tenant's) once the permission is checked."""

    service_request: ServiceRequest

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        try:
            self.service_request = request_get_visible(
                tenant=request.tenant, user=request.user, pk=kwargs["pk"]
            )
        except ServiceRequest.DoesNotExist:
            raise Http404 from None
        return super().dispatch(request, *args, **kwargs)


class RequestListView(ParcListView):
    permission_required = "parc.view_servicerequest"
    title = gettext_lazy("Demandes d'intervention")
    list_key = REQUESTS_LIST
    export_key = REQUESTS_LIST
    table_class = RequestTable
    nav = "requests"


class RequestDetailView(RequestObjectMixin, TenantPermissionRequiredMixin, View):
    permission_required = "parc.view_servicerequest"
    http_method_names = ["get"]

    def get(self, request, pk: int):
        service_request = self.service_request
        interventions_list = list(request_interventions(tenant=request.tenant, request=service_request))
        context = {
            "service_request": service_request,
            "customer": service_request.customer,
            "state_badge": STATE_BADGES.get(service_request.state, ""),
            "is_open": service_request.state in OPEN_STATES,
            "next_states": _next_states(service_request),
            "billing": request_billing_party(service_request),
            "assets": list(request_assets(tenant=request.tenant, request=service_request)),
            "coverages": list(request_coverages(tenant=request.tenant, request=service_request)),
            "interventions": interventions_list,
            "total_display": minutes_display(service_request.total_minutes),
            "nav": "requests",
        }
        if request.user.has_perm("tiers.view_exchange"):
            context.update(exchanges_context(request, service_request))
            context["show_exchanges"] = True
        if request.user.has_perm("tiers.view_attachment"):
            context["documents"] = list(request_documents(tenant=request.tenant, request=service_request))
            context["document_kwargs"] = target_kwargs(service_request)
            context["show_documents"] = True
        return render(request, "parc/requests/detail.html", context)


def _next_states(service_request: ServiceRequest) -> list[tuple[str, str]]:
    """The plain state moves offered as buttons (closing and cancelling have their own pages)."""
    moves = {
        RequestState.NEW: [RequestState.IN_PROGRESS, RequestState.WAITING],
        RequestState.IN_PROGRESS: [RequestState.WAITING],
        RequestState.WAITING: [RequestState.IN_PROGRESS],
    }.get(service_request.state, [])
    return [(state.value, state.label) for state in moves]


class _RequestFormMixin:
    template_name = FORM_TEMPLATE
    success_message = gettext_lazy("Demande enregistrée.")
    form_class = ServiceRequestForm
    row_url = staticmethod(request_url)

    def coverage_url(self) -> str:
        raise NotImplementedError

    def form_kwargs(self) -> dict:
        return {**super().form_kwargs(), "user": self.request.user, "coverage_url": self.coverage_url()}

    def form_data(self, form) -> dict:
        return form.service_fields()


class RequestCreateView(_RequestFormMixin, CustomerRowCreateView):
    permission_required = "parc.add_servicerequest"
    title = gettext_lazy("Nouvelle demande d'intervention")
    create_service = staticmethod(service_request_create)

    def coverage_url(self) -> str:
        return reverse("parc:request_coverages_new", kwargs={"pk": self.third_party.pk})


class RequestUpdateView(_RequestFormMixin, RequestObjectMixin, CustomerRowUpdateView):
    permission_required = "parc.change_servicerequest"
    update_service = staticmethod(service_request_update)
    row_attribute = "service_request"
    service_keyword = "request"

    @property
    def title(self) -> str:
        return _("Modifier la demande %(number)s") % {"number": self.service_request.number}

    def subject(self) -> None:
        return None

    def coverage_url(self) -> str:
        return reverse("parc:request_coverages", kwargs={"pk": self.service_request.pk})


class RequestCoveragesNewView(ThirdPartyObjectMixin, View):
    """The coverage checkboxes of a new request's form for the assets in the query string (htmx)."""

    permission_required = "parc.add_servicerequest"
    http_method_names = ["get"]

    def get(self, request, pk: int):
        form = ServiceRequestForm(
            request.GET, tenant=request.tenant, user=request.user, customer=self.third_party
        )
        return render(request, "parc/requests/_coverages.html", {"form": form})


class RequestCoveragesView(RequestObjectMixin, TenantPermissionRequiredMixin, View):
    """The same for an existing request (its stored choices apply to contracts not shown yet)."""

    permission_required = "parc.change_servicerequest"
    http_method_names = ["get"]

    def get(self, request, pk: int):
        form = ServiceRequestForm(
            request.GET,
            tenant=request.tenant,
            user=request.user,
            customer=self.service_request.customer,
            instance=self.service_request,
        )
        return render(request, "parc/requests/_coverages.html", {"form": form})


class RequestStateView(RequestObjectMixin, TenantPermissionRequiredMixin, View):
    """POST ``etat=in_progress|waiting`` (also reopens a closed request)."""

    permission_required = "parc.change_servicerequest"
    http_method_names = ["post"]

    def post(self, request, pk: int):
        state = request.POST.get("etat", "")
        if state not in {RequestState.IN_PROGRESS, RequestState.WAITING}:
            messages.error(request, _("État inconnu."))
            return redirect(request_url(self.service_request))
        try:
            service_request_state_set(
                tenant=request.tenant, actor=request.user, request=self.service_request, state=state
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("Demande passée à l'état « %(state)s ».") % {"state": RequestState(state).label}
            )
        return redirect(request_url(self.service_request))


class _ConfirmView(RequestObjectMixin, TenantPermissionRequiredMixin, View):
    """GET: the confirmation page; POST: ``act()`` then back to the request (refusals as messages)."""

    permission_required = "parc.change_servicerequest"
    http_method_names = ["get", "post"]
    title = ""
    question = ""
    button = ""
    done = ""

    def act(self, request) -> None:
        raise NotImplementedError

    def get(self, request, pk: int):
        context = {
            "title": self.title,
            "question": self.question % {"number": self.service_request.number},
            "button": self.button,
            "back_url": request_url(self.service_request),
            "customer": self.service_request.customer,
        }
        return render(request, CONFIRM_TEMPLATE, context)

    def post(self, request, pk: int):
        try:
            self.act(request)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, str(self.done))
        return redirect(request_url(self.service_request))


class RequestCloseView(_ConfirmView):
    title = gettext_lazy("Clôturer la demande")
    question = gettext_lazy("Clôturer la demande %(number)s ?")
    button = gettext_lazy("Clôturer")
    done = gettext_lazy("Demande clôturée.")

    def act(self, request) -> None:
        service_request_close(tenant=request.tenant, actor=request.user, request=self.service_request)


class RequestCancelView(_ConfirmView):
    title = gettext_lazy("Annuler la demande")
    question = gettext_lazy(
        "Annuler la demande %(number)s ? Une demande annulée ne peut plus changer d'état."
    )
    button = gettext_lazy("Annuler la demande")
    done = gettext_lazy("Demande annulée.")

    def act(self, request) -> None:
        service_request_cancel(tenant=request.tenant, actor=request.user, request=self.service_request)


# --- The third party's page -----------------------------------------------------------------------


def _section_load(request, third_party) -> dict:
    rows = recent_requests_of_customer(tenant=request.tenant, user=request.user, customer=third_party)
    return {
        "service_requests": [(row, STATE_BADGES.get(row.state, "")) for row in rows],
        "service_requests_url": request_list_url(third_party),
    }


section_register(
    Section(
        name="service_requests",
        template="parc/requests/_section.html",
        position=75,
        permission="parc.view_servicerequest",
        load=_section_load,
    )
)
action_register(
    ActionSpec(
        "header", "parc:request_create", "parc.add_servicerequest", gettext_lazy("Demande d'intervention")
    )
)

urlpatterns = [
    path("demandes/", RequestListView.as_view(), name="request_list"),
    path("demandes/<int:pk>/", RequestDetailView.as_view(), name="request_detail"),
    path("demandes/<int:pk>/modifier/", RequestUpdateView.as_view(), name="request_update"),
    path("demandes/<int:pk>/couvertures/", RequestCoveragesView.as_view(), name="request_coverages"),
    path("demandes/<int:pk>/etat/", RequestStateView.as_view(), name="request_state"),
    path("demandes/<int:pk>/cloturer/", RequestCloseView.as_view(), name="request_close"),
    path("demandes/<int:pk>/annuler/", RequestCancelView.as_view(), name="request_cancel"),
    path("clients/<int:pk>/demandes/nouvelle/", RequestCreateView.as_view(), name="request_create"),
    path(
        "clients/<int:pk>/demandes/couvertures/",
        RequestCoveragesNewView.as_view(),
        name="request_coverages_new",
    ),
    *interventions.urlpatterns,
]
