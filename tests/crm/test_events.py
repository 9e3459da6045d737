import pytest
from django.db import transaction
from django_scopes import scope

from crm.events import EventRegistry
from crm.models import BusinessLine
from tests.factories import BusinessLineFactory


@pytest.fixture
def events():
    registry = EventRegistry()
    registry.declare("invoice.validated", "Une facture est validée")
    return registry


def test_handlers_run_in_the_emitting_transaction(events, tenant):
    def handler(*, tenant, code):
        BusinessLine.objects.create(tenant=tenant, code=code, name="Créée par l'évènement")

    events.subscribe("invoice.validated", handler)
    with scope(tenant=tenant), transaction.atomic():
        ran = events.emit("invoice.validated", tenant=tenant, code="EVT")
        assert ran == 1
        assert BusinessLine.objects.filter(code="EVT").exists()


def test_a_failing_handler_rolls_back_the_write(events, tenant):
    def handler(**payload):
        raise ValueError("refusé")

    events.subscribe("invoice.validated", handler)
    with scope(tenant=tenant):
        with pytest.raises(ValueError), transaction.atomic():
            BusinessLineFactory(tenant=tenant, code="ROLLBACK")
            events.emit("invoice.validated")
        assert not BusinessLine.objects.filter(code="ROLLBACK").exists()


@pytest.mark.django_db(transaction=True)
def test_emit_outside_a_transaction_is_refused(events):
    with pytest.raises(RuntimeError, match=r"inside transaction\.atomic"):
        events.emit("invoice.validated")


def test_unknown_event_is_refused(events):
    with pytest.raises(LookupError):
        events.subscribe("order.nonexistent", lambda **kw: None)
    with pytest.raises(LookupError):
        events.emit("order.nonexistent")


def test_subscribing_twice_runs_once(events, db):
    calls = []

    def handler(**payload):
        calls.append(payload)

    events.subscribe("invoice.validated", handler)
    events.subscribe("invoice.validated", handler)
    with transaction.atomic():
        events.emit("invoice.validated", invoice_id=7)
    assert calls == [{"invoice_id": 7}]
