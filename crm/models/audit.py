"""Audit log: who changed which record, when, what (before/after) and why."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .tenancy import TenantModel


class AuditEntry(TenantModel):
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    action = models.CharField(_("action"), max_length=40)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("type d'objet")
    )
    object_id = models.CharField(_("identifiant"), max_length=64, blank=True)
    object_repr = models.CharField(_("objet"), max_length=200, blank=True)
    changes = models.JSONField(_("modifications"), default=dict, blank=True)
    reason = models.TextField(_("motif"), blank=True)

    class Meta:
        verbose_name = _("entrée du journal d'audit")
        verbose_name_plural = _("journal d'audit")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["tenant", "content_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["tenant", "-created_at"], name="audit_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.action} {self.object_repr}"
