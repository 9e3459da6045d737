"""Service contracts (SSC): list with its Excel export, detail (covered assets, billing rules,
prepaid balance), create from a customer (from scratch or from a template), edit, activate or
deactivate, add and remove covered assets. Billing rules and contract templates have their own
modules (contracts_rules, contracts_templates), whose URLs are added here."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from crm.views.base import TenantPermissionRequiredMixin
from parc.filters_contracts import CONTRACTS_LIST
from parc.forms.contracts import ContractAssetsForm, ContractForm, ContractFromTemplateForm
from parc.models import Asset, ContractStatus, ServiceContract
from parc.selectors_assets import assets_visible
from parc.selectors_contracts import (
    billing_rules_of,
    contract_assets,
    contract_assets_addable,
    contract_get_visible,
)
from parc.services.contracts import (
    contract_activate,
    contract_asset_remove,
    contract_assets_add,
    contract_create,
    contract_create_from_template,
    contract_deactivate,
    contract_update,
)
from parc.tables_contracts import ContractTable
from tiers.views.customer_forms import CustomerRowCreateView, CustomerRowUpdateView
from tiers.views.detail import ActionSpec, action_register

from . import contracts_rules, contracts_templates
from .base import ParcListView, ServiceFormView

# Who sees inactive billing rules on the contract's page (the managers' toggle).
INACTIVE_RULES_PERMISSION = "parc.change_billingrule"
SHOW_INACTIVE = "toutes"


def contract_url(contract: ServiceContract) -> str:
    return reverse("parc:contract_detail", kwargs={"pk": contract.pk})


class ContractObjectMixin:
    """Loads ``self.contract`` (404 when its customer is hidden from the user or another
    tenant's) once the permission is checked."""

    contract: ServiceContract

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        try:
            self.contract = contract_get_visible(tenant=request.tenant, user=request.user, pk=kwargs["pk"])
        except ServiceContract.DoesNotExist:
            raise Http404 from None
        return super().dispatch(request, *args, **kwargs)


class ContractListView(ParcListView):
    permission_required = "parc.view_servicecontract"
    title = gettext_lazy("Contrats de service")
    list_key = CONTRACTS_LIST
    export_key = CONTRACTS_LIST
    table_class = ContractTable
    nav = "contracts"


class ContractDetailView(ContractObjectMixin, TenantPermissionRequiredMixin, View):
    permission_required = "parc.view_servicecontract"
    http_method_names = ["get"]

    def get(self, request, pk: int):
        can_see_inactive = request.user.has_perm(INACTIVE_RULES_PERMISSION)
        show_inactive = can_see_inactive and request.GET.get("regles") == SHOW_INACTIVE
        context = {
            "contract": self.contract,
            "assets": list(contract_assets(tenant=request.tenant, contract=self.contract)),
            "rules": list(
                billing_rules_of(
                    tenant=request.tenant, contract=self.contract, include_inactive=show_inactive
                )
            ),
            "can_see_inactive": can_see_inactive,
            "show_inactive": show_inactive,
            "show_inactive_value": SHOW_INACTIVE,
            "is_active": self.contract.status == ContractStatus.ACTIVE,
            "nav": "contracts",
        }
        return render(request, "parc/contracts/detail.html", context)


class ContractCreateView(CustomerRowCreateView, ServiceFormView):
    permission_required = "parc.add_servicecontract"
    title = gettext_lazy("Nouveau contrat de service")
    success_message = gettext_lazy("Contrat enregistré.")
    form_class = ContractForm
    create_service = staticmethod(contract_create)
    row_url = staticmethod(contract_url)


class ContractFromTemplateView(ContractCreateView):
    title = gettext_lazy("Nouveau contrat depuis un modèle")
    form_class = ContractFromTemplateForm
    create_service = staticmethod(contract_create_from_template)

    def form_kwargs(self) -> dict:
        assets = assets_visible(tenant=self.request.tenant, user=self.request.user).filter(
            customer=self.third_party
        )
        return {**super().form_kwargs(), "assets": assets}


class ContractUpdateView(ContractObjectMixin, CustomerRowUpdateView, ServiceFormView):
    permission_required = "parc.change_servicecontract"
    success_message = gettext_lazy("Contrat enregistré.")
    form_class = ContractForm
    update_service = staticmethod(contract_update)
    row_url = staticmethod(contract_url)
    row_attribute = "contract"

    @property
    def title(self) -> str:
        return _("Modifier le contrat %(code)s") % {"code": self.contract.code}

    def subject(self) -> None:
        return None


class ContractStatusView(ContractObjectMixin, TenantPermissionRequiredMixin, View):
    """POST ``statut=active|inactive``: activate or deactivate the contract."""

    permission_required = "parc.change_servicecontract"
    http_method_names = ["post"]

    def post(self, request, pk: int):
        if request.POST.get("statut") == ContractStatus.ACTIVE:
            contract_activate(tenant=request.tenant, actor=request.user, contract=self.contract)
            messages.success(request, _("Contrat activé."))
        else:
            contract_deactivate(tenant=request.tenant, actor=request.user, contract=self.contract)
            messages.success(request, _("Contrat désactivé."))
        return redirect(contract_url(self.contract))


class ContractAssetsAddView(ContractObjectMixin, ServiceFormView):
    permission_required = "parc.add_contractasset"

    @property
    def title(self) -> str:
        return _("Couvrir des biens par le contrat %(code)s") % {"code": self.contract.code}

    def make_form(self, data=None):
        assets = contract_assets_addable(
            tenant=self.request.tenant, user=self.request.user, contract=self.contract
        )
        return ContractAssetsForm(data, assets=assets)

    def context(self) -> dict:
        return {"customer": self.contract.customer, "subject": str(self.contract)}

    def back_url(self) -> str:
        return contract_url(self.contract)

    def success_url(self, saved) -> str:
        return contract_url(self.contract)

    def save(self, form):
        added = contract_assets_add(
            tenant=self.request.tenant,
            actor=self.request.user,
            contract=self.contract,
            assets=form.cleaned_data["assets"],
        )
        messages.success(self.request, _("%(count)s bien(s) ajouté(s) au contrat.") % {"count": added})
        return self.contract


class ContractAssetRemoveView(ContractObjectMixin, TenantPermissionRequiredMixin, View):
    permission_required = "parc.delete_contractasset"
    http_method_names = ["get", "post"]

    def _asset(self, asset_pk: int) -> Asset:
        try:
            return contract_assets(tenant=self.request.tenant, contract=self.contract).get(pk=asset_pk)
        except Asset.DoesNotExist:
            raise Http404 from None

    def get(self, request, pk: int, asset_pk: int):
        asset = self._asset(asset_pk)
        context = {
            "title": _("Retirer un bien du contrat"),
            "question": _("Retirer le bien %(asset)s du contrat %(code)s ?")
            % {"asset": asset.display_label, "code": self.contract.code},
            "button": _("Retirer"),
            "back_url": contract_url(self.contract),
            "customer": self.contract.customer,
        }
        return render(request, "parc/contracts/confirm.html", context)

    def post(self, request, pk: int, asset_pk: int):
        asset = self._asset(asset_pk)
        contract_asset_remove(tenant=request.tenant, actor=request.user, contract=self.contract, asset=asset)
        messages.success(request, _("Bien retiré du contrat."))
        return redirect(contract_url(self.contract))


for url_name, label in (
    ("parc:contract_create", gettext_lazy("Ajouter un contrat de service")),
    ("parc:contract_create_from_template", gettext_lazy("Contrat depuis un modèle")),
):
    action_register(ActionSpec("installed_base", url_name, "parc.add_servicecontract", label))

urlpatterns = [
    path("contrats/", ContractListView.as_view(), name="contract_list"),
    path("contrats/<int:pk>/", ContractDetailView.as_view(), name="contract_detail"),
    path("contrats/<int:pk>/modifier/", ContractUpdateView.as_view(), name="contract_update"),
    path("contrats/<int:pk>/statut/", ContractStatusView.as_view(), name="contract_status"),
    path("contrats/<int:pk>/biens/ajouter/", ContractAssetsAddView.as_view(), name="contract_assets_add"),
    path(
        "contrats/<int:pk>/biens/<int:asset_pk>/retirer/",
        ContractAssetRemoveView.as_view(),
        name="contract_asset_remove",
    ),
    path("clients/<int:pk>/contrats/nouveau/", ContractCreateView.as_view(), name="contract_create"),
    path(
        "clients/<int:pk>/contrats/nouveau-depuis-modele/",
        ContractFromTemplateView.as_view(),
        name="contract_create_from_template",
    ),
    *contracts_rules.urlpatterns,
    *contracts_templates.urlpatterns,
]
