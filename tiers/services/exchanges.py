"""Exchanges (échanges): the messages of a thread on a record (a service request, an order, a
customer...). An internal message stays in the thread; a sent one is e-mailed to its recipients
once the transaction is committed, and its status becomes "sent" or "failed" (the error is kept
in the audit log entry of the failure)."""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import Company
from crm.services.audit import audit_record
from crm.services.tenant_binding import tenant_context
from tiers.models import Exchange, ExchangeStatus

from .targets import target_fields

logger = logging.getLogger(__name__)

SEPARATORS = re.compile(r"[,;\s]+")
ERROR_MAX_LENGTH = 500


def recipients_parse(raw: str) -> list[str]:
    """The addresses of ``raw`` (separated by commas or semicolons), each validated."""
    addresses = [address for address in SEPARATORS.split(raw.strip()) if address]
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError(
                {"recipients": _("Adresse e-mail invalide : %(address)s.") % {"address": address}}
            ) from None
    return list(dict.fromkeys(addresses))


def exchange_create(
    *, tenant: Company, actor, target, body: str, is_internal: bool = True, recipients: str = ""
) -> Exchange:
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Le message est obligatoire.")})
    addresses = [] if is_internal else recipients_parse(recipients)
    if not is_internal and not addresses:
        raise ValidationError({"recipients": _("Indiquez au moins un destinataire pour un message envoyé.")})
    with transaction.atomic():
        item = Exchange(
            **target_fields(target),
            author=actor,
            body=body,
            is_internal=is_internal,
            recipients=", ".join(addresses),
            # "sent" without a date: queued; the date is set once the mail server accepted it.
            status=ExchangeStatus.INTERNAL if is_internal else ExchangeStatus.SENT,
        )
        item.save()
        audit_record(tenant=tenant, actor=actor, action="exchange.create", instance=item)
        if not is_internal:
            transaction.on_commit(lambda: exchange_send(tenant=tenant, actor=actor, exchange_id=item.pk))
    return item


def exchange_send(*, tenant: Company, actor, exchange_id: int) -> Exchange | None:
    """E-mail a committed exchange to its recipients and record the outcome."""
    with tenant_context(tenant):
        item = Exchange.objects.select_related("author").filter(tenant=tenant, pk=exchange_id).first()
        if item is None:
            return None
        author = item.author.get_full_name() or item.author.get_username()
        message = EmailMessage(
            subject=_("Message de %(author)s — %(company)s") % {"author": author, "company": tenant.name},
            body=item.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address.strip() for address in item.recipients.split(",") if address.strip()],
            reply_to=[item.author.email] if item.author.email else None,
        )
        try:
            message.send(fail_silently=False)
        except Exception as exc:  # the mail server's refusal, whatever its class
            logger.warning("Exchange %s could not be sent: %s", item.pk, type(exc).__name__)
            with transaction.atomic():
                item.status = ExchangeStatus.FAILED
                item.save(update_fields=["status"])
                audit_record(
                    tenant=tenant,
                    actor=actor,
                    action="exchange.send_failed",
                    instance=item,
                    reason=str(exc)[:ERROR_MAX_LENGTH] or type(exc).__name__,
                )
            return item
        with transaction.atomic():
            item.status, item.sent_at = ExchangeStatus.SENT, timezone.now()
            item.save(update_fields=["status", "sent_at"])
            audit_record(tenant=tenant, actor=actor, action="exchange.sent", instance=item)
        return item


def exchange_delete(*, tenant: Company, actor, item: Exchange) -> None:
    with transaction.atomic():
        audit_record(tenant=tenant, actor=actor, action="exchange.delete", instance=item)
        item.delete()
