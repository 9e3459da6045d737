"""Deals (affaires) and commercial actions."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.models import TenantModel
from tiers.models import CustomerOwnedModel, customer_indexes


class DealStatus(models.TextChoices):
    UNTREATED = "untreated", _("Non traitée")
    TREATED = "treated", _("Traitée")


class Deal(CustomerOwnedModel):
    number = models.CharField(_("numéro"), max_length=30)
    title = models.CharField(_("intitulé"), max_length=200)
    organisation = models.ForeignKey(
        "crm.InternalOrganisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation interne"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("responsable")
    )
    amount = models.DecimalField(_("montant"), max_digits=14, decimal_places=2, default=0)
    probability = models.PositiveSmallIntegerField(
        _("probabilité %"), default=50, validators=[MaxValueValidator(100)]
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=DealStatus.choices, default=DealStatus.UNTREATED
    )
    opened_on = models.DateField(_("date d'ouverture"))
    expected_on = models.DateField(_("date de signature prévue"), null=True, blank=True)
    closed_on = models.DateField(_("date de clôture"), null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("affaire")
        verbose_name_plural = _("affaires")
        ordering = ["-opened_on", "number"]
        indexes = [
            *customer_indexes("deal"),
            models.Index(fields=["tenant", "customer", "-opened_on"], name="deal_recent_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="deal_number_unique"),
            models.CheckConstraint(condition=Q(probability__lte=100), name="deal_probability_range"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="deal_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class ActionKind(models.TextChoices):
    CALL_OUT = "call_out", _("Appel sortant")
    CALL_IN = "call_in", _("Appel entrant")
    MEETING = "meeting", _("Rendez-vous")
    TASK = "task", _("Tâche")
    EVENT = "event", _("Événement")
    NOTE = "note", _("Note")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class Action(CustomerOwnedModel):
    kind = models.CharField(_("type"), max_length=10, choices=ActionKind.choices, default=ActionKind.CALL_OUT)
    subject = models.CharField(_("objet"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    contact = models.ForeignKey(
        "tiers.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("personne à contacter"),
    )
    participants = models.ManyToManyField(
        "tiers.Contact",
        through="ActionParticipant",
        related_name="+",
        blank=True,
        verbose_name=_("participants"),
    )
    deal = models.ForeignKey(
        Deal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("affaire"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("responsable")
    )
    planned_at = models.DateTimeField(_("date prévue"), null=True, blank=True)
    done_at = models.DateTimeField(_("date de réalisation"), null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("action commerciale")
        verbose_name_plural = _("actions commerciales")
        ordering = ["-planned_at"]
        indexes = [
            *customer_indexes("action"),
            models.Index(fields=["tenant", "customer", "-planned_at"], name="action_recent_idx"),
            models.Index(fields=["tenant", "owner", "done_at"], name="action_owner_todo_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_at__isnull=False) | Q(done_at__isnull=False), name="action_has_a_date"
            )
        ]

    def __str__(self) -> str:
        return self.subject


class ActionParticipant(TenantModel):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="participant_links")
    contact = models.ForeignKey("tiers.Contact", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "action", "contact"], name="actionparticipant_unique")
        ]

    def __str__(self) -> str:
        return f"{self.action_id} → {self.contact_id}"
