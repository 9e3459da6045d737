"""Interventions of a service request: add, edit and delete (with confirmation) from the
request's page. Customer, site and business line are copied from the request by the service;
a closed or cancelled request refuses them (the service's message on the form or as a message).
The URLs are added to parc.views.requests' urlpatterns."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from crm.views.base import TenantPermissionRequiredMixin
from parc.forms.requests import InterventionForm
from parc.models import Intervention, ServiceRequest
from parc.selectors_requests import intervention_get, request_get_visible
from parc.services.interventions import intervention_create, intervention_delete, intervention_update

from .base import ServiceFormView

CONFIRM_TEMPLATE = "parc/contracts/confirm.html"


def _request_url(service_request: ServiceRequest) -> str:
    return reverse("parc:request_detail", kwargs={"pk": service_request.pk})


class InterventionMixin:
    """Loads ``self.service_request`` (404 when hidden or another tenant's) and, when the URL names
    one, ``self.intervention`` of that request."""

    service_request: ServiceRequest
    intervention: Intervention | None = None

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        try:
            self.service_request = request_get_visible(
                tenant=request.tenant, user=request.user, pk=kwargs["pk"]
            )
            if "intervention_pk" in kwargs:
                self.intervention = intervention_get(
                    tenant=request.tenant, request=self.service_request, pk=kwargs["intervention_pk"]
                )
        except (ServiceRequest.DoesNotExist, Intervention.DoesNotExist):
            raise Http404 from None
        return super().dispatch(request, *args, **kwargs)

    def context(self) -> dict:
        return {"customer": self.service_request.customer, "subject": self.service_request.number}

    def back_url(self) -> str:
        return _request_url(self.service_request)

    def success_url(self, saved) -> str:
        return _request_url(self.service_request)


class InterventionCreateView(InterventionMixin, ServiceFormView):
    permission_required = "parc.add_intervention"
    success_message = gettext_lazy("Intervention enregistrée.")

    @property
    def title(self) -> str:
        return _("Nouvelle intervention")

    def make_form(self, data=None):
        return InterventionForm(data, tenant=self.request.tenant, user=self.request.user)

    def save(self, form):
        return intervention_create(
            tenant=self.request.tenant,
            actor=self.request.user,
            request=self.service_request,
            **form.service_fields(),
        )


class InterventionUpdateView(InterventionMixin, ServiceFormView):
    permission_required = "parc.change_intervention"
    success_message = gettext_lazy("Intervention enregistrée.")

    @property
    def title(self) -> str:
        return _("Modifier l'intervention")

    def make_form(self, data=None):
        return InterventionForm(
            data, tenant=self.request.tenant, user=self.request.user, instance=self.intervention
        )

    def save(self, form):
        return intervention_update(
            tenant=self.request.tenant,
            actor=self.request.user,
            intervention=self.intervention,
            **form.service_fields(),
        )


class InterventionDeleteView(InterventionMixin, TenantPermissionRequiredMixin, View):
    permission_required = "parc.delete_intervention"
    http_method_names = ["get", "post"]

    def get(self, request, pk: int, intervention_pk: int):
        context = {
            "title": _("Supprimer l'intervention"),
            "question": _("Supprimer l'intervention du %(date)s (%(duration)s) ?")
            % {
                "date": timezone.localtime(self.intervention.starts_at).strftime("%d/%m/%Y"),
                "duration": self.intervention.duration_display,
            },
            "button": _("Supprimer"),
            "back_url": self.back_url(),
            "customer": self.service_request.customer,
        }
        return render(request, CONFIRM_TEMPLATE, context)

    def post(self, request, pk: int, intervention_pk: int):
        try:
            intervention_delete(tenant=request.tenant, actor=request.user, intervention=self.intervention)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Intervention supprimée."))
        return redirect(self.back_url())


_ONE = "demandes/<int:pk>/interventions/<int:intervention_pk>"

urlpatterns = [
    path(
        "demandes/<int:pk>/interventions/ajouter/",
        InterventionCreateView.as_view(),
        name="intervention_create",
    ),
    path(f"{_ONE}/modifier/", InterventionUpdateView.as_view(), name="intervention_update"),
    path(f"{_ONE}/supprimer/", InterventionDeleteView.as_view(), name="intervention_delete"),
]
