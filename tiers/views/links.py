"""Pages of the links between third parties (management links, filiation links, relations), their
sections on the third party's page, and the third-party picker.

Each kind of link has its own rights: the section shows with ``tiers.view_<model>``, the add,
edit and delete pages need ``tiers.change_<model>``. The link must have the page's third party at
one end (404 otherwise), and that third party must be visible to the user (404).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from crm.views.base import TenantPermissionRequiredMixin
from tiers.forms.links import FiliationLinkForm, ManagementLinkForm, RelationForm
from tiers.models import FiliationLink, ManagementLink, Relation
from tiers.selectors_links import (
    filiation_link_get,
    filiation_links_of,
    management_link_get,
    management_links_of,
    party_picker,
    relation_get,
    relations_of,
)
from tiers.services import links as services
from tiers.views.detail import ActionSpec, Section, action_register, section_register
from tiers.views.sites_banks import form_add_service_error
from tiers.views.third_parties import ThirdPartyObjectMixin

TEMPLATES = "tiers/links"


# --- Sections of the third party's page -----------------------------------------------------------


def _section_loader(selector, rows_key: str, change_permission: str):
    def load(request, third_party) -> dict[str, Any]:
        return {
            rows_key: selector(tenant=request.tenant, user=request.user, third_party=third_party),
            "can_change": request.user.has_perm(change_permission),
        }

    return load


_KINDS = {
    # section name: (model, selector, rows key, position, add URL name, add label)
    "management_links": (
        "managementlink",
        management_links_of,
        "management_rows",
        30,
        "tiers:management_link_create",
        gettext_lazy("Ajouter un lien de gestion"),
    ),
    "filiation_links": (
        "filiationlink",
        filiation_links_of,
        "filiation_rows",
        40,
        "tiers:filiation_link_create",
        gettext_lazy("Ajouter un lien de filiation"),
    ),
    "relations": (
        "relation",
        relations_of,
        "relation_rows",
        50,
        "tiers:relation_create",
        gettext_lazy("Ajouter une relation"),
    ),
}

for _name, (_model, _selector, _rows_key, _position, _url_name, _label) in _KINDS.items():
    section_register(
        Section(
            name=_name,
            template=f"{TEMPLATES}/{_name}_section.html",
            position=_position,
            permission=f"tiers.view_{_model}",
            load=_section_loader(_selector, _rows_key, f"tiers.change_{_model}"),
        )
    )
    action_register(ActionSpec(_name, _url_name, f"tiers.change_{_model}", _label))


def _back(third_party, anchor: str):
    return redirect(reverse("tiers:detail", kwargs={"pk": third_party.pk}) + f"#section-{anchor}")


# --- Generic add / edit / delete pages ------------------------------------------------------------


class _LinkFormView(ThirdPartyObjectMixin, View):
    """GET shows the form, POST calls ``save`` (a service) and goes back to the third party's page."""

    http_method_names = ["get", "post"]
    form_class: Any = None
    title = ""
    anchor = ""
    saved_message = ""

    def form(self, data=None, link=None):
        return self.form_class(data, tenant=self.request.tenant, initial=self.initial(link))

    def initial(self, link) -> dict[str, Any]:
        return {}

    def get_link(self, link_pk: int | None):
        return None

    def save(self, cleaned: dict[str, Any], link) -> None:
        raise NotImplementedError

    def render_page(self, form, link):
        return render(
            self.request,
            f"{TEMPLATES}/form.html",
            {"third_party": self.third_party, "form": form, "title": self.title, "anchor": self.anchor},
        )

    def get(self, request, pk: int, link_pk: int | None = None):
        link = self.get_link(link_pk)
        return self.render_page(self.form(link=link), link)

    def post(self, request, pk: int, link_pk: int | None = None):
        link = self.get_link(link_pk)
        form = self.form(request.POST, link)
        if form.is_valid():
            try:
                self.save(form.cleaned_data, link)
            except ValidationError as error:
                form_add_service_error(form, error)
            else:
                messages.success(request, self.saved_message)
                return _back(self.third_party, self.anchor)
        return self.render_page(form, link)


