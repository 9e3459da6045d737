"""Printing a sales document: ask for its PDF (an export job of core's framework) and keep the
rendered PDF as an attachment of the document, so it appears in the customer's documents.

Regenerating replaces: the new PDF is attached, then the previous PDF generated for the same
document (same target, same generated file name) is deleted in the same transaction. A previous
PDF already submitted for e-signature cannot be deleted (tiers' rule): it is kept next to the new
one, so a signed version is never lost.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from crm.exports.registry import PDF
from crm.models import Company, ExportJob
from crm.services.exports import export_request
from tiers.models import Attachment
from tiers.services.attachments import attachment_create, attachment_delete
from tiers.services.targets import target_fields
from ventes.documents import DocumentKind
from ventes.models import Invoice, InvoiceState


def message_draft_invoice() -> str:
    return _("Une facture brouillon ne peut pas être imprimée : validez-la d'abord.")


def document_pdf_request(*, tenant: Company, actor, kind: DocumentKind, document) -> ExportJob:
    """Queue the PDF of ``document`` (already read as visible to ``actor``) for ``actor``."""
    if isinstance(document, Invoice) and document.state == InvoiceState.DRAFT:
        raise ValidationError(message_draft_invoice(), code="draft")
    return export_request(
        tenant=tenant,
        user=actor,
        exporter_key=kind.exporter_key,
        format=PDF,
        parameters={"document_id": document.pk},
    )


def document_pdf_attach(
    *, tenant: Company, actor, document, title: str, filename: str, content: bytes
) -> Attachment:
    """Attach the PDF ``content`` to ``document`` (its customer and site stored on the attachment),
    replacing the one generated before."""
    fields = target_fields(document)
    previous = list(
        Attachment.objects.filter(
            tenant=tenant,
            target_type=fields["target_type"],
            target_id=fields["target_id"],
            original_name=filename,
        )
    )
    upload = SimpleUploadedFile(filename, content, content_type="application/pdf")
    with transaction.atomic():
        item = attachment_create(tenant=tenant, actor=actor, target=document, title=title, upload=upload)
        for old in previous:
            try:
                with transaction.atomic():
                    attachment_delete(tenant=tenant, actor=actor, item=old)
            except ValidationError:
                continue  # submitted for signature: kept as an earlier version
    return item
