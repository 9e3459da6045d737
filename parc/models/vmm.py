"""Bookkeeping of the monthly VMM batch (parc.services.vmm_runs): a run per (tenant, month,
attempt) and its chunks of assets, each processed by one task under a lease."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from crm.models import TenantModel


class VmmRunState(models.TextChoices):
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminé")
    FAILED = "failed", _("En échec")


class VmmRun(TenantModel):
    """One computation of a month's VMM for a tenant; running a month again is a new attempt."""

    month = models.DateField(_("mois"))
    attempt = models.PositiveIntegerField(_("tentative"))
    state = models.CharField(
        _("état"), max_length=10, choices=VmmRunState.choices, default=VmmRunState.RUNNING
    )
    started_at = models.DateTimeField(_("lancé le"))
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    asset_count = models.PositiveIntegerField(_("biens"), default=0)
    chunk_count = models.PositiveIntegerField(_("lots"), default=0)
    rows_written = models.PositiveIntegerField(_("lignes écrites"), default=0)
    error = models.TextField(_("erreur"), blank=True)

    class Meta:
        verbose_name = _("calcul des VMM")
        verbose_name_plural = _("calculs des VMM")
        ordering = ["-month", "-attempt"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "month", "attempt"], name="vmmrun_attempt_unique"),
            models.CheckConstraint(condition=Q(month__day=1), name="vmmrun_first_of_month"),
        ]
        indexes = [models.Index(fields=["tenant", "state"], name="vmmrun_state_idx")]

    def __str__(self) -> str:
        return f"VMM {self.month:%m/%Y} #{self.attempt}"


class VmmChunk(TenantModel):
    """The assets of a run whose id lies in [first_asset_id, last_asset_id]. A worker claims it by
    setting ``lease_until`` and ``claimed_by`` (the task id, so a retry of that task takes its
    lease back) and bumping ``attempts`` (its claim token); ``done_at`` and
    ``rows_written`` are set in the transaction of the chunk's upsert."""

    run = models.ForeignKey(VmmRun, on_delete=models.CASCADE, related_name="chunks", verbose_name=_("calcul"))
    position = models.PositiveIntegerField(_("n°"))
    first_asset_id = models.BigIntegerField(_("premier bien"))
    last_asset_id = models.BigIntegerField(_("dernier bien"))
    asset_count = models.PositiveIntegerField(_("biens"))
    lease_until = models.DateTimeField(_("réservé jusqu'au"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("essais"), default=0)
    claimed_by = models.CharField(_("réservé par"), max_length=64, blank=True)
    done_at = models.DateTimeField(_("fait le"), null=True, blank=True)
    rows_written = models.PositiveIntegerField(_("lignes écrites"), null=True, blank=True)
    error = models.TextField(_("erreur"), blank=True)

    class Meta:
        verbose_name = _("lot de calcul des VMM")
        verbose_name_plural = _("lots de calcul des VMM")
        ordering = ["run", "position"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "run", "position"], name="vmmchunk_position_unique"),
            models.CheckConstraint(
                condition=Q(first_asset_id__lte=F("last_asset_id")), name="vmmchunk_asset_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.run} lot {self.position}"
