"""The side panels of the synthèse's header (htmx into a <dialog>; a page of their own without
JavaScript): suivi commercial, wiki and vault of the customer. They reuse the tiers selectors and
templates; the vault's add, edit, delete and reveal (audited, with the right) are tiers' views."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views import View

from crm.services.parameters import SUIVI_COMMERCIAL_CLOISONNEMENT, parameter_get
from tiers.selectors_records import (
    target_kwargs,
    vault_secrets_of_customer,
    wiki_pages_of_customer,
    with_target_labels,
)
from tiers.selectors_terms import follow_ups_for

from .frame import SyntheseMixin


class PanelView(SyntheseMixin, View):
    http_method_names = ["get"]
    title = ""
    template = ""

    def load(self, request) -> dict:
        raise NotImplementedError

    def get(self, request, pk: int):
        context = {"third_party": self.customer, "customer": self.customer, "title": self.title}
        context.update(self.load(request))
        htmx = getattr(request, "htmx", None)
        template = self.template if htmx else "synthese/panel_page.html"
        return render(request, template, {**context, "panel_template": self.template})


class FollowUpsPanelView(PanelView):
    """Suivi commercial: restricted to the user's organisations and business lines when the
    parameter SUIVI_COMMERCIAL_CLOISONNEMENT is set, every relation otherwise."""

    permission_required = "tiers.view_commercialfollowup"
    title = _("Suivi commercial")
    template = "synthese/panels/follow_ups.html"

    def load(self, request) -> dict:
        restricted = parameter_get(tenant=request.tenant, key=SUIVI_COMMERCIAL_CLOISONNEMENT)
        rows = follow_ups_for(
            tenant=request.tenant, third_party=self.customer, user=request.user, restricted=restricted
        )
        return {"follow_ups": list(rows), "restricted": restricted}


class WikiPanelView(PanelView):
    permission_required = "tiers.view_wikipage"
    title = _("Wiki")
    template = "synthese/panels/wiki.html"

    def load(self, request) -> dict:
        rows = wiki_pages_of_customer(tenant=request.tenant, customer=self.customer)
        return {"wiki_pages": with_target_labels(rows), "target_kwargs": target_kwargs(self.customer)}


class VaultPanelView(PanelView):
    permission_required = "tiers.view_vaultsecret"
    title = _("Mots de passe")
    template = "synthese/panels/vault.html"

    def load(self, request) -> dict:
        rows = vault_secrets_of_customer(tenant=request.tenant, customer=self.customer)
        return {"secrets": with_target_labels(rows), "target_kwargs": target_kwargs(self.customer)}
