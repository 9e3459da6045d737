"""E-signature screens: submit a document for signature (logged-in users), the "Signatures"
section of the third party's page, and the public signing page of the local provider.

The signing page is reached without an account: the link's token (256 bits, only its SHA-256
stored) is the credential. It is exempt from login (``login_not_required``) but not from CSRF;
the signature is found by the token's hash (an indexed equality, no timing-sensitive compare).
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View

from crm.models import Company
from crm.services.tenant_binding import tenant_context, tenant_of_token
from tiers.forms.records import SignatureForm, SignForm
from tiers.models import Attachment, Signature
from tiers.selectors_records import signatures_of_customer
from tiers.services.signatures import (
    SignatureClosed,
    signature_answer,
    signature_answerable,
    signature_request,
)
from tiers.signing import token_hash
from tiers.views.detail import Section, section_register
from tiers.views.records import RecordPage, document_response, target_url
from tiers.views.sites_banks import form_add_service_error

TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")


class SignatureCreateView(RecordPage):
    permission_required = "tiers.add_signature"
    model = Attachment

    def get(self, request, pk: int):
        return self.page(request, "signature_form.html", form=SignatureForm(), document=self.item)

    def post(self, request, pk: int):
        form = SignatureForm(request.POST)
        if form.is_valid():
            try:
                signature_request(
                    tenant=request.tenant,
                    actor=request.user,
                    document=self.item,
                    absolute_url=request.build_absolute_uri,
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                form_add_service_error(form, exc)
            else:
                messages.success(
                    request,
                    _("La demande de signature est envoyée à %(email)s.")
                    % {"email": form.cleaned_data["signer_email"]},
                )
                return redirect(target_url(self.third_party))
        return self.page(request, "signature_form.html", form=form, document=self.item)


def _signature_tenant(token: str) -> Company:
    """The company of the signature whose link carries ``token``, or 404.

    The signer has no account, hence no tenant: the narrow database function of
    crm.rls.pre_tenant_lookup gives the tenant of the token's hash (the SHA-256 of a 256-bit
    random token, impossible to guess), and nothing else; the signature itself is then read
    inside that tenant."""
    if not TOKEN_SHAPE.match(token):
        raise Http404
    tenant = tenant_of_token("tiers_signature_tenant", token_hash(token))
    if tenant is None:
        raise Http404
    return tenant


def _signature_for_token(token: str) -> Signature:
    item = Signature.objects.select_related("tenant", "document").filter(token_hash=token_hash(token)).first()
    if item is None:
        raise Http404
    return item


class _TokenTenantView(View):
    """A page of the signer: runs inside the tenant of its token's signature."""

    def dispatch(self, request, *args, token: str, **kwargs):
        with tenant_context(_signature_tenant(token)):
            return super().dispatch(request, *args, token=token, **kwargs)


@method_decorator(login_not_required, name="dispatch")
class SignView(_TokenTenantView):
    """The local provider's signing page: the document, then Signer / Refuser (with a reason)."""

    http_method_names = ["get", "post"]

    def closed(self, request, item: Signature, message: str):
        return render(
            request, "tiers/records/sign_closed.html", {"signature": item, "message": message}, status=410
        )

    def show(self, request, item: Signature, token: str, form: SignForm):
        context = {"signature": item, "token": token, "form": form}
        return render(request, "tiers/records/sign.html", context)

    def get(self, request, token: str):
        item = _signature_for_token(token)
        try:
            signature_answerable(item)
        except SignatureClosed as closed:
            return self.closed(request, item, closed.message)
        return self.show(request, item, token, SignForm())

    def post(self, request, token: str):
        item = _signature_for_token(token)
        form = SignForm(request.POST)
        if not form.is_valid():
            return self.show(request, item, token, form)
        sign = form.cleaned_data["decision"] == "sign"
        try:
            answered = signature_answer(
                tenant=item.tenant, item=item, sign=sign, reason=form.cleaned_data["reason"]
            )
        except SignatureClosed as closed:
            return self.closed(request, item, closed.message)
        except ValidationError as exc:
            form_add_service_error(form, exc)
            return self.show(request, item, token, form)
        return render(request, "tiers/records/sign_done.html", {"signature": answered})


@method_decorator(login_not_required, name="dispatch")
class SignDocumentView(_TokenTenantView):
    """The document to sign, for the holder of a link that can still be answered."""

    http_method_names = ["get"]

    def get(self, request, token: str):
        item = _signature_for_token(token)
        try:
            signature_answerable(item)
        except SignatureClosed:
            raise Http404 from None
        return document_response(item.document)


def _signatures_load(request, third_party) -> dict:
    return {"signatures": list(signatures_of_customer(tenant=request.tenant, customer=third_party))}


section_register(
    Section(
        "signatures", "tiers/records/_section_signatures.html", 90, "tiers.view_signature", _signatures_load
    )
)

urlpatterns = [
    path("documents/<int:pk>/signature/", SignatureCreateView.as_view(), name="signature_create"),
    path("signer/<str:token>/", SignView.as_view(), name="sign"),
    path("signer/<str:token>/document/", SignDocumentView.as_view(), name="sign_document"),
]
