"""The third party's page: identity plus one section per area.

Areas add their own sections and header actions through ``section_register`` and
``action_register`` (at import of their view module, which tiers/urls.py imports), so the page
grows without this module knowing them. A section declares the permission it needs and a loader
that returns its context with a fixed number of queries, whatever the customer's size.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.urls import NoReverseMatch, path, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views import View

from crm.views.base import TenantPermissionRequiredMixin
from tiers.models import ThirdParty
from tiers.selectors_lists import iban_masked, third_party_page
from tiers.tables import status_badges

DETAIL_TEMPLATE = "tiers/detail.html"
# The richer contact section of the contacts area, when that area is installed.
CONTACTS_SECTION_TEMPLATE = "tiers/contacts/_section.html"


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


@dataclass(frozen=True)
class ActionSpec:
    section: str
    url_name: str
    # One permission, or a tuple of permissions the user must all hold.
    permission: str | tuple[str, ...]
    label: str
    # Shown only when this returns True for the third party (None: always).
    when: Callable[[ThirdParty], bool] | None = None


# (section, URL name, permission, French label); "close"/"reopen" depend on the state.
ACTIONS: list[ActionSpec] = [
    ActionSpec("header", "tiers:update", "tiers.change_thirdparty", _("Modifier")),
    ActionSpec(
        "header", "tiers:close", "tiers.change_thirdparty", _("Fermer le compte"), lambda tp: not tp.is_closed
    ),
    ActionSpec(
        "header", "tiers:reopen", "tiers.change_thirdparty", _("Rouvrir le compte"), lambda tp: tp.is_closed
    ),
    ActionSpec("header", "tiers:roles", "tiers.change_thirdparty", _("Autres rôles")),
    ActionSpec("header", "tiers:access", "tiers.change_thirdpartyalloweduser", _("Accès réservé")),
    ActionSpec("addresses", "tiers:addresses", "tiers.change_address", _("Gérer les adresses")),
    ActionSpec("sites", "tiers:sites", "tiers.change_site", _("Gérer les sites")),
    ActionSpec("contacts", "tiers:contact_create", "tiers.add_contact", _("Ajouter un contact")),
    ActionSpec("ship_tos", "tiers:ship_tos", "tiers.change_shipto", _("Gérer les clients livrés")),
    ActionSpec(
        "bank_accounts", "tiers:bank_accounts", "tiers.change_bankaccount", _("Gérer les comptes bancaires")
    ),
]


def action_register(spec: ActionSpec) -> None:
    if all(existing.url_name != spec.url_name for existing in ACTIONS):
        ACTIONS.append(spec)


def page_actions(*, user, third_party: ThirdParty) -> dict[str, list[Action]]:
    """The action links the user may follow, by section; pages not built yet are left out."""
    actions: dict[str, list[Action]] = {}
    for spec in ACTIONS:
        if spec.when is not None and not spec.when(third_party):
            continue
        permissions = (spec.permission,) if isinstance(spec.permission, str) else spec.permission
        if not user.has_perms(permissions):
            continue
        url = reverse_or_none(spec.url_name, third_party.pk)
        if url is not None:
            actions.setdefault(spec.section, []).append(Action(label=str(spec.label), url=url))
    return actions


@dataclass(frozen=True)
class Section:
    """A block of the third party's page below the built-in ones, ordered by ``position``."""

    name: str
    template: str
    position: int
    # None: whoever sees the page sees the section.
    permission: str | None
    # load(request, third_party) -> extra template context; a fixed number of queries.
    load: Callable[..., dict]


SECTIONS: list[Section] = []


def section_register(section: Section) -> None:
    SECTIONS[:] = sorted(
        [s for s in SECTIONS if s.name != section.name] + [section], key=lambda s: s.position
    )


def sections_render(request, third_party: ThirdParty, actions: dict) -> list[str]:
    rendered = []
    for section in SECTIONS:
        if section.permission is not None and not request.user.has_perm(section.permission):
            continue
        context = {"third_party": third_party, "actions": actions, **section.load(request, third_party)}
        rendered.append(mark_safe(render_to_string(section.template, context, request=request)))  # noqa: S308
    return rendered


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
        actions = page_actions(user=request.user, third_party=third_party)
        context = {
            "page": page,
            "third_party": third_party,
            "badges": status_badges(third_party),
            "actions": actions,
            "bank_accounts": [(account, iban_masked(account.iban)) for account in page.bank_accounts],
            "contact_links": page.contact_links,
            "contacts_section_template": (
                CONTACTS_SECTION_TEMPLATE if template_exists(CONTACTS_SECTION_TEMPLATE) else None
            ),
            "extra_sections": sections_render(request, third_party, actions),
        }
        return render(request, DETAIL_TEMPLATE, context)


urlpatterns = [
    path("<int:pk>/", ThirdPartyDetailView.as_view(), name="detail"),
]
