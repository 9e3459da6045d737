"""Writes of service requests (DIT) and of the contract coverages they propose.

Request rules: the number is unique in the company and generated from the company's counter of
the start year (``DIT-2026-000123``) when left blank; the detail is required; the requester is a
contact linked to the customer; the assets belong to the customer; the principal (ordering party,
whose billing defaults apply: parc.selectors_requests.request_billing_party) defaults to the
customer and must be a third party the user may see; site and business line default from the
first asset. A closed or cancelled request is no longer edited.

Coverages: every active contract covering the request's assets on its start date is proposed and
stored as a ServiceRequestCoverage, checked by default; the user's choices (``coverage_choices``:
contract id → checked, for the contracts the user saw) are kept; a change of assets recomputes the
proposals, keeping the choices of the contracts still proposed.

States: new → in progress / waiting → closed (``service_request_close``) or cancelled; in progress
and waiting alternate. A cancelled request is final. Reopening a closed request (back to "in
progress", closed_at cleared) is allowed only to users who may change service requests
(``parc.change_servicerequest``: technicians, managers, administrators); anybody else is refused
with a message. Closing emits the domain event ``service_request.closed`` in the same transaction.
Every write is audited.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.events import domain_events
from crm.models import Company
from crm.services.audit import audit_changes, audit_record, audit_snapshot
from crm.services.counters import counter_format
from parc.models import (
    OPEN_STATES,
    Asset,
    RequestState,
    ServiceRequest,
    ServiceRequestAsset,
    ServiceRequestCoverage,
)
from parc.selectors_requests import (
    coverages_proposed,
    request_asset_ids,
    request_selected_contract_ids,
    request_total_minutes,
)
from tiers.models import ContactLink, ThirdParty
from tiers.selectors import third_parties_visible

from .assets import _fields_check, _tenant_check, message_foreign_site

EVENT_CLOSED = "service_request.closed"
NUMBER_COUNTER = "service_requests"
NUMBER_PREFIX = "DIT"
NUMBER_WIDTH = 6
REOPEN_PERMISSION = "parc.change_servicerequest"

REQUEST_FIELDS = (
    "number",
    "detail",
    "requester",
    "nature",
    "started_at",
    "principal",
    "site",
    "business_line",
)
_AUDITED = (
    "number",
    "detail",
    "requester_id",
    "nature",
    "state",
    "started_at",
    "closed_at",
    "principal_id",
    "site_id",
    "business_line_id",
)
# Allowed moves of service_request_state_set (closing goes through service_request_close).
TRANSITIONS = {
    RequestState.NEW: {RequestState.IN_PROGRESS, RequestState.WAITING, RequestState.CANCELLED},
    RequestState.IN_PROGRESS: {RequestState.WAITING, RequestState.CANCELLED},
    RequestState.WAITING: {RequestState.IN_PROGRESS, RequestState.CANCELLED},
    RequestState.CLOSED: {RequestState.IN_PROGRESS},
    RequestState.CANCELLED: set(),
}


def message_number_taken(number: str) -> str:
    return _("Le numéro de demande %(number)s existe déjà.") % {"number": number}


def message_detail_required() -> str:
    return _("Le détail de la demande est obligatoire.")


def message_requester_not_linked(contact, customer: ThirdParty) -> str:
    return _("%(contact)s n'est pas un contact du client %(customer)s.") % {
        "contact": contact,
        "customer": customer.name,
    }


def message_foreign_asset(asset: Asset, customer: ThirdParty) -> str:
    return _("Le bien %(asset)s n'appartient pas au client %(customer)s de la demande.") % {
        "asset": asset.display_label,
        "customer": customer.name,
    }


def message_principal_hidden() -> str:
    return _("Ce donneur d'ordre n'existe pas ou ne vous est pas accessible.")


def message_not_editable(request: ServiceRequest) -> str:
    return _("La demande %(number)s est %(state)s : elle ne peut plus être modifiée.") % {
        "number": request.number,
        "state": request.get_state_display().lower(),
    }


def message_transition_refused(request: ServiceRequest, state: str) -> str:
    return _("Une demande « %(current)s » ne peut pas passer à l'état « %(state)s ».") % {
        "current": request.get_state_display(),
        "state": RequestState(state).label,
    }


def message_reopen_refused() -> str:
    return _("Vous n'avez pas le droit de rouvrir une demande clôturée.")


def message_close_refused(request: ServiceRequest) -> str:
    return _("La demande %(number)s est déjà %(state)s : elle ne peut pas être clôturée.") % {
        "number": request.number,
        "state": request.get_state_display().lower(),
    }


def message_closed_before_start() -> str:
    return _("La date de clôture doit être postérieure à la date de début de la demande.")


def number_next(*, tenant: Company, year: int) -> str:
    """The next request number of ``year`` (one counter per year): DIT-2026-000123."""
    return counter_format(
        tenant=tenant,
        key=f"{NUMBER_COUNTER}:{year}",
        width=NUMBER_WIDTH,
        prefix=f"{NUMBER_PREFIX}-{year}-",
    )


def _local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def _request_clean(request: ServiceRequest, *, actor, assets: list[Asset]) -> None:
    errors: dict[str, list[str]] = {}
    if not (request.detail or "").strip():
        errors["detail"] = [message_detail_required()]
    if request.requester is not None and not (
        ContactLink.objects.filter(
            tenant_id=request.tenant_id, third_party_id=request.customer_id, contact=request.requester
        ).exists()
    ):
        errors["requester"] = [message_requester_not_linked(request.requester, request.customer)]
    if request.principal_id != request.customer_id and not (
        third_parties_visible(tenant=request.tenant, user=actor).filter(pk=request.principal_id).exists()
    ):
        errors["principal"] = [message_principal_hidden()]
    if request.site is not None and request.site.third_party_id != request.customer_id:
        errors["site"] = [message_foreign_site()]
    foreign = [asset for asset in assets if asset.customer_id != request.customer_id]
    if foreign:
        errors["assets"] = [message_foreign_asset(asset, request.customer) for asset in foreign]
    if (
        request.number
        and ServiceRequest.objects.filter(tenant_id=request.tenant_id, number=request.number)
        .exclude(pk=request.pk)
        .exists()
    ):
        errors["number"] = [message_number_taken(request.number)]
    if errors:
        raise ValidationError(errors)


def _assets_link(tenant: Company, request: ServiceRequest, assets: list[Asset]) -> tuple[list, list]:
    """Make the request's assets exactly ``assets``; returns (ids before, ids after)."""
    before = request_asset_ids(tenant=tenant, request=request)
    after = list(dict.fromkeys(asset.pk for asset in assets))
    removed = set(before) - set(after)
    if removed:
        ServiceRequestAsset.objects.filter(tenant=tenant, request=request, asset_id__in=removed).delete()
    ServiceRequestAsset.objects.bulk_create(
        [
            ServiceRequestAsset(tenant=tenant, request=request, asset_id=pk)
            for pk in after
            if pk not in set(before)
        ]
    )
    return before, after


