"""Contact pages, always under a third party (/tiers/<pk>/contacts/…) so the page knows which
customer it shows: create (with the likely duplicates shown before saving), view, edit, link an
existing contact, detach, make default.

Thin views: permission mixin → form → service → redirect with a French message. The third party
must be visible to the user (another tenant's, reserved to others, closed without the right: 404),
and the contact must be linked to it (404 otherwise).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from crm.views.base import TenantPermissionRequiredMixin
from crm.views.forms import next_url
from tiers.forms.contacts import (
    ContactForm,
    ContactLinkForm,
    ContactPickForm,
    ContactSearchForm,
    errors_to_form,
)
from tiers.models import Contact, ContactLink, ThirdParty
from tiers.selectors import third_party_get_visible
from tiers.selectors_contacts import (
    MIN_SEARCH_LENGTH,
    contact_duplicates,
    contact_link_get,
    contact_other_links,
    contact_search,
    contacts_linkable,
)
from tiers.services.contacts import (
    contact_create,
    contact_link,
    contact_set_default,
    contact_unlink,
    contact_update,
)

TEMPLATES = "tiers/contacts"
LINK_PERMISSION = "tiers.change_contact"


def _detail_url(third_party: ThirdParty) -> str:
    return reverse("tiers:detail", kwargs={"pk": third_party.pk})


def _contact_url(third_party: ThirdParty, contact: Contact) -> str:
    return reverse("tiers:contact_detail", kwargs={"pk": third_party.pk, "contact_pk": contact.pk})


class _UnderThirdParty(TenantPermissionRequiredMixin, View):
    """Resolves the visible third party ``pk`` (404 otherwise) before the handler runs."""

    third_party: ThirdParty

    def dispatch(self, request, *args, **kwargs):
        # Permission first (403), then the rows (404), as every view of the project.
        if not self.has_permission():
            return self.handle_no_permission()
        try:
            self.third_party = third_party_get_visible(
                tenant=request.tenant, user=request.user, pk=kwargs["pk"]
            )
        except ThirdParty.DoesNotExist:
            raise Http404 from None
        return super().dispatch(request, *args, **kwargs)

    def get_link(self, contact_pk: int) -> ContactLink:
        try:
            return contact_link_get(
                tenant=self.request.tenant,
                user=self.request.user,
                third_party=self.third_party,
                contact_pk=contact_pk,
            )
        except ContactLink.DoesNotExist:
            raise Http404 from None


class ContactCreateView(_UnderThirdParty):
    """A new contact linked to the third party. Before saving, the likely duplicates are shown
    with "Associer ce contact à ce tiers" (links the existing contact instead) and "Créer quand
    même"; the typed values stay in the form."""

    permission_required = "tiers.add_contact"
    http_method_names = ["get", "post"]
    template_name = f"{TEMPLATES}/form.html"

    def _forms(self, data=None):
        tenant, third_party = self.request.tenant, self.third_party
        has_default = ContactLink.objects.filter(
            tenant=tenant, third_party=third_party, is_default=True
        ).exists()
        contact_form = ContactForm(data, tenant=tenant, initial={"language": third_party.language})
        link_form = ContactLinkForm(
            data, third_party=third_party, with_active=False, initial={"is_default": not has_default}
        )
        return contact_form, link_form

    def _render(self, contact_form, link_form, duplicates=None, status=200):
        context = {
            "third_party": self.third_party,
            "contact_form": contact_form,
            "link_form": link_form,
            "duplicates": duplicates or [],
            "can_link": self.request.user.has_perm(LINK_PERMISSION),
            "creating": True,
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk: int):
        return self._render(*self._forms())

    def post(self, request, pk: int):
        contact_form, link_form = self._forms(request.POST)
        if request.POST.get("associate"):
            return self._associate(contact_form, link_form, request.POST["associate"])
        if not (contact_form.is_valid() and link_form.is_valid()):
            return self._render(contact_form, link_form)
        if request.POST.get("force") != "on":
            duplicates = self._duplicates(contact_form)
            if duplicates:
                return self._render(contact_form, link_form, duplicates)
        try:
            contact = contact_create(
                tenant=request.tenant,
                actor=request.user,
                third_party=self.third_party,
                link=link_form.service_fields(),
                **contact_form.service_fields(),
            )
        except ValidationError as error:
            errors_to_form(contact_form, error, link_form)
            return self._render(contact_form, link_form)
        messages.success(
            request,
            _("Contact %(contact)s créé et rattaché à %(third_party)s.")
            % {"contact": contact, "third_party": self.third_party.name},
        )
        return redirect(next_url(self.request) or _detail_url(self.third_party))

    def _duplicates(self, contact_form):
        data = contact_form.cleaned_data
        return contact_duplicates(
            tenant=self.request.tenant,
            user=self.request.user,
            third_party=self.third_party,
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            phones=[data["phone"], data["mobile"]],
            phone_region=self.third_party.country.code,
        )

    def _associate(self, contact_form, link_form, contact_pk: str):
        """ "Associer ce contact à ce tiers": link the existing contact instead of creating one."""
        request = self.request
        if not request.user.has_perm(LINK_PERMISSION):
            raise PermissionDenied
        try:
            contact = contacts_linkable(tenant=request.tenant, user=request.user).get(pk=int(contact_pk))
        except (Contact.DoesNotExist, ValueError):
            raise Http404 from None
        duplicates = self._duplicates(contact_form) if contact_form.is_valid() else []
        if not link_form.is_valid():
            return self._render(contact_form, link_form, duplicates)
        try:
            contact_link(
                tenant=request.tenant,
                actor=request.user,
                contact=contact,
                third_party=self.third_party,
                **link_form.service_fields(),
            )
        except ValidationError as error:
            errors_to_form(link_form, error)
            return self._render(contact_form, link_form, duplicates)
        messages.success(
            request,
            _("Contact %(contact)s associé à %(third_party)s.")
            % {"contact": contact, "third_party": self.third_party.name},
        )
        return redirect(next_url(self.request) or _detail_url(self.third_party))


