"""An export requested by a user, processed by a task, downloadable by its owner until it expires."""

import posixpath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .tenancy import TenantModel


class ExportJob(TenantModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        RUNNING = "running", _("En cours")
        DONE = "done", _("Terminé")
        FAILED = "failed", _("Échec")

    class Format(models.TextChoices):
        XLSX = "xlsx", _("Excel")
        PDF = "pdf", _("PDF")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("demandeur")
    )
    exporter = models.CharField(_("export"), max_length=60)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    sections = models.JSONField(_("sections"), default=list, blank=True)
    parameters = models.JSONField(_("paramètres"), default=dict, blank=True)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("avancement (%)"), default=0)
    file = models.FileField(_("fichier"), upload_to="exports/%Y/%m/", blank=True)
    error = models.TextField(_("erreur"), blank=True)
    created_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expire le"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "owner", "-created_at"], name="exportjob_owner_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="exportjob_progress_max_100"),
        ]

    def __str__(self) -> str:
        return f"{self.exporter} ({self.get_format_display()})"

    @property
    def exporter_label(self) -> str:
        from crm.exports.registry import exporter_registry

        return exporter_registry.label(self.exporter)

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING)

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def download_name(self) -> str:
        """The file's own name, without the random folder that keeps stored paths unguessable."""
        return posixpath.basename(self.file.name) if self.file else ""
