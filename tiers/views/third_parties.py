"""Screens of the third party itself: create (with duplicates shown before saving), identity,
addresses with their phones and e-mails, close and reopen, other roles, allowed users.

Every page on an existing third party reads it through ``third_party_get_visible``: another
tenant's row, a row reserved to other users or a closed one the user may not see is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views import View

from crm.views.base import TenantPermissionRequiredMixin
from tiers.forms.lifecycle import ReasonForm
from tiers.forms.third_parties import (
    AddressFormSet,
    AllowedUsersForm,
    NewAddressFormSet,
    RolesForm,
    ThirdPartyCreateForm,
    ThirdPartyUpdateForm,
    address_initial,
)
from tiers.models import Address, Lifecycle, ThirdParty, ThirdPartyAllowedUser
from tiers.selectors import VIEW_CLOSED_PERMISSION, third_party_get_visible
from tiers.services.addresses import addresses_save
from tiers.services.duplicates import third_party_duplicates
from tiers.services.third_parties import (
    ROLE_FLAGS,
    third_party_allowed_users_set,
    third_party_close,
    third_party_create,
    third_party_reopen,
    third_party_roles_set,
    third_party_update,
)

ADDRESS_PREFIX = "adr"
CREATE_TYPES = {"client": Lifecycle.CUSTOMER, "prospect": Lifecycle.PROSPECT_DRAFT}


def detail_url(third_party: ThirdParty) -> str:
    return reverse("tiers:detail", kwargs={"pk": third_party.pk})


def _errors_apply(exc: ValidationError, form, formset=None) -> None:
    """Show a service's refusal on the form's fields, or above the addresses."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        if name in form.fields:
            form.add_error(name, errors)
        elif formset is not None and name == "addresses":
            formset.add_non_form_errors([message for error in errors for message in error.messages])
        else:
            form.add_error(None, errors)


def _warn(request, warnings: list[str]) -> None:
    for warning in warnings:
        messages.warning(request, warning)


class ThirdPartyObjectMixin(TenantPermissionRequiredMixin):
    """Loads ``self.third_party`` (404 when the user may not see it) before the handler runs."""

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        try:
            self.third_party = third_party_get_visible(
                tenant=request.tenant, user=request.user, pk=kwargs["pk"]
            )
        except ThirdParty.DoesNotExist as exc:
            raise Http404(_("Tiers introuvable.")) from exc
        return super().dispatch(request, *args, **kwargs)

    def page(self, request, template: str, **context):
        return render(
            request, f"tiers/third_parties/{template}", {"third_party": self.third_party, **context}
        )


# --- Create ---------------------------------------------------------------------------------------


class ThirdPartyCreateView(TenantPermissionRequiredMixin, View):
    permission_required = "tiers.add_thirdparty"

    def _lifecycle(self, request) -> tuple[str, str]:
        kind = request.GET.get("type", "client")
        if kind not in CREATE_TYPES:
            kind = "client"
        return kind, CREATE_TYPES[kind]

    def _forms(self, request, data=None):
        tenant = request.tenant
        form = ThirdPartyCreateForm(data, tenant=tenant)
        formset = NewAddressFormSet(data, prefix=ADDRESS_PREFIX, default_country=tenant.country)
        return form, formset

    def _render(self, request, form, formset, duplicates=None):
        kind, _lifecycle = self._lifecycle(request)
        return render(
            request,
            "tiers/third_parties/create.html",
            {"form": form, "formset": formset, "duplicates": duplicates or [], "kind": kind},
        )

    def get(self, request):
        form, formset = self._forms(request)
        # ?telephone=…: the caller's number of an incoming call (synthese/cti.py) on the first address.
        formset.initial_phone = request.GET.get("telephone", "").strip()[:30]
        return self._render(request, form, formset)

    def post(self, request):
        form, formset = self._forms(request, request.POST)
        form_valid = form.is_valid()
        if not (formset.is_valid() and form_valid):
            return self._render(request, form, formset)
        addresses = formset.values()
        if not form.cleaned_data["create_anyway"]:
            duplicates = third_party_duplicates(
                tenant=request.tenant,
                user=request.user,
                siren=form.cleaned_data["siren"],
                siret=form.cleaned_data["siret"],
                vat_number=form.cleaned_data["vat_number"],
                phones=[phone["number"] for address in addresses for phone in address["phones"]],
                emails=[email for address in addresses for email in address["emails"]],
                name=form.cleaned_data["name"],
                postal_code=next((a["postal_code"] for a in addresses if a.get("is_default")), "")
                or (addresses[0]["postal_code"] if addresses else ""),
            )
            if duplicates:
                return self._render(request, form, formset, duplicates)
        _kind, lifecycle = self._lifecycle(request)
        try:
            third_party = third_party_create(
                tenant=request.tenant,
                actor=request.user,
                lifecycle=lifecycle,
                addresses=addresses,
                tags=list(form.cleaned_data["tags"]),
                classifications=list(form.cleaned_data["classifications"]),
                **form.identity(),
            )
        except ValidationError as exc:
            _errors_apply(exc, form, formset)
            return self._render(request, form, formset)
        _warn(request, third_party.warnings)
        messages.success(request, _("Le tiers %(name)s est créé.") % {"name": third_party})
        return redirect(detail_url(third_party))