class ContactDetailView(_UnderThirdParty):
    permission_required = "tiers.view_contact"
    http_method_names = ["get"]

    def get(self, request, pk: int, contact_pk: int):
        link = self.get_link(contact_pk)
        context = {
            "third_party": self.third_party,
            "link": link,
            "contact": link.contact,
            "other_links": contact_other_links(
                tenant=request.tenant, user=request.user, contact=link.contact, third_party=self.third_party
            ),
        }
        return render(request, f"{TEMPLATES}/detail.html", context)


class ContactUpdateView(_UnderThirdParty):
    """The contact's fields and the fields of its link to this third party, saved together."""

    permission_required = "tiers.change_contact"
    http_method_names = ["get", "post"]

    def _forms(self, link: ContactLink, data=None):
        contact = link.contact
        contact_form = ContactForm(
            data,
            tenant=self.request.tenant,
            with_key=False,
            current_function_id=contact.function_id,
            initial=ContactForm.initial_for(contact),
        )
        link_form = ContactLinkForm(
            data,
            third_party=self.third_party,
            initial={"address": link.address_id, "is_default": link.is_default, "is_active": link.is_active},
        )
        return contact_form, link_form

    def _render(self, link, contact_form, link_form):
        context = {
            "third_party": self.third_party,
            "link": link,
            "contact": link.contact,
            "contact_form": contact_form,
            "link_form": link_form,
            "creating": False,
        }
        return render(self.request, f"{TEMPLATES}/form.html", context)

    def get(self, request, pk: int, contact_pk: int):
        link = self.get_link(contact_pk)
        return self._render(link, *self._forms(link))

    def post(self, request, pk: int, contact_pk: int):
        link = self.get_link(contact_pk)
        contact_form, link_form = self._forms(link, request.POST)
        if not (contact_form.is_valid() and link_form.is_valid()):
            return self._render(link, contact_form, link_form)
        try:
            contact = contact_update(
                tenant=request.tenant,
                actor=request.user,
                contact=link.contact,
                third_party=self.third_party,
                link=link_form.service_fields(),
                **contact_form.service_fields(),
            )
        except ValidationError as error:
            errors_to_form(contact_form, error, link_form)
            return self._render(link, contact_form, link_form)
        messages.success(request, _("Contact %(contact)s enregistré.") % {"contact": contact})
        return redirect(_detail_url(self.third_party))


