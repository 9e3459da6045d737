"""Factories and sample files of the customer's shared records tests."""

from __future__ import annotations

import datetime
import io
import zipfile

import factory
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone
from django_scopes import scope

from tests.factories import TenantFactory, member
from tests.tiers.factories_sites_banks import CustomerFactory
from tiers import models as tiers
from tiers import vault
from tiers.signing import token_hash, token_new

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
CSV = "code;nom\n001;Société Générale d'Exemple\n".encode()


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    """A browser upload: the content type is what the browser claims, never trusted."""
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


class _TargetedFactory(TenantFactory):
    class Meta:
        abstract = True

    customer = factory.SubFactory(CustomerFactory)
    tenant = factory.SelfAttribute("customer.tenant")
    target_type = factory.LazyFunction(lambda: ContentType.objects.get_for_model(tiers.ThirdParty))
    target_id = factory.SelfAttribute("customer.pk")


class UrlAttachmentFactory(_TargetedFactory):
    class Meta:
        model = tiers.Attachment

    kind = tiers.AttachmentKind.URL
    title = factory.Sequence(lambda n: f"Lien {n}")
    url = factory.Sequence(lambda n: f"https://docs.example.com/{n}")


class FileAttachmentFactory(_TargetedFactory):
    class Meta:
        model = tiers.Attachment

    kind = tiers.AttachmentKind.FILE
    title = factory.Sequence(lambda n: f"Contrat {n}")
    file = factory.django.FileField(filename="contrat.pdf", data=PDF)
    original_name = "contrat.pdf"
    mime_type = "application/pdf"
    size = len(PDF)


class WikiPageFactory(_TargetedFactory):
    class Meta:
        model = tiers.WikiPage

    title = factory.Sequence(lambda n: f"Procédure {n}")
    body = "Ligne 1\nLigne 2"


class ExchangeFactory(_TargetedFactory):
    class Meta:
        model = tiers.Exchange

    author = factory.LazyAttribute(lambda o: member(o.tenant))
    body = "Bonjour, le technicien passe jeudi."


class VaultSecretFactory(_TargetedFactory):
    class Meta:
        model = tiers.VaultSecret

    label = factory.Sequence(lambda n: f"Routeur {n}")
    login = "admin"
    secret_encrypted = factory.LazyFunction(lambda: vault.encrypt("s3cret-du-routeur"))


def signature_with_token(
    tenant,
    *,
    document: tiers.Attachment | None = None,
    expires_in: datetime.timedelta | None = None,
    **fields,
) -> tuple[tiers.Signature, str]:
    """A "sent" request of the local provider and its link's token."""
    document = document or FileAttachmentFactory(customer=CustomerFactory(tenant=tenant))
    token = token_new()
    now = timezone.now()
    with scope(tenant=tenant):
        item = tiers.Signature.objects.create(
            tenant=tenant,
            customer_id=document.customer_id,
            target_type_id=document.target_type_id,
            target_id=document.target_id,
            document=document,
            signer_name="Marie Martin",
            signer_email="marie.martin@example.com",
            token_hash=token_hash(token),
            sent_at=now,
            expires_at=now + (expires_in if expires_in is not None else datetime.timedelta(days=14)),
            **fields,
        )
    return item, token


class FailingEmailBackend(BaseEmailBackend):
    """A mail server that refuses every message."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("Connexion au serveur SMTP refusée")
