"""Meter readings of an asset: the readings page (last 24 months of readings and monthly volumes,
the same section the asset's page can include), add a reading, delete one with confirmation."""

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
from parc.forms.meters import ReadingForm
from parc.models import MeterReading
from parc.selectors_meters import asset_meters_context, reading_get_visible
from parc.services.meters import reading_add, reading_delete

from .assets import AssetObjectMixin
from .base import ServiceFormView


def readings_url(asset_id: int) -> str:
    return reverse("parc:asset_readings", kwargs={"pk": asset_id})


class AssetReadingsView(AssetObjectMixin, TenantPermissionRequiredMixin, View):
    permission_required = "parc.view_meterreading"
    http_method_names = ["get"]

    def get(self, request, pk: int):
        context = {
            "asset": self.asset,
            "nav": "assets",
            **asset_meters_context(tenant=request.tenant, asset=self.asset),
        }
        return render(request, "parc/meters/readings.html", context)


class ReadingCreateView(AssetObjectMixin, ServiceFormView):
    permission_required = "parc.add_meterreading"
    success_message = gettext_lazy("Relevé enregistré.")

    @property
    def title(self) -> str:
        return _("Nouveau relevé — %(asset)s") % {"asset": self.asset.display_label}

    def make_form(self, data=None):
        return ReadingForm(data, tenant=self.request.tenant)

    def context(self) -> dict:
        return {"customer": self.asset.customer, "subject": self.asset.display_label}

    def back_url(self) -> str:
        return readings_url(self.asset.pk)

    def success_url(self, saved) -> str:
        return readings_url(self.asset.pk)

    def save(self, form):
        return reading_add(
            tenant=self.request.tenant, actor=self.request.user, asset=self.asset, **form.cleaned_data
        )


class ReadingDeleteView(TenantPermissionRequiredMixin, View):
    permission_required = "parc.delete_meterreading"
    http_method_names = ["get", "post"]
    template_name = "parc/meters/reading_delete.html"

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        try:
            self.reading = reading_get_visible(tenant=request.tenant, user=request.user, pk=kwargs["pk"])
        except MeterReading.DoesNotExist:
            raise Http404 from None
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, refusal: str = ""):
        context = {"reading": self.reading, "asset": self.reading.asset, "refusal": refusal, "nav": "assets"}
        return render(self.request, self.template_name, context)

    def get(self, request, pk: int):
        return self.render_page()

    def post(self, request, pk: int):
        try:
            reading_delete(tenant=request.tenant, actor=request.user, reading=self.reading)
        except ValidationError as error:
            return self.render_page(refusal=" ".join(error.messages))
        messages.success(request, _("Relevé supprimé."))
        return redirect(readings_url(self.reading.asset_id))


urlpatterns = [
    path("biens/<int:pk>/releves/", AssetReadingsView.as_view(), name="asset_readings"),
    path("biens/<int:pk>/releves/nouveau/", ReadingCreateView.as_view(), name="reading_create"),
    path("releves/<int:pk>/supprimer/", ReadingDeleteView.as_view(), name="reading_delete"),
]
