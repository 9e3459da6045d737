"""Pages of a third party's sites, ship-to rows and bank accounts, and the postal-code lookup."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_GET

from crm.views.base import TenantPermissionRequiredMixin
from crm.views.forms import form_add_service_error, next_url
from tiers.forms.sites_banks import (
    WEEKDAYS,
    BankAccountForm,
    ShipToForm,
    SiteBusinessLineFormSet,
    SiteForm,
    country_choices,
    currency_choices,
    model_choices,
    rows_formset,
    user_label,
)
from tiers.models import BankAccount, ShipTo, Site, ThirdParty
from tiers.selectors import third_party_get_visible
from tiers.selectors_sites_banks import (
    addresses_of,
    bank_accounts_of,
    business_lines_of,
    carriers_visible,
    iban_formatted,
    reps_of,
    ship_tos_of,
    site_get,
    sites_of,
)
from tiers.services import bank_accounts as bank_services
from tiers.services import ship_tos as ship_to_services
from tiers.services import sites as site_services
from tiers.services.reference import postal_lookup as postal_lookup_select

TEMPLATES = "tiers/sites_banks"


def detail_url(third_party: ThirdParty) -> str:
    return reverse("tiers:detail", kwargs={"pk": third_party.pk})


class _Rollback(Exception):
    """Raised inside the page's transaction to undo the rows already saved when one is refused."""


class ThirdPartyMixin:
    """Loads the third party of the URL (``pk``) if the user may see it; a 404 otherwise (another
    tenant's, reserved to other users, closed without the right to see closed accounts)."""

    third_party: ThirdParty

    def dispatch(self, request, *args, **kwargs):
        try:
            self.third_party = third_party_get_visible(
                tenant=request.tenant, user=request.user, pk=kwargs["pk"]
            )
        except ThirdParty.DoesNotExist:
            raise Http404 from None
        return super().dispatch(request, *args, **kwargs)

    def site(self, site_pk: int) -> Site:
        try:
            return site_get(tenant=self.request.tenant, third_party=self.third_party, pk=site_pk)
        except Site.DoesNotExist:
            raise Http404 from None


# --- Postal-code lookup ---------------------------------------------------------------------------


@require_GET
def postal_lookup(request):
    """JSON [{postal_code, city, subdivision}] for ?code=690 (prefix) or ?ville=lyo (word start)."""
    places = postal_lookup_select(code=request.GET.get("code", ""), city=request.GET.get("ville", ""))
    return JsonResponse([place.as_dict() for place in places], safe=False)


postal_lookup.permission_required = None  # any member: global reference data


# --- Sites ----------------------------------------------------------------------------------------


class SiteListView(TenantPermissionRequiredMixin, ThirdPartyMixin, View):
    permission_required = "tiers.view_site"
    http_method_names = ["get"]

    def get(self, request, pk: int):
        sites = list(sites_of(tenant=request.tenant, third_party=self.third_party))
        return render(request, f"{TEMPLATES}/sites.html", {"third_party": self.third_party, "sites": sites})


class _SiteFormView(TenantPermissionRequiredMixin, ThirdPartyMixin, View):
    http_method_names = ["get", "post"]
    title = ""

    def forms(self, data=None, *, site: Site | None = None):
        tenant = self.request.tenant
        initial: dict[str, Any] = {}
        lines_initial: list[dict[str, Any]] = []
        if site is not None:
            initial = {
                "name": site.name,
                "address": site.address_id,
                "latitude": site.latitude,
                "longitude": site.longitude,
                "is_main": site.is_main,
            }
            lines_initial = [
                {"business_line": link.business_line_id, "rep": link.rep_id}
                for link in site.business_line_links.filter(tenant=tenant).order_by("business_line__name")
            ]
        else:
            initial = {
                "is_main": not Site.objects.filter(tenant=tenant, third_party=self.third_party).exists()
            }
            default = (
                addresses_of(tenant=tenant, third_party=self.third_party).filter(is_default=True).first()
            )
            if default is not None:
                initial["address"] = default.pk
        form = SiteForm(
            data, initial=initial, addresses=addresses_of(tenant=tenant, third_party=self.third_party)
        )
        lines = SiteBusinessLineFormSet(
            data,
            initial=lines_initial,
            prefix="lines",
            form_kwargs={
                "business_lines": business_lines_of(tenant=tenant),
                "reps": reps_of(tenant=tenant),
                "choices": {
                    "business_line": model_choices(business_lines_of(tenant=tenant)),
                    "rep": model_choices(
                        reps_of(tenant=tenant), label=user_label, empty_label=_("— aucun —")
                    ),
                },
            },
        )
        return form, lines

    def render_page(self, form, lines, site: Site | None = None):
        context = {
            "third_party": self.third_party,
            "form": form,
            "lines": lines,
            "site": site,
            "title": self.title,
        }
        return render(self.request, f"{TEMPLATES}/site_form.html", context)

    @staticmethod
    def business_lines(lines) -> list[site_services.BusinessLineRep]:
        return [
            site_services.BusinessLineRep(
                business_line=line.cleaned_data["business_line"], rep=line.cleaned_data.get("rep")
            )
            for line in lines.forms
            if line.cleaned_data
            and line.cleaned_data.get("business_line")
            and not line.cleaned_data.get("DELETE")
        ]

    def save(self, form, lines, site: Site | None):
        raise NotImplementedError

    def handle_post(self, site: Site | None = None):
        form, lines = self.forms(self.request.POST, site=site)
        if form.is_valid() and lines.is_valid():
            try:
                saved = self.save(form, lines, site)
            except ValidationError as error:
                form_add_service_error(form, error)
            else:
                messages.success(self.request, _("Site « %(name)s » enregistré.") % {"name": saved.name})
                return redirect(
                    next_url(self.request) or reverse("tiers:sites", kwargs={"pk": self.third_party.pk})
                )
        return self.render_page(form, lines, site)