def _coverages_sync(
    tenant: Company, request: ServiceRequest, asset_ids: list[int], choices: Mapping[int, bool] | None
) -> tuple[dict, dict]:
    """Store one coverage per contract proposed for ``asset_ids``; a contract's checked state is
    the user's choice (``choices``), else the stored one, else checked. Returns (before, after)
    as {contract id: selected}."""
    stored = {
        row.contract_id: row
        for row in ServiceRequestCoverage.objects.filter(tenant=tenant, request=request).order_by("pk")
    }
    before = {pk: row.is_selected for pk, row in stored.items()}
    choices = choices or {}
    proposed = coverages_proposed(tenant=tenant, asset_ids=asset_ids, on=request.started_at)
    after: dict[int, bool] = {}
    for contract in proposed:
        current = stored.get(contract.pk)
        default = current.is_selected if current is not None else True
        after[contract.pk] = bool(choices.get(contract.pk, default))
    gone = set(stored) - set(after)
    if gone:
        ServiceRequestCoverage.objects.filter(tenant=tenant, request=request, contract_id__in=gone).delete()
    changed = [
        stored[pk] for pk, selected in after.items() if pk in stored and stored[pk].is_selected != selected
    ]
    for row in changed:
        row.is_selected = after[row.contract_id]
    ServiceRequestCoverage.objects.bulk_update(changed, ["is_selected"])
    ServiceRequestCoverage.objects.bulk_create(
        [
            ServiceRequestCoverage(tenant=tenant, request=request, contract_id=pk, is_selected=selected)
            for pk, selected in after.items()
            if pk not in stored
        ]
    )
    return before, after


def _defaults_from_assets(request: ServiceRequest, assets: list[Asset]) -> None:
    if assets and request.business_line_id is None:
        request.business_line_id = assets[0].business_line_id
    if assets and request.site_id is None and assets[0].site_id is not None:
        request.site_id = assets[0].site_id


def _links_changes(changes: dict, assets: tuple[list, list], coverages: tuple[dict, dict]) -> dict:
    if assets[0] != assets[1]:
        changes["assets"] = [assets[0], assets[1]]
    if coverages[0] != coverages[1]:
        changes["coverages"] = [
            {str(k): v for k, v in coverages[0].items()},
            {str(k): v for k, v in coverages[1].items()},
        ]
    return changes


@transaction.atomic
def service_request_create(
    *,
    tenant: Company,
    actor,
    customer: ThirdParty,
    assets: Iterable[Asset] = (),
    coverage_choices: Mapping[int, bool] | None = None,
    **fields: Any,
) -> ServiceRequest:
    """Create a request of ``customer`` (``fields``: see REQUEST_FIELDS) about ``assets``, storing
    the proposed coverages (all checked unless ``coverage_choices`` unchecks some)."""
    _fields_check(fields, REQUEST_FIELDS)
    assets = list(assets)
    request = ServiceRequest(tenant=tenant, customer=customer, created_by=actor, **fields)
    request.number = (request.number or "").strip()
    if request.started_at is None:
        request.started_at = timezone.now()
    if request.principal_id is None:
        request.principal = customer
    _tenant_check(tenant, customer, request.requester, request.principal, request.site, request.business_line)
    _tenant_check(tenant, *assets)
    _defaults_from_assets(request, assets)
    _request_clean(request, actor=actor, assets=assets)
    if not request.number:
        request.number = number_next(tenant=tenant, year=_local_date(request.started_at).year)
    request.full_clean()
    request.save()
    links = _assets_link(tenant, request, assets)
    coverages = _coverages_sync(tenant, request, links[1], coverage_choices)
    changes = _links_changes(audit_changes({}, audit_snapshot(request, _AUDITED)), links, coverages)
    audit_record(
        tenant=tenant, actor=actor, action="service_request.create", instance=request, changes=changes
    )
    return request


