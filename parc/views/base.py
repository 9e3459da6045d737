"""Building blocks shared by the parc views: the list view over parc.filters' lists, and the
form view that hands a form's data to a service and shows its refusals on the fields."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views import View

from crm.services.tenancy import business_lines_current
from crm.views.base import TenantPermissionRequiredMixin
from crm.views.lists import FilteredListView
from parc.filters import list_filterset
from tiers.views.sites_banks import form_add_service_error

FORM_TEMPLATE = "parc/form.html"


class ParcListView(FilteredListView):
    """A parc list: ``list_key`` names the FilterSet and selector of parc.filters.LISTS (also the
    export's key when ``export_key`` is set); the export stores the effective query string."""

    list_key = ""
    template_name = "parc/list.html"
    create_url = ""
    create_label = ""
    create_permission = ""

    def filterset(self, request):
        self._filterset = list_filterset(
            self.list_key,
            request.GET,
            tenant=request.tenant,
            user=request.user,
            default_business_lines=business_lines_current(
                membership=request.membership, session=request.session
            ),
        )
        return self._filterset

    def extra_context(self, request) -> dict:
        can_create = bool(self.create_url) and request.user.has_perm(self.create_permission)
        return {
            "export_query": self._filterset.querystring(),
            "create_url": self.create_url if can_create else "",
            "create_label": self.create_label,
        }


class ServiceFormView(TenantPermissionRequiredMixin, View):
    """GET shows ``make_form()``; POST validates it, calls ``save(form)`` (a service call) and
    redirects to the saved object's ``success_url``; a service refusal goes on the form."""

    http_method_names = ["get", "post"]
    template_name = FORM_TEMPLATE
    title = ""
    success_message = ""

    def make_form(self, data=None):
        raise NotImplementedError

    def save(self, form):
        raise NotImplementedError

    def success_url(self, saved) -> str:
        raise NotImplementedError

    def back_url(self) -> str:
        raise NotImplementedError

    def context(self) -> dict:
        return {}

    def render_form(self, form):
        context = {"form": form, "title": self.title, "back_url": self.back_url(), **self.context()}
        return render(self.request, self.template_name, context)

    def get(self, request, *args, **kwargs):
        return self.render_form(self.make_form())

    def post(self, request, *args, **kwargs):
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                saved = self.save(form)
            except ValidationError as error:
                form_add_service_error(form, error)
            else:
                if self.success_message:
                    messages.success(request, self.success_message)
                return redirect(self.success_url(saved))
        return self.render_form(form)
