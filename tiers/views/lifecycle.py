"""Screens of the prospect lifecycle and of the definitive delete: validate a draft prospect,
convert a prospect into a customer (a form with only the missing fields), delete a third party.

Each page loads the third party through ThirdPartyObjectMixin (another tenant's, a reserved or a
hidden closed one is a 404) and registers its header action on the third party's page.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from tiers.forms.lifecycle import ConversionForm
from tiers.models import Lifecycle, ThirdParty
from tiers.services.lifecycle import (
    VALIDATE_PERMISSION,
    conversion_missing,
    convert_refusal,
    prospect_convert,
    prospect_validate,
    third_party_delete,
    third_party_delete_preview,
    validate_refusal,
)
from tiers.views.detail import ActionSpec, action_register
from tiers.views.third_parties import ThirdPartyObjectMixin, _ConfirmView, _errors_apply, detail_url

# Deleting needs both rights; the header action can name one (ActionSpec.permission), and every
# role holding crm.delete_thirdparty also holds tiers.delete_thirdparty (tested).
DELETE_PERMISSIONS = ("crm.delete_thirdparty", "tiers.delete_thirdparty")


class _LifecyclePage:
    """Renders templates/tiers/lifecycle/<template> with the page's own context."""

    def context(self, request) -> dict:
        return {}

    def page(self, request, template: str, **context):
        return render(
            request,
            f"tiers/lifecycle/{template}",
            {"third_party": self.third_party, **self.context(request), **context},
        )


# --- Validate -------------------------------------------------------------------------------------


class ProspectValidateView(_LifecyclePage, _ConfirmView):
    """GET: confirmation page; POST: validate the draft prospect."""

    permission_required = VALIDATE_PERMISSION
    template = "validate.html"
    action = "validate"

    def context(self, request) -> dict:
        return {"refusal": validate_refusal(self.third_party)}

    def run(self, request, reason: str) -> ThirdParty:
        return prospect_validate(
            tenant=request.tenant, actor=request.user, third_party=self.third_party, reason=reason
        )

    def done(self, request, third_party: ThirdParty):
        messages.success(request, _("Le prospect %(name)s est validé.") % {"name": third_party})
        return redirect(detail_url(third_party))


# --- Convert --------------------------------------------------------------------------------------


class ProspectConvertView(_LifecyclePage, ThirdPartyObjectMixin, View):
    """The conversion form: only the missing fields; saved and converted in one transaction."""

    permission_required = VALIDATE_PERMISSION

    def _form(self, request, data=None) -> ConversionForm:
        return ConversionForm(data, tenant=request.tenant, missing=conversion_missing(self.third_party))

    def _render(self, request, form: ConversionForm):
        return self.page(
            request,
            "convert.html",
            form=form,
            refusal=convert_refusal(self.third_party, request.user),
            is_draft=self.third_party.lifecycle == Lifecycle.PROSPECT_DRAFT,
        )

    def get(self, request, pk: int):
        return self._render(request, self._form(request))

    def post(self, request, pk: int):
        form = self._form(request, request.POST)
        if convert_refusal(self.third_party, request.user) is None and form.is_valid():
            try:
                third_party = prospect_convert(
                    tenant=request.tenant,
                    actor=request.user,
                    third_party=self.third_party,
                    data=form.cleaned_data,
                )
            except ValidationError as exc:
                _errors_apply(exc, form)
            else:
                messages.success(
                    request, _("Le prospect %(name)s est transformé en client.") % {"name": third_party}
                )
                return redirect(detail_url(third_party))
        return self._render(request, form)


# --- Delete ---------------------------------------------------------------------------------------


class ThirdPartyDeleteView(_LifecyclePage, _ConfirmView):
    """GET: what will be deleted (or why it cannot be); POST: delete for good."""

    permission_required = DELETE_PERMISSIONS
    template = "delete.html"
    action = "delete"

    def context(self, request) -> dict:
        return {"preview": third_party_delete_preview(tenant=request.tenant, third_party=self.third_party)}

    def run(self, request, reason: str) -> ThirdParty:
        third_party_delete(
            tenant=request.tenant, actor=request.user, third_party=self.third_party, reason=reason
        )
        return self.third_party

    def done(self, request, third_party: ThirdParty):
        messages.success(
            request,
            _("Le tiers %(code)s — %(name)s est supprimé définitivement.")
            % {"code": third_party.code, "name": third_party.name},
        )
        return redirect("tiers:customer_list" if third_party.is_customer else "tiers:prospect_list")


action_register(
    ActionSpec(
        "header",
        "tiers:prospect_validate",
        VALIDATE_PERMISSION,
        gettext_lazy("Valider le prospect"),
        lambda tp: tp.lifecycle == Lifecycle.PROSPECT_DRAFT,
    )
)
action_register(
    ActionSpec(
        "header",
        "tiers:prospect_convert",
        VALIDATE_PERMISSION,
        gettext_lazy("Transformer en client"),
        lambda tp: tp.is_prospect,
    )
)
action_register(ActionSpec("header", "tiers:delete", DELETE_PERMISSIONS, gettext_lazy("Supprimer")))

urlpatterns = [
    path("<int:pk>/valider/", ProspectValidateView.as_view(), name="prospect_validate"),
    path("<int:pk>/transformer-en-client/", ProspectConvertView.as_view(), name="prospect_convert"),
    path("<int:pk>/supprimer/", ThirdPartyDeleteView.as_view(), name="delete"),
]
