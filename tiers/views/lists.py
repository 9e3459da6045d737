"""The customer, prospect and contact lists, and the third party's page (read-only sections).

Thin views: permission mixin → FilterSet → Table → template; an htmx request gets only the
results partial. A list and its Excel export share the selector and the FilterSet
(tiers.filters.list_filterset).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django_tables2 import RequestConfig

from crm.exports.registry import EXPORT_PERMISSION
from crm.services.tenancy import business_lines_current
from crm.views.base import TenantPermissionRequiredMixin
from tiers.filters import list_filterset
from tiers.models import ThirdParty
from tiers.selectors_lists import iban_masked, third_party_page
from tiers.tables import PER_PAGE, ContactTable, ThirdPartyTable, status_badges

LIST_TEMPLATE = "tiers/lists/list.html"
DETAIL_TEMPLATE = "tiers/detail.html"
# Written by the contacts area: the page includes it when it exists, else shows its own section.
CONTACTS_SECTION_TEMPLATE = "tiers/contacts/_section.html"


class _ListView(TenantPermissionRequiredMixin, View):
    permission_required = "tiers.view_thirdparty"
    http_method_names = ["get"]
    list_key = ""
    title = ""
    table_class: type = ThirdPartyTable

    def get(self, request):
        filterset = list_filterset(
            self.list_key,
            request.GET,
            tenant=request.tenant,
            user=request.user,
            default_business_lines=business_lines_current(
                membership=request.membership, session=request.session
            ),
        )
        table = self.table_class(filterset.qs)
        RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
        context = {
            "title": self.title,
            "list_key": self.list_key,
            "filter": filterset,
            "table": table,
            "export_query": filterset.querystring(),
            "can_export": request.user.has_perm(EXPORT_PERMISSION),
        }
        template = f"{LIST_TEMPLATE}#results" if request.htmx else LIST_TEMPLATE
        return render(request, template, context)


class CustomerListView(_ListView):
    list_key = "customers"
    title = _("Clients")


class ProspectListView(_ListView):
    list_key = "prospects"
    title = _("Prospects")


class ContactListView(_ListView):
    permission_required = "tiers.view_contact"
    list_key = "contacts"
    title = _("Contacts")
    table_class = ContactTable


# --- The third party's page ---------------------------------------------------------------------


def reverse_or_none(name: str, pk: int) -> str | None:
    """The URL of another area's page about third party ``pk``, or None while it does not exist
    (the areas are built separately; the page must work with or without them)."""
    for kwarg in ("pk", "third_party_pk", "third_party"):
        try:
            return reverse(name, kwargs={kwarg: pk})
        except NoReverseMatch:
            continue
    return None


@dataclass(frozen=True)
class Action:
    label: str
    url: str


# (section, URL name, permission, French label); "close"/"reopen" depend on the state.
ACTIONS = (
    ("header", "tiers:update", "tiers.change_thirdparty", _("Modifier")),
    ("header", "tiers:close", "tiers.change_thirdparty", _("Fermer le compte")),
    ("header", "tiers:reopen", "tiers.change_thirdparty", _("Rouvrir le compte")),
    ("header", "tiers:roles", "tiers.change_thirdparty", _("Autres rôles")),
    ("header", "tiers:access", "tiers.change_thirdpartyalloweduser", _("Accès réservé")),
    ("addresses", "tiers:addresses", "tiers.change_address", _("Gérer les adresses")),
    ("sites", "tiers:sites", "tiers.change_site", _("Gérer les sites")),
    ("contacts", "tiers:contact_create", "tiers.add_contact", _("Ajouter un contact")),
    ("ship_tos", "tiers:ship_tos", "tiers.change_shipto", _("Gérer les clients livrés")),
    ("bank_accounts", "tiers:bank_accounts", "tiers.change_bankaccount", _("Gérer les comptes bancaires")),
)


def page_actions(*, user, third_party: ThirdParty) -> dict[str, list[Action]]:
    """The action links the user may follow, by section; pages not built yet are left out."""
    skipped = "tiers:close" if third_party.is_closed else "tiers:reopen"
    actions: dict[str, list[Action]] = {}
    for section, name, permission, label in ACTIONS:
        if name == skipped or not user.has_perm(permission):
            continue
        url = reverse_or_none(name, third_party.pk)
        if url is not None:
            actions.setdefault(section, []).append(Action(label=str(label), url=url))
    return actions


def template_exists(name: str) -> bool:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


class ThirdPartyDetailView(TenantPermissionRequiredMixin, View):
    permission_required = "tiers.view_thirdparty"
    http_method_names = ["get"]

    def get(self, request, pk: int):
        try:
            page = third_party_page(tenant=request.tenant, user=request.user, pk=pk)
        except ThirdParty.DoesNotExist:
            raise Http404 from None
        third_party = page.third_party
        context = {
            "page": page,
            "third_party": third_party,
            "badges": status_badges(third_party),
            "actions": page_actions(user=request.user, third_party=third_party),
            "bank_accounts": [(account, iban_masked(account.iban)) for account in page.bank_accounts],
            "contact_links": page.contact_links,
            "contacts_section_template": (
                CONTACTS_SECTION_TEMPLATE if template_exists(CONTACTS_SECTION_TEMPLATE) else None
            ),
        }
        return render(request, DETAIL_TEMPLATE, context)


urlpatterns = [
    path("clients/", CustomerListView.as_view(), name="customer_list"),
    path("prospects/", ProspectListView.as_view(), name="prospect_list"),
    path("contacts/", ContactListView.as_view(), name="contact_list"),
    path("<int:pk>/", ThirdPartyDetailView.as_view(), name="detail"),
]
