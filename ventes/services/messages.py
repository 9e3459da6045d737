"""Messages sent to a customer from its record (seed 001): an e-mail through Django's e-mail
backend (SMTP in production, see README), an SMS through crm.sms (not configured by default).

Every message sent is kept as a done commercial action (kind "email" or "sms") whose notes hold
the recipients and the text, with the e-mail's attachments stored as documents of that action
(tiers' shared records), so it appears in the customer's history. One transaction: the action
and its documents are written first, the message is sent last; a refused or failed send rolls
everything back (and removes the stored files). Audited (``message.email`` / ``message.sms``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import Company
from crm.normalize import InvalidPhone, phone_e164
from crm.services.audit import audit_record
from crm.sms import SmsError, SmsMessage, sms_send
from tiers.models import ThirdParty
from tiers.services.attachments import attachment_create
from ventes.models import Action, ActionKind
from ventes.services.actions import action_create

SUBJECT_MAX = 200
SMS_MAX = 640


def message_no_recipient() -> str:
    return _("Indiquez au moins un destinataire.")


def message_invalid_email(address: str) -> str:
    return _("Adresse e-mail invalide : %(address)s.") % {"address": address}


def message_subject_required() -> str:
    return _("L'objet est obligatoire.")


def message_body_required() -> str:
    return _("Le message est vide.")


def message_send_failed() -> str:
    return _("L'e-mail n'a pas pu être envoyé ; réessayez plus tard.")


def message_invalid_phone() -> str:
    return _("Numéro de portable invalide.")


def message_sms_too_long() -> str:
    return _("Le SMS dépasse %(max)s caractères.") % {"max": SMS_MAX}


def _addresses(values: Iterable[str], field: str, errors: dict[str, list[str]]) -> list[str]:
    addresses = []
    for value in values:
        address = value.strip()
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError:
            errors.setdefault(field, []).append(message_invalid_email(address))
        else:
            addresses.append(address)
    return addresses


def _notes(lines: Sequence[tuple[str, Sequence[str]]], body: str) -> str:
    header = "\n".join(f"{label} : {', '.join(values)}" for label, values in lines if values)
    return f"{header}\n\n{body}"


def _keep(tenant: Company, actor, customer: ThirdParty, kind: str, subject: str, notes: str) -> Action:
    return action_create(
        tenant=tenant,
        actor=actor,
        customer=customer,
        kind=kind,
        subject=subject[:SUBJECT_MAX],
        notes=notes,
        done_at=timezone.now(),
    )


def message_email_send(
    *,
    tenant: Company,
    actor,
    customer: ThirdParty,
    to: Iterable[str],
    cc: Iterable[str] = (),
    bcc: Iterable[str] = (),
    subject: str,
    body: str,
    attachments: Sequence = (),
) -> Action:
    """Send a plain-text e-mail to the customer's people and keep it as a done "email" action with
    its attachments (UploadedFiles, checked as every document). Refusals: ValidationError."""
    errors: dict[str, list[str]] = {}
    recipients = {
        name: _addresses(values, name, errors) for name, values in (("to", to), ("cc", cc), ("bcc", bcc))
    }
    if not recipients["to"] and "to" not in errors:
        errors["to"] = [message_no_recipient()]
    subject, body = subject.strip(), body.strip()
    if not subject:
        errors["subject"] = [message_subject_required()]
    if not body:
        errors["body"] = [message_body_required()]
    if errors:
        raise ValidationError(errors)
    stored: list[str] = []
    try:
        with transaction.atomic():
            notes = _notes(
                ((_("À"), recipients["to"]), (_("Cc"), recipients["cc"]), (_("Cci"), recipients["bcc"])), body
            )
            action = _keep(tenant, actor, customer, ActionKind.EMAIL, subject, notes)
            email = EmailMessage(
                subject=subject,
                body=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=recipients["to"],
                cc=recipients["cc"],
                bcc=recipients["bcc"],
                reply_to=[actor.email] if actor.email else None,
            )
            for upload in attachments:
                document = attachment_create(
                    tenant=tenant, actor=actor, target=action, title=upload.name, upload=upload
                )
                stored.append(document.file.name)
                upload.seek(0)
                email.attach(document.original_name, upload.read(), document.mime_type)
            audit_record(
                tenant=tenant,
                actor=actor,
                action="message.email",
                instance=action,
                changes={name: [None, addresses] for name, addresses in recipients.items()},
            )
            try:
                email.send()
            except OSError as error:  # smtplib.SMTPException is an OSError
                raise ValidationError(message_send_failed()) from error
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return action


def message_sms_send(*, tenant: Company, actor, customer: ThirdParty, to: str, body: str) -> Action:
    """Send an SMS to a customer's mobile through crm.sms and keep it as a done "sms" action.
    Refusals (invalid number, empty or too long text, SMS not configured): ValidationError."""
    errors: dict[str, list[str]] = {}
    try:
        number = phone_e164(to.strip())
    except InvalidPhone:
        errors["to"] = [message_invalid_phone()]
    body = body.strip()
    if not body:
        errors["body"] = [message_body_required()]
    elif len(body) > SMS_MAX:
        errors["body"] = [message_sms_too_long()]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        subject = _("SMS : %(text)s") % {"text": body}
        action = _keep(tenant, actor, customer, ActionKind.SMS, subject, _notes(((_("À"), [number]),), body))
        audit_record(
            tenant=tenant, actor=actor, action="message.sms", instance=action, changes={"to": [None, number]}
        )
        try:
            sms_send(SmsMessage(to=number, body=body))
        except SmsError as error:
            raise ValidationError(error.message) from error
    return action
