"""Competitors' assets (parc concurrent): list, detail with the characteristic groups of target
"competitor_asset", create from a customer, edit, and the characteristics' edit page."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
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
from tiers.views.detail import ActionSpec, action_register
from tiers.views.third_parties import ThirdPartyObjectMixin

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
        groups = characteristics_for(tenant=request.tenant, record=self.row, target=TARGET)
        context = {"row": self.row, "characteristic_groups": groups, "nav": "assets"}
        return render(request, "parc/competitors/detail.html", context)


class CompetitorCreateView(ThirdPartyObjectMixin, ServiceFormView):
    permission_required = "parc.add_competitorasset"
    success_message = gettext_lazy("Parc concurrent enregistré.")

    @property
    def title(self) -> str:
        return _("Nouveau parc concurrent")

    def make_form(self, data=None):
        return CompetitorAssetForm(data, tenant=self.request.tenant, customer=self.third_party)

    def context(self) -> dict:
        return {"customer": self.third_party}

    def back_url(self) -> str:
        return reverse("tiers:detail", kwargs={"pk": self.third_party.pk})

    def success_url(self, saved) -> str:
        return detail_url(saved)

    def save(self, form):
        return competitor_asset_create(
            tenant=self.request.tenant,
            actor=self.request.user,
            customer=self.third_party,
            **form.cleaned_data,
        )


class CompetitorUpdateView(CompetitorObjectMixin, ServiceFormView):
    permission_required = "parc.change_competitorasset"
    success_message = gettext_lazy("Parc concurrent enregistré.")

    @property
    def title(self) -> str:
        return _("Modifier le parc concurrent")

    def make_form(self, data=None):
        return CompetitorAssetForm(
            data, instance=self.row, tenant=self.request.tenant, customer=self.row.customer
        )

    def context(self) -> dict:
        return {"customer": self.row.customer, "subject": str(self.row)}

    def back_url(self) -> str:
        return detail_url(self.row)

    def success_url(self, saved) -> str:
        return detail_url(saved)

    def save(self, form):
        return competitor_asset_update(
            tenant=self.request.tenant, actor=self.request.user, row=self.row, **form.cleaned_data
        )


class CompetitorCharacteristicsView(
    CompetitorObjectMixin, TenantPermissionRequiredMixin, CharacteristicsEditMixin, View
):
    permission_required = "parc.change_competitorasset"
    target = TARGET

    def record(self):
        return self.row

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