# --- Identity -------------------------------------------------------------------------------------


class ThirdPartyUpdateView(ThirdPartyObjectMixin, View):
    permission_required = "tiers.change_thirdparty"

    def get(self, request, pk: int):
        form = ThirdPartyUpdateForm(instance=self.third_party, tenant=request.tenant)
        return self.page(request, "update.html", form=form)

    def post(self, request, pk: int):
        form = ThirdPartyUpdateForm(request.POST, instance=self.third_party, tenant=request.tenant)
        if form.is_valid():
            try:
                third_party = third_party_update(
                    tenant=request.tenant,
                    actor=request.user,
                    third_party=self.third_party,
                    tags=list(form.cleaned_data["tags"]),
                    classifications=list(form.cleaned_data["classifications"]),
                    **form.identity(),
                )
            except ValidationError as exc:
                _errors_apply(exc, form)
            else:
                messages.success(request, _("Le tiers %(name)s est enregistré.") % {"name": third_party})
                return redirect(detail_url(third_party))
        return self.page(request, "update.html", form=form)


# --- Addresses ------------------------------------------------------------------------------------


class AddressesView(ThirdPartyObjectMixin, View):
    permission_required = "tiers.change_thirdparty"

    def _formset(self, request, data=None):
        addresses = list(
            Address.objects.filter(tenant=request.tenant, third_party=self.third_party).prefetch_related(
                "phones", "emails"
            )
        )
        return AddressFormSet(
            data,
            prefix=ADDRESS_PREFIX,
            initial=[address_initial(address) for address in addresses],
            default_country=self.third_party.country,
            allowed_pks=frozenset(address.pk for address in addresses),
        )

    def get(self, request, pk: int):
        return self.page(request, "addresses.html", formset=self._formset(request))

    def post(self, request, pk: int):
        formset = self._formset(request, request.POST)
        if formset.is_valid():
            try:
                saved = addresses_save(
                    tenant=request.tenant,
                    actor=request.user,
                    third_party=self.third_party,
                    addresses=formset.values(),
                    delete=formset.deleted_pks(),
                )
            except ValidationError as exc:
                formset.add_non_form_errors(exc.messages)
            else:
                _warn(request, [warning for address in saved for warning in address.warnings])
                messages.success(request, _("Les adresses sont enregistrées."))
                return redirect(detail_url(self.third_party))
        return self.page(request, "addresses.html", formset=formset)


# --- Close / reopen -------------------------------------------------------------------------------


