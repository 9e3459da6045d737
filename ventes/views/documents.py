"""The "Générer le PDF" button of a quote, an order, a delivery note or an invoice (POST).

Rights: the view permission of the document's model plus the right to ask for a job
(crm.add_exportjob, which every role that prints has). Printing a document one may see is not a
data export, so crm.export_data is not required. The document is read through the customer
visibility rule (a reserved customer's document, or another tenant's, is a 404). The job is
followed on "Mes exports", where the file is downloaded; the PDF is also kept as an attachment
of the document.

Detail pages add the button with::

    <form method="post" action="{% url 'ventes:document_pdf' kind='quote' pk=quote.pk %}">
      {% csrf_token %}<button type="submit">{% translate "Générer le PDF" %}</button>
    </form>
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views import View

from crm.views.base import TenantPermissionRequiredMixin
from tiers.views.third_parties import detail_url
from ventes.documents import DOCUMENT_KINDS, JOB_PERMISSION, DocumentKind, document_title, documents_visible
from ventes.services.documents import document_pdf_request


class DocumentPdfView(TenantPermissionRequiredMixin, View):
    # Declared for the permission matrix; the kind's view permission is checked as well.
    permission_required = JOB_PERMISSION
    http_method_names = ["post"]

    @property
    def kind(self) -> DocumentKind:
        try:
            return DOCUMENT_KINDS[self.kwargs["kind"]]
        except KeyError:
            raise Http404 from None

    def get_permission_required(self):
        return (JOB_PERMISSION, self.kind.view_permission)

    def post(self, request, kind: str, pk: int):
        document = get_object_or_404(
            documents_visible(self.kind, tenant=request.tenant, user=request.user), pk=pk
        )
        try:
            document_pdf_request(tenant=request.tenant, actor=request.user, kind=self.kind, document=document)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(detail_url(document.customer))
        messages.success(
            request,
            _("PDF « %(title)s %(number)s » demandé. Vous pourrez le télécharger ici dès qu'il sera prêt.")
            % {"title": document_title(self.kind, document), "number": document.number},
        )
        return redirect("exports:list")


urlpatterns = [
    path("documents/<str:kind>/<int:pk>/pdf/", DocumentPdfView.as_view(), name="document_pdf"),
]
