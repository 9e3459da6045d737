"""Documents of a customer: type by content, size limit, sanitized names, links, the download
headers, deletion after commit, the "Documents" section with a fixed query count."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope

from tests.factories import member
from tests.tiers.factories import SiteFactory
from tests.tiers.factories_records import (
    CSV,
    EXE,
    PDF,
    PNG,
    FileAttachmentFactory,
    UrlAttachmentFactory,
    docx_bytes,
    media_root,  # noqa: F401 - fixture
    upload,
)
from tests.tiers.factories_sites_banks import CustomerFactory, reserved_customer
from tiers.files import filename_sanitize
from tiers.models import Attachment, ThirdParty
from tiers.services.attachments import attachment_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

TYPE_REFUSED = (
    "Type de fichier non autorisé. Types acceptés : PDF, images (PNG, JPEG, GIF, WebP), documents Word, "
    "Excel et PowerPoint (docx, xlsx, pptx), OpenDocument (odt, ods, odp), texte et CSV."
)


@pytest.fixture
def manager(tenant):
    return member(tenant, "Manager")


def _create(tenant, actor, target, **kwargs) -> Attachment:
    with scope(tenant=tenant):
        return attachment_create(tenant=tenant, actor=actor, target=target, title="Contrat", **kwargs)


def _refusal(tenant, actor, target, **kwargs) -> dict:
    with pytest.raises(ValidationError) as error:
        _create(tenant, actor, target, **kwargs)
    return error.value.message_dict


def _add_url(target) -> str:
    kind = ContentType.objects.get_for_model(target).pk
    return reverse("tiers:attachment_create", kwargs={"content_type": kind, "object_id": target.pk})


# --- Service --------------------------------------------------------------------------------------


def test_a_pdf_is_accepted_and_stored_under_a_random_name(tenant, manager):
    customer = CustomerFactory(tenant=tenant)
    site = SiteFactory(third_party=customer, tenant=tenant)

    item = _create(tenant, manager, site, upload=upload("../../Procès verbal.pdf", PDF, "text/html"))

    assert (item.customer_id, item.site_id) == (customer.pk, site.pk)
    assert item.mime_type == "application/pdf" and item.size == len(PDF)
    assert item.original_name == "Procès_verbal.pdf"
    stored = item.file.name.rsplit("/", 1)[1]
    assert len(stored) == 36 and stored.endswith(".pdf") and "Proc" not in stored
    assert default_storage.exists(item.file.name)


def test_an_executable_named_pdf_is_refused(tenant, manager):
    customer = CustomerFactory(tenant=tenant)

    errors = _refusal(tenant, manager, customer, upload=upload("facture.pdf", EXE))

    assert errors == {"file": [TYPE_REFUSED]}
    with scope(tenant=tenant):
        assert not Attachment.objects.exists()


def test_office_documents_and_csv_are_recognised_by_content(tenant, manager):
    customer = CustomerFactory(tenant=tenant)

    docx = _create(tenant, manager, customer, upload=upload("rapport.bin", docx_bytes(), "application/zip"))
    csv = _create(tenant, manager, customer, upload=upload("export.csv", CSV, "application/vnd.ms-excel"))
    png = _create(tenant, manager, customer, upload=upload("photo.jpg", PNG, "image/jpeg"))

    assert docx.file.name.endswith(".docx") and docx.mime_type.endswith("wordprocessingml.document")
    assert (csv.mime_type, csv.file.name[-4:]) == ("text/csv", ".csv")
    assert (png.mime_type, png.file.name[-4:]) == ("image/png", ".png")


def test_a_plain_zip_and_binary_data_are_refused(tenant, manager):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("setup.exe", EXE)
    customer = CustomerFactory(tenant=tenant)

    assert _refusal(tenant, manager, customer, upload=upload("a.docx", buffer.getvalue())) == {
        "file": [TYPE_REFUSED]
    }
    assert _refusal(tenant, manager, customer, upload=upload("a.txt", b"texte\x00binaire")) == {
        "file": [TYPE_REFUSED]
    }


def test_the_size_limit_is_a_setting(tenant, manager, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    customer = CustomerFactory(tenant=tenant)

    accepted = _create(tenant, manager, customer, upload=upload("a.txt", b"a" * (1024 * 1024)))
    errors = _refusal(tenant, manager, customer, upload=upload("b.txt", b"a" * (1024 * 1024 + 1)))

    assert accepted.size == 1024 * 1024
    assert errors == {"file": ["Le fichier dépasse la taille maximale autorisée (1 Mo)."]}


def test_an_empty_file_is_refused(tenant, manager):
    errors = _refusal(tenant, manager, CustomerFactory(tenant=tenant), upload=upload("a.pdf", b""))

    assert errors == {"file": ["Le fichier est vide."]}


def test_filenames_lose_their_path_and_are_capped():
    assert filename_sanitize("C:\\Users\\x\\devis final.pdf") == "devis_final.pdf"
    assert filename_sanitize("../..") == "document"
    long_name = filename_sanitize("a" * 400 + ".pdf")
    assert len(long_name) == 150 and long_name.endswith(".pdf")


def test_a_link_is_stored_but_only_http_and_https(tenant, manager):
    customer = CustomerFactory(tenant=tenant)

    item = _create(tenant, manager, customer, url="https://drive.example.com/contrat")
    refused = _refusal(tenant, manager, customer, url="javascript:alert(1)")
    ftp = _refusal(tenant, manager, customer, url="ftp://files.example.com/a.pdf")

    assert (item.kind, item.url, item.file.name) == ("url", "https://drive.example.com/contrat", "")
    assert refused == ftp == {"url": ["Seules les adresses http et https sont acceptées."]}


# --- Views ----------------------------------------------------------------------------------------


def _body(response) -> bytes:
    return response.content


def test_a_pdf_is_served_inline_sandboxed(tenant, manager, login):
    item = _create(tenant, manager, CustomerFactory(tenant=tenant), upload=upload("contrat.pdf", PDF))

    response = login(manager).get(reverse("tiers:attachment_download", kwargs={"pk": item.pk}))

    assert response.status_code == 200 and _body(response) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="contrat.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox; default-src 'none'")


def test_other_documents_download_under_their_name_rfc5987(tenant, manager, login):
    item = _create(
        tenant, manager, CustomerFactory(tenant=tenant), upload=upload("Procès.docx", docx_bytes())
    )

    response = login(manager).get(reverse("tiers:attachment_download", kwargs={"pk": item.pk}))

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''Proc%C3%A8s.docx"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_reserved_customers_documents_are_404_for_others(tenant, manager, login):
    hidden = FileAttachmentFactory(customer=reserved_customer(tenant))
    url = reverse("tiers:attachment_download", kwargs={"pk": hidden.pk})

    assert login(member(tenant, "Commercial")).get(url).status_code == 404


def test_another_tenants_document_is_404(tenant, other_tenant, login):
    foreign = UrlAttachmentFactory(customer=CustomerFactory(tenant=other_tenant))

    response = login(member(tenant, "Manager")).get(
        reverse("tiers:attachment_download", kwargs={"pk": foreign.pk})
    )

    assert response.status_code == 404


def test_upload_through_the_page(tenant, manager, login):
    customer = CustomerFactory(tenant=tenant)

    response = login(manager).post(_add_url(customer), {"title": "Bon", "file": upload("bon.pdf", PDF)})
    refused = login(manager).post(_add_url(customer), {"title": "Virus", "file": upload("v.pdf", EXE)})

    assert response.status_code == 302
    assert TYPE_REFUSED in refused.content.decode()
    with scope(tenant=tenant):
        assert list(Attachment.objects.values_list("title", flat=True)) == ["Bon"]


def test_delete_asks_then_removes_the_file_after_commit(
    tenant, manager, login, django_capture_on_commit_callbacks
):
    item = _create(tenant, manager, CustomerFactory(tenant=tenant), upload=upload("contrat.pdf", PDF))
    url = reverse("tiers:attachment_delete", kwargs={"pk": item.pk})
    client = login(manager)

    confirm = client.get(url)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(url)
        still_there = default_storage.exists(item.file.name)
    for callback in callbacks:
        callback()

    assert "Supprimer le document « Contrat » ?" in confirm.content.decode()
    assert still_there and not default_storage.exists(item.file.name)
    with scope(tenant=tenant):
        assert not Attachment.objects.exists()


def test_delete_needs_the_right(tenant, login):
    item = UrlAttachmentFactory(customer=CustomerFactory(tenant=tenant))

    response = login(member(tenant, "Commercial")).post(
        reverse("tiers:attachment_delete", kwargs={"pk": item.pk})
    )

    assert response.status_code == 403


# --- Section of the third party's page ------------------------------------------------------------


def _customer_with_documents(tenant, count: int) -> ThirdParty:
    customer = CustomerFactory(tenant=tenant)
    site = SiteFactory(third_party=customer, tenant=tenant)
    uploader = member(tenant)
    for index in range(count):
        UrlAttachmentFactory(customer=customer, uploaded_by=uploader)
        UrlAttachmentFactory(
            customer=customer,
            site=site,
            target_type=ContentType.objects.get_for_model(site),
            target_id=site.pk,
            title=f"Plan {index}",
        )
    return customer


def test_documents_section_lists_every_document_with_a_fixed_query_count(tenant, manager, login):
    small = _customer_with_documents(tenant, 1)
    large = _customer_with_documents(tenant, 6)
    client = login(manager)
    client.get(reverse("tiers:detail", kwargs={"pk": small.pk}))
    with CaptureQueriesContext(connection) as few:
        small_page = client.get(reverse("tiers:detail", kwargs={"pk": small.pk}))
    with CaptureQueriesContext(connection) as many:
        large_page = client.get(reverse("tiers:detail", kwargs={"pk": large.pk}))

    assert len(few) == len(many)
    content = large_page.content.decode()
    assert "Documents" in content and content.count("Plan ") == 6
    assert small_page.status_code == 200


def test_documents_section_query_count(tenant, manager, login, django_assert_num_queries):
    customer = _customer_with_documents(tenant, 3)
    client = login(manager)
    url = reverse("tiers:detail", kwargs={"pk": customer.pk})
    client.get(url)
    with CaptureQueriesContext(connection) as baseline:
        client.get(url)

    for count in (1, 5):
        other = _customer_with_documents(tenant, count)
        with django_assert_num_queries(len(baseline)):
            client.get(reverse("tiers:detail", kwargs={"pk": other.pk}))


def test_a_document_submitted_for_signature_is_kept(tenant, manager, login):
    from tests.tiers.factories_records import signature_with_token

    item = FileAttachmentFactory(customer=CustomerFactory(tenant=tenant))
    signature_with_token(tenant, document=item)

    response = login(manager).post(reverse("tiers:attachment_delete", kwargs={"pk": item.pk}), follow=True)

    assert "Ce document a été soumis à signature : il ne peut pas être supprimé." in response.content.decode()
    with scope(tenant=tenant):
        assert Attachment.objects.filter(pk=item.pk).exists()
