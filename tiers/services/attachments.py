"""Documents of a customer: an uploaded file (type checked by content, size limited, stored
under a random name) or a link (stored, never fetched). The file leaves the storage only after
the row's deletion is committed."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from crm.models import Company
from crm.services.audit import audit_record
from tiers.files import accepted_types_label, file_type_detect, filename_sanitize, upload_max_bytes
from tiers.models import Attachment, AttachmentKind

from .targets import target_fields

URL_SCHEMES = ("http", "https")
URL_MAX_LENGTH = 500


def attachment_max_bytes() -> int:
    return upload_max_bytes()


def message_too_large() -> str:
    return _("Le fichier dépasse la taille maximale autorisée (%(size)s Mo).") % {
        "size": f"{attachment_max_bytes() / (1024 * 1024):g}"
    }


def message_type_refused() -> str:
    return _("Type de fichier non autorisé. Types acceptés : %(types)s.") % {"types": accepted_types_label()}


def _title_check(title: str) -> str:
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Le titre est obligatoire.")})
    return title


def _file_check(upload) -> tuple:
    if upload.size == 0:
        raise ValidationError({"file": _("Le fichier est vide.")})
    if upload.size > attachment_max_bytes():
        raise ValidationError({"file": message_too_large()})
    file_type = file_type_detect(upload, name=upload.name or "")
    if file_type is None:
        raise ValidationError({"file": message_type_refused()})
    return file_type


def url_check(url: str, *, field: str = "url") -> str:
    url = url.strip()
    if len(url) > URL_MAX_LENGTH:
        raise ValidationError({field: _("L'adresse est trop longue (500 caractères au plus).")})
    if urlsplit(url).scheme.lower() not in URL_SCHEMES:
        raise ValidationError({field: _("Seules les adresses http et https sont acceptées.")})
    try:
        URLValidator(schemes=list(URL_SCHEMES))(url)
    except ValidationError:
        raise ValidationError({field: _("Saisissez une adresse web valide.")}) from None
    return url


def attachment_create(
    *, tenant: Company, actor, target, title: str, upload=None, url: str = ""
) -> Attachment:
    """A document about ``target`` (a customer, a site or a customer-owned row): ``upload`` (an
    UploadedFile) or ``url``, not both."""
    title = _title_check(title)
    if (upload is None) == (not url.strip()):
        raise ValidationError(_("Joignez un fichier ou indiquez une adresse, pas les deux."))
    item = Attachment(**target_fields(target), title=title, uploaded_by=actor)
    if upload is None:
        item.kind, item.url = AttachmentKind.URL, url_check(url)
        with transaction.atomic():
            item.save()
            audit_record(tenant=tenant, actor=actor, action="attachment.create", instance=item)
        return item

    file_type = _file_check(upload)
    item.kind = AttachmentKind.FILE
    item.original_name = filename_sanitize(upload.name or "", default=f"document.{file_type.extension}")
    item.mime_type, item.size = file_type.mime, upload.size
    item.file.save(f"{uuid.uuid4().hex}.{file_type.extension}", upload, save=False)
    stored = item.file.name
    try:
        with transaction.atomic():
            item.save()
            audit_record(tenant=tenant, actor=actor, action="attachment.create", instance=item)
    except BaseException:
        default_storage.delete(stored)
        raise
    return item


def attachment_delete(*, tenant: Company, actor, item: Attachment) -> None:
    """Delete the row; its file is removed from the storage once the deletion is committed.
    A document still submitted for signature is kept."""
    if item.signatures.exists():
        raise ValidationError(_("Ce document a été soumis à signature : il ne peut pas être supprimé."))
    stored = item.file.name if item.kind == AttachmentKind.FILE else ""
    with transaction.atomic():
        audit_record(tenant=tenant, actor=actor, action="attachment.delete", instance=item)
        item.delete()
        if stored:
            transaction.on_commit(lambda: default_storage.delete(stored))