class _LinkDeleteView(ThirdPartyObjectMixin, View):
    http_method_names = ["get", "post"]
    title = ""
    anchor = ""
    deleted_message = ""

    def get_link(self, link_pk: int):
        raise NotImplementedError

    def describe(self, link) -> str:
        raise NotImplementedError

    def delete(self, link) -> None:
        raise NotImplementedError

    def get(self, request, pk: int, link_pk: int):
        link = self.get_link(link_pk)
        context = {
            "third_party": self.third_party,
            "title": self.title,
            "description": self.describe(link),
            "anchor": self.anchor,
        }
        return render(request, f"{TEMPLATES}/delete.html", context)

    def post(self, request, pk: int, link_pk: int):
        self.delete(self.get_link(link_pk))
        messages.success(request, self.deleted_message)
        return _back(self.third_party, self.anchor)


# --- Management links -----------------------------------------------------------------------------


class _ManagementLinkMixin:
    permission_required = "tiers.change_managementlink"
    anchor = "management-links"

    def get_link(self, link_pk):
        if link_pk is None:
            return None
        try:
            return management_link_get(tenant=self.request.tenant, third_party=self.third_party, pk=link_pk)
        except ManagementLink.DoesNotExist:
            raise Http404 from None


class ManagementLinkCreateView(_ManagementLinkMixin, _LinkFormView):
    form_class = ManagementLinkForm
    title = gettext_lazy("Nouveau lien de gestion")
    saved_message = gettext_lazy("Lien de gestion enregistré.")

    def initial(self, link) -> dict[str, Any]:
        return {"role": services.ORDERING_PARTY, "linked_role": services.BILL_TO}

    def save(self, cleaned, link):
        services.management_link_create(
            tenant=self.request.tenant,
            actor=self.request.user,
            third_party=self.third_party,
            role_code=cleaned["role"],
            linked=cleaned["linked"],
            linked_role_code=cleaned["linked_role"],
            is_default=cleaned["is_default"],
        )


class ManagementLinkUpdateView(ManagementLinkCreateView):
    title = gettext_lazy("Modifier le lien de gestion")

    def initial(self, link) -> dict[str, Any]:
        own_side = link.third_party_id == self.third_party.pk
        other = link.linked if own_side else link.third_party
        return {
            "role": (link.role if own_side else link.linked_role).code,
            "linked_role": (link.linked_role if own_side else link.role).code,
            "linked": other.pk,
            "linked_search": str(other),
            "linked_kind": "client" if other.is_customer else "prospect",
            "is_default": link.is_default,
        }

    def save(self, cleaned, link):
        services.management_link_update(
            tenant=self.request.tenant,
            actor=self.request.user,
            link=link,
            third_party=self.third_party,
            role_code=cleaned["role"],
            linked=cleaned["linked"],
            linked_role_code=cleaned["linked_role"],
            is_default=cleaned["is_default"],
        )


class ManagementLinkDeleteView(_ManagementLinkMixin, _LinkDeleteView):
    title = gettext_lazy("Supprimer le lien de gestion")
    deleted_message = gettext_lazy("Lien de gestion supprimé.")

    def describe(self, link) -> str:
        return _("%(ordering)s (%(role)s) → %(other)s (%(other_role)s)") % {
            "ordering": link.third_party,
            "role": link.role.label,
            "other": link.linked,
            "other_role": link.linked_role.label,
        }

    def delete(self, link) -> None:
        services.management_link_delete(tenant=self.request.tenant, actor=self.request.user, link=link)


# --- Filiation links ------------------------------------------------------------------------------


class _FiliationLinkMixin:
    permission_required = "tiers.change_filiationlink"
    anchor = "filiation-links"

    def get_link(self, link_pk):
        if link_pk is None:
            return None
        try:
            return filiation_link_get(tenant=self.request.tenant, third_party=self.third_party, pk=link_pk)
        except FiliationLink.DoesNotExist:
            raise Http404 from None


class FiliationLinkCreateView(_FiliationLinkMixin, _LinkFormView):
    form_class = FiliationLinkForm
    title = gettext_lazy("Nouveau lien de filiation")
    saved_message = gettext_lazy("Lien de filiation enregistré.")

    def save(self, cleaned, link):
        services.filiation_link_create(
            tenant=self.request.tenant,
            actor=self.request.user,
            third_party=self.third_party,
            linked=cleaned["linked"],
            link_type=cleaned["link_type"],
        )


