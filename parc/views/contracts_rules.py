"""Billing rules (RFC) of a contract: add, edit, deactivate (with confirmation). A rule is never
deleted; an inactive one disappears downstream. URLs added by parc.views.contracts."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from crm.views.base import TenantPermissionRequiredMixin
from parc.forms.contracts import BillingRuleForm
from parc.models import BillingRule, ServiceContract
from parc.selectors_contracts import billing_rules_of, contract_get_visible
from parc.services.contracts import billing_rule_create, billing_rule_deactivate, billing_rule_update

from .base import ServiceFormView


def _contract_url(contract: ServiceContract) -> str:
    return reverse("parc:contract_detail", kwargs={"pk": contract.pk})


class RuleObjectMixin:
    """Loads ``self.contract`` (404 when hidden or another tenant's) and, when the URL names one,
    ``self.rule`` (one of the contract's rules, active or not)."""

    contract: ServiceContract
    rule: BillingRule | None = None

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        try:
            self.contract = contract_get_visible(tenant=request.tenant, user=request.user, pk=kwargs["pk"])
            if "rule_pk" in kwargs:
                self.rule = billing_rules_of(
                    tenant=request.tenant, contract=self.contract, include_inactive=True
                ).get(pk=kwargs["rule_pk"])
        except (ServiceContract.DoesNotExist, BillingRule.DoesNotExist):
            raise Http404 from None
        return super().dispatch(request, *args, **kwargs)


class _RuleFormView(RuleObjectMixin, ServiceFormView):
    success_message = gettext_lazy("Règle de facturation enregistrée.")

    def make_form(self, data=None):
        return BillingRuleForm(data, instance=self.rule, tenant=self.request.tenant)

    def context(self) -> dict:
        return {"customer": self.contract.customer, "subject": str(self.contract)}

    def back_url(self) -> str:
        return _contract_url(self.contract)

    def success_url(self, saved) -> str:
        return _contract_url(self.contract)


class BillingRuleCreateView(_RuleFormView):
    permission_required = "parc.add_billingrule"

    @property
    def title(self) -> str:
        return _("Nouvelle règle de facturation")

    def save(self, form):
        return billing_rule_create(
            tenant=self.request.tenant, actor=self.request.user, contract=self.contract, **form.cleaned_data
        )


class BillingRuleUpdateView(_RuleFormView):
    permission_required = "parc.change_billingrule"

    @property
    def title(self) -> str:
        return _("Modifier la règle %(code)s") % {"code": self.rule.code}

    def save(self, form):
        return billing_rule_update(
            tenant=self.request.tenant, actor=self.request.user, rule=self.rule, **form.cleaned_data
        )


class BillingRuleDeactivateView(RuleObjectMixin, TenantPermissionRequiredMixin, View):
    permission_required = "parc.change_billingrule"
    http_method_names = ["get", "post"]

    def get(self, request, pk: int, rule_pk: int):
        context = {
            "title": _("Désactiver la règle de facturation"),
            "question": _("Désactiver la règle %(code)s « %(label)s » ? Elle ne sera plus facturée.")
            % {"code": self.rule.code, "label": self.rule.label},
            "button": _("Désactiver"),
            "back_url": _contract_url(self.contract),
            "customer": self.contract.customer,
        }
        return render(request, "parc/contracts/confirm.html", context)

    def post(self, request, pk: int, rule_pk: int):
        billing_rule_deactivate(tenant=request.tenant, actor=request.user, rule=self.rule)
        messages.success(request, _("Règle de facturation désactivée."))
        return redirect(_contract_url(self.contract))


urlpatterns = [
    path("contrats/<int:pk>/regles/nouvelle/", BillingRuleCreateView.as_view(), name="billing_rule_create"),
    path(
        "contrats/<int:pk>/regles/<int:rule_pk>/modifier/",
        BillingRuleUpdateView.as_view(),
        name="billing_rule_update",
    ),
    path(
        "contrats/<int:pk>/regles/<int:rule_pk>/desactiver/",
        BillingRuleDeactivateView.as_view(),
        name="billing_rule_deactivate",
    ),
]
