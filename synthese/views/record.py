"""The customer record (fiche client): ``/synthese/<pk>/fiche/<section>/`` renders one registered
section (synthese.record) in the record's frame; the first visible section when none is named.
A section's POST returns a response (accepted) or a SectionRefusal: the section rendered again
with the bound form, so nothing typed is lost."""

from __future__ import annotations

from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.views import View

from crm.views.base import TenantPermissionRequiredMixin
from synthese.record import SectionRefusal, sections_visible
from synthese.selectors_frame import customer_get
from tiers.models import ThirdParty


class RecordView(TenantPermissionRequiredMixin, View):
    permission_required = "tiers.view_thirdparty"
    http_method_names = ["get", "post"]

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        try:
            self.customer = customer_get(tenant=request.tenant, user=request.user, pk=kwargs["pk"])
        except ThirdParty.DoesNotExist:
            raise Http404 from None
        self.sections = sections_visible(request.user, getattr(request, "membership", None))
        key = kwargs.get("section")
        if key is None:
            if not self.sections:
                raise Http404
            return redirect("synthese:record", pk=self.customer.pk, section=self.sections[0].key)
        self.section = next((section for section in self.sections if section.key == key), None)
        if self.section is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def render_section(self, request, refusal: SectionRefusal | None = None):
        context = {
            "customer": self.customer,
            "sections": self.sections,
            "section": self.section,
            "section_template": self.section.template,
        }
        context.update(self.section.context(request, self.customer))
        if refusal is not None:
            context[refusal.name] = refusal.form
        return render(request, "synthese/record/base.html", context)

    def get(self, request, pk: int, section: str):
        return self.render_section(request)

    def post(self, request, pk: int, section: str):
        if self.section.post is None:
            return HttpResponseNotAllowed(["GET"])
        result = self.section.post(request, self.customer)
        if isinstance(result, SectionRefusal):
            return self.render_section(request, result)
        return result
