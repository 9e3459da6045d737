"""Uploaded documents: the type is read from the content against an allow-list (an HTML page
named facture.pdf is refused with a French message naming the accepted types, and nothing is
written), an oversized file is dropped while it is received, a real PDF is accepted, and a
hostile file name is stored under a safe one."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadhandler import SkipFile
from django.test import RequestFactory
from django.urls import reverse
from django_scopes import scope

from tests.factories import member
from tests.tiers.factories_records import PDF, upload
from tests.tiers.factories_sites_banks import CustomerFactory
from tiers.files import UploadSizeLimitHandler, file_type_detect, filename_sanitize
from tiers.models import Attachment
from tiers.services.attachments import attachment_create

pytestmark = pytest.mark.django_db

TYPE_REFUSED = (
    "Type de fichier non autorisé. Types acceptés : PDF, images (PNG, JPEG, GIF, WebP), documents Word, "
    "Excel et PowerPoint (docx, xlsx, pptx), OpenDocument (odt, ods, odp), texte et CSV."
)
HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
PRODUCTION_UPLOAD_HANDLERS = [
    "tiers.files.UploadSizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def manager(tenant):
    return member(tenant, "Manager")


def _stored_files(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


def _add_url(target) -> str:
    kind = ContentType.objects.get_for_model(target).pk
    return reverse("tiers:attachment_create", kwargs={"content_type": kind, "object_id": target.pk})


def _errors(response) -> list[str]:
    return response.context["form"].errors.get("file", [])


def test_an_html_page_named_pdf_is_refused_and_nothing_is_written(tenant, manager, login, media):
    customer = CustomerFactory(tenant=tenant)

    response = login(manager).post(
        _add_url(customer), {"title": "Facture", "file": upload("facture.pdf", HTML_PAGE, "application/pdf")}
    )

    assert response.status_code == 200
    assert _errors(response) == [TYPE_REFUSED]
    assert TYPE_REFUSED in response.content.decode()
    with scope(tenant=tenant):
        assert not Attachment.objects.exists()
    assert _stored_files(media) == []


@pytest.mark.parametrize(
    "content",
    [
        b"\xef\xbb\xbf  <html><body>x</body></html>",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b"\n<script>alert(1)</script>",
    ],
)
def test_markup_is_not_plain_text(content):
    assert file_type_detect(io.BytesIO(content), name="notes.txt") is None


def test_plain_text_csv_and_opendocument_are_accepted_by_content():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")

    assert file_type_detect(io.BytesIO(b"Bonjour <3, a < b\n"), name="notes.txt").extension == "txt"
    assert file_type_detect(io.BytesIO("code;nom\n1;Élise\n".encode()), name="a.csv").extension == "csv"
    assert file_type_detect(buffer, name="budget.ods").extension == "ods"


def test_an_oversized_file_is_dropped_while_received_with_its_message(
    tenant, manager, login, media, settings
):
    settings.FILE_UPLOAD_HANDLERS = PRODUCTION_UPLOAD_HANDLERS
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    customer = CustomerFactory(tenant=tenant)
    oversized = PDF + b"0" * (1024 * 1024)

    response = login(manager).post(
        _add_url(customer), {"title": "Gros", "file": upload("gros.pdf", oversized)}
    )

    assert response.status_code == 200
    assert response.wsgi_request.uploads_too_large == {"file"}  # dropped by the handler, not stored
    assert _errors(response) == ["Le fichier dépasse la taille maximale autorisée (1 Mo)."]
    with scope(tenant=tenant):
        assert not Attachment.objects.exists()
    assert _stored_files(media) == []


def test_the_size_limit_handler_stops_at_the_limit_not_at_the_end(settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    request = RequestFactory().post("/")
    handler = UploadSizeLimitHandler(request)
    handler.new_file("file", "gros.pdf", "application/pdf", None)

    assert handler.receive_data_chunk(b"x" * 64, 0) == b"x" * 64
    with pytest.raises(SkipFile):
        handler.receive_data_chunk(b"x" * 64, 64)
    assert request.uploads_too_large == {"file"}


def test_a_real_small_pdf_is_accepted(tenant, manager, login, media, settings):
    settings.FILE_UPLOAD_HANDLERS = PRODUCTION_UPLOAD_HANDLERS
    customer = CustomerFactory(tenant=tenant)

    response = login(manager).post(
        _add_url(customer), {"title": "Contrat", "file": upload("contrat signé.pdf", PDF)}
    )

    assert response.status_code == 302
    with scope(tenant=tenant):
        item = Attachment.objects.get()
    assert (item.mime_type, item.size, item.original_name) == (
        "application/pdf",
        len(PDF),
        "contrat_signé.pdf",
    )
    assert [path.read_bytes() for path in _stored_files(media)] == [PDF]


def test_a_hostile_file_name_is_stored_under_a_safe_name(tenant, manager, media):
    customer = CustomerFactory(tenant=tenant)

    with scope(tenant=tenant):
        item = attachment_create(
            tenant=tenant,
            actor=manager,
            target=customer,
            title="Piège",
            upload=upload("../../etc/passwd\x00.pdf", PDF),
        )

    assert item.original_name == "passwd.pdf"
    stored = Path(item.file.path).resolve()
    assert stored.is_relative_to(Path(media).resolve())
    assert stored.name.endswith(".pdf") and "passwd" not in stored.name and ".." not in item.file.name
    assert not (Path(media) / ".." / ".." / "etc").exists()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("..\\..\\windows\\system32\\evil.pdf", "evil.pdf"),
        ("/etc/passwd\x00.pdf", "passwd.pdf"),
        ("facture\x1b[31m\r\n.pdf", "facture31m.pdf"),
        ("rapport\u202egpj.exe", "rapportgpj.exe"),
        ("...htaccess", "htaccess"),
        (".env", "env"),
        ("Proce\u0300s-verbal e\u0301te\u0301.pdf", "Procès-verbal_été.pdf"),
        ("Réunion à Noël.docx", "Réunion_à_Noël.docx"),
        ("", "document"),
    ],
)
def test_file_names_are_sanitized(name, expected):
    assert filename_sanitize(name) == expected


def test_a_very_long_name_is_capped_with_its_extension():
    clean = filename_sanitize("é" * 500 + ".xlsx")

    assert len(clean) == 150 and clean.endswith(".xlsx") and clean.startswith("ééé")
