"""Service request rules (parc/services/requests.py): number, detail, requester, assets,
principal and billing defaults, coverages (proposed checked, unchecked stored, re-proposed after
a change of assets), states, close and its domain event."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from crm.events import domain_events
from crm.models import AuditEntry
from parc.models import RequestNature, RequestState, ServiceRequestCoverage
from parc.selectors_requests import request_billing_party
from parc.services.requests import (
    service_request_cancel,
    service_request_close,
    service_request_create,
    service_request_state_set,
    service_request_update,
)
from tests.factories import member
from tests.parc.factories_assets import AssetFactory, site_of
from tests.parc.factories_contracts import ServiceContractFactory, cover
from tests.parc.factories_requests import InterventionFactory, ServiceRequestFactory, local
from tests.tiers.factories import ContactLinkFactory, ThirdPartyFactory
from tests.tiers.factories_sites_banks import reserved_customer

pytestmark = pytest.mark.usefixtures("in_tenant")


@pytest.fixture
def tech(tenant):
    return member(tenant, "Technicien")


@pytest.fixture
def customer(tenant):
    return ThirdPartyFactory(tenant=tenant)


def _create(tenant, actor, customer, **fields):
    fields.setdefault("detail", "Copieur en panne")
    fields.setdefault("started_at", local(2026, 3, 2))
    return service_request_create(tenant=tenant, actor=actor, customer=customer, **fields)


def _messages(excinfo, field):
    return excinfo.value.message_dict[field]


def test_create_generates_the_number_from_the_counter(tenant, tech, customer):
    first = _create(tenant, tech, customer)
    second = _create(tenant, tech, customer)

    assert (first.number, second.number) == ("DIT-2026-000001", "DIT-2026-000002")
    assert first.principal == customer
    assert first.state == RequestState.NEW
    assert AuditEntry.objects.filter(action="service_request.create", object_id=str(first.pk)).exists()


def test_create_keeps_a_typed_number_and_refuses_a_taken_one(tenant, tech, customer):
    _create(tenant, tech, customer, number="DIT-X-1")

    with pytest.raises(ValidationError) as excinfo:
        _create(tenant, tech, customer, number="DIT-X-1")

    assert _messages(excinfo, "number") == ["Le numéro de demande DIT-X-1 existe déjà."]


def test_create_refuses_a_blank_detail(tenant, tech, customer):
    with pytest.raises(ValidationError) as excinfo:
        _create(tenant, tech, customer, detail="  ")

    assert _messages(excinfo, "detail") == ["Le détail de la demande est obligatoire."]


def test_requester_must_be_a_contact_of_the_customer(tenant, tech, customer):
    link = ContactLinkFactory(tenant=tenant, third_party=customer)
    other = ContactLinkFactory(tenant=tenant, third_party=ThirdPartyFactory(tenant=tenant))

    accepted = _create(tenant, tech, customer, requester=link.contact)
    with pytest.raises(ValidationError) as excinfo:
        _create(tenant, tech, customer, requester=other.contact)

    assert accepted.requester == link.contact
    assert _messages(excinfo, "requester") == [
        f"{other.contact} n'est pas un contact du client {customer.name}."
    ]


def test_assets_must_belong_to_the_customer_and_give_the_defaults(tenant, tech, customer):
    site = site_of(customer)
    mine = AssetFactory(tenant=tenant, customer=customer, site=site)
    foreign = AssetFactory(tenant=tenant)

    accepted = _create(tenant, tech, customer, assets=[mine])
    with pytest.raises(ValidationError) as excinfo:
        _create(tenant, tech, customer, assets=[mine, foreign])

    assert (accepted.business_line, accepted.site) == (mine.business_line, site)
    assert list(accepted.assets.all()) == [mine]
    assert _messages(excinfo, "assets") == [
        f"Le bien {foreign.display_label} n'appartient pas au client {customer.name} de la demande."
    ]


def test_principal_must_be_visible_and_gives_the_billing_defaults(tenant, tech, customer):
    payer = ThirdPartyFactory(tenant=tenant)
    principal = ThirdPartyFactory(tenant=tenant, bill_to=payer)

    accepted = _create(tenant, tech, customer, principal=principal)
    with pytest.raises(ValidationError) as excinfo:
        _create(tenant, tech, customer, principal=reserved_customer(tenant))

    billing = request_billing_party(accepted)
    assert (billing.principal, billing.bill_to, billing.payer) == (principal, payer, payer)
    assert _messages(excinfo, "principal") == [
        "Ce donneur d'ordre n'existe pas ou ne vous est pas accessible."
    ]


def test_billing_defaults_to_the_principal_itself(tenant, tech, customer):
    request = _create(tenant, tech, customer, nature=RequestNature.WARRANTY)

    billing = request_billing_party(request)

    assert (billing.bill_to, billing.payer) == (customer, customer)
    assert request.get_nature_display() == "Demande de garantie"


# --- Coverages ------------------------------------------------------------------------------------


def _covered(tenant, customer, count=2):
    asset = AssetFactory(tenant=tenant, customer=customer)
    contracts = [ServiceContractFactory(tenant=tenant, customer=customer) for _ in range(count)]
    for contract in contracts:
        cover(contract, asset)
    return asset, contracts


def _stored(request):
    return dict(
        ServiceRequestCoverage.objects.filter(request=request).values_list("contract_id", "is_selected")
    )


def test_coverages_are_all_proposed_checked(tenant, tech, customer):
    asset, contracts = _covered(tenant, customer)
    ServiceContractFactory(tenant=tenant, customer=customer, ends_on=datetime.date(2025, 12, 31))

    request = _create(tenant, tech, customer, assets=[asset])

    assert _stored(request) == {contract.pk: True for contract in contracts}


def test_an_unchecked_coverage_is_stored(tenant, tech, customer):
    asset, (kept, unchecked) = _covered(tenant, customer)

    request = _create(tenant, tech, customer, assets=[asset], coverage_choices={unchecked.pk: False})

    assert _stored(request) == {kept.pk: True, unchecked.pk: False}


def test_changing_the_assets_reproposes_keeping_the_choices(tenant, tech, customer):
    asset, (kept, unchecked) = _covered(tenant, customer)
    request = _create(tenant, tech, customer, assets=[asset], coverage_choices={unchecked.pk: False})
    other_asset, (new_contract,) = _covered(tenant, customer, count=1)

    service_request_update(tenant=tenant, actor=tech, request=request, assets=[asset, other_asset])
    assert _stored(request) == {kept.pk: True, unchecked.pk: False, new_contract.pk: True}

    service_request_update(tenant=tenant, actor=tech, request=request, assets=[other_asset])
    assert _stored(request) == {new_contract.pk: True}


# --- States ---------------------------------------------------------------------------------------


def test_state_moves_and_refused_move(tenant, tech, customer):
    request = _create(tenant, tech, customer)

    service_request_state_set(tenant=tenant, actor=tech, request=request, state=RequestState.WAITING)
    service_request_state_set(tenant=tenant, actor=tech, request=request, state=RequestState.IN_PROGRESS)
    service_request_cancel(tenant=tenant, actor=tech, request=request)
    with pytest.raises(ValidationError) as excinfo:
        service_request_state_set(tenant=tenant, actor=tech, request=request, state=RequestState.IN_PROGRESS)

    assert _messages(excinfo, "state") == [
        "Une demande « Annulée » ne peut pas passer à l'état « En cours »."
    ]


def test_close_sets_closed_at_and_refuses_a_second_close(tenant, tech, customer):
    request = _create(tenant, tech, customer)
    when = local(2026, 3, 5, 17)

    service_request_close(tenant=tenant, actor=tech, request=request, closed_at=when)
    with pytest.raises(ValidationError) as excinfo:
        service_request_close(tenant=tenant, actor=tech, request=request)

    request.refresh_from_db()
    assert (request.state, request.closed_at) == (RequestState.CLOSED, when)
    assert _messages(excinfo, "state") == [
        f"La demande {request.number} est déjà clôturée : elle ne peut pas être clôturée."
    ]


def test_close_refuses_a_cancelled_request(tenant, tech, customer):
    request = _create(tenant, tech, customer)
    service_request_cancel(tenant=tenant, actor=tech, request=request)

    with pytest.raises(ValidationError) as excinfo:
        service_request_close(tenant=tenant, actor=tech, request=request)

    assert _messages(excinfo, "state") == [
        f"La demande {request.number} est déjà annulée : elle ne peut pas être clôturée."
    ]


def test_reopen_needs_the_right_to_change_requests(tenant, tech, customer):
    request = _create(tenant, tech, customer)
    service_request_close(tenant=tenant, actor=tech, request=request)

    with pytest.raises(ValidationError) as excinfo:
        service_request_state_set(
            tenant=tenant, actor=member(tenant, "Commercial"), request=request, state=RequestState.IN_PROGRESS
        )
    service_request_state_set(tenant=tenant, actor=tech, request=request, state=RequestState.IN_PROGRESS)

    assert _messages(excinfo, "state") == ["Vous n'avez pas le droit de rouvrir une demande clôturée."]
    assert (request.state, request.closed_at) == (RequestState.IN_PROGRESS, None)


def test_a_closed_request_is_not_edited(tenant, tech, customer):
    request = _create(tenant, tech, customer)
    service_request_close(tenant=tenant, actor=tech, request=request)

    with pytest.raises(ValidationError) as excinfo:
        service_request_update(tenant=tenant, actor=tech, request=request, detail="Autre")

    assert excinfo.value.messages == [
        f"La demande {request.number} est clôturée : elle ne peut plus être modifiée."
    ]


def test_close_emits_the_event_inside_the_transaction(tenant, tech, customer):
    asset, (kept, unchecked) = _covered(tenant, customer)
    request = _create(tenant, tech, customer, assets=[asset], coverage_choices={unchecked.pk: False})
    InterventionFactory(tenant=tenant, request=request, customer=customer, duration_minutes=90)
    InterventionFactory(tenant=tenant, request=request, customer=customer, duration_minutes=45)
    received = []

    def handler(**payload):
        request.refresh_from_db()
        received.append({**payload, "state_seen": request.state, "in_atomic": connection.in_atomic_block})

    domain_events.subscribe("service_request.closed", handler)
    try:
        service_request_close(tenant=tenant, actor=tech, request=request)
    finally:
        domain_events.unsubscribe("service_request.closed", handler)

    assert received == [
        {
            "tenant": tenant,
            "request_id": request.pk,
            "customer_id": customer.pk,
            "intervention_minutes": 135,
            "contract_ids": [kept.pk],
            "state_seen": RequestState.CLOSED,
            "in_atomic": True,
        }
    ]


def test_a_failing_subscriber_rolls_the_close_back(tenant, tech, customer):
    request = _create(tenant, tech, customer)

    def handler(**payload):
        raise RuntimeError("loyalty refused")

    domain_events.subscribe("service_request.closed", handler)
    try:
        with pytest.raises(RuntimeError):
            service_request_close(tenant=tenant, actor=tech, request=request)
    finally:
        domain_events.unsubscribe("service_request.closed", handler)

    request.refresh_from_db()
    assert request.state == RequestState.NEW
    assert request.closed_at is None


def test_factory_request_is_usable(tenant):
    assert ServiceRequestFactory(tenant=tenant).principal_id is not None
