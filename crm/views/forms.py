"""The form page every app uses: a form whose cleaned data goes to a service; the service's
refusals (ValidationError keyed by field) are shown on the form's fields."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from crm.views.base import TenantPermissionRequiredMixin

FORM_TEMPLATE = "crm/form.html"


def form_add_service_error(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields (non-field errors for unknown keys)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# Pre-fill of a new record's form from the query string (the synthèse's action links pass the
# selected site, contact and asset): form field -> query parameter. Only the initial values
# shown change; the posted values are validated by the form's own querysets as usual.
PREFILL_PARAMETERS = {"site": "site", "contact": "contact", "requester": "contact", "assets": "bien"}
# Text values: the action's kind (one of the field's choices) and the customer code of the
# invoicing form (the customer record's quick actions pass them).
PREFILL_TEXT_PARAMETERS = {"kind": "type", "client": "client"}


def next_url(request) -> str | None:
    """The ``next`` parameter (query string or form) when it points inside this site."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure()):
        return wanted
    return None


def form_prefill(form, query) -> None:
    """Set the initial values of ``form``'s fields named in PREFILL_PARAMETERS from ``query``."""
    for field_name, parameter in PREFILL_PARAMETERS.items():
        value = query.get(parameter, "")
        if field_name in form.fields and value.isdigit():
            multiple = isinstance(
                form.fields[field_name], (forms.MultipleChoiceField, forms.ModelMultipleChoiceField)
            )
            form.initial[field_name] = [int(value)] if multiple else int(value)
    for field_name, parameter in PREFILL_TEXT_PARAMETERS.items():
        value = query.get(parameter, "")[:100]
        field = form.fields.get(field_name)
        if not value or field is None:
            continue
        choices = getattr(field, "choices", None)
        if choices is None or value in {str(key) for key, _label in choices}:
            form.initial[field_name] = value


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
        back = next_url(self.request) or self.back_url()
        context = {"form": form, "title": self.title, "back_url": back, **self.context()}
        return render(self.request, self.template_name, context)

    def done_url(self, saved) -> str:
        """Where to go after saving: a safe ``next`` (back to the synthèse), else the record."""
        return next_url(self.request) or self.success_url(saved)

    def get(self, request, *args, **kwargs):
        form = self.make_form()
        form_prefill(form, request.GET)
        return self.render_form(form)

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
                return redirect(self.done_url(saved))
        return self.render_form(form)