class FiliationLinkDeleteView(_FiliationLinkMixin, _LinkDeleteView):
    title = gettext_lazy("Supprimer le lien de filiation")
    deleted_message = gettext_lazy("Lien de filiation supprimé.")

    def describe(self, link) -> str:
        return f"{link.third_party} → {link.linked} ({link.link_type.label})"

    def delete(self, link) -> None:
        services.filiation_link_delete(tenant=self.request.tenant, actor=self.request.user, link=link)


# --- Relations ------------------------------------------------------------------------------------


class _RelationMixin:
    permission_required = "tiers.change_relation"
    anchor = "relations"

    def get_link(self, link_pk):
        if link_pk is None:
            return None
        try:
            return relation_get(tenant=self.request.tenant, third_party=self.third_party, pk=link_pk)
        except Relation.DoesNotExist:
            raise Http404 from None


class RelationCreateView(_RelationMixin, _LinkFormView):
    form_class = RelationForm
    title = gettext_lazy("Nouvelle relation")
    saved_message = gettext_lazy("Relation enregistrée.")

    def form(self, data=None, link=None):
        return RelationForm(data, tenant=self.request.tenant, third_party=self.third_party)

    def save(self, cleaned, link):
        contact = cleaned.get("source_contact")
        services.relation_create(
            tenant=self.request.tenant,
            actor=self.request.user,
            source_contact=contact,
            source_third_party=None if contact is not None else self.third_party,
            relation_type=cleaned["relation_type"],
            target=cleaned["target"],
            comment=cleaned.get("comment", ""),
        )


class RelationDeleteView(_RelationMixin, _LinkDeleteView):
    title = gettext_lazy("Supprimer la relation")
    deleted_message = gettext_lazy("Relation supprimée.")

    def describe(self, link) -> str:
        source = link.source_third_party or link.source_contact
        return f"{source} — {link.relation_type.label} → {link.target}"

    def delete(self, link) -> None:
        services.relation_delete(tenant=self.request.tenant, actor=self.request.user, relation=link)


# --- Picker ---------------------------------------------------------------------------------------


class PartyPickerView(TenantPermissionRequiredMixin, View):
    """JSON [{id, code, name, label, kind}] of the visible customers (?kind=client), prospects
    (?kind=prospect) or both matching ?q= (word starts of the name, or a code prefix); [] under
    3 characters (no query), at most 20."""

    permission_required = "tiers.view_thirdparty"
    http_method_names = ["get"]

    def get(self, request):
        parties = party_picker(
            tenant=request.tenant,
            user=request.user,
            query=request.GET.get("q", ""),
            kind=request.GET.get("kind", ""),
        )
        rows = [
            {
                "id": party.pk,
                "code": party.code,
                "name": party.name,
                "label": str(party),
                "kind": "client" if party.is_customer else "prospect",
            }
            for party in parties
        ]
        return JsonResponse(rows, safe=False)


urlpatterns = [
    path("selecteur-tiers/", PartyPickerView.as_view(), name="party_picker"),
    path(
        "<int:pk>/liens-gestion/ajouter/", ManagementLinkCreateView.as_view(), name="management_link_create"
    ),
    path(
        "<int:pk>/liens-gestion/<int:link_pk>/modifier/",
        ManagementLinkUpdateView.as_view(),
        name="management_link_update",
    ),
    path(
        "<int:pk>/liens-gestion/<int:link_pk>/supprimer/",
        ManagementLinkDeleteView.as_view(),
        name="management_link_delete",
    ),
    path(
        "<int:pk>/liens-filiation/ajouter/", FiliationLinkCreateView.as_view(), name="filiation_link_create"
    ),
    path(
        "<int:pk>/liens-filiation/<int:link_pk>/supprimer/",
        FiliationLinkDeleteView.as_view(),
        name="filiation_link_delete",
    ),
    path("<int:pk>/relations/ajouter/", RelationCreateView.as_view(), name="relation_create"),
    path("<int:pk>/relations/<int:link_pk>/supprimer/", RelationDeleteView.as_view(), name="relation_delete"),
]
