"""E-signature requests: a document (an uploaded file) submitted to a signer through the
configured provider (tiers/signing.py), answered on the signing page (signed or refused, once),
expired by a daily task when nobody answered in time."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import Company
from crm.services.audit import audit_record
from tiers.models import Attachment, AttachmentKind, Signature, SignatureStatus
from tiers.signing import signing_backend, token_hash, token_new

DEFAULT_EXPIRY_DAYS = 14


class SignatureClosed(Exception):
    """The request can no longer be answered; ``message`` is the French page text."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _signer_check(*, document: Attachment, signer_name: str, signer_email: str) -> None:
    errors = {}
    if document.kind != AttachmentKind.FILE:
        errors["document"] = _("Seul un fichier peut être soumis à signature, pas un lien.")
    if not signer_name.strip():
        errors["signer_name"] = _("Le nom du signataire est obligatoire.")
    try:
        validate_email(signer_email.strip())
    except ValidationError:
        errors["signer_email"] = _("Saisissez une adresse e-mail valide pour le signataire.")
    if errors:
        raise ValidationError(errors)


def signature_request(
    *,
    tenant: Company,
    actor,
    document: Attachment,
    signer_name: str,
    signer_email: str,
    absolute_url: Callable[[str], str],
) -> tuple[Signature, str]:
    """Submit ``document`` for signature; returns the row and the token (never stored)."""
    backend = signing_backend()
    _signer_check(document=document, signer_name=signer_name, signer_email=signer_email)
    token = token_new()
    now = timezone.now()
    days = int(getattr(settings, "SIGNATURE_EXPIRY_DAYS", DEFAULT_EXPIRY_DAYS))
    with transaction.atomic():
        item = Signature(
            tenant_id=document.tenant_id,
            customer_id=document.customer_id,
            site_id=document.site_id,
            business_line_id=document.business_line_id,
            target_type_id=document.target_type_id,
            target_id=document.target_id,
            document=document,
            signer_name=signer_name.strip(),
            signer_email=signer_email.strip(),
            provider=backend.name,
            token_hash=token_hash(token),
            sent_at=now,
            expires_at=now + datetime.timedelta(days=days),
            requested_by=actor,
        )
        backend.submit(signature=item, token=token, absolute_url=absolute_url)
        item.save()
        audit_record(tenant=tenant, actor=actor, action="signature.request", instance=item)
    return item, token


def signature_answerable(item: Signature, *, now: datetime.datetime | None = None) -> None:
    """Raise SignatureClosed when ``item`` can no longer be signed or refused."""
    if item.status in (SignatureStatus.SIGNED, SignatureStatus.REFUSED):
        raise SignatureClosed(_("Cette demande de signature a déjà reçu une réponse."))
    if item.status == SignatureStatus.EXPIRED or item.expires_at <= (now or timezone.now()):
        raise SignatureClosed(_("Cette demande de signature a expiré."))


def signature_answer(*, tenant: Company, item: Signature, sign: bool, reason: str = "") -> Signature:
    """The signer's answer from the signing page (no user: the token is the credential)."""
    reason = reason.strip()
    if not sign and not reason:
        raise ValidationError({"reason": _("Indiquez le motif du refus.")})
    with transaction.atomic():
        locked = Signature.objects.select_for_update().get(tenant=tenant, pk=item.pk)
        signature_answerable(locked)
        locked.status = SignatureStatus.SIGNED if sign else SignatureStatus.REFUSED
        locked.answered_at = timezone.now()
        locked.refusal_reason = "" if sign else reason
        locked.save(update_fields=["status", "answered_at", "refusal_reason"])
        audit_record(
            tenant=tenant,
            actor=None,
            action="signature.signed" if sign else "signature.refused",
            instance=locked,
            reason=locked.refusal_reason,
        )
    return locked


def signatures_expire(*, tenant: Company, now: datetime.datetime | None = None) -> int:
    """Mark "expired" the tenant's requests still waiting after their expiry; idempotent."""
    now = now or timezone.now()
    with transaction.atomic():
        count = Signature.objects.filter(
            tenant=tenant, status=SignatureStatus.SENT, expires_at__lt=now
        ).update(status=SignatureStatus.EXPIRED)
        if count:
            audit_record(tenant=tenant, actor=None, action="signature.expire", reason=str(count))
    return count
