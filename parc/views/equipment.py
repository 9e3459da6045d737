"""Equipment detected by an inventory tool (imported with ``manage.py import_equipment``):
list and detail."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy
from django.views import View

from crm.views.base import TenantPermissionRequiredMixin
from parc.models import Equipment
from parc.selectors_assets import equipment_get_visible
from parc.tables import EquipmentTable

from .base import ParcListView


class EquipmentListView(ParcListView):
    permission_required = "parc.view_equipment"
    title = gettext_lazy("Équipements détectés")
    list_key = "equipment"
    table_class = EquipmentTable
    nav = "assets"


class EquipmentDetailView(TenantPermissionRequiredMixin, View):
    permission_required = "parc.view_equipment"
    http_method_names = ["get"]

    def get(self, request, pk: int):
        try:
            item = equipment_get_visible(tenant=request.tenant, user=request.user, pk=pk)
        except Equipment.DoesNotExist:
            raise Http404 from None
        return render(request, "parc/equipment/detail.html", {"item": item, "nav": "assets"})


urlpatterns = [
    path("equipements/", EquipmentListView.as_view(), name="equipment_list"),
    path("equipements/<int:pk>/", EquipmentDetailView.as_view(), name="equipment_detail"),
]