def _editable_check(request: ServiceRequest) -> None:
    if request.state not in OPEN_STATES:
        raise ValidationError(message_not_editable(request))


@transaction.atomic
def service_request_update(
    *,
    tenant: Company,
    actor,
    request: ServiceRequest,
    assets: Iterable[Asset] | None = None,
    coverage_choices: Mapping[int, bool] | None = None,
    **fields: Any,
) -> ServiceRequest:
    """Change an open request's fields, assets (None: unchanged) and coverage choices; the
    proposals are recomputed from the assets and the start date."""
    _fields_check(fields, REQUEST_FIELDS)
    if request.tenant_id != tenant.pk:
        raise ValueError("The service request does not belong to the tenant.")
    _editable_check(request)
    before = audit_snapshot(request, _AUDITED)
    for name, value in fields.items():
        setattr(request, name, value)
    request.number = (request.number or "").strip() or before["number"]
    if request.principal_id is None:
        request.principal = request.customer
    if assets is None:
        assets = list(Asset.objects.filter(tenant=tenant, request_links__request=request).order_by("pk"))
    assets = list(assets)
    _tenant_check(tenant, request.requester, request.principal, request.site, request.business_line, *assets)
    _defaults_from_assets(request, assets)
    _request_clean(request, actor=actor, assets=assets)
    request.full_clean()
    request.save()
    links = _assets_link(tenant, request, assets)
    coverages = _coverages_sync(tenant, request, links[1], coverage_choices)
    changes = _links_changes(audit_changes(before, audit_snapshot(request, _AUDITED)), links, coverages)
    if changes:
        audit_record(
            tenant=tenant, actor=actor, action="service_request.update", instance=request, changes=changes
        )
    return request


@transaction.atomic
def service_request_state_set(
    *, tenant: Company, actor, request: ServiceRequest, state: str
) -> ServiceRequest:
    """Move ``request`` to ``state`` (not "closed": see service_request_close); reopening a closed
    request needs ``parc.change_servicerequest``."""
    if request.tenant_id != tenant.pk:
        raise ValueError("The service request does not belong to the tenant.")
    if state == RequestState.CLOSED:
        return service_request_close(tenant=tenant, actor=actor, request=request)
    if state == request.state:
        return request
    if state not in TRANSITIONS[RequestState(request.state)]:
        raise ValidationError({"state": [message_transition_refused(request, state)]})
    if request.state == RequestState.CLOSED and not actor.has_perm(REOPEN_PERMISSION):
        raise ValidationError({"state": [message_reopen_refused()]})
    before = audit_snapshot(request, _AUDITED)
    request.state = state
    request.closed_at = None
    request.save(update_fields=["state", "closed_at"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="service_request.state",
        instance=request,
        changes=audit_changes(before, audit_snapshot(request, _AUDITED)),
    )
    return request


@transaction.atomic
def service_request_close(
    *, tenant: Company, actor, request: ServiceRequest, closed_at: datetime.datetime | None = None
) -> ServiceRequest:
    """Close an open request (closed_at: now by default) and emit ``service_request.closed`` with
    the tenant, the request and customer ids, the total intervention minutes and the selected
    coverage contract ids; the subscribers run in this transaction."""
    if request.tenant_id != tenant.pk:
        raise ValueError("The service request does not belong to the tenant.")
    if request.state not in OPEN_STATES:
        raise ValidationError({"state": [message_close_refused(request)]})
    closed_at = closed_at or timezone.now()
    if closed_at < request.started_at:
        raise ValidationError({"closed_at": [message_closed_before_start()]})
    before = audit_snapshot(request, _AUDITED)
    request.state = RequestState.CLOSED
    request.closed_at = closed_at
    request.save(update_fields=["state", "closed_at"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="service_request.close",
        instance=request,
        changes=audit_changes(before, audit_snapshot(request, _AUDITED)),
    )
    domain_events.emit(
        EVENT_CLOSED,
        tenant=tenant,
        request_id=request.pk,
        customer_id=request.customer_id,
        intervention_minutes=request_total_minutes(tenant=tenant, request=request),
        contract_ids=request_selected_contract_ids(tenant=tenant, request=request),
    )
    return request


def service_request_cancel(*, tenant: Company, actor, request: ServiceRequest) -> ServiceRequest:
    return service_request_state_set(
        tenant=tenant, actor=actor, request=request, state=RequestState.CANCELLED
    )
