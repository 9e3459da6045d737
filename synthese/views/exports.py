"""The synthèse's "Exporter" form: Excel or PDF and the sections the user may view, pre-checked
with his last selection; on submit the export job is asked for (synthese.exports) and the user
follows it on "Mes exports". Only with the export permission (checked here and by the service)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from crm.exports.registry import PDF, XLSX
from synthese.exports import SECTIONS, sections_allowed, selection_saved, synthese_export_request

from .frame import SyntheseMixin

TEMPLATE = "synthese/export_form.html"
MAX_QUERY = 4000


class SyntheseExportForm(forms.Form):
    """Every section is a choice (a forbidden one is refused with its own message by the
    service); only the allowed ones are shown."""

    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[(XLSX, gettext_lazy("Excel")), (PDF, gettext_lazy("PDF (impression)"))],
        widget=forms.RadioSelect,
        initial=XLSX,
    )
    sections = forms.MultipleChoiceField(
        label=gettext_lazy("Informations à exporter"),
        choices=[(section.key, section.label) for section in SECTIONS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    requete = forms.CharField(widget=forms.HiddenInput, required=False, max_length=MAX_QUERY)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = {section.key for section in sections_allowed(user)}
        self.fields["sections"].widget.choices = [
            (key, label) for key, label in self.fields["sections"].choices if key in allowed
        ]


class SyntheseExportView(SyntheseMixin, View):
    permission_required = ("tiers.view_thirdparty", "crm.export_data")
    http_method_names = ["get", "post"]

    def get(self, request, pk: int):
        form = SyntheseExportForm(
            user=request.user,
            initial={
                "sections": selection_saved(user=request.user, tenant=request.tenant),
                "requete": self.screen_query(request)[:MAX_QUERY],
            },
        )
        return self.show(request, form)

    def screen_query(self, request) -> str:
        """The synthèse's current filters, sorts and tab: the page's address as the browser shows
        it now (the tabs push their filters and sorts into it; htmx sends it as HX-Current-URL),
        else this request's own query string (the link of the page as it was first drawn)."""
        htmx = getattr(request, "htmx", None)
        current = htmx.current_url_abs_path if htmx else None
        if current:
            parts = urlsplit(current)
            if parts.path == reverse("synthese:customer", kwargs={"pk": self.customer.pk}):
                return parts.query
        return request.GET.urlencode()

    def show(self, request, form, status: int = 200):
        context = {
            "customer": self.customer,
            "third_party": self.customer,
            "title": _("Exporter la synthèse"),
            "form": form,
            "panel_template": TEMPLATE,
        }
        htmx = getattr(request, "htmx", None)
        return render(request, TEMPLATE if htmx else "synthese/panel_page.html", context, status=status)

    def post(self, request, pk: int):
        form = SyntheseExportForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.show(request, form, status=400)
        try:
            synthese_export_request(
                tenant=request.tenant,
                user=request.user,
                customer=self.customer,
                format=form.cleaned_data["format"],
                sections=form.cleaned_data["sections"],
                query=form.cleaned_data["requete"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.show(request, form, status=400)
        messages.success(
            request,
            _(
                "Export de la synthèse de %(customer)s demandé. Vous pourrez le télécharger ici dès qu'il sera prêt."
            )
            % {"customer": self.customer.name},
        )
        return redirect("exports:list")