class SiteCreateView(_SiteFormView):
    permission_required = "tiers.add_site"

    @property
    def title(self) -> str:
        return _("Nouveau site")

    def get(self, request, pk: int):
        return self.render_page(*self.forms())

    def post(self, request, pk: int):
        return self.handle_post()

    def save(self, form, lines, site):
        data = form.cleaned_data
        return site_services.site_create(
            tenant=self.request.tenant,
            actor=self.request.user,
            third_party=self.third_party,
            name=data["name"],
            address=data["address"],
            latitude=data["latitude"],
            longitude=data["longitude"],
            is_main=data["is_main"],
            business_lines=self.business_lines(lines),
        )


class SiteUpdateView(_SiteFormView):
    permission_required = "tiers.change_site"

    @property
    def title(self) -> str:
        return _("Modifier le site")

    def get(self, request, pk: int, site_pk: int):
        site = self.site(site_pk)
        return self.render_page(*self.forms(site=site), site=site)

    def post(self, request, pk: int, site_pk: int):
        return self.handle_post(self.site(site_pk))

    def save(self, form, lines, site):
        data = form.cleaned_data
        return site_services.site_update(
            tenant=self.request.tenant,
            actor=self.request.user,
            site=site,
            name=data["name"],
            address=data["address"],
            latitude=data["latitude"],
            longitude=data["longitude"],
            is_main=data["is_main"],
            business_lines=self.business_lines(lines),
        )


class SiteDeleteView(TenantPermissionRequiredMixin, ThirdPartyMixin, View):
    permission_required = "tiers.delete_site"
    http_method_names = ["get", "post"]

    def get(self, request, pk: int, site_pk: int):
        site = self.site(site_pk)
        refused = (
            site.is_main
            and Site.objects.filter(tenant=request.tenant, third_party=self.third_party).count() > 1
        )
        context = {
            "third_party": self.third_party,
            "site": site,
            "refusal": site_services.message_delete_main() if refused else "",
        }
        return render(request, f"{TEMPLATES}/site_delete.html", context)

    def post(self, request, pk: int, site_pk: int):
        site = self.site(site_pk)
        try:
            site_services.site_delete(tenant=request.tenant, actor=request.user, site=site)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Site « %(name)s » supprimé.") % {"name": site.name})
        return redirect("tiers:sites", pk=self.third_party.pk)


class SiteGeocodeView(TenantPermissionRequiredMixin, ThirdPartyMixin, View):
    """ "Vérifier l'adresse": fills the site's GPS through the configured geocoder."""

    permission_required = "tiers.change_site"
    http_method_names = ["post"]

    def post(self, request, pk: int, site_pk: int):
        site = self.site(site_pk)
        try:
            site = site_services.site_geocode(tenant=request.tenant, actor=request.user, site=site)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Adresse vérifiée : coordonnées GPS %(latitude)s, %(longitude)s.")
                % {"latitude": site.latitude, "longitude": site.longitude},
            )
        return redirect(
            next_url(request)
            or reverse("tiers:site_update", kwargs={"pk": self.third_party.pk, "site_pk": site.pk})
        )


# --- Inline pages (ship-to, bank accounts) --------------------------------------------------------


