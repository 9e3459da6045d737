"""Action services: rules with their exact messages, participants, relationship dates, audit."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from crm.models import AuditEntry
from tests.factories import member
from tests.tiers.factories import ContactFactory, ContactLinkFactory, SiteFactory, ThirdPartyFactory
from tests.ventes.factories_pipeline import ActionFactory, DealFactory
from tiers.models import ThirdParty
from ventes.models import ActionKind, ActionParticipant
from ventes.services.actions import action_create, action_mark_done, action_update

pytestmark = pytest.mark.usefixtures("in_tenant")


@pytest.fixture
def rep(tenant):
    return member(tenant, "Commercial")


@pytest.fixture
def customer(tenant):
    return ThirdPartyFactory(tenant=tenant)


def linked_contact(customer, last_name="Durand"):
    return ContactLinkFactory(
        tenant=customer.tenant,
        third_party=customer,
        is_default=False,
        contact=ContactFactory(tenant=customer.tenant, last_name=last_name),
    ).contact


def reload(third_party) -> ThirdParty:
    return ThirdParty.objects.get(pk=third_party.pk)


def test_action_create_done_call_records_first_and_last_contact(tenant, rep, customer):
    done = timezone.now() - datetime.timedelta(hours=2)
    contact = linked_contact(customer)

    action = action_create(
        tenant=tenant, actor=rep, customer=customer, subject="Appel", done_at=done, contact=contact
    )

    third_party = reload(customer)
    assert action.kind == ActionKind.CALL_OUT and action.owner == rep
    assert third_party.first_contact_at == done and third_party.last_contact_at == done
    assert third_party.last_contact_kind == "Appel sortant"
    assert AuditEntry.objects.filter(action="action.create", object_id=str(action.pk)).exists()


def test_action_create_planned_in_the_future_becomes_the_next_contact(tenant, rep, customer):
    later = timezone.now() + datetime.timedelta(days=3)

    action_create(
        tenant=tenant, actor=rep, customer=customer, subject="RDV", kind=ActionKind.MEETING, planned_at=later
    )

    third_party = reload(customer)
    assert (third_party.next_contact_at, third_party.next_contact_kind) == (later, "Rendez-vous")
    assert third_party.last_contact_at is None


def test_action_mark_done_moves_the_last_contact_forward(tenant, rep, customer):
    earlier = timezone.now() - datetime.timedelta(days=10)
    action_create(tenant=tenant, actor=rep, customer=customer, subject="Appel 1", done_at=earlier)
    planned = action_create(
        tenant=tenant, actor=rep, customer=customer, subject="Appel 2", planned_at=timezone.now()
    )
    done = timezone.now()

    action_mark_done(tenant=tenant, actor=rep, action=planned, at=done)

    third_party = reload(customer)
    assert (third_party.first_contact_at, third_party.last_contact_at) == (earlier, done)
    assert AuditEntry.objects.filter(action="action.done", object_id=str(planned.pk)).exists()


def test_action_mark_done_records_the_following_planned_action_as_next_contact(tenant, rep, customer):
    later = timezone.now() + datetime.timedelta(days=5)
    action_create(tenant=tenant, actor=rep, customer=customer, subject="Visite", planned_at=later)
    ThirdParty.objects.filter(pk=customer.pk).update(next_contact_at=None, next_contact_kind="")
    today = action_create(
        tenant=tenant, actor=rep, customer=customer, subject="Appel", planned_at=timezone.now()
    )

    action_mark_done(tenant=tenant, actor=rep, action=today)

    assert reload(customer).next_contact_at == later


def test_action_mark_done_refuses_a_done_action(tenant, rep, customer):
    action = ActionFactory(tenant=tenant, customer=customer, done_at=timezone.now())

    with pytest.raises(ValidationError) as error:
        action_mark_done(tenant=tenant, actor=rep, action=action)

    assert error.value.message_dict == {"done_at": ["Cette action est déjà faite."]}


def test_action_create_stores_participants_linked_to_the_customer(tenant, rep, customer):
    first, second = linked_contact(customer, "Alpha"), linked_contact(customer, "Bravo")
    deal = DealFactory(tenant=tenant, customer=customer)

    action = action_create(
        tenant=tenant,
        actor=rep,
        customer=customer,
        subject="Réunion",
        planned_at=timezone.now(),
        deal=deal,
        participants=[first, second],
    )
    action_update(tenant=tenant, actor=rep, action=action, participants=[second])

    assert list(ActionParticipant.objects.filter(action=action).values_list("contact_id", flat=True)) == [
        second.pk
    ]
    entry = AuditEntry.objects.get(action="action.update", object_id=str(action.pk))
    assert entry.changes == {"participants": [sorted([first.pk, second.pk]), [second.pk]]}


def test_action_create_refuses_unlinked_contacts_foreign_deal_and_site(tenant, rep, customer):
    stranger = ContactFactory(tenant=tenant, last_name="Martin", first_name="Paul")
    other = ContactFactory(tenant=tenant, last_name="Petit", first_name="Luc")
    foreign_deal = DealFactory(tenant=tenant)
    foreign_site = SiteFactory(tenant=tenant)

    with pytest.raises(ValidationError) as error:
        action_create(
            tenant=tenant,
            actor=rep,
            customer=customer,
            subject="Appel",
            planned_at=timezone.now(),
            contact=stranger,
            participants=[other],
            deal=foreign_deal,
            site=foreign_site,
        )

    assert error.value.message_dict == {
        "site": ["Ce site n'appartient pas à ce client."],
        "deal": ["Cette affaire n'appartient pas à ce client."],
        "contact": ["MARTIN Paul n'est pas un contact de ce client."],
        "participants": ["Ces participants ne sont pas des contacts de ce client : PETIT Luc."],
    }


def test_action_create_refuses_no_date_and_a_done_date_in_the_future(tenant, rep, customer):
    with pytest.raises(ValidationError) as no_date:
        action_create(tenant=tenant, actor=rep, customer=customer, subject="Note")
    with pytest.raises(ValidationError) as future:
        action_create(
            tenant=tenant,
            actor=rep,
            customer=customer,
            subject="Note",
            done_at=timezone.now() + datetime.timedelta(days=1),
        )

    assert no_date.value.message_dict == {
        "planned_at": ["Indiquez une date prévue ou une date de réalisation."]
    }
    assert future.value.message_dict == {
        "done_at": ["La date de réalisation ne peut pas être dans le futur."]
    }
