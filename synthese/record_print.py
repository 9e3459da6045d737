"""Record section "Imprimer": the customer record to PDF through core's export framework, with a
choice of print template ("Fiche client complète" or "Fiche client résumée"), optionally filed in
the record's documents (a tiers attachment on the customer).

The exporter ``customer_record`` re-activates the job's owner and re-reads the customer with the
owner's visibility; printing one's customer is not a data export (like a sales document: the
right to ask for a job and to view third parties is enough). The print context has a fixed
number of queries whatever the customer's size (contacts, sites and footer rows are capped by
one query each). A refused print shows the section again with the bound form (the French error
on its field, the choices kept; synthese.record.section_refused).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.exports.owner import job_owner_activate
from crm.exports.registry import PDF, Exporter, Progress, exporter_registry
from crm.models import Company, ExportJob
from crm.services.exports import export_request
from tiers.models import VatTreatment
from tiers.selectors_contacts import contacts_for_third_party
from tiers.selectors_record_terms import default_address_of, footer_items_of, terms_of
from tiers.selectors_sites_banks import sites_of
from tiers.services.attachments import attachment_create
from tiers.vat import vat_treatment_of
from ventes.selectors_account import account_summary
from ventes.selectors_credit import credit_exposure

from .record import RecordSection, record_section_register, section_refused
from .selectors_frame import customer_get

KEY = "imprimer"
EXPORTER_KEY = "customer_record"
JOB_PERMISSION = "crm.add_exportjob"
ATTACH_PERMISSION = "tiers.add_attachment"
ACCOUNT_PERMISSIONS = ("ventes.view_invoice", "ventes.view_payment")
ROW_LIMIT = 100
PRINT_FORM = "print_form"


@dataclass(frozen=True)
class PrintTemplate:
    key: str
    label: Any
    template: str
    complete: bool


PRINT_TEMPLATES = {
    template.key: template
    for template in (
        PrintTemplate("complete", gettext_lazy("Fiche client complète"), "synthese/pdf/record.html", True),
        PrintTemplate("resume", gettext_lazy("Fiche client résumée"), "synthese/pdf/record.html", False),
    )
}


def record_print_context(*, tenant: Company, user, customer, template: PrintTemplate) -> dict[str, Any]:
    """What the print template shows: identity and main address always; contacts, sites,
    conditions, billing, footer and account for the complete record (the account only for who
    may view invoices and payments)."""
    terms = terms_of(tenant=tenant, third_party=customer)
    context: dict[str, Any] = {
        "title": template.label,
        "tenant": tenant,
        "generated_at": timezone.now(),
        "customer": terms,
        "complete": template.complete,
        "address": default_address_of(tenant=tenant, third_party=customer),
        "contacts": list(
            contacts_for_third_party(tenant=tenant, user=user, third_party=customer)[:ROW_LIMIT]
        ),
    }
    if not template.complete:
        context["contacts"] = context["contacts"][:1]
        return context
    context.update(
        {
            "sites": list(sites_of(tenant=tenant, third_party=customer)[:ROW_LIMIT]),
            "vat_treatment": vat_treatment_of(terms),
            "vat_forced": terms.vat_treatment != VatTreatment.AUTO,
            "footer_items": list(footer_items_of(tenant=tenant, third_party=customer)[:ROW_LIMIT]),
        }
    )
    if user.has_perms(ACCOUNT_PERMISSIONS):
        context["account"] = account_summary(tenant=tenant, payer=customer, today=timezone.localdate())
        context["exposure"] = credit_exposure(tenant=tenant, customer_id=customer.pk)
    return context


@exporter_registry.register
class CustomerRecordExporter(Exporter):
    key = EXPORTER_KEY
    label = gettext_lazy("Fiche client")
    formats = (PDF,)
    permission = "tiers.view_thirdparty"

    def is_allowed(self, user) -> bool:
        return bool(user.has_perm(JOB_PERMISSION) and user.has_perm(self.permission))

    def _read(self, job: ExportJob):
        cached = getattr(job, "_customer_record", None)
        if cached is None:
            owner = job_owner_activate(job)
            parameters = job.parameters or {}
            customer = customer_get(tenant=job.tenant, user=owner, pk=parameters.get("customer_id"))
            template = PRINT_TEMPLATES[parameters.get("template", "complete")]
            cached = job._customer_record = (owner, customer, template)
        return cached

    def filename(self, job: ExportJob) -> str:
        _owner, customer, template = self._read(job)
        stamp = timezone.localtime(job.created_at or timezone.now()).strftime("%Y%m%d-%H%M")
        return f"{slugify(str(template.label))}-{slugify(customer.code)}-{stamp}.pdf"

    def write(self, *, job: ExportJob, output: IO[bytes], progress: Progress) -> None:
        from crm.exports.pdf import pdf_render

        owner, customer, template = self._read(job)
        context = record_print_context(tenant=job.tenant, user=owner, customer=customer, template=template)
        content = pdf_render(template.template, context)
        output.write(content)
        if (job.parameters or {}).get("file") and owner.has_perm(ATTACH_PERMISSION):
            upload = SimpleUploadedFile(self.filename(job), content, content_type="application/pdf")
            title = f"{template.label} — {timezone.localdate().strftime('%d/%m/%Y')}"
            attachment_create(tenant=job.tenant, actor=owner, target=customer, title=title, upload=upload)


class RecordPrintForm(forms.Form):
    modele = forms.ChoiceField(
        label=gettext_lazy("Modèle d'impression"),
        choices=[(template.key, template.label) for template in PRINT_TEMPLATES.values()],
        initial="complete",
        widget=forms.RadioSelect,
    )
    classer = forms.BooleanField(
        label=gettext_lazy("Classer le PDF dans les pièces jointes de la fiche"), required=False
    )

    def __init__(self, data=None, *, may_attach: bool) -> None:
        super().__init__(data)
        if not may_attach:
            del self.fields["classer"]


def print_context(request, customer) -> dict:
    return {PRINT_FORM: RecordPrintForm(may_attach=request.user.has_perm(ATTACH_PERMISSION))}


def print_post(request, customer):
    form = RecordPrintForm(request.POST, may_attach=request.user.has_perm(ATTACH_PERMISSION))
    if not form.is_valid():
        return section_refused(PRINT_FORM, form)
    try:
        export_request(
            tenant=request.tenant,
            user=request.user,
            exporter_key=EXPORTER_KEY,
            format=PDF,
            parameters={
                "customer_id": customer.pk,
                "template": form.cleaned_data["modele"],
                "file": bool(form.cleaned_data.get("classer")),
            },
        )
    except ValidationError as error:
        return section_refused(PRINT_FORM, form, error)
    messages.success(
        request,
        _("Impression de la fiche demandée. Vous pourrez télécharger le PDF dès qu'il sera prêt."),
    )
    return redirect("exports:list")


record_section_register(
    RecordSection(
        key=KEY,
        label=gettext_lazy("Imprimer"),
        order=90,
        template="synthese/record/print.html",
        context=print_context,
        permission=("tiers.view_thirdparty", JOB_PERMISSION),
        post=print_post,
    )
)
