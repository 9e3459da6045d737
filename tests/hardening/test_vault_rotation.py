"""Vault end to end: rotate_vault_key re-encrypts every secret of every tenant with the newest
key (the old key can then be removed), and every reveal through the page writes one audit entry
naming who revealed what."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from crm.models import AuditEntry
from tests.factories import member
from tests.tiers.factories_records import VaultSecretFactory
from tests.tiers.factories_sites_banks import CustomerFactory
from tiers import vault

pytestmark = pytest.mark.django_db

KEY_OLD = Fernet.generate_key().decode()
KEY_NEW = Fernet.generate_key().decode()


def _stored(pk: int) -> tuple[bytes, bytes]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret_encrypted, notes_encrypted FROM tiers_vaultsecret WHERE id = %s", [pk])
        secret, notes = cursor.fetchone()
    return bytes(secret), bytes(notes)


@pytest.fixture
def secrets_of_two_tenants(tenant, other_tenant, settings):
    settings.VAULT_KEYS = [KEY_OLD]
    plain = {}
    for company in (tenant, other_tenant):
        for index in range(2):
            item = VaultSecretFactory(
                customer=CustomerFactory(tenant=company),
                secret_encrypted=vault.encrypt(f"secret-{company.code}-{index}"),
                notes_encrypted=vault.encrypt(f"notes-{company.code}-{index}"),
            )
            plain[item.pk] = (f"secret-{company.code}-{index}", f"notes-{company.code}-{index}")
    return plain


def test_rotation_re_encrypts_every_secret_of_every_tenant(secrets_of_two_tenants, settings):
    before = {pk: _stored(pk) for pk in secrets_of_two_tenants}
    settings.VAULT_KEYS = [KEY_NEW, KEY_OLD]
    out = io.StringIO()

    call_command("rotate_vault_key", stdout=out)

    assert "4 secret(s) re-chiffré(s)." in out.getvalue()
    new_only, old_only = Fernet(KEY_NEW.encode()), Fernet(KEY_OLD.encode())
    for pk, (secret, notes) in secrets_of_two_tenants.items():
        stored_secret, stored_notes = _stored(pk)
        assert (stored_secret, stored_notes) != before[pk]
        assert stored_secret != before[pk][0] and stored_notes != before[pk][1]
        assert new_only.decrypt(stored_secret).decode() == secret
        assert new_only.decrypt(stored_notes).decode() == notes
        with pytest.raises(InvalidToken):
            old_only.decrypt(stored_secret)


def test_after_rotation_the_old_key_can_be_removed(secrets_of_two_tenants, settings):
    settings.VAULT_KEYS = [KEY_NEW, KEY_OLD]
    call_command("rotate_vault_key", stdout=io.StringIO())

    settings.VAULT_KEYS = [KEY_NEW]

    for pk, (secret, notes) in secrets_of_two_tenants.items():
        stored_secret, stored_notes = _stored(pk)
        assert (vault.decrypt(stored_secret), vault.decrypt(stored_notes)) == (secret, notes)


def test_without_rotation_removing_the_old_key_breaks_the_secrets(secrets_of_two_tenants, settings):
    settings.VAULT_KEYS = [KEY_NEW]

    pk = next(iter(secrets_of_two_tenants))
    with pytest.raises(vault.VaultError):
        vault.decrypt(_stored(pk)[0])


def test_each_reveal_writes_one_audit_entry_with_its_actor(tenant, login, settings):
    settings.VAULT_KEYS = [KEY_OLD]
    item = VaultSecretFactory(customer=CustomerFactory(tenant=tenant), label="Routeur")
    tech, manager = member(tenant, "Technicien"), member(tenant, "Manager")
    url = reverse("tiers:vault_reveal", kwargs={"pk": item.pk})

    for user in (tech, manager, tech):
        assert login(user).post(url, headers={"HX-Request": "true"}).status_code == 200

    with scope(tenant=tenant):
        entries = list(AuditEntry.objects.filter(action="vault.reveal").order_by("pk"))
    assert [entry.actor_id for entry in entries] == [tech.pk, manager.pk, tech.pk]
    assert {(entry.object_id, entry.tenant_id) for entry in entries} == {(str(item.pk), tenant.pk)}
    with scopes_disabled():
        assert AuditEntry.objects.filter(action="vault.reveal").count() == 3
