"""Exchanges: internal or sent messages of a record's thread, e-mailed after commit, deletion."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope

from crm.models import AuditEntry
from tests.factories import member
from tests.tiers.factories import SiteFactory
from tests.tiers.factories_records import ExchangeFactory
from tests.tiers.factories_sites_banks import CustomerFactory, reserved_customer
from tiers.models import Exchange, ExchangeStatus
from tiers.selectors_records import exchanges_for
from tiers.services.exchanges import exchange_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def tech(tenant):
    return member(tenant, "Technicien", first_name="Luc", last_name="Technicien")


def _kwargs(target) -> dict:
    return {"content_type": ContentType.objects.get_for_model(target).pk, "object_id": target.pk}


def _create(tenant, actor, target, **kwargs) -> Exchange:
    with scope(tenant=tenant):
        return exchange_create(tenant=tenant, actor=actor, target=target, **kwargs)


def test_an_internal_message_is_not_sent(tenant, tech, django_capture_on_commit_callbacks):
    customer = CustomerFactory(tenant=tenant)

    with django_capture_on_commit_callbacks(execute=True):
        item = _create(tenant, tech, customer, body="Appeler avant de passer.")

    assert (item.status, item.is_internal, item.customer_id) == (ExchangeStatus.INTERNAL, True, customer.pk)
    assert mail.outbox == []


def test_a_sent_message_is_mailed_after_commit(tenant, tech, django_capture_on_commit_callbacks):
    site = SiteFactory(tenant=tenant, third_party=CustomerFactory(tenant=tenant))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        item = _create(
            tenant,
            tech,
            site,
            body="Intervention prévue jeudi.",
            is_internal=False,
            recipients="a@example.com; b@example.com,a@example.com",
        )
        assert mail.outbox == []
    for callback in callbacks:
        callback()

    item.refresh_from_db()
    assert item.status == ExchangeStatus.SENT and item.sent_at is not None
    assert item.site_id == site.pk and item.recipients == "a@example.com, b@example.com"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["a@example.com", "b@example.com"]
    assert mail.outbox[0].body == "Intervention prévue jeudi."


def test_a_refused_message_is_marked_failed_with_its_error(
    tenant, tech, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.tiers.factories_records.FailingEmailBackend"

    with django_capture_on_commit_callbacks(execute=True):
        item = _create(
            tenant,
            tech,
            CustomerFactory(tenant=tenant),
            body="Test",
            is_internal=False,
            recipients="a@example.com",
        )

    item.refresh_from_db()
    assert item.status == ExchangeStatus.FAILED
    with scope(tenant=tenant):
        entry = AuditEntry.objects.get(tenant=tenant, action="exchange.send_failed")
    assert entry.reason == "Connexion au serveur SMTP refusée"


def test_invalid_recipients_are_refused(tenant, tech):
    customer = CustomerFactory(tenant=tenant)

    with pytest.raises(ValidationError) as invalid:
        _create(
            tenant, tech, customer, body="x", is_internal=False, recipients="a@example.com, pas-une-adresse"
        )
    with pytest.raises(ValidationError) as missing:
        _create(tenant, tech, customer, body="x", is_internal=False, recipients=" ; ")
    with pytest.raises(ValidationError) as empty:
        _create(tenant, tech, customer, body="  ")

    assert invalid.value.message_dict == {"recipients": ["Adresse e-mail invalide : pas-une-adresse."]}
    assert missing.value.message_dict == {
        "recipients": ["Indiquez au moins un destinataire pour un message envoyé."]
    }
    assert empty.value.message_dict == {"body": ["Le message est obligatoire."]}


def test_the_thread_page_and_the_htmx_post(tenant, tech, login, django_capture_on_commit_callbacks):
    customer = CustomerFactory(tenant=tenant)
    client = login(tech)

    with django_capture_on_commit_callbacks(execute=True):
        partial = client.post(
            reverse("tiers:exchange_create", kwargs=_kwargs(customer)),
            {"body": "Devis envoyé", "send": "on", "recipients": "client@example.com"},
            headers={"HX-Request": "true"},
        )
    refused = client.post(
        reverse("tiers:exchange_create", kwargs=_kwargs(customer)), {"body": "x", "send": "on"}
    )
    page = client.get(reverse("tiers:exchanges", kwargs=_kwargs(customer)))

    assert partial.status_code == 200 and "<html" not in partial.content.decode()
    assert "Devis envoyé" in partial.content.decode() and "En cours d'envoi" in partial.content.decode()
    assert "Indiquez au moins un destinataire pour un message envoyé." in refused.content.decode()
    assert "Devis envoyé" in page.content.decode() and "Luc Technicien" in page.content.decode()
    assert ">Envoyé</span>" in page.content.decode()
    assert len(mail.outbox) == 1


def test_threads_of_a_hidden_customer_or_another_tenant_are_404(tenant, other_tenant, tech, login):
    hidden = reserved_customer(tenant)
    foreign = CustomerFactory(tenant=other_tenant)
    client = login(tech)

    assert client.get(reverse("tiers:exchanges", kwargs=_kwargs(hidden))).status_code == 404
    assert client.get(reverse("tiers:exchanges", kwargs=_kwargs(foreign))).status_code == 404
    bogus = {"content_type": ContentType.objects.get_for_model(AuditEntry).pk, "object_id": 1}
    assert client.get(reverse("tiers:exchanges", kwargs=bogus)).status_code == 404


def test_delete_needs_the_right_and_a_confirmation(tenant, tech, login):
    item = ExchangeFactory(customer=CustomerFactory(tenant=tenant))
    url = reverse("tiers:exchange_delete", kwargs={"pk": item.pk})
    manager = member(tenant, "Manager")

    assert login(tech).post(url).status_code == 403
    assert "Supprimer le message du" in login(manager).get(url).content.decode()
    assert login(manager).post(url).status_code == 302
    with scope(tenant=tenant):
        assert not Exchange.objects.exists()


def test_exchanges_for_has_a_fixed_query_count(tenant, tech, login, django_assert_num_queries):
    def thread(count):
        customer = CustomerFactory(tenant=tenant)
        for _index in range(count):
            ExchangeFactory(customer=customer)
        return customer

    small, large = thread(1), thread(5)
    with scope(tenant=tenant), django_assert_num_queries(1):
        assert len(list(exchanges_for(large))) == 5
    client = login(tech)
    client.get(reverse("tiers:exchanges", kwargs=_kwargs(small)))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("tiers:exchanges", kwargs=_kwargs(small)))
    with django_assert_num_queries(len(few)):
        client.get(reverse("tiers:exchanges", kwargs=_kwargs(large)))