class _RowsView(TenantPermissionRequiredMixin, ThirdPartyMixin, View):
    """One inline formset over the third party's rows; each row goes through its service, all in
    one transaction: when one row is refused, nothing is saved and the page shows what was typed."""

    http_method_names = ["get", "post"]
    template_name = ""
    form_class: Any = None
    delete_permission = ""
    prefix = "rows"

    def rows(self) -> dict[int, Any]:
        raise NotImplementedError

    def row_initial(self, row) -> dict[str, Any]:
        raise NotImplementedError

    def form_kwargs(self) -> dict[str, Any]:
        raise NotImplementedError

    def formset(self, data=None, rows: dict[int, Any] | None = None):
        rows = self.rows() if rows is None else rows
        formset_class = rows_formset(
            self.form_class, can_delete=self.request.user.has_perm(self.delete_permission)
        )
        return formset_class(
            data,
            initial=[self.row_initial(row) for row in rows.values()],
            prefix=self.prefix,
            form_kwargs=self.form_kwargs(),
        )

    def get(self, request, pk: int):
        return self.render_page(self.formset())

    def render_page(self, formset):
        return render(
            self.request,
            self.template_name,
            {"third_party": self.third_party, "formset": formset, **self.extra_context()},
        )

    def extra_context(self) -> dict[str, Any]:
        return {}

    def operations(self, formset, rows: dict[int, Any]) -> list[tuple[Any, Callable[[], Any]]]:
        """(form, call) pairs in the order they must run."""
        raise NotImplementedError

    def post(self, request, pk: int):
        rows = self.rows()
        formset = self.formset(request.POST, rows)
        if not formset.is_valid():
            return self.render_page(formset)
        for form in formset.forms:
            row_id = form.cleaned_data.get("id")
            if row_id is not None and row_id not in rows:
                form.add_error(None, _("Cette ligne n'existe plus : rechargez la page."))
        if any(form.errors for form in formset.forms):
            return self.render_page(formset)
        try:
            with transaction.atomic():
                failed = False
                for form, call in self.operations(formset, rows):
                    try:
                        call()
                    except ValidationError as error:
                        form_add_service_error(form, error)
                        failed = True
                if failed:
                    raise _Rollback
        except _Rollback:
            return self.render_page(formset)
        messages.success(request, self.success_message())
        return redirect(detail_url(self.third_party))

    def success_message(self) -> str:
        raise NotImplementedError

    @staticmethod
    def changed_forms(formset):
        """(form, deleted) for every form that carries a change."""
        for form in formset.forms:
            deleted = formset.can_delete and form.cleaned_data.get("DELETE", False)
            if deleted and form.cleaned_data.get("id") is None:
                continue  # a new row ticked for deletion: nothing to do
            if deleted or form.has_changed():
                yield form, deleted


class ShipToListView(_RowsView):
    permission_required = "tiers.change_shipto"
    delete_permission = "tiers.delete_shipto"
    template_name = f"{TEMPLATES}/ship_tos.html"
    form_class = ShipToForm
    prefix = "ship_tos"

    def rows(self) -> dict[int, ShipTo]:
        return {row.pk: row for row in ship_tos_of(tenant=self.request.tenant, third_party=self.third_party)}

    def row_initial(self, row: ShipTo) -> dict[str, Any]:
        return {
            "id": row.pk,
            "address_code": row.address.code,
            "lead_time_days": row.lead_time_days,
            "carrier": row.carrier_id,
            "incoterm": row.incoterm,
            "working_days": list(row.working_days),
            "picking_note": row.picking_note,
            "delivery_note": row.delivery_note,
            "vat_number": row.vat_number,
        }

    def form_kwargs(self) -> dict[str, Any]:
        tenant = self.request.tenant
        carriers = carriers_visible(tenant=tenant, user=self.request.user)
        return {
            "addresses": list(addresses_of(tenant=tenant, third_party=self.third_party)),
            "carriers": carriers,
            "carrier_choices": model_choices(carriers),
        }

    def extra_context(self) -> dict[str, Any]:
        return {"weekdays": WEEKDAYS}

    def operations(self, formset, rows):
        tenant, actor = self.request.tenant, self.request.user
        deletes, saves = [], []
        for form, deleted in self.changed_forms(formset):
            data = {key: value for key, value in form.cleaned_data.items() if key not in ("id", "DELETE")}
            row = rows.get(form.cleaned_data.get("id"))
            if deleted:
                deletes.append(
                    (
                        form,
                        lambda row=row: ship_to_services.ship_to_delete(
                            tenant=tenant, actor=actor, ship_to=row
                        ),
                    )
                )
            elif row is None:
                saves.append(
                    (
                        form,
                        lambda data=data: ship_to_services.ship_to_create(
                            tenant=tenant, actor=actor, third_party=self.third_party, **data
                        ),
                    )
                )
            else:
                saves.append(
                    (
                        form,
                        lambda row=row, data=data: ship_to_services.ship_to_update(
                            tenant=tenant, actor=actor, ship_to=row, **data
                        ),
                    )
                )
        # Deletions first: a code freed by a deleted row may be taken by another one.
        return deletes + saves

    def success_message(self) -> str:
        return _("Clients livrés enregistrés.")


