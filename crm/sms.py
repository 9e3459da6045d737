"""The SMS interface: send a text message to a phone number, through a backend chosen by settings.

``SMS_BACKEND`` names a backend of ``BACKENDS``:

- ``""`` or ``"not_configured"`` (default): every send raises SmsError with
  "L'envoi de SMS n'est pas configuré." (no SMS gateway is reachable from here);
- ``"log"``: the message is written to the ``crm.sms`` logger and kept in ``outbox`` (the demo
  settings use it, so the screens work without a gateway).

A real gateway is a class with a ``send(message)`` method registered with ``@register("name")``;
every failure is an SmsError carrying a French message, and the caller writes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from crm.external_services import BackendRegistry

logger = logging.getLogger(__name__)

BACKENDS: BackendRegistry = BackendRegistry()
register = BACKENDS.register


class SmsError(Exception):
    """A failed send; ``message`` is the French text shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SmsMessage:
    to: str  # E.164 (+33612345678)
    body: str


def message_not_configured() -> str:
    return _("L'envoi de SMS n'est pas configuré.")


class SmsBackend:
    """Base class of the backends."""

    def send(self, message: SmsMessage) -> None:
        raise NotImplementedError


@register("not_configured")
class NotConfiguredSmsBackend(SmsBackend):
    def send(self, message: SmsMessage) -> None:
        raise SmsError(message_not_configured())


# Messages "sent" by the log backend (demo and tests read them).
outbox: list[SmsMessage] = []


@register("log")
class LogSmsBackend(SmsBackend):
    def send(self, message: SmsMessage) -> None:
        logger.info("SMS to %s: %s", message.to, message.body)
        outbox.append(message)


def sms_backend() -> SmsBackend:
    """The backend named by settings.SMS_BACKEND ("" or an unknown name → not configured)."""
    name = getattr(settings, "SMS_BACKEND", "") or "not_configured"
    return BACKENDS.get(name, NotConfiguredSmsBackend)()


def sms_send(message: SmsMessage) -> None:
    sms_backend().send(message)
