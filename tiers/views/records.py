"""Screens of the customer's shared records: documents, exchanges (threads), wiki pages and the
vault, plus their sections of the third party's page ("Documents", "Wiki", "Coffre-fort").

Records are created about a *target* named in the URL by its content type and id (a customer, a
site, or any customer-owned row of a later app: asset, service request, order...), resolved by
tiers.selectors_records.target_resolve, which checks the target's customer is visible. Existing
records are read through record_get_visible: another tenant's, or a hidden customer's, is a 404.
Other apps include ``tiers/records/_exchanges.html`` with ``exchanges_context(request, target)``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

from crm.views.base import TenantPermissionRequiredMixin
from tiers.forms.records import AttachmentForm, ExchangeForm, VaultSecretForm, WikiPageForm
from tiers.models import Attachment, AttachmentKind, Exchange, ThirdParty, VaultSecret, WikiPage
from tiers.selectors_records import (
    TargetNotFound,
    attachments_of_customer,
    exchanges_for,
    record_get_visible,
    target_customer,
    target_kwargs,
    target_resolve,
    vault_secrets_of_customer,
    wiki_pages_for,
    wiki_pages_of_customer,
    with_target_labels,
)
from tiers.services.attachments import attachment_create, attachment_delete, message_too_large
from tiers.services.exchanges import exchange_create, exchange_delete
from tiers.services.vault import (
    vault_secret_create,
    vault_secret_delete,
    vault_secret_reveal,
    vault_secret_update,
)
from tiers.services.wiki import wiki_page_create, wiki_page_delete, wiki_page_update
from tiers.views.detail import Section, section_register
from tiers.views.sites_banks import form_add_service_error
from tiers.views.third_parties import ThirdPartyObjectMixin, detail_url

# Served inline (PDF, images): nothing in them may run, load or be framed by another site.
INLINE_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"


def attachment_response(item: Attachment) -> HttpResponse:
    """The stored file: PDFs and images inline behind nosniff and a sandboxing CSP, everything
    else as a download under its sanitized name (RFC 5987 for accents). Documents are small
    (ATTACHMENT_MAX_BYTES), so the file is read and closed at once."""
    show_inline = item.mime_type == "application/pdf" or item.mime_type.startswith("image/")
    with item.file.open("rb") as stored:
        content = stored.read()
    response = HttpResponse(
        content, content_type=item.mime_type if show_inline else "application/octet-stream"
    )
    response["Content-Disposition"] = content_disposition_header(not show_inline, item.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = INLINE_CSP
    response["Cache-Control"] = "private, no-cache"
    return response


def document_response(item: Attachment):
    """A link is followed (it was never fetched by us); a file is served by attachment_response."""
    if item.kind == AttachmentKind.URL:
        return HttpResponseRedirect(item.url)
    return attachment_response(item)


def back_url(request, fallback: str) -> str:
    """``next`` when it points inside the site, else ``fallback``."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure()):
        return wanted
    return fallback


def target_url(target) -> str:
    if isinstance(target, ThirdParty):
        return detail_url(target)
    if hasattr(target, "get_absolute_url"):
        return target.get_absolute_url()
    return detail_url(target_customer(target))


class RecordPage(TenantPermissionRequiredMixin, View):
    """Base of the record screens: permission first, then the target or the record (404 when
    hidden), then the handler. ``third_party`` is the record's customer (for the page header)."""

    model: type | None = None  # set: the URL names a record (``pk``); None: a target

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        if self.model is None:
            try:
                self.target = target_resolve(
                    tenant=request.tenant,
                    user=request.user,
                    content_type_id=kwargs["content_type"],
                    object_id=kwargs["object_id"],
                )
            except TargetNotFound:
                raise Http404(_("Enregistrement introuvable.")) from None
            self.third_party = target_customer(self.target)
        else:
            try:
                self.item = record_get_visible(
                    self.model, tenant=request.tenant, user=request.user, pk=kwargs["pk"]
                )
            except self.model.DoesNotExist:
                raise Http404(_("Enregistrement introuvable.")) from None
            self.third_party = self.item.customer
            # The record it is about (a generic relation: one query); its customer if it is gone.
            self.target = self.item.target or self.third_party
        return super().dispatch(request, *args, **kwargs)

    def page(self, request, template: str, status: int = 200, **context):
        context = {"third_party": self.third_party, "target": self.target, **context}
        return render(request, f"tiers/records/{template}", context, status=status)


