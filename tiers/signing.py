"""E-signature providers, chosen by ``settings.SIGNATURE_BACKEND``.

- ``""`` (default): not configured; a request is refused with a French message.
- ``"local"``: the application's own signing page. The signer receives an e-mail with a link that
  carries a random token (256 bits); only the token's SHA-256 is stored, so the link is looked up
  by its hash (no timing-sensitive comparison) and cannot be rebuilt from the database.

A provider only delivers the request; the status of the Signature row is kept by
tiers.services.signatures.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _


def token_new() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SigningBackend(Protocol):
    name: str

    def submit(self, *, signature, token: str, absolute_url: Callable[[str], str]) -> None:
        """Deliver the request for ``signature`` (called inside the creating transaction)."""


class NotConfiguredBackend:
    name = ""

    def submit(self, *, signature, token: str, absolute_url: Callable[[str], str]) -> None:
        raise ValidationError(_("La signature électronique n'est pas configurée."))


class LocalBackend:
    """The in-app signing page: an e-mail with the link, sent once the request is committed."""

    name = "local"

    def submit(self, *, signature, token: str, absolute_url: Callable[[str], str]) -> None:
        link = absolute_url(reverse("tiers:sign", kwargs={"token": token}))
        subject = _("Document à signer : %(title)s") % {"title": signature.document.title}
        body = _(
            "Bonjour %(name)s,\n\n"
            "Le document « %(title)s » vous est soumis pour signature.\n"
            "Consultez-le, puis signez-le ou refusez-le à cette adresse :\n%(link)s\n\n"
            "Ce lien est personnel et expire le %(expires)s."
        ) % {
            "name": signature.signer_name,
            "title": signature.document.title,
            "link": link,
            "expires": formats.date_format(signature.expires_at, "SHORT_DATETIME_FORMAT"),
        }
        recipient = signature.signer_email
        transaction.on_commit(
            lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient], fail_silently=False)
        )


BACKENDS: dict[str, type] = {"": NotConfiguredBackend, "local": LocalBackend}


def signing_backend() -> SigningBackend:
    name = getattr(settings, "SIGNATURE_BACKEND", "")
    try:
        return BACKENDS[name]()
    except KeyError:
        return NotConfiguredBackend()
