"""Vault screens: the list never holds a secret, the secret field is write-only, reveal is a POST
for crm.reveal_secret only (audited, no-store), delete with confirmation, hidden customers 404."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope

from crm.models import AuditEntry
from tests.factories import member
from tests.tiers.factories_records import VaultSecretFactory
from tests.tiers.factories_sites_banks import CustomerFactory, reserved_customer
from tiers import vault
from tiers.models import VaultSecret

pytestmark = pytest.mark.django_db

PLAIN = "s3cret-du-routeur"


@pytest.fixture
def tech(tenant):
    return member(tenant, "Technicien")


def _kwargs(target) -> dict:
    return {"content_type": ContentType.objects.get_for_model(target).pk, "object_id": target.pk}


def test_list_and_section_never_contain_the_secret(tenant, tech, login):
    item = VaultSecretFactory(customer=CustomerFactory(tenant=tenant), label="Wifi invités", login="guest")
    client = login(tech)

    listing = client.get(reverse("tiers:vault", kwargs={"pk": item.customer_id})).content.decode()
    detail = client.get(reverse("tiers:detail", kwargs={"pk": item.customer_id})).content.decode()

    assert "Wifi invités" in listing and "guest" in listing and "section-vault" in detail
    assert PLAIN not in listing and PLAIN not in detail


def test_create_then_edit_with_an_empty_secret_keeps_it(tenant, tech, login):
    customer = CustomerFactory(tenant=tenant)
    client = login(tech)

    missing = client.post(
        reverse("tiers:vault_create", kwargs=_kwargs(customer)), {"label": "NAS", "secret": ""}
    )
    created = client.post(
        reverse("tiers:vault_create", kwargs=_kwargs(customer)),
        {"label": "NAS", "login": "admin", "secret": "Mot-de-passe-1", "url": "nas.example.com"},
    )
    with scope(tenant=tenant):
        item = VaultSecret.objects.get()
    form = client.get(reverse("tiers:vault_update", kwargs={"pk": item.pk})).content.decode()
    client.post(
        reverse("tiers:vault_update", kwargs={"pk": item.pk}),
        {"label": "NAS bureau", "url": "https://nas.example.com", "secret": ""},
    )
    item.refresh_from_db()

    assert "Le secret est obligatoire." in missing.content.decode()
    assert created.status_code == 302 and "Mot-de-passe-1" not in form
    assert item.label == "NAS bureau" and item.url == "https://nas.example.com"
    assert vault.decrypt(item.secret_encrypted) == "Mot-de-passe-1"


def test_reveal_with_the_right_returns_a_no_store_fragment_and_is_audited(tenant, tech, login):
    item = VaultSecretFactory(customer=CustomerFactory(tenant=tenant))

    response = login(tech).post(
        reverse("tiers:vault_reveal", kwargs={"pk": item.pk}), headers={"HX-Request": "true"}
    )

    content = response.content.decode()
    assert response.status_code == 200 and PLAIN in content and "<html" not in content
    assert "no-store" in response["Cache-Control"]
    with scope(tenant=tenant):
        assert AuditEntry.objects.filter(action="vault.reveal", actor=tech).count() == 1


def test_reveal_without_the_right_is_403_and_not_audited(tenant, login):
    item = VaultSecretFactory(customer=CustomerFactory(tenant=tenant))
    sales = member(tenant, "Commercial")
    url = reverse("tiers:vault_reveal", kwargs={"pk": item.pk})

    response = login(sales).post(url, headers={"HX-Request": "true"})
    listing = login(sales).get(reverse("tiers:vault", kwargs={"pk": item.customer_id})).content.decode()

    assert response.status_code == 403 and PLAIN not in response.content.decode()
    assert url not in listing  # no "Révéler" button without the right
    with scope(tenant=tenant):
        assert not AuditEntry.objects.filter(action="vault.reveal").exists()


def test_reveal_is_post_only(tenant, tech, login):
    item = VaultSecretFactory(customer=CustomerFactory(tenant=tenant))

    assert login(tech).get(reverse("tiers:vault_reveal", kwargs={"pk": item.pk})).status_code == 405


def test_hidden_customer_and_other_tenant_secrets_are_404(tenant, other_tenant, tech, login):
    hidden = VaultSecretFactory(customer=reserved_customer(tenant))
    foreign = VaultSecretFactory(customer=CustomerFactory(tenant=other_tenant))
    client = login(tech)

    for item in (hidden, foreign):
        assert client.post(reverse("tiers:vault_reveal", kwargs={"pk": item.pk})).status_code == 404
        assert client.get(reverse("tiers:vault_update", kwargs={"pk": item.pk})).status_code == 404
    assert client.get(reverse("tiers:vault", kwargs={"pk": hidden.customer_id})).status_code == 404


def test_delete_with_confirmation_and_the_right(tenant, tech, login):
    item = VaultSecretFactory(customer=CustomerFactory(tenant=tenant), label="Box")
    url = reverse("tiers:vault_delete", kwargs={"pk": item.pk})
    manager = member(tenant, "Manager")

    assert login(tech).post(url).status_code == 403
    assert "Supprimer le secret « Box » ?" in login(manager).get(url).content.decode()
    assert login(manager).post(url).status_code == 302
    with scope(tenant=tenant):
        assert not VaultSecret.objects.exists()


def test_a_failed_form_does_not_echo_the_secret(tenant, tech, login):
    customer = CustomerFactory(tenant=tenant)

    response = login(tech).post(
        reverse("tiers:vault_create", kwargs=_kwargs(customer)), {"label": "", "secret": "Ne-pas-afficher"}
    )

    assert response.status_code == 200 and "Ne-pas-afficher" not in response.content.decode()


def test_vault_list_query_count_is_fixed(tenant, tech, login, django_assert_num_queries):
    def customer_with(count):
        customer = CustomerFactory(tenant=tenant)
        for _index in range(count):
            VaultSecretFactory(customer=customer)
        return customer

    small, large = customer_with(1), customer_with(6)
    client = login(tech)
    client.get(reverse("tiers:vault", kwargs={"pk": small.pk}))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("tiers:vault", kwargs={"pk": small.pk}))
    with django_assert_num_queries(len(few)):
        client.get(reverse("tiers:vault", kwargs={"pk": large.pk}))