class DeletePage(RecordPage):
    """GET: the confirmation page; POST: delete through ``remove`` and go back."""

    done_message = ""

    def describe(self) -> str:
        raise NotImplementedError

    def remove(self, request) -> None:
        raise NotImplementedError

    def back(self, request) -> str:
        return back_url(request, target_url(self.target))

    def get(self, request, pk: int):
        return self.page(
            request, "confirm_delete.html", description=self.describe(), back_url=self.back(request)
        )

    def post(self, request, pk: int):
        back = self.back(request)
        try:
            self.remove(request)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, str(self.done_message))
        return redirect(back)


# --- Documents ------------------------------------------------------------------------------------


class AttachmentCreateView(RecordPage):
    permission_required = "tiers.add_attachment"

    def get(self, request, content_type: int, object_id: int):
        return self.page(
            request,
            "attachment_form.html",
            form=AttachmentForm(),
            back_url=back_url(request, target_url(self.target)),
        )

    def post(self, request, content_type: int, object_id: int):
        form = AttachmentForm(request.POST, request.FILES)
        if "file" in getattr(request, "uploads_too_large", ()):
            # Dropped while received (tiers.files.UploadSizeLimitHandler): say why it is missing.
            form.is_valid()
            form.add_error("file", message_too_large())
        elif form.is_valid():
            try:
                attachment_create(
                    tenant=request.tenant,
                    actor=request.user,
                    target=self.target,
                    title=form.cleaned_data["title"],
                    upload=form.cleaned_data["file"],
                    url=form.cleaned_data["url"],
                )
            except ValidationError as exc:
                form_add_service_error(form, exc)
            else:
                messages.success(request, _("Le document est ajouté."))
                return redirect(back_url(request, target_url(self.target)))
        return self.page(
            request, "attachment_form.html", form=form, back_url=back_url(request, target_url(self.target))
        )


class AttachmentDownloadView(RecordPage):
    permission_required = "tiers.view_attachment"
    model = Attachment

    def get(self, request, pk: int):
        return document_response(self.item)


class AttachmentDeleteView(DeletePage):
    permission_required = "tiers.delete_attachment"
    model = Attachment
    done_message = gettext_lazy("Le document est supprimé.")

    def describe(self) -> str:
        return _("Supprimer le document « %(title)s » ?") % {"title": self.item.title}

    def remove(self, request) -> None:
        attachment_delete(tenant=request.tenant, actor=request.user, item=self.item)


# --- Exchanges ------------------------------------------------------------------------------------


# Messages shown by the hover preview of an exchanges count.
EXCHANGES_PREVIEW = 3


def exchanges_context(request, target, form: ExchangeForm | None = None) -> dict:
    """What ``tiers/records/_exchanges.html`` needs for the thread of ``target`` (2 queries)."""
    return {
        "exchange_target": target,
        "exchange_kwargs": target_kwargs(target),
        "exchanges": list(exchanges_for(target)),
        "exchange_form": form or ExchangeForm(),
    }


class ExchangesView(RecordPage):
    """The thread of a record: its page; on htmx, the side panel of the synthèse (heading and
    thread), or with ``apercu`` the hover preview (the last few messages)."""

    permission_required = "tiers.view_exchange"

    def get(self, request, content_type: int, object_id: int):
        context = exchanges_context(request, self.target)
        if request.GET.get("apercu"):
            exchanges = context["exchanges"]
            return render(
                request,
                "tiers/records/_exchanges_preview.html",
                {"exchanges": exchanges[-EXCHANGES_PREVIEW:], "total": len(exchanges)},
            )
        if request.htmx:
            context.update(third_party=self.third_party, target=self.target)
            return render(request, "tiers/records/_exchanges_panel.html", context)
        return self.page(request, "exchanges.html", **context)


