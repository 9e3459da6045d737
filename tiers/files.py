"""Uploaded files: the type is read from the content (magic bytes), never from the name or the
browser's content type, and the original name is sanitized before it is shown or sent back.

Allowed: PDF, PNG, JPEG, GIF, WebP, the ZIP-based office documents (docx, xlsx, pptx, odt, ods,
odp) and plain text / CSV (valid UTF-8 without NUL bytes, not starting like an HTML/XML/SVG page). Anything else, an executable or an
HTML page renamed ``.pdf`` included, is refused.

UploadSizeLimitHandler (first in FILE_UPLOAD_HANDLERS, see crm/settings/production.py) drops a
file larger than ATTACHMENT_MAX_BYTES while it is received, before it is stored whole.
"""

from __future__ import annotations

import codecs
import os
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

NAME_MAX_LENGTH = 150
HEAD_SIZE = 16
CHUNK_SIZE = 64 * 1024
MARKUP_SNIFF_SIZE = 1024


@dataclass(frozen=True)
class FileType:
    mime: str
    extension: str

    @property
    def inline(self) -> bool:
        """Shown in the browser (PDF and images), behind nosniff and a sandboxing CSP."""
        return self.mime == "application/pdf" or self.mime.startswith("image/")


PDF = FileType("application/pdf", "pdf")
PNG = FileType("image/png", "png")
JPEG = FileType("image/jpeg", "jpg")
GIF = FileType("image/gif", "gif")
WEBP = FileType("image/webp", "webp")
TEXT = FileType("text/plain", "txt")
CSV = FileType("text/csv", "csv")

# Entry that identifies each ZIP-based document.
OFFICE_MARKERS = (
    (
        "word/document.xml",
        FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    ),
    (
        "xl/workbook.xml",
        FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    ),
    (
        "ppt/presentation.xml",
        FileType("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
    ),
)
ODT = FileType("application/vnd.oasis.opendocument.text", "odt")
ODS = FileType("application/vnd.oasis.opendocument.spreadsheet", "ods")
ODP = FileType("application/vnd.oasis.opendocument.presentation", "odp")
# OpenDocument files name their type in their first entry, "mimetype".
OPENDOCUMENT_TYPES = {file_type.mime.encode(): file_type for file_type in (ODT, ODS, ODP)}


def accepted_types_label() -> str:
    """The accepted types, as the refusal message names them."""
    return _(
        "PDF, images (PNG, JPEG, GIF, WebP), documents Word, Excel et PowerPoint (docx, xlsx, pptx), "
        "OpenDocument (odt, ods, odp), texte et CSV"
    )


def _magic(head: bytes) -> FileType | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return WEBP
    return None


def _zip_document(file) -> FileType | None:
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            for marker, file_type in OFFICE_MARKERS:
                if marker in names:
                    return file_type
            if "mimetype" in names:
                return OPENDOCUMENT_TYPES.get(archive.read("mimetype").strip())
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return None
    return None


def _is_markup(head: bytes) -> bool:
    """HTML, XML or SVG (what a browser would sniff as a page): a text that starts, after a byte
    order mark and blanks, with ``<`` then a letter, ``!``, ``?`` or ``/``."""
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n\x0c")
    return len(text) > 1 and text[:1] == b"<" and (text[1:2].isalpha() or text[1:2] in b"!?/")


def _is_text(file) -> bool:
    if _is_markup(file.read(MARKUP_SNIFF_SIZE)):
        return False
    file.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := file.read(CHUNK_SIZE):
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def file_type_detect(file, *, name: str = "") -> FileType | None:
    """The type of ``file`` (a binary file object) read from its content, or None when it is not
    allowed. ``name`` only chooses between .txt and .csv for plain text."""
    file.seek(0)
    head = file.read(HEAD_SIZE)
    try:
        found = _magic(head)
        if found is None and head.startswith(b"PK\x03\x04"):
            file.seek(0)
            return _zip_document(file)
        if found is None and head:
            file.seek(0)
            if _is_text(file):
                return CSV if name.lower().endswith(".csv") else TEXT
        return found
    finally:
        file.seek(0)


def filename_sanitize(name: str, *, default: str = "document") -> str:
    """A name safe to show and to send back: Unicode composed (NFC, so "é" stays one letter), no
    control or invisible formatting characters, no path parts, no leading dot, only letters
    (accents kept), digits, ``-_.``, at most NAME_MAX_LENGTH characters (the extension kept)."""
    name = unicodedata.normalize("NFC", name)
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C")
    base = os.path.basename(name.replace("\\", "/")).strip()
    try:
        clean = get_valid_filename(base)
    except SuspiciousFileOperation:
        return default
    clean = clean.lstrip(".") or default
    if len(clean) > NAME_MAX_LENGTH:
        stem, ext = os.path.splitext(clean)
        ext = ext[:16]
        clean = stem[: NAME_MAX_LENGTH - len(ext)] + ext
    return clean


def upload_max_bytes() -> int:
    return int(getattr(settings, "ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))


class UploadSizeLimitHandler(FileUploadHandler):
    """Drops an uploaded file as soon as more than ATTACHMENT_MAX_BYTES of it is received: it
    is never stored whole, neither in memory nor in a temporary file. The field's name is
    added to ``request.uploads_too_large`` so that the page can say why the file is missing."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > upload_max_bytes():
            refused = getattr(self.request, "uploads_too_large", set())
            refused.add(self.field_name)
            self.request.uploads_too_large = refused
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None
