"""Incoming calls (synthese/cti.py): the telephony system's webhook, the poll of the user's open
tab (static/js/cti.js) and the user's choice of automatic opening."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from crm.services.tenant_binding import tenant_context
from synthese.cti import (
    AUTO_OPEN,
    auto_open,
    call_notifications_take,
    cti_tenant_for_token,
    incoming_call_notify,
    prospect_create_url,
)
from synthese.preferences import preference_set

MAX_BODY = 4096  # bytes: the event is two short fields


def _error(status: int, message: str, **headers) -> JsonResponse:
    response = JsonResponse({"error": message}, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


def _bearer(request) -> str:
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


@method_decorator([login_not_required, csrf_exempt], name="dispatch")
class IncomingCallView(View):
    """POST ``{"called_user": "<username or e-mail>", "caller_number": "<number>"}`` with
    ``Authorization: Bearer <tenant token>``. The only CSRF-exempt view: it takes no session, its
    credential is the token (401 without one, 403 when it is wrong)."""

    permission_required = None  # not a session view: authenticated by the tenant's token
    http_method_names = ["post"]

    def post(self, request):
        token = _bearer(request)
        if not token:
            return _error(401, _("Jeton d'authentification manquant."), **{"WWW-Authenticate": "Bearer"})
        tenant = cti_tenant_for_token(token)
        if tenant is None:
            return _error(403, _("Jeton d'authentification invalide."))
        if len(request.body) > MAX_BODY:
            return _error(400, _("Requête trop volumineuse."))
        try:
            event = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return _error(400, _("Le corps de la requête doit être un objet JSON."))
        if not isinstance(event, dict):
            return _error(400, _("Le corps de la requête doit être un objet JSON."))
        called, number = event.get("called_user"), event.get("caller_number")
        with tenant_context(tenant):
            try:
                notification = incoming_call_notify(
                    tenant=tenant,
                    called_user=called if isinstance(called, str) else "",
                    caller_number=number if isinstance(number, str) else "",
                )
            except ValidationError as exc:
                status = 404 if "called_user" in exc.message_dict else 400
                return JsonResponse({"errors": exc.message_dict}, status=status)
        return JsonResponse(
            {"id": notification.pk, "known": notification.customer_id is not None, "url": notification.url},
            status=201,
        )


class CallPollView(View):
    """The open tab's poll (every ~2 s): the user's new calls, each shown once."""

    permission_required = None  # any member: only the user's own calls
    http_method_names = ["get"]

    def get(self, request):
        calls = call_notifications_take(tenant=request.tenant, user=request.user)
        if calls:
            may_create = request.user.has_perm("tiers.add_thirdparty")
            for call in calls:
                call["create_url"] = (
                    prospect_create_url(call["number"]) if not call["known"] and may_create else ""
                )
        response = JsonResponse(
            {"calls": calls, "auto_open": bool(calls) and auto_open(tenant=request.tenant, user=request.user)}
        )
        response["Cache-Control"] = "no-store"
        return response


class CallPreferenceView(View):
    """ "Appels entrants": open the caller's synthèse automatically, or show a notification."""

    permission_required = None  # any member: the user's own preference
    http_method_names = ["get", "post"]

    def get(self, request):
        return render(
            request,
            "synthese/cti_preference.html",
            {"auto_open": auto_open(tenant=request.tenant, user=request.user)},
        )

    def post(self, request):
        value = request.POST.get("ouverture_auto") == "on"
        preference_set(user=request.user, tenant=request.tenant, key=AUTO_OPEN, value=value)
        messages.success(request, _("Votre choix pour les appels entrants est enregistré."))
        return redirect("synthese:cti_preference")