class ExchangeCreateView(RecordPage):
    permission_required = "tiers.add_exchange"
    http_method_names = ["post"]

    def post(self, request, content_type: int, object_id: int):
        form = ExchangeForm(request.POST)
        if form.is_valid():
            try:
                exchange_create(
                    tenant=request.tenant,
                    actor=request.user,
                    target=self.target,
                    body=form.cleaned_data["body"],
                    is_internal=not form.cleaned_data["send"],
                    recipients=form.cleaned_data["recipients"],
                )
            except ValidationError as exc:
                form_add_service_error(form, exc)
            else:
                if not request.htmx:
                    messages.success(request, _("Le message est ajouté."))
                    return redirect(reverse("tiers:exchanges", kwargs=target_kwargs(self.target)))
                form = None
        context = exchanges_context(request, self.target, form)
        if request.htmx:
            return render(request, "tiers/records/_exchanges.html", context)
        return self.page(request, "exchanges.html", **context)


class ExchangeDeleteView(DeletePage):
    permission_required = "tiers.delete_exchange"
    model = Exchange
    done_message = gettext_lazy("Le message est supprimé.")

    def back(self, request) -> str:
        return back_url(request, reverse("tiers:exchanges", kwargs=target_kwargs(self.target)))

    def describe(self) -> str:
        return _("Supprimer le message du %(date)s ?") % {
            "date": self.item.created_at.strftime("%d/%m/%Y %H:%M")
        }

    def remove(self, request) -> None:
        exchange_delete(tenant=request.tenant, actor=request.user, item=self.item)

    def get(self, request, pk: int):
        """On htmx, the confirmation replaces the message in its thread."""
        if not request.htmx:
            return super().get(request, pk)
        context = {
            "item": self.item,
            "description": self.describe(),
            "exchange_kwargs": target_kwargs(self.target),
        }
        return render(request, "tiers/records/_exchange_delete.html", context)

    def post(self, request, pk: int):
        """On htmx, the thread without the message comes back."""
        if not request.htmx:
            return super().post(request, pk)
        self.remove(request)
        return render(request, "tiers/records/_exchanges.html", exchanges_context(request, self.target))


# --- Wiki -----------------------------------------------------------------------------------------


class WikiListView(RecordPage):
    permission_required = "tiers.view_wikipage"

    def get(self, request, content_type: int, object_id: int):
        return self.page(
            request,
            "wiki_list.html",
            pages=list(wiki_pages_for(self.target)),
            target_kwargs=target_kwargs(self.target),
        )


class WikiCreateView(RecordPage):
    permission_required = "tiers.add_wikipage"

    def get(self, request, content_type: int, object_id: int):
        return self.page(request, "wiki_form.html", form=WikiPageForm())

    def post(self, request, content_type: int, object_id: int):
        form = WikiPageForm(request.POST)
        if form.is_valid():
            try:
                page = wiki_page_create(
                    tenant=request.tenant, actor=request.user, target=self.target, **form.cleaned_data
                )
            except ValidationError as exc:
                form_add_service_error(form, exc)
            else:
                messages.success(request, _("La page est créée."))
                return redirect(reverse("tiers:wiki_detail", kwargs={"pk": page.pk}))
        return self.page(request, "wiki_form.html", form=form)


class WikiDetailView(RecordPage):
    permission_required = "tiers.view_wikipage"
    model = WikiPage

    def get(self, request, pk: int):
        return self.page(request, "wiki_detail.html", wiki=self.item)


