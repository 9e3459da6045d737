"""The customer's shared records: documents, exchanges, e-signatures, wiki pages and vault secrets.

Each row stores its customer and its site (when it has one) at creation, so "everything of a
customer" is one indexed query, and points at the record it is about (a customer, a site, an
asset, a service request, an order...) generically, so later apps attach records to their own
models without a change here.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.fields import WebsiteField

from .owned import CustomerOwnedModel


class TargetedRecord(CustomerOwnedModel):
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")

    class Meta:
        abstract = True


def record_indexes(prefix: str) -> list[models.Index]:
    return [
        models.Index(fields=["tenant", "customer"], name=f"{prefix}_customer_idx"),
        models.Index(fields=["tenant", "site"], name=f"{prefix}_site_idx"),
        models.Index(fields=["tenant", "target_type", "target_id"], name=f"{prefix}_target_idx"),
    ]


def attachment_path(instance, filename: str) -> str:
    # The stored name is generated; the sanitized original name is kept in ``original_name``.
    return f"attachments/{instance.tenant_id}/{instance.customer_id}/{filename}"


class AttachmentKind(models.TextChoices):
    FILE = "file", _("Fichier")
    URL = "url", _("Lien")


class Attachment(TargetedRecord):
    kind = models.CharField(
        _("nature"), max_length=4, choices=AttachmentKind.choices, default=AttachmentKind.FILE
    )
    title = models.CharField(_("titre"), max_length=200)
    file = models.FileField(_("fichier"), upload_to=attachment_path, max_length=300, blank=True)
    original_name = models.CharField(_("nom du fichier"), max_length=200, blank=True)
    mime_type = models.CharField(_("type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("taille"), default=0)
    url = WebsiteField(_("adresse"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("déposé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at"]
        indexes = record_indexes("attachment")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="file", url="") & ~Q(file="") | Q(kind="url", file="") & ~Q(url=""),
                name="attachment_file_or_url",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ExchangeStatus(models.TextChoices):
    INTERNAL = "internal", _("Interne")
    SENT = "sent", _("Envoyé")
    FAILED = "failed", _("Échec de l'envoi")


class Exchange(TargetedRecord):
    """Échange: a message of a thread on a service request or an order."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("auteur")
    )
    body = models.TextField(_("message"))
    is_internal = models.BooleanField(_("interne"), default=True)
    recipients = models.TextField(_("destinataires"), blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=ExchangeStatus.choices, default=ExchangeStatus.INTERNAL
    )
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        verbose_name = _("échange")
        verbose_name_plural = _("échanges")
        ordering = ["created_at"]
        indexes = record_indexes("exchange")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_internal=True) | ~Q(recipients=""), name="exchange_sent_has_recipients"
            )
        ]

    def __str__(self) -> str:
        return f"{self.author_id} {self.created_at:%Y-%m-%d}"


class SignatureStatus(models.TextChoices):
    SENT = "sent", _("Envoyée")
    SIGNED = "signed", _("Signée")
    REFUSED = "refused", _("Refusée")
    EXPIRED = "expired", _("Expirée")


class Signature(TargetedRecord):
    """A document submitted for e-signature; the local backend signs through a token link."""

    document = models.ForeignKey(
        Attachment, on_delete=models.PROTECT, related_name="signatures", verbose_name=_("document")
    )
    signer_name = models.CharField(_("signataire"), max_length=150)
    signer_email = models.EmailField(_("e-mail du signataire"))
    provider = models.CharField(_("prestataire"), max_length=30, default="local")
    status = models.CharField(
        _("statut"), max_length=10, choices=SignatureStatus.choices, default=SignatureStatus.SENT
    )
    token_hash = models.CharField(max_length=64, editable=False)
    sent_at = models.DateTimeField(_("envoyée le"))
    expires_at = models.DateTimeField(_("expire le"))
    answered_at = models.DateTimeField(_("réponse le"), null=True, blank=True)
    refusal_reason = models.TextField(_("motif du refus"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["-sent_at"]
        indexes = [
            *record_indexes("signature"),
            models.Index(fields=["tenant", "status", "expires_at"], name="signature_expiry_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "token_hash"], name="signature_token_unique"),
            models.CheckConstraint(
                condition=Q(status="sent") | Q(status="expired") | Q(answered_at__isnull=False),
                name="signature_answer_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.signer_name} — {self.get_status_display()}"


class WikiPage(TargetedRecord):
    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(_("contenu"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("page wiki")
        verbose_name_plural = _("pages wiki")
        ordering = ["title"]
        indexes = record_indexes("wikipage")

    def __str__(self) -> str:
        return self.title


class VaultSecret(TargetedRecord):
    """A credential kept for the customer. ``secret`` and ``notes`` are stored encrypted (Fernet,
    keys from settings, rotation by command); they never appear in lists, admin, logs or errors."""

    label = models.CharField(_("libellé"), max_length=150)
    login = models.CharField(_("identifiant"), max_length=150, blank=True)
    url = WebsiteField(_("adresse"), max_length=500, blank=True)
    secret_encrypted = models.BinaryField(editable=False)
    notes_encrypted = models.BinaryField(editable=False, default=bytes)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("secret du coffre-fort")
        verbose_name_plural = _("coffre-fort")
        ordering = ["label"]
        indexes = record_indexes("vaultsecret")

    def __str__(self) -> str:
        return self.label
