"""The audit trail covers third parties, contacts, documents, per-object grants and access
(seats and user flags): each accepted change writes an entry naming its actor and action, a
refused change writes none."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from crm.models import AuditEntry, Currency, Membership
from tests.factories import BusinessLineFactory, member
from tests.tiers.factories_contacts import TPFactory
from tests.tiers.factories_records import EXE, PDF, upload
from tests.tiers.factories_third_parties import address_data, identity_data, naf_codes, postal_codes
from tiers.models import Lifecycle
from tiers.services.attachments import attachment_create, attachment_delete
from tiers.services.contacts import contact_create, contact_unlink, contact_update
from tiers.services.lifecycle import third_party_delete
from tiers.services.third_parties import (
    third_party_allowed_users_set,
    third_party_create,
    third_party_update,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor(tenant):
    return member(tenant, "Manager")


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _trail(tenant) -> list[tuple[str, int | None]]:
    with scope(tenant=tenant):
        return list(AuditEntry.objects.order_by("pk").values_list("action", "actor_id"))


def test_third_party_create_update_delete_are_audited(tenant, actor):
    postal_codes()
    naf_codes()
    tenant.currency = Currency.objects.get(code="EUR")
    tenant.save()
    with scope(tenant=tenant):
        third_party = third_party_create(
            tenant=tenant,
            actor=actor,
            lifecycle=Lifecycle.CUSTOMER,
            addresses=[address_data()],
            **identity_data(),
        )
        third_party_update(tenant=tenant, actor=actor, third_party=third_party, name="Bureautique Rhône")
        third_party_delete(tenant=tenant, actor=actor, third_party=third_party)

    actions = [action for action, actor_id in _trail(tenant) if action.startswith("third_party.")]
    assert actions == ["third_party.create", "third_party.update", "third_party.delete"]
    assert {actor_id for _action, actor_id in _trail(tenant)} == {actor.pk}


def test_a_refused_third_party_creation_writes_no_entry(tenant, actor):
    with scope(tenant=tenant), pytest.raises(ValidationError):
        third_party_create(
            tenant=tenant, actor=actor, lifecycle="inconnu", addresses=[address_data()], **identity_data()
        )

    assert _trail(tenant) == []


def test_contact_create_update_unlink_are_audited(tenant, actor):
    with scope(tenant=tenant):
        customer = TPFactory(tenant=tenant)
        contact = contact_create(tenant=tenant, actor=actor, third_party=customer, last_name="Dupont")
        contact_update(tenant=tenant, actor=actor, contact=contact, last_name="Durand")
        contact_unlink(tenant=tenant, actor=actor, link=contact.links.get())

    assert _trail(tenant) == [
        ("contact.create", actor.pk),
        ("contactlink.create", actor.pk),
        ("contact.update", actor.pk),
        ("contactlink.delete", actor.pk),
    ]


def test_a_refused_contact_change_writes_no_entry(tenant, other_tenant, actor):
    with scope(tenant=other_tenant):
        foreign = contact_create(
            tenant=other_tenant,
            actor=member(other_tenant, "Manager"),
            third_party=TPFactory(tenant=other_tenant),
            last_name="Martin",
        )

    with scope(tenant=tenant), pytest.raises(ValidationError):
        contact_update(tenant=tenant, actor=actor, contact=foreign, last_name="Piraté")

    assert _trail(tenant) == []


@pytest.mark.usefixtures("media_root")
def test_document_create_and_delete_are_audited_a_refused_upload_is_not(tenant, actor):
    with scope(tenant=tenant):
        customer = TPFactory(tenant=tenant)
        with pytest.raises(ValidationError):
            attachment_create(
                tenant=tenant, actor=actor, target=customer, title="Virus", upload=upload("v.pdf", EXE)
            )
        assert _trail(tenant) == []
        item = attachment_create(
            tenant=tenant, actor=actor, target=customer, title="Contrat", upload=upload("c.pdf", PDF)
        )
        attachment_delete(tenant=tenant, actor=actor, item=item)

    assert _trail(tenant) == [("attachment.create", actor.pk), ("attachment.delete", actor.pk)]


def test_per_object_grants_are_audited_a_refused_grant_is_not(tenant, other_tenant, actor):
    allowed = member(tenant, "Commercial")
    stranger = member(other_tenant, "Commercial")
    with scope(tenant=tenant):
        customer = TPFactory(tenant=tenant)
        with pytest.raises(ValidationError):
            third_party_allowed_users_set(tenant=tenant, actor=actor, third_party=customer, users=[stranger])
        assert _trail(tenant) == []
        third_party_allowed_users_set(tenant=tenant, actor=actor, third_party=customer, users=[allowed])
        entry = AuditEntry.objects.get()

    assert (entry.action, entry.actor_id) == ("third_party.allowed_users_set", actor.pk)
    assert entry.changes["allowed_users"] == [[], [allowed.pk]]


# --- Access: seats and user flags (admin) ---------------------------------------------------------


def _inlines(prefix: str, total: int = 0, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }


@pytest.fixture
def tenant_admin(tenant):
    return member(tenant, "Administrateur", is_staff=True)


def test_a_seat_business_line_change_is_audited(tenant, tenant_admin, login):
    seat = Membership.unscoped.get(user=member(tenant, "Commercial"))
    printing = BusinessLineFactory(tenant=tenant, name="Impression")
    data = {
        "role": seat.role_id,
        "licence": seat.licence,
        "is_active": "on",
        **_inlines("membershipbusinessline_set", total=1),
        "membershipbusinessline_set-0-business_line": printing.pk,
        **_inlines("membershiporganisation_set"),
    }

    response = login(tenant_admin).post(reverse("admin:crm_membership_change", args=[seat.pk]), data)

    assert response.status_code == 302
    with scope(tenant=tenant):
        entry = AuditEntry.objects.get(action="membership.change")
    assert entry.actor_id == tenant_admin.pk and entry.object_id == str(seat.pk)
    assert entry.changes == {"business_lines": [[], [printing.pk]]}


def test_a_seat_change_refused_to_a_non_administrator_writes_no_entry(tenant, login):
    seat = Membership.unscoped.get(user=member(tenant, "Commercial"))
    data = {
        "role": Group.objects.get(name="Administrateur").pk,
        "licence": seat.licence,
        "is_active": "on",
        **_inlines("membershipbusinessline_set"),
        **_inlines("membershiporganisation_set"),
    }

    response = login(member(tenant, "Manager", is_staff=True)).post(
        reverse("admin:crm_membership_change", args=[seat.pk]), data
    )

    assert response.status_code == 403
    seat.refresh_from_db()
    assert seat.role.name == "Commercial"
    with scopes_disabled():
        assert not AuditEntry.objects.filter(action__startswith="membership.").exists()


def test_a_user_staff_flag_change_is_audited_in_the_users_company(tenant, tenant_admin, login):
    user = member(tenant, "Commercial", first_name="Léa", last_name="Martin", email="lea@example.com")
    seat = Membership.unscoped.get(user=user)
    data = {
        "username": user.username,
        "first_name": "Léa",
        "last_name": "Martin",
        "email": "lea@example.com",
        "is_staff": "on",
        **_inlines("memberships", total=1, initial=1),
        "memberships-0-id": seat.pk,
        "memberships-0-user": user.pk,
        "memberships-0-role": seat.role_id,
        "memberships-0-licence": seat.licence,
        "memberships-0-is_active": "on",
    }

    response = login(tenant_admin).post(reverse("admin:auth_user_change", args=[user.pk]), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    with scope(tenant=tenant):
        entry = AuditEntry.objects.get(action="user.access_change")
        assert not AuditEntry.objects.filter(action__startswith="membership.").exists()
    assert entry.actor_id == tenant_admin.pk and entry.object_id == str(user.pk)
    assert entry.changes == {"is_staff": [False, True]}