class ContactLinkView(_UnderThirdParty):
    """ "Associer un contact existant": search the tenant's contacts by name (word-start, from 2
    characters) and link one to this third party."""

    permission_required = LINK_PERMISSION
    http_method_names = ["get", "post"]

    def _render(self, search_form, pick_form, status=200):
        query = search_form.cleaned_data.get("q", "") if search_form.is_valid() else ""
        results = contact_search(
            tenant=self.request.tenant, user=self.request.user, query=query, third_party=self.third_party
        )
        context = {
            "third_party": self.third_party,
            "search_form": search_form,
            "pick_form": pick_form,
            "query": query,
            "too_short": 0 < len(query.strip()) < MIN_SEARCH_LENGTH,
            "results": results,
            "min_length": MIN_SEARCH_LENGTH,
        }
        return render(self.request, f"{TEMPLATES}/link.html", context, status=status)

    def _pick_form(self, data=None):
        return ContactPickForm(
            data,
            third_party=self.third_party,
            contacts=contacts_linkable(tenant=self.request.tenant, user=self.request.user),
        )

    def get(self, request, pk: int):
        return self._render(ContactSearchForm(request.GET), self._pick_form())

    def post(self, request, pk: int):
        search_form = ContactSearchForm(request.POST)
        pick_form = self._pick_form(request.POST)
        if not pick_form.is_valid():
            return self._render(search_form, pick_form)
        contact = pick_form.cleaned_data["contact"]
        try:
            contact_link(
                tenant=request.tenant,
                actor=request.user,
                contact=contact,
                third_party=self.third_party,
                address=pick_form.cleaned_data["address"],
                is_default=pick_form.cleaned_data["is_default"],
            )
        except ValidationError as error:
            errors_to_form(pick_form, error)
            return self._render(search_form, pick_form)
        messages.success(
            request,
            _("Contact %(contact)s associé à %(third_party)s.")
            % {"contact": contact, "third_party": self.third_party.name},
        )
        return redirect(_detail_url(self.third_party))


class ContactUnlinkView(_UnderThirdParty):
    """Confirmation page (GET), then detach the contact from this third party (POST)."""

    permission_required = "tiers.change_contact"
    http_method_names = ["get", "post"]

    def _render(self, link, error: str = ""):
        context = {"third_party": self.third_party, "link": link, "contact": link.contact, "error": error}
        return render(self.request, f"{TEMPLATES}/unlink_confirm.html", context)

    def get(self, request, pk: int, contact_pk: int):
        return self._render(self.get_link(contact_pk))

    def post(self, request, pk: int, contact_pk: int):
        link = self.get_link(contact_pk)
        try:
            contact_unlink(tenant=request.tenant, actor=request.user, link=link)
        except ValidationError as error:
            return self._render(link, " ".join(error.messages))
        messages.success(
            request,
            _("Contact %(contact)s détaché de %(third_party)s.")
            % {"contact": link.contact, "third_party": self.third_party.name},
        )
        return redirect(_detail_url(self.third_party))


class ContactSetDefaultView(_UnderThirdParty):
    """POST: make this contact the third party's default contact (the previous one is demoted)."""

    permission_required = "tiers.change_contact"
    http_method_names = ["post"]

    def post(self, request, pk: int, contact_pk: int) -> HttpResponseRedirect:
        link = self.get_link(contact_pk)
        try:
            contact_set_default(tenant=request.tenant, actor=request.user, link=link)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("%(contact)s est maintenant le contact par défaut de %(third_party)s.")
                % {"contact": link.contact, "third_party": self.third_party.name},
            )
        target = request.POST.get("next", "")
        if not target or not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = _contact_url(self.third_party, link.contact)
        return redirect(target)


urlpatterns = [
    path("<int:pk>/contacts/nouveau/", ContactCreateView.as_view(), name="contact_create"),
    path("<int:pk>/contacts/associer/", ContactLinkView.as_view(), name="contact_link"),
    path("<int:pk>/contacts/<int:contact_pk>/", ContactDetailView.as_view(), name="contact_detail"),
    path("<int:pk>/contacts/<int:contact_pk>/modifier/", ContactUpdateView.as_view(), name="contact_update"),
    path("<int:pk>/contacts/<int:contact_pk>/detacher/", ContactUnlinkView.as_view(), name="contact_unlink"),
    path(
        "<int:pk>/contacts/<int:contact_pk>/par-defaut/",
        ContactSetDefaultView.as_view(),
        name="contact_set_default",
    ),
]
