"""Home page, company switcher and business-line selector."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from crm.services.tenancy import business_lines_select, membership_switch


class HomeView(TemplateView):
    template_name = "crm/home.html"
    permission_required = None  # any member of the tenant


def _back(request) -> HttpResponseRedirect:
    target = request.POST.get("next") or request.headers.get("referer") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)


class SwitchForm(forms.Form):
    membership = forms.IntegerField()


@require_POST
def tenant_switch(request):
    form = SwitchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Société inconnue."))
        return _back(request)
    membership = membership_switch(
        user=request.user, session=request.session, membership_id=form.cleaned_data["membership"]
    )
    messages.success(
        request, _("Vous travaillez maintenant dans la société %(name)s.") % {"name": membership.tenant}
    )
    return redirect("home")


tenant_switch.permission_required = None


class BusinessLinesForm(forms.Form):
    business_lines = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())

    def __init__(self, *args, tenant_business_lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["business_lines"].choices = [(bl.pk, bl.name) for bl in tenant_business_lines]


@require_POST
def business_lines_update(request):
    from crm.models import BusinessLine

    form = BusinessLinesForm(
        request.POST, tenant_business_lines=BusinessLine.objects.filter(tenant=request.tenant)
    )
    if form.is_valid():
        business_lines_select(
            membership=request.membership,
            session=request.session,
            business_line_ids=form.cleaned_data["business_lines"],
        )
    else:
        messages.error(request, _("Sélection d'activités invalide."))
    return _back(request)


business_lines_update.permission_required = None
