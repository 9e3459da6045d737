"""F10 (static/js/hotkeys.js): redirects to the synthèse of the page's customer (synthese/f10.py)."""

from __future__ import annotations

from django.shortcuts import redirect
from django.views import View

from synthese.f10 import f10_url


class F10View(View):
    """``?client=<pk>`` → the customer's synthèse, else the synthèse search screen."""

    permission_required = None  # any member; the customer is checked by its visibility
    http_method_names = ["get"]

    def get(self, request):
        return redirect(f10_url(tenant=request.tenant, user=request.user, customer=request.GET.get("client")))
