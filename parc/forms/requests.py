"""Forms of service requests and interventions; the rules are the services'
(parc.services.requests, parc.services.interventions).

The request form proposes the contracts covering the chosen assets on the start date, all
checked; the checkboxes are rendered by templates/parc/requests/_coverages.html, refreshed by htmx
when the assets or the start date change (the same form, bound to the query string). Each
proposed contract travels as a hidden ``proposed`` id next to its ``coverages`` checkbox, so an
unchecked box is a choice while a contract the user never saw stays checked.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from crm.models import BusinessLine, Company
from parc.forms.assets import site_field, sites_of_customer
from parc.forms.contracts import AssetsChoiceField
from parc.models import RequestNature, ServiceContract, ServiceRequest
from parc.selectors_requests import (
    coverages_proposed,
    request_asset_ids,
    request_assets_choosable,
    requesters_of,
    technicians_of,
)
from parc.services.interventions import duration_parse
from tiers.filters import UserChoiceField
from tiers.models import ThirdParty
from tiers.selectors import third_parties_visible

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
COVERAGES = "coverages"
PROPOSED = "proposed"


def message_principal_unknown(code: str) -> str:
    return _("Aucun tiers accessible ne porte le code %(code)s.") % {"code": code}


@dataclass(frozen=True)
class CoverageRow:
    contract: ServiceContract
    checked: bool


def _int_list(values) -> list[int]:
    return [int(value) for value in values if str(value).isdigit()]


class ServiceRequestForm(forms.Form):
    number = forms.CharField(
        label=_("Numéro"),
        max_length=30,
        required=False,
        help_text=_("Laissez vide pour le numéro suivant (DIT-2026-000123)."),
    )
    started_at = forms.DateTimeField(label=_("Date de début"), widget=DATETIME_WIDGET)
    nature = forms.ChoiceField(label=_("Nature"), choices=RequestNature.choices)
    detail = forms.CharField(label=_("Détail"), widget=forms.Textarea(attrs={"rows": 4}))
    requester = forms.ModelChoiceField(label=_("Demandeur"), queryset=None, required=False)
    principal = forms.CharField(
        label=_("Donneur d'ordre (code)"),
        max_length=200,
        required=False,
        help_text=_("Le tiers pour qui l'intervention est faite ; par défaut : le client."),
    )
    site = site_field()
    business_line = forms.ModelChoiceField(
        label=_("Activité"),
        queryset=None,
        required=False,
        help_text=_("Par défaut : l'activité du premier bien."),
    )
    assets = AssetsChoiceField(label=_("Biens concernés"), queryset=None, required=False)

    def __init__(
        self,
        data=None,
        *,
        tenant: Company,
        user,
        customer: ThirdParty,
        instance: ServiceRequest | None = None,
        coverage_url: str = "",
    ) -> None:
        self.tenant, self.user, self.customer, self.instance = tenant, user, customer, instance
        initial = {"started_at": timezone.localtime().replace(second=0, microsecond=0)}
        if instance is not None:
            initial = {
                "number": instance.number,
                "started_at": timezone.localtime(instance.started_at),
                "nature": instance.nature,
                "detail": instance.detail,
                "requester": instance.requester_id,
                "principal": "" if instance.principal_id == customer.pk else instance.principal.code,
                "site": instance.site_id,
                "business_line": instance.business_line_id,
                "assets": request_asset_ids(tenant=tenant, request=instance),
            }
        super().__init__(data, initial=initial)
        self.fields["requester"].queryset = requesters_of(tenant=tenant, customer=customer)
        self.fields["site"].queryset = sites_of_customer(tenant=tenant, customer=customer)
        self.fields["business_line"].queryset = BusinessLine.objects.filter(tenant=tenant).order_by("name")
        self.fields["assets"].queryset = request_assets_choosable(tenant=tenant, user=user, customer=customer)
        if coverage_url:
            refresh = {
                "hx-get": coverage_url,
                "hx-trigger": "change",
                "hx-target": "#request-coverages",
                "hx-swap": "outerHTML",
                "hx-include": "closest form",
            }
            for name in ("assets", "started_at"):
                self.fields[name].widget.attrs.update(refresh)

    def clean_principal(self) -> ThirdParty | None:
        code = self.cleaned_data["principal"].split("—")[0].strip()
        if not code or code == self.customer.code:
            return None
        try:
            return third_parties_visible(tenant=self.tenant, user=self.user).get(code=code)
        except ThirdParty.DoesNotExist:
            raise ValidationError(message_principal_unknown(code)) from None

    # --- Coverages ---------------------------------------------------------------------------------

    def _chosen_asset_ids(self) -> list[int]:
        if not self.is_bound:
            return list(self.initial.get("assets", []))
        wanted = _int_list(self.data.getlist("assets"))
        if not wanted:
            return []
        return list(self.fields["assets"].queryset.filter(pk__in=wanted).values_list("pk", flat=True))

    def _start(self):
        if not self.is_bound:
            return self.initial.get("started_at")
        try:
            return self.fields["started_at"].clean(self.data.get("started_at"))
        except ValidationError:
            return self.instance.started_at if self.instance is not None else None

    def _stored_choices(self) -> dict[int, bool]:
        if self.instance is None:
            return {}
        return {
            row.contract_id: row.is_selected for row in self.instance.coverages.filter(tenant=self.tenant)
        }

    @cached_property
    def coverage_rows(self) -> list[CoverageRow]:
        """The contracts proposed for the chosen assets on the start date, each checked unless the
        user unchecked it (in this form, or stored on the request)."""
        proposals = coverages_proposed(
            tenant=self.tenant, asset_ids=self._chosen_asset_ids(), on=self._start()
        )
        choices = {**self._stored_choices(), **self.coverage_choices()}
        return [CoverageRow(contract, choices.get(contract.pk, True)) for contract in proposals]

    def coverage_choices(self) -> dict[int, bool]:
        """{contract id: checked} for the contracts the user saw (the ``proposed`` ids)."""
        if not self.is_bound:
            return {}
        checked = set(_int_list(self.data.getlist(COVERAGES)))
        return {pk: pk in checked for pk in _int_list(self.data.getlist(PROPOSED))}

    def service_fields(self) -> dict:
        """The cleaned data as the services take it."""
        data = dict(self.cleaned_data)
        data["assets"] = list(data["assets"] or [])
        data["coverage_choices"] = self.coverage_choices()
        if data["principal"] is None:
            data["principal"] = self.customer
        return data


class InterventionForm(forms.Form):
    technician = UserChoiceField(label=_("Technicien"), queryset=None)
    starts_at = forms.DateTimeField(label=_("Début"), widget=DATETIME_WIDGET)
    ends_at = forms.DateTimeField(label=_("Fin"), widget=DATETIME_WIDGET, required=False)
    duration = forms.CharField(
        label=_("Durée (HH.MM)"),
        max_length=8,
        required=False,
        help_text=_("Calculée depuis le début et la fin quand les deux sont saisis ; 1.30 = 1 h 30."),
    )
    report = forms.CharField(
        label=_("Compte rendu"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, data=None, *, tenant: Company, user, instance=None) -> None:
        initial = {"technician": user.pk, "starts_at": timezone.localtime().replace(second=0, microsecond=0)}
        if instance is not None:
            initial = {
                "technician": instance.technician_id,
                "starts_at": timezone.localtime(instance.starts_at),
                "ends_at": timezone.localtime(instance.ends_at) if instance.ends_at else None,
                "duration": instance.duration_display,
                "report": instance.report,
            }
        super().__init__(data, initial=initial)
        self.fields["technician"].queryset = technicians_of(tenant=tenant)

    def clean_duration(self) -> int | None:
        text = self.cleaned_data["duration"].strip()
        return duration_parse(text) if text else None

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["duration_minutes"] = data.pop("duration") or 0
        return data
