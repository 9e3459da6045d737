"""Building blocks of the ventes views: the list view over ventes.filters' lists (the generic
crm.views.lists.RegistryListView, as parc's) and the service form view (crm.views.forms).

The CRM licence (DESIGN.md §4): adding a deal, an action or a commercial quote also needs the
active membership's CRM licence; ``CrmLicenceRequiredMixin`` refuses the others with a 403
page that carries the French message."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _

from crm.views.forms import ServiceFormView
from crm.views.lists import RegistryListView
from ventes.filters import list_filterset

LICENCE_TEMPLATE = "ventes/licence_required.html"

__all__ = [
    "CrmLicenceRequiredMixin",
    "LicensedFormView",
    "ServiceFormView",
    "VentesListView",
    "has_crm_licence",
]


class VentesListView(RegistryListView):
    """A ventes list: ``list_key`` names the FilterSet and selector of ventes.filters.LISTS."""

    list_filterset = staticmethod(list_filterset)
    # Set to True when creating from the list needs the CRM licence (deals, actions).
    create_needs_crm_licence = False

    def can_create(self, request) -> bool:
        if self.create_needs_crm_licence and not has_crm_licence(request):
            return False
        return super().can_create(request)


def has_crm_licence(request) -> bool:
    membership = getattr(request, "membership", None)
    return membership is not None and membership.has_crm_licence


def message_crm_licence() -> str:
    return _("Cette fonction demande une licence CRM : votre licence ARTIS ne la comprend pas.")


class CrmLicenceRequiredMixin:
    """After the permission check: a user without a CRM licence gets a 403 page with the message."""

    def dispatch(self, request, *args, **kwargs):
        if not has_crm_licence(request):
            context = {"title": _("Licence CRM requise"), "message": message_crm_licence()}
            return render(request, LICENCE_TEMPLATE, context, status=403)
        return super().dispatch(request, *args, **kwargs)


class LicensedFormView(CrmLicenceRequiredMixin, ServiceFormView):
    """A form page that also needs the CRM licence. Listed after tiers' ``CustomerRowCreateView``
    (``class V(CustomerRowCreateView, LicensedFormView)``), the licence is checked once the
    permission and the third party (404) are, as by ``ThirdPartyObjectMixin`` first."""