class WikiUpdateView(RecordPage):
    permission_required = "tiers.change_wikipage"
    model = WikiPage

    def get(self, request, pk: int):
        form = WikiPageForm(initial={"title": self.item.title, "body": self.item.body})
        return self.page(request, "wiki_form.html", form=form, wiki=self.item)

    def post(self, request, pk: int):
        form = WikiPageForm(request.POST)
        if form.is_valid():
            try:
                wiki_page_update(
                    tenant=request.tenant, actor=request.user, page=self.item, **form.cleaned_data
                )
            except ValidationError as exc:
                form_add_service_error(form, exc)
            else:
                messages.success(request, _("La page est enregistrée."))
                return redirect(reverse("tiers:wiki_detail", kwargs={"pk": self.item.pk}))
        return self.page(request, "wiki_form.html", form=form, wiki=self.item)


class WikiDeleteView(DeletePage):
    permission_required = "tiers.delete_wikipage"
    model = WikiPage
    done_message = gettext_lazy("La page est supprimée.")

    def describe(self) -> str:
        return _("Supprimer la page « %(title)s » ?") % {"title": self.item.title}

    def remove(self, request) -> None:
        wiki_page_delete(tenant=request.tenant, actor=request.user, page=self.item)


# --- Vault ----------------------------------------------------------------------------------------


class VaultListView(ThirdPartyObjectMixin, View):
    permission_required = "tiers.view_vaultsecret"

    def get(self, request, pk: int):
        rows = with_target_labels(vault_secrets_of_customer(tenant=request.tenant, customer=self.third_party))
        return render(
            request,
            "tiers/records/vault_list.html",
            {
                "third_party": self.third_party,
                "secrets": rows,
                "target_kwargs": target_kwargs(self.third_party),
            },
        )


@method_decorator(sensitive_post_parameters("secret", "notes"), name="dispatch")
class VaultCreateView(RecordPage):
    permission_required = "tiers.add_vaultsecret"

    def get(self, request, content_type: int, object_id: int):
        return self.page(request, "vault_form.html", form=VaultSecretForm())

    def post(self, request, content_type: int, object_id: int):
        form = VaultSecretForm(request.POST)
        if form.is_valid():
            try:
                vault_secret_create(
                    tenant=request.tenant, actor=request.user, target=self.target, **form.cleaned_data
                )
            except ValidationError as exc:
                form_add_service_error(form, exc)
            else:
                messages.success(request, _("Le secret est enregistré."))
                return redirect(reverse("tiers:vault", kwargs={"pk": self.third_party.pk}))
        return self.page(request, "vault_form.html", form=form)


@method_decorator(sensitive_post_parameters("secret", "notes"), name="dispatch")
class VaultUpdateView(RecordPage):
    permission_required = "tiers.change_vaultsecret"
    model = VaultSecret

    def get(self, request, pk: int):
        form = VaultSecretForm(
            editing=True, initial={"label": self.item.label, "login": self.item.login, "url": self.item.url}
        )
        return self.page(request, "vault_form.html", form=form, secret_item=self.item)

    def post(self, request, pk: int):
        form = VaultSecretForm(request.POST, editing=True)
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["secret"] = data["secret"] or None
            data["notes"] = data["notes"] or None
            try:
                vault_secret_update(tenant=request.tenant, actor=request.user, item=self.item, **data)
            except ValidationError as exc:
                form_add_service_error(form, exc)
            else:
                messages.success(request, _("Le secret est enregistré."))
                return redirect(reverse("tiers:vault", kwargs={"pk": self.third_party.pk}))
        return self.page(request, "vault_form.html", form=form, secret_item=self.item)


class VaultDeleteView(DeletePage):
    permission_required = "tiers.delete_vaultsecret"
    model = VaultSecret
    done_message = gettext_lazy("Le secret est supprimé.")

    def back(self, request) -> str:
        return reverse("tiers:vault", kwargs={"pk": self.third_party.pk})

    def describe(self) -> str:
        return _("Supprimer le secret « %(label)s » ?") % {"label": self.item.label}

    def remove(self, request) -> None:
        vault_secret_delete(tenant=request.tenant, actor=request.user, item=self.item)


