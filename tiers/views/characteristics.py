"""Characteristics (admin-defined custom fields) of a third party: the "Caractéristiques" section
of its page and the edit page. ``CharacteristicsEditMixin`` is generic (a record, a target, where
to go back), so a later app edits its own records' characteristics with the same form, service
and template."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from tiers.forms.characteristics import characteristics_form
from tiers.models import CharacteristicTarget
from tiers.selectors_characteristics import characteristics_for
from tiers.services.characteristics import characteristic_values_set
from tiers.views.detail import ActionSpec, Section, action_register, section_register
from tiers.views.third_parties import ThirdPartyObjectMixin, detail_url

TEMPLATE = "tiers/characteristics/edit.html"


class CharacteristicsEditMixin:
    """GET shows the form of ``self.record()``'s characteristics for ``target``; POST saves them
    through the service and goes back to ``self.back_url()``."""

    target: str = ""
    target_kind: str | None = None  # a competitor asset's type, for instance

    def record(self):
        raise NotImplementedError

    def back_url(self) -> str:
        raise NotImplementedError

    def page_context(self) -> dict:
        return {}

    def _render(self, request, form):
        context = {"form": form, "back_url": self.back_url(), **self.page_context()}
        return render(request, TEMPLATE, context)

    def get(self, request, *args, **kwargs):
        form = characteristics_form(
            tenant=request.tenant, record=self.record(), target=self.target, target_kind=self.target_kind
        )
        return self._render(request, form)

    def post(self, request, *args, **kwargs):
        record = self.record()
        form = characteristics_form(
            tenant=request.tenant,
            record=record,
            target=self.target,
            target_kind=self.target_kind,
            data=request.POST,
        )
        if form.is_valid():
            try:
                characteristic_values_set(
                    tenant=request.tenant,
                    actor=request.user,
                    record=record,
                    target=self.target,
                    values=form.values(),
                    target_kind=self.target_kind,
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Les caractéristiques sont enregistrées."))
                return redirect(self.back_url())
        return self._render(request, form)


class ThirdPartyCharacteristicsView(ThirdPartyObjectMixin, CharacteristicsEditMixin, View):
    permission_required = "tiers.change_characteristicvalue"
    target = CharacteristicTarget.THIRD_PARTY

    def record(self):
        return self.third_party

    def back_url(self) -> str:
        return detail_url(self.third_party)

    def page_context(self) -> dict:
        return {"third_party": self.third_party, "customer_id": self.third_party.pk}


def _section_load(request, third_party) -> dict:
    return {
        "characteristic_groups": characteristics_for(
            tenant=request.tenant, record=third_party, target=CharacteristicTarget.THIRD_PARTY
        )
    }


section_register(
    Section(
        name="characteristics",
        template="tiers/characteristics/_section.html",
        position=60,
        permission="tiers.view_characteristicvalue",
        load=_section_load,
    )
)
action_register(
    ActionSpec(
        "characteristics",
        "tiers:characteristics",
        "tiers.change_characteristicvalue",
        gettext_lazy("Modifier les caractéristiques"),
    )
)

urlpatterns = [
    path("<int:pk>/caracteristiques/", ThirdPartyCharacteristicsView.as_view(), name="characteristics"),
]
