"""Encryption at rest of the vault's secrets (Fernet: AES-128-CBC + HMAC-SHA256, from the
``cryptography`` package).

``settings.VAULT_KEYS`` lists Fernet keys, newest first: the first encrypts, any decrypts
(MultiFernet), so a new key can be put in front and ``rotate_vault_key`` re-encrypts every secret
with it before the old key is removed. Without VAULT_KEYS a key is derived from SECRET_KEY, so
development works out of the box; production settings refuse to start without VAULT_KEYS.
Plain values are never logged or put in exception messages.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class VaultError(Exception):
    """A secret cannot be read (unknown key, altered data); the message never holds the secret."""


def _derived_key() -> bytes:
    digest = hashlib.sha256(f"crm360-vault:{settings.SECRET_KEY}".encode()).digest()
    return base64.urlsafe_b64encode(digest)


def _cipher() -> MultiFernet:
    keys = [key.strip() for key in settings.VAULT_KEYS if key.strip()] or [_derived_key().decode()]
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured("VAULT_KEYS holds an invalid Fernet key.") from exc


def encrypt(plain: str) -> bytes:
    return _cipher().encrypt(plain.encode())


def decrypt(token: bytes | memoryview) -> str:
    if not token:
        return ""
    try:
        return _cipher().decrypt(bytes(token)).decode()
    except InvalidToken:
        raise VaultError("Le secret ne peut pas être déchiffré (clé inconnue ou donnée altérée).") from None


def rotate(token: bytes | memoryview) -> bytes:
    """The same secret encrypted with the newest key."""
    if not token:
        return token
    try:
        return _cipher().rotate(bytes(token))
    except InvalidToken:
        raise VaultError("Le secret ne peut pas être déchiffré (clé inconnue ou donnée altérée).") from None


def new_key() -> str:
    return Fernet.generate_key().decode()


if __name__ == "__main__":  # pragma: no cover - prints a key for VAULT_KEYS
    print(new_key())
