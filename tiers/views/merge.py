"""Merge screens: choose the other third party and which one survives, then the dry run with a
confirm button carrying the plan's hash; the POST merges (refused when the data changed since the
dry run) and redirects to the survivor. Both third parties must be visible to the user (else 404).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from tiers.forms.merge import MergeChooseForm
from tiers.models import ThirdParty
from tiers.selectors import third_party_get_visible
from tiers.services.merge import merge_check, merge_plan, third_party_merge
from tiers.views.detail import ActionSpec, action_register
from tiers.views.third_parties import ThirdPartyObjectMixin, detail_url

MERGE_PERMISSION = "crm.merge_thirdparty"
PICKER_URL_NAME = "tiers:party_picker"


def _picker_url() -> str | None:
    """The third-party picker endpoint, when the links area provides one."""
    try:
        return reverse(PICKER_URL_NAME)
    except NoReverseMatch:
        return None


class MergeChooseView(ThirdPartyObjectMixin, View):
    permission_required = MERGE_PERMISSION

    def _render(self, request, form):
        return render(
            request,
            "tiers/merge/choose.html",
            {"third_party": self.third_party, "form": form, "picker": _picker_url() is not None},
        )

    def _form(self, request, data=None) -> MergeChooseForm:
        return MergeChooseForm(
            data,
            tenant=request.tenant,
            user=request.user,
            third_party=self.third_party,
            picker_url=_picker_url(),
        )

    def get(self, request, pk: int):
        return self._render(request, self._form(request))

    def post(self, request, pk: int):
        form = self._form(request, request.POST)
        if form.is_valid():
            survivor, loser = form.pair()
            try:
                merge_check(tenant=request.tenant, actor=request.user, survivor=survivor, loser=loser)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("tiers:merge_preview", pk=survivor.pk, loser_pk=loser.pk)
        return self._render(request, form)


class MergePreviewView(ThirdPartyObjectMixin, View):
    """``pk`` is the survivor, ``loser_pk`` the third party absorbed."""

    permission_required = MERGE_PERMISSION

    def _loser(self, request, loser_pk: int) -> ThirdParty:
        try:
            return third_party_get_visible(tenant=request.tenant, user=request.user, pk=loser_pk)
        except ThirdParty.DoesNotExist as exc:
            raise Http404(_("Tiers introuvable.")) from exc

    def _render(self, request, loser: ThirdParty, errors=()):
        plan = None
        try:
            merge_check(tenant=request.tenant, actor=request.user, survivor=self.third_party, loser=loser)
        except ValidationError as exc:
            errors = [*errors, *exc.messages]
        else:
            plan = merge_plan(tenant=request.tenant, survivor=self.third_party, loser=loser)
        context = {"third_party": self.third_party, "loser": loser, "plan": plan, "errors": errors}
        return render(request, "tiers/merge/preview.html", context)

    def get(self, request, pk: int, loser_pk: int):
        return self._render(request, self._loser(request, loser_pk))

    def post(self, request, pk: int, loser_pk: int):
        loser = self._loser(request, loser_pk)
        loser_label = str(loser)
        try:
            survivor = third_party_merge(
                tenant=request.tenant,
                actor=request.user,
                survivor=self.third_party,
                loser=loser,
                expected_plan_hash=request.POST.get("plan_hash", ""),
            )
        except ValidationError as exc:
            return self._render(request, loser, errors=exc.messages)
        messages.success(
            request,
            _("Le tiers %(loser)s est fusionné dans %(survivor)s.")
            % {"loser": loser_label, "survivor": survivor},
        )
        return redirect(detail_url(survivor))


action_register(ActionSpec("header", "tiers:merge", MERGE_PERMISSION, gettext_lazy("Fusionner")))

urlpatterns = [
    path("<int:pk>/fusionner/", MergeChooseView.as_view(), name="merge"),
    path("<int:pk>/fusionner/<int:loser_pk>/", MergePreviewView.as_view(), name="merge_preview"),
]
