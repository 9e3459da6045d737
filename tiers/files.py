"""Uploaded files: the type is read from the content (magic bytes), never from the name or the
browser's content type, and the original name is sanitized before it is shown or sent back.

Allowed: PDF, PNG, JPEG, GIF, WebP, the ZIP-based office documents (docx, xlsx, pptx, odt) and
plain text / CSV (valid UTF-8 without NUL bytes). Anything else, an executable renamed ``.pdf``
included, is refused.
"""

from __future__ import annotations

import codecs
import os
import zipfile
from dataclasses import dataclass

from django.core.exceptions import SuspiciousFileOperation
from django.utils.text import get_valid_filename

NAME_MAX_LENGTH = 150
HEAD_SIZE = 16
CHUNK_SIZE = 64 * 1024


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
            if "mimetype" in names and archive.read("mimetype").strip() == ODT.mime.encode():
                return ODT
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return None
    return None


def _is_text(file) -> bool:
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
    """A name safe to show and to send back: no path parts, only letters, digits, ``-_.``,
    at most NAME_MAX_LENGTH characters (the extension kept)."""
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
