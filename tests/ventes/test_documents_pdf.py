"""Real PDF runs of the document exporters: the job runs in-process (Celery eager), WeasyPrint
renders the print template, the PDF is stored on the job and kept as an attachment of the
document. Skipped with a stated reason where Pango cannot be loaded (CI fails instead).

Neither pypdf nor pdftotext is installed: the PDF is checked by its magic bytes, and the text
it shows by the HTML given to WeasyPrint (test_documents.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django_scopes import scope

from crm.models import ExportJob, Membership
from crm.services.exports import export_request
from tests.celery_worker import skip_or_fail
from tests.factories import member
from tests.tiers.factories_records import media_root  # noqa: F401
from tests.tiers.factories_sites_banks import reserved_customer
from tests.ventes.factories_documents import (
    DeliveryFactory,
    DeliveryLineFactory,
    InvoiceFactory,
    InvoiceLineFactory,
    OrderFactory,
    OrderLineFactory,
    QuoteFactory,
    QuoteLineFactory,
)
from tiers.models import Attachment
from ventes.documents import DOCUMENT_KINDS
from ventes.services.documents import document_pdf_request

pytestmark = [pytest.mark.pdf, pytest.mark.usefixtures("celery_eager", "media_root")]

FAILED = "L'export a échoué. Réessayez ; si le problème persiste, contactez votre administrateur."


@pytest.fixture(autouse=True)
def _weasyprint_or_skip():
    try:
        import weasyprint  # noqa: F401
    except OSError as exc:  # Pango (or one of its libraries) cannot be loaded
        skip_or_fail(f"WeasyPrint ne peut pas se charger (Pango absent ?) : {exc}")


def _quote(tenant, **fields):
    quote = QuoteFactory(tenant=tenant, **fields)
    QuoteLineFactory(quote=quote, quantity=Decimal("2"), unit_price=Decimal("1000"))
    return quote


def _order(tenant):
    order = OrderFactory(tenant=tenant)
    OrderLineFactory(order=order)
    return order


def _delivery(tenant):
    delivery = DeliveryFactory(order=OrderFactory(tenant=tenant))
    DeliveryLineFactory(delivery=delivery)
    return delivery


def _invoice(tenant):
    invoice = InvoiceFactory(tenant=tenant)
    InvoiceLineFactory(invoice=invoice)
    return invoice


def _print(tenant, user, kind, document, capture) -> ExportJob:
    with scope(tenant=tenant), capture(execute=True):
        job = document_pdf_request(tenant=tenant, actor=user, kind=DOCUMENT_KINDS[kind], document=document)
    with scope(tenant=tenant):
        job.refresh_from_db()
    return job


@pytest.mark.parametrize(
    ("kind", "make"), [("quote", _quote), ("order", _order), ("delivery", _delivery), ("invoice", _invoice)]
)
def test_document_pdf_job_runs_in_process_and_keeps_the_pdf_on_the_document(
    tenant, kind, make, django_capture_on_commit_callbacks
):
    user = member(tenant, "Manager")
    document = make(tenant)

    job = _print(tenant, user, kind, document, django_capture_on_commit_callbacks)

    assert job.status == ExportJob.Status.DONE, job.error
    assert job.download_name.endswith(f"-{document.number.lower()}.pdf")
    with scope(tenant=tenant):
        with job.file.open("rb") as handle:
            content = handle.read()
        [attachment] = Attachment.objects.filter(
            target_type=ContentType.objects.get_for_model(document), target_id=document.pk
        )
    assert content.startswith(b"%PDF")
    assert attachment.customer_id == document.customer_id and attachment.uploaded_by == user
    assert attachment.mime_type == "application/pdf" and attachment.size == len(content)


def test_regenerating_the_pdf_replaces_the_attachment(tenant, django_capture_on_commit_callbacks):
    user = member(tenant, "Commercial")
    quote = _quote(tenant)

    _print(tenant, user, "quote", quote, django_capture_on_commit_callbacks)
    _print(tenant, user, "quote", quote, django_capture_on_commit_callbacks)

    with scope(tenant=tenant):
        assert Attachment.objects.filter(customer=quote.customer).count() == 1
        assert ExportJob.objects.filter(status=ExportJob.Status.DONE).count() == 2


def test_job_fails_when_the_customer_was_reserved_to_others_since_the_request(
    tenant, django_capture_on_commit_callbacks
):
    user = member(tenant, "Commercial")
    quote = _quote(tenant, customer=reserved_customer(tenant))
    with scope(tenant=tenant):
        job = ExportJob.objects.create(
            tenant=tenant,
            owner=user,
            exporter="ventes_quote_pdf",
            format="pdf",
            parameters={"document_id": quote.pk},
        )
    from crm import tasks

    tasks.export_run.apply(kwargs={"tenant_id": tenant.pk, "job_id": job.pk})

    with scope(tenant=tenant):
        job.refresh_from_db()
        assert job.status == ExportJob.Status.FAILED and job.error == FAILED
        assert not Attachment.objects.filter(customer=quote.customer).exists()


def test_job_of_another_tenants_document_fails(tenant, other_tenant):
    user = member(tenant, "Manager")
    elsewhere = _quote(other_tenant)
    with scope(tenant=tenant):
        job = ExportJob.objects.create(
            tenant=tenant,
            owner=user,
            exporter="ventes_quote_pdf",
            format="pdf",
            parameters={"document_id": elsewhere.pk},
        )
    from crm import tasks

    tasks.export_run.apply(kwargs={"tenant_id": tenant.pk, "job_id": job.pk})

    with scope(tenant=tenant):
        job.refresh_from_db()
        assert job.status == ExportJob.Status.FAILED and job.error == FAILED
    with scope(tenant=other_tenant):
        assert not Attachment.objects.exists()


def test_export_request_of_a_document_pdf_is_refused_without_the_view_permission(tenant):
    from django.core.exceptions import PermissionDenied

    from crm.services.tenancy import membership_activate

    technician = member(tenant, "Technicien")
    with scope(tenant=tenant):
        membership_activate(technician, Membership.objects.get(user=technician))
        with pytest.raises(PermissionDenied):
            export_request(tenant=tenant, user=technician, exporter_key="ventes_quote_pdf", format="pdf")
