"""Mes exports: the user's jobs, asking for one, polling its state, downloading its file."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from crm.exports.registry import exporter_registry
from crm.forms import ExportRequestForm
from crm.models import ExportJob
from crm.selectors import export_jobs_for_owner
from crm.services.exports import export_request
from crm.views.base import TenantPermissionRequiredMixin

LIST_TEMPLATE = "crm/exports/list.html"


def _own_job(request, pk: int) -> ExportJob:
    """One of the user's own jobs in the current tenant; anybody else's is a 404."""
    return get_object_or_404(export_jobs_for_owner(tenant=request.tenant, user=request.user), pk=pk)


class ExportListView(TenantPermissionRequiredMixin, ListView):
    permission_required = "crm.view_exportjob"
    template_name = LIST_TEMPLATE
    context_object_name = "jobs"
    paginate_by = 20

    def get_queryset(self):
        return export_jobs_for_owner(tenant=self.request.tenant, user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["offered_exporters"] = (
            [exporter for exporter in exporter_registry.allowed(user) if exporter.on_export_page]
            if user.has_perm("crm.add_exportjob")
            else []
        )
        context["expiry_days"] = settings.EXPORT_EXPIRY_DAYS
        return context


class ExportRequestView(TenantPermissionRequiredMixin, View):
    """POST only. The exporter's own permission is checked by the service (a 403 when missing)."""

    permission_required = "crm.export_data"
    http_method_names = ["post"]

    def post(self, request) -> HttpResponseRedirect:
        form = ExportRequestForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Demande d'export invalide."))
            return redirect("exports:list")
        try:
            job = export_request(
                tenant=request.tenant,
                user=request.user,
                exporter_key=form.cleaned_data["exporter"],
                format=form.cleaned_data["format"],
                sections=form.cleaned_data["sections"],
                parameters=form.parameters(),
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("exports:list")
        messages.success(
            request,
            _("Export « %(label)s » demandé. Vous pourrez le télécharger ici dès qu'il sera prêt.")
            % {"label": exporter_registry.label(job.exporter)},
        )
        return redirect("exports:list")


class ExportStatusView(TenantPermissionRequiredMixin, View):
    """The htmx partial of one job's state; it polls itself every 2 s while the job runs."""

    permission_required = "crm.view_exportjob"
    http_method_names = ["get"]

    def get(self, request, pk: int):
        job = _own_job(request, pk)
        if not request.htmx:
            return redirect("exports:list")
        return render(request, f"{LIST_TEMPLATE}#job-status", {"job": job})


class ExportDownloadView(TenantPermissionRequiredMixin, View):
    permission_required = "crm.view_exportjob"
    http_method_names = ["get"]

    def get(self, request, pk: int):
        job = _own_job(request, pk)
        if job.is_expired:
            return render(request, "crm/exports/expired.html", {"job": job}, status=410)
        if job.status != ExportJob.Status.DONE or not job.file:
            messages.warning(request, _("Cet export n'est pas encore prêt à être téléchargé."))
            return redirect("exports:list")
        try:
            handle = job.file.open("rb")
        except FileNotFoundError:
            return render(request, "crm/exports/expired.html", {"job": job}, status=410)
        return FileResponse(handle, as_attachment=True, filename=job.download_name)