class _ConfirmView(ThirdPartyObjectMixin, View):
    permission_required = "tiers.change_thirdparty"
    template = "confirm.html"
    action = ""

    def get(self, request, pk: int):
        return self.page(request, self.template, action=self.action)

    def post(self, request, pk: int):
        form = ReasonForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors["reason"]))
            return self.page(request, self.template, action=self.action)
        try:
            third_party = self.run(request, form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return self.page(request, self.template, action=self.action)
        return self.done(request, third_party)


class ThirdPartyCloseView(_ConfirmView):
    action = "close"

    def run(self, request, reason: str) -> ThirdParty:
        return third_party_close(
            tenant=request.tenant, actor=request.user, third_party=self.third_party, reason=reason
        )

    def done(self, request, third_party: ThirdParty) -> HttpResponseRedirect:
        messages.success(request, _("Le tiers %(name)s est fermé.") % {"name": third_party})
        if request.user.has_perm(VIEW_CLOSED_PERMISSION):
            return redirect(detail_url(third_party))
        return redirect("home")  # a closed third party is hidden from this user now


class ThirdPartyReopenView(_ConfirmView):
    action = "reopen"

    def run(self, request, reason: str) -> ThirdParty:
        return third_party_reopen(
            tenant=request.tenant, actor=request.user, third_party=self.third_party, reason=reason
        )

    def done(self, request, third_party: ThirdParty) -> HttpResponseRedirect:
        messages.success(request, _("Le tiers %(name)s est rouvert.") % {"name": third_party})
        return redirect(detail_url(third_party))


# --- Other roles ----------------------------------------------------------------------------------


class ThirdPartyRolesView(ThirdPartyObjectMixin, View):
    permission_required = "tiers.change_thirdparty"

    def get(self, request, pk: int):
        current = [role for role, field in ROLE_FLAGS.items() if getattr(self.third_party, field)]
        return self.page(request, "roles.html", form=RolesForm(initial={"roles": current}))

    def post(self, request, pk: int):
        form = RolesForm(request.POST)
        if form.is_valid():
            try:
                third_party_roles_set(
                    tenant=request.tenant,
                    actor=request.user,
                    third_party=self.third_party,
                    roles=form.cleaned_data["roles"],
                )
            except ValidationError as exc:
                _errors_apply(exc, form)
            else:
                messages.success(request, _("Les rôles du tiers sont enregistrés."))
                return redirect(detail_url(self.third_party))
        return self.page(request, "roles.html", form=form)


# --- Allowed users --------------------------------------------------------------------------------


class ThirdPartyAccessView(ThirdPartyObjectMixin, View):
    permission_required = "tiers.change_thirdpartyalloweduser"

    def get(self, request, pk: int):
        current = ThirdPartyAllowedUser.objects.filter(tenant=request.tenant, third_party=self.third_party)
        form = AllowedUsersForm(initial={"users": [row.user_id for row in current]}, tenant=request.tenant)
        return self.page(request, "access.html", form=form)

    def post(self, request, pk: int):
        form = AllowedUsersForm(request.POST, tenant=request.tenant)
        if form.is_valid():
            users = list(form.cleaned_data["users"])
            try:
                third_party_allowed_users_set(
                    tenant=request.tenant, actor=request.user, third_party=self.third_party, users=users
                )
            except ValidationError as exc:
                _errors_apply(exc, form)
            else:
                if users and request.user not in users:
                    messages.success(
                        request,
                        _(
                            "Le tiers %(name)s est réservé à d'autres utilisateurs : il vous est désormais invisible."
                        )
                        % {"name": self.third_party},
                    )
                    return redirect("home")
                messages.success(request, _("Les utilisateurs autorisés sont enregistrés."))
                return redirect(detail_url(self.third_party))
        return self.page(request, "access.html", form=form)


urlpatterns = [
    path("nouveau/", ThirdPartyCreateView.as_view(), name="create"),
    path("<int:pk>/modifier/", ThirdPartyUpdateView.as_view(), name="update"),
    path("<int:pk>/adresses/", AddressesView.as_view(), name="addresses"),
    path("<int:pk>/fermer/", ThirdPartyCloseView.as_view(), name="close"),
    path("<int:pk>/rouvrir/", ThirdPartyReopenView.as_view(), name="reopen"),
    path("<int:pk>/roles/", ThirdPartyRolesView.as_view(), name="roles"),
    path("<int:pk>/acces/", ThirdPartyAccessView.as_view(), name="access"),
]