class VaultRevealView(RecordPage):
    """POST only; the plain secret in a small fragment (htmx) that no cache may keep."""

    permission_required = ("tiers.view_vaultsecret", "crm.reveal_secret")
    model = VaultSecret
    http_method_names = ["post"]

    @method_decorator(sensitive_variables("revealed", "response"))
    def post(self, request, pk: int):
        revealed = vault_secret_reveal(tenant=request.tenant, actor=request.user, item=self.item)
        template = "_vault_revealed.html" if request.htmx else "vault_revealed.html"
        response = self.page(request, template, secret_item=self.item, revealed=revealed)
        add_never_cache_headers(response)
        return response


# --- Sections of the third party's page -----------------------------------------------------------


def _documents_load(request, third_party) -> dict:
    rows = attachments_of_customer(tenant=request.tenant, customer=third_party)
    return {
        "documents": with_target_labels(rows),
        "target_kwargs": target_kwargs(third_party),
        "attachment_form": AttachmentForm(),
    }


def _wiki_load(request, third_party) -> dict:
    rows = wiki_pages_of_customer(tenant=request.tenant, customer=third_party)
    return {"wiki_pages": with_target_labels(rows), "target_kwargs": target_kwargs(third_party)}


def _vault_load(request, third_party) -> dict:
    rows = vault_secrets_of_customer(tenant=request.tenant, customer=third_party)
    return {"secrets": with_target_labels(rows), "target_kwargs": target_kwargs(third_party)}


section_register(
    Section(
        "documents", "tiers/records/_section_documents.html", 80, "tiers.view_attachment", _documents_load
    )
)
section_register(Section("wiki", "tiers/records/_section_wiki.html", 100, "tiers.view_wikipage", _wiki_load))
section_register(
    Section("vault", "tiers/records/_section_vault.html", 110, "tiers.view_vaultsecret", _vault_load)
)

_TARGET = "cible/<int:content_type>/<int:object_id>"

urlpatterns = [
    path(f"{_TARGET}/documents/ajouter/", AttachmentCreateView.as_view(), name="attachment_create"),
    path("documents/<int:pk>/", AttachmentDownloadView.as_view(), name="attachment_download"),
    path("documents/<int:pk>/supprimer/", AttachmentDeleteView.as_view(), name="attachment_delete"),
    path(f"{_TARGET}/echanges/", ExchangesView.as_view(), name="exchanges"),
    path(f"{_TARGET}/echanges/ajouter/", ExchangeCreateView.as_view(), name="exchange_create"),
    path("echanges/<int:pk>/supprimer/", ExchangeDeleteView.as_view(), name="exchange_delete"),
    path(f"{_TARGET}/wiki/", WikiListView.as_view(), name="wiki_list"),
    path(f"{_TARGET}/wiki/ajouter/", WikiCreateView.as_view(), name="wiki_create"),
    path("wiki/<int:pk>/", WikiDetailView.as_view(), name="wiki_detail"),
    path("wiki/<int:pk>/modifier/", WikiUpdateView.as_view(), name="wiki_update"),
    path("wiki/<int:pk>/supprimer/", WikiDeleteView.as_view(), name="wiki_delete"),
    path("<int:pk>/coffre-fort/", VaultListView.as_view(), name="vault"),
    path(f"{_TARGET}/coffre-fort/ajouter/", VaultCreateView.as_view(), name="vault_create"),
    path("coffre-fort/<int:pk>/modifier/", VaultUpdateView.as_view(), name="vault_update"),
    path("coffre-fort/<int:pk>/supprimer/", VaultDeleteView.as_view(), name="vault_delete"),
    path("coffre-fort/<int:pk>/reveler/", VaultRevealView.as_view(), name="vault_reveal"),
]
