"""Competitors' assets (parc concurrent): list, detail with the characteristic groups of target
"competitor_asset", create from a customer, edit, and the characteristics' edit page."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy
from django.views import View

from crm.views.base import TenantPermissionRequiredMixin
from parc.forms.competitors import CompetitorAssetForm
from parc.models import CompetitorAsset
from parc.selectors_assets import competitor_asset_get_visible
from parc.services.competitors import competitor_asset_create, competitor_asset_update
from parc.tables import CompetitorAssetTable
from tiers.models import CharacteristicTarget
from tiers.selectors_characteristics import characteristics_for
from tiers.views.characteristics import CharacteristicsEditMixin
from tiers.views.customer_forms import CustomerRowCreateView, CustomerRowUpdateView
from tiers.views.detail import ActionSpec, action_register

from .base import ParcListView, ServiceFormView

TARGET = CharacteristicTarget.COMPETITOR_ASSET


def detail_url(row: CompetitorAsset) -> str:
    return reverse("parc:competitor_detail", kwargs={"pk": row.pk})


class CompetitorObjectMixin:
    row: CompetitorAsset

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        try:
            self.row = competitor_asset_get_visible(tenant=request.tenant, user=request.user, pk=kwargs["pk"])
        except CompetitorAsset.DoesNotExist:
            raise Http404 from None
        return super().dispatch(request, *args, **kwargs)


class CompetitorListView(ParcListView):
    permission_required = "parc.view_competitorasset"
    title = gettext_lazy("Parc concurrent")
    list_key = "competitor_assets"
    table_class = CompetitorAssetTable
    nav = "assets"


class CompetitorDetailView(CompetitorObjectMixin, TenantPermissionRequiredMixin, View):
    permission_required = "parc.view_competitorasset"
    http_method_names = ["get"]

    def get(self, request, pk: int):
        groups = characteristics_for(
            tenant=request.tenant, record=self.row, target=TARGET, target_kind=self.row.kind
        )
        context = {"row": self.row, "characteristic_groups": groups, "nav": "assets"}
        return render(request, "parc/competitors/detail.html", context)


class CompetitorCreateView(CustomerRowCreateView, ServiceFormView):
    permission_required = "parc.add_competitorasset"
    title = gettext_lazy("Nouveau parc concurrent")
    success_message = gettext_lazy("Parc concurrent enregistré.")
    form_class = CompetitorAssetForm
    create_service = staticmethod(competitor_asset_create)
    row_url = staticmethod(detail_url)


class CompetitorUpdateView(CompetitorObjectMixin, CustomerRowUpdateView, ServiceFormView):
    permission_required = "parc.change_competitorasset"
    title = gettext_lazy("Modifier le parc concurrent")
    success_message = gettext_lazy("Parc concurrent enregistré.")
    form_class = CompetitorAssetForm
    update_service = staticmethod(competitor_asset_update)
    row_url = staticmethod(detail_url)
    row_attribute = "row"


class CompetitorCharacteristicsView(
    CompetitorObjectMixin, TenantPermissionRequiredMixin, CharacteristicsEditMixin, View
):
    permission_required = "parc.change_competitorasset"
    target = TARGET

    def record(self):
        return self.row

    @property
    def target_kind(self) -> str:
        """The groups of this competitor asset's type, and those of every type."""
        return self.row.kind

    def back_url(self) -> str:
        return detail_url(self.row)

    def page_context(self) -> dict:
        return {"customer_id": self.row.customer_id}


action_register(
    ActionSpec(
        "installed_base",
        "parc:competitor_create",
        "parc.add_competitorasset",
        gettext_lazy("Ajouter un parc concurrent"),
    )
)

urlpatterns = [
    path("parc-concurrent/", CompetitorListView.as_view(), name="competitor_list"),
    path("parc-concurrent/<int:pk>/", CompetitorDetailView.as_view(), name="competitor_detail"),
    path("parc-concurrent/<int:pk>/modifier/", CompetitorUpdateView.as_view(), name="competitor_update"),
    path(
        "parc-concurrent/<int:pk>/caracteristiques/",
        CompetitorCharacteristicsView.as_view(),
        name="competitor_characteristics",
    ),
    path(
        "clients/<int:pk>/parc-concurrent/nouveau/", CompetitorCreateView.as_view(), name="competitor_create"
    ),
]