class BankAccountListView(_RowsView):
    permission_required = "tiers.change_bankaccount"
    delete_permission = "tiers.delete_bankaccount"
    template_name = f"{TEMPLATES}/bank_accounts.html"
    form_class = BankAccountForm
    prefix = "accounts"

    def rows(self) -> dict[int, BankAccount]:
        return {
            row.pk: row for row in bank_accounts_of(tenant=self.request.tenant, third_party=self.third_party)
        }

    def row_initial(self, row: BankAccount) -> dict[str, Any]:
        return {
            "id": row.pk,
            "address_code": row.address.code,
            "iban": iban_formatted(row.iban),
            "bic": row.bic,
            "bank_name": row.bank_name,
            "domiciliation": row.domiciliation,
            "holder": row.holder,
            "currency": row.currency.code if row.currency_id else None,
            "intermediary_bic": row.intermediary_bic,
            "intermediary_bank_name": row.intermediary_bank_name,
            "intermediary_country": row.intermediary_country.code if row.intermediary_country_id else None,
            "is_default": row.is_default,
        }

    def form_kwargs(self) -> dict[str, Any]:
        return {
            "addresses": list(addresses_of(tenant=self.request.tenant, third_party=self.third_party)),
            "currency_choices": currency_choices(),
            "country_choices": country_choices(),
        }

    @staticmethod
    def service_data(cleaned: dict[str, Any]) -> dict[str, Any]:
        data = {
            key: value
            for key, value in cleaned.items()
            if key not in ("id", "DELETE") and not key.startswith("rib_")
        }
        data["rib"] = bank_services.Rib(
            bank_code=cleaned.get("rib_bank_code", ""),
            branch_code=cleaned.get("rib_branch_code", ""),
            account_number=cleaned.get("rib_account_number", ""),
            key=cleaned.get("rib_key", ""),
        )
        return data

    def operations(self, formset, rows):
        tenant, actor = self.request.tenant, self.request.user
        defaults, saves, deletes = [], [], []
        for form, deleted in self.changed_forms(formset):
            row = rows.get(form.cleaned_data.get("id"))
            if deleted:
                deletes.append(
                    (
                        form,
                        lambda row=row: bank_services.bank_account_delete(
                            tenant=tenant, actor=actor, account=row
                        ),
                    )
                )
                continue
            data = self.service_data(form.cleaned_data)
            if row is None:
                call = lambda data=data: bank_services.bank_account_create(  # noqa: E731
                    tenant=tenant, actor=actor, third_party=self.third_party, **data
                )
            else:
                call = lambda row=row, data=data: bank_services.bank_account_update(  # noqa: E731
                    tenant=tenant, actor=actor, account=row, **data
                )
            (defaults if data["is_default"] else saves).append((form, call))
        # The new default first (it demotes the old one), deletions last (the default can go once
        # another account has taken its place).
        return defaults + saves + deletes

    def success_message(self) -> str:
        return _("Comptes bancaires enregistrés.")


urlpatterns = [
    path("codes-postaux/", postal_lookup, name="postal_lookup"),
    path("<int:pk>/sites/", SiteListView.as_view(), name="sites"),
    path("<int:pk>/sites/ajouter/", SiteCreateView.as_view(), name="site_create"),
    path("<int:pk>/sites/<int:site_pk>/", SiteUpdateView.as_view(), name="site_update"),
    path("<int:pk>/sites/<int:site_pk>/supprimer/", SiteDeleteView.as_view(), name="site_delete"),
    path("<int:pk>/sites/<int:site_pk>/verifier-adresse/", SiteGeocodeView.as_view(), name="site_geocode"),
    path("<int:pk>/livraison/", ShipToListView.as_view(), name="ship_tos"),
    path("<int:pk>/banques/", BankAccountListView.as_view(), name="bank_accounts"),
]
