"""Assets (biens): list with its Excel export, detail (article, customer, site, financing,
contracts covering it, equipment matched), create from a customer, edit, and the financing
rows added and edited from the asset's page."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from crm.views.base import TenantPermissionRequiredMixin
from parc.forms.assets import AssetForm, FinancingForm
from parc.models import Asset, Financing
from parc.selectors_assets import asset_contracts, asset_get_visible, financing_get
from parc.selectors_meters import asset_meters_context
from parc.services.assets import asset_create, asset_update, financing_create, financing_update
from parc.tables import AssetTable
from tiers.views.customer_forms import CustomerRowCreateView, CustomerRowUpdateView
from tiers.views.detail import ActionSpec, action_register

from .base import ParcListView, ServiceFormView


def detail_url(asset: Asset) -> str:
    return reverse("parc:asset_detail", kwargs={"pk": asset.pk})


class AssetObjectMixin:
    """Loads ``self.asset`` (404 when its customer is hidden from the user or another tenant's)
    once the permission is checked."""

    asset: Asset

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        try:
            self.asset = asset_get_visible(tenant=request.tenant, user=request.user, pk=kwargs["pk"])
        except Asset.DoesNotExist:
            raise Http404 from None
        return super().dispatch(request, *args, **kwargs)


class AssetListView(ParcListView):
    permission_required = "parc.view_asset"
    title = gettext_lazy("Parc")
    list_key = "assets"
    export_key = "assets"
    table_class = AssetTable
    nav = "assets"


class AssetDetailView(AssetObjectMixin, TenantPermissionRequiredMixin, View):
    permission_required = "parc.view_asset"
    http_method_names = ["get"]

    def get(self, request, pk: int):
        context = {
            "asset": self.asset,
            "contracts": asset_contracts(tenant=request.tenant, asset=self.asset),
            "financings": list(self.asset.financings.all()),
            "equipment": list(self.asset.equipment.all()),
            "nav": "assets",
        }
        if request.user.has_perm("parc.view_meterreading"):
            context.update(asset_meters_context(tenant=request.tenant, asset=self.asset))
        return render(request, "parc/assets/detail.html", context)


class AssetCreateView(CustomerRowCreateView, ServiceFormView):
    permission_required = "parc.add_asset"
    title = gettext_lazy("Nouveau bien")
    success_message = gettext_lazy("Bien enregistré.")
    form_class = AssetForm
    create_service = staticmethod(asset_create)
    row_url = staticmethod(detail_url)


class AssetUpdateView(AssetObjectMixin, CustomerRowUpdateView, ServiceFormView):
    permission_required = "parc.change_asset"
    title = gettext_lazy("Modifier le bien")
    success_message = gettext_lazy("Bien enregistré.")
    form_class = AssetForm
    update_service = staticmethod(asset_update)
    row_url = staticmethod(detail_url)
    row_attribute = "asset"

    def subject(self) -> str:
        return self.asset.display_label


class _FinancingFormView(AssetObjectMixin, ServiceFormView):
    success_message = gettext_lazy("Financement enregistré.")
    financing: Financing | None = None

    def make_form(self, data=None):
        return FinancingForm(
            data, instance=self.financing, tenant=self.request.tenant, user=self.request.user
        )

    def context(self) -> dict:
        return {"customer": self.asset.customer, "subject": self.asset.display_label}

    def back_url(self) -> str:
        return detail_url(self.asset)

    def success_url(self, saved) -> str:
        return detail_url(self.asset)


class FinancingCreateView(_FinancingFormView):
    permission_required = "parc.add_financing"

    @property
    def title(self) -> str:
        return _("Nouveau financement")

    def save(self, form):
        return financing_create(
            tenant=self.request.tenant, actor=self.request.user, asset=self.asset, **form.cleaned_data
        )


class FinancingUpdateView(_FinancingFormView):
    permission_required = "parc.change_financing"

    @property
    def title(self) -> str:
        return _("Modifier le financement")

    def get_financing(self) -> Financing:
        try:
            return financing_get(tenant=self.request.tenant, asset=self.asset, pk=self.kwargs["financing_pk"])
        except Financing.DoesNotExist:
            raise Http404 from None

    def get(self, request, *args, **kwargs):
        self.financing = self.get_financing()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.financing = self.get_financing()
        return super().post(request, *args, **kwargs)

    def save(self, form):
        return financing_update(
            tenant=self.request.tenant, actor=self.request.user, financing=self.financing, **form.cleaned_data
        )


action_register(
    ActionSpec("installed_base", "parc:asset_create", "parc.add_asset", gettext_lazy("Ajouter un bien"))
)

urlpatterns = [
    path("biens/", AssetListView.as_view(), name="asset_list"),
    path("biens/<int:pk>/", AssetDetailView.as_view(), name="asset_detail"),
    path("biens/<int:pk>/modifier/", AssetUpdateView.as_view(), name="asset_update"),
    path("clients/<int:pk>/biens/nouveau/", AssetCreateView.as_view(), name="asset_create"),
    path("biens/<int:pk>/financements/nouveau/", FinancingCreateView.as_view(), name="financing_create"),
    path(
        "biens/<int:pk>/financements/<int:financing_pk>/modifier/",
        FinancingUpdateView.as_view(),
        name="financing_update",
    ),
]
