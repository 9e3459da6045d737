"""The vault: secrets encrypted at rest, revealed only with the right and audited, key rotation."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django_scopes import scope

from crm.models import AuditEntry
from tests.factories import member
from tests.tiers.factories_third_parties import TPFactory
from tiers import vault
from tiers.models import VaultSecret
from tiers.services.vault import (
    vault_secret_create,
    vault_secret_reveal,
    vault_secret_update,
)

pytestmark = pytest.mark.django_db

PLAIN = "Tr0ub4dor&3-du-client"
KEY_OLD = vault.new_key()
KEY_NEW = vault.new_key()


@pytest.fixture
def secret_item(tenant, settings):
    settings.VAULT_KEYS = [KEY_OLD]
    manager = member(tenant, "Manager")
    with scope(tenant=tenant):
        customer = TPFactory(tenant=tenant)
        item = vault_secret_create(
            tenant=tenant,
            actor=manager,
            target=customer,
            label="Routeur",
            login="admin",
            secret=PLAIN,
            notes="VLAN 12",
        )
    return item, manager


def _raw_columns(pk: int) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret_encrypted, notes_encrypted FROM tiers_vaultsecret WHERE id = %s", [pk])
        secret, notes = cursor.fetchone()
    return bytes(secret) + bytes(notes)


def test_secret_and_notes_are_encrypted_at_rest(secret_item):
    item, _manager = secret_item
    raw = _raw_columns(item.pk)
    assert PLAIN.encode() not in raw
    assert b"VLAN 12" not in raw
    assert item.customer_id == item.target_id


def test_reveal_with_the_right_returns_the_plain_values_and_is_audited(tenant, secret_item):
    item, manager = secret_item
    with scope(tenant=tenant):
        revealed = vault_secret_reveal(tenant=tenant, actor=manager, item=item)
        entries = list(AuditEntry.objects.filter(tenant=tenant, action="vault.reveal"))
    assert revealed == {"secret": PLAIN, "notes": "VLAN 12"}
    assert len(entries) == 1
    assert entries[0].actor_id == manager.pk
    assert PLAIN not in str(entries[0].changes)


def test_reveal_without_the_right_is_refused_and_not_audited(tenant, secret_item):
    item, _manager = secret_item
    sales = member(tenant, "Commercial")
    with scope(tenant=tenant), pytest.raises(PermissionDenied) as error:
        vault_secret_reveal(tenant=tenant, actor=sales, item=item)
    assert str(error.value) == "Vous n'avez pas le droit de révéler les secrets du coffre-fort."
    with scope(tenant=tenant):
        assert not AuditEntry.objects.filter(tenant=tenant, action="vault.reveal").exists()


def test_create_refuses_an_empty_secret(tenant, settings):
    settings.VAULT_KEYS = [KEY_OLD]
    manager = member(tenant, "Manager")
    with scope(tenant=tenant):
        customer = TPFactory(tenant=tenant)
        with pytest.raises(ValidationError) as error:
            vault_secret_create(tenant=tenant, actor=manager, target=customer, label="Wifi", secret="")
        assert error.value.message_dict == {"secret": ["Le secret est obligatoire."]}
        assert not VaultSecret.objects.exists()


def test_update_without_a_new_secret_keeps_it_and_audits_field_names_only(tenant, secret_item):
    item, manager = secret_item
    with scope(tenant=tenant):
        vault_secret_update(tenant=tenant, actor=manager, item=item, label="Routeur principal", login="root")
        item.refresh_from_db()
        entry = AuditEntry.objects.get(tenant=tenant, action="vault.update")
        assert vault_secret_reveal(tenant=tenant, actor=manager, item=item)["secret"] == PLAIN
    assert item.label == "Routeur principal"
    assert set(entry.changes) == {"label", "login"}
    assert "root" not in str(entry.changes)


def test_rotation_re_encrypts_with_the_newest_key(tenant, secret_item, settings):
    item, manager = secret_item
    settings.VAULT_KEYS = [KEY_NEW, KEY_OLD]
    out = io.StringIO()
    call_command("rotate_vault_key", stdout=out)
    assert "1 secret(s) re-chiffré(s)." in out.getvalue()
    settings.VAULT_KEYS = [KEY_NEW]
    with scope(tenant=tenant):
        item.refresh_from_db()
        assert vault_secret_reveal(tenant=tenant, actor=manager, item=item)["secret"] == PLAIN


def test_an_unknown_key_gives_a_message_without_the_secret(tenant, secret_item, settings):
    item, manager = secret_item
    settings.VAULT_KEYS = [KEY_NEW]
    with scope(tenant=tenant), pytest.raises(vault.VaultError) as error:
        vault_secret_reveal(tenant=tenant, actor=manager, item=item)
    assert str(error.value) == "Le secret ne peut pas être déchiffré (clé inconnue ou donnée altérée)."
    assert PLAIN not in repr(error.value)
