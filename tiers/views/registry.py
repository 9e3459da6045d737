"""Registry autofill (SIRENE): the create form's lookup (JSON, read by static/js/registry-autofill.js)
and "Mise à jour depuis le registre" on an existing third party (a confirmation page listing the
empty fields that will be filled, then the service)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from crm.views.base import TenantPermissionRequiredMixin
from tiers.services.registry import registry_lookup, third_party_registry_plan, third_party_registry_update
from tiers.views.detail import ActionSpec, action_register
from tiers.views.third_parties import ThirdPartyObjectMixin, detail_url


class RegistryLookupView(TenantPermissionRequiredMixin, View):
    """GET ?siret=… or ?siren=… → {"fields": {name: value}} (only what the registry gives), or
    {"error": "…"}: 400 for a missing or invalid number, 200 with the registry's message otherwise
    (not configured, not found, unreachable…), which the page shows next to the button."""

    permission_required = "tiers.add_thirdparty"
    http_method_names = ["get"]

    def get(self, request):
        siret = request.GET.get("siret", "")[:40]
        siren = request.GET.get("siren", "")[:40]
        try:
            fields = registry_lookup(siret=siret, siren=siren)
        except ValidationError as exc:
            code = getattr(next(iter(exc.error_dict.values()))[0], "code", None)
            status = 200 if code == "registry" else 400
            return JsonResponse({"error": " ".join(exc.messages)}, status=status)
        return JsonResponse({"fields": fields})


class ThirdPartyRegistryUpdateView(ThirdPartyObjectMixin, View):
    permission_required = "tiers.change_thirdparty"

    def get(self, request, pk: int):
        try:
            plan = third_party_registry_plan(tenant=request.tenant, third_party=self.third_party)
        except ValidationError as exc:
            return self.page(request, "registry.html", plan=None, error=" ".join(exc.messages))
        return self.page(request, "registry.html", plan=plan, error="")

    def post(self, request, pk: int):
        try:
            plan = third_party_registry_update(
                tenant=request.tenant, actor=request.user, third_party=self.third_party
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Mise à jour depuis le registre : %(fields)s.")
                % {"fields": ", ".join(fill.label for fill in plan.fills)},
            )
        return redirect(detail_url(self.third_party))


action_register(
    ActionSpec(
        "header",
        "tiers:registry_update",
        "tiers.change_thirdparty",
        gettext_lazy("Mise à jour depuis le registre"),
        lambda third_party: bool(third_party.siret or third_party.siren),
    )
)

urlpatterns = [
    path("registre/", RegistryLookupView.as_view(), name="registry_lookup"),
    path("<int:pk>/registre/", ThirdPartyRegistryUpdateView.as_view(), name="registry_update"),
]
