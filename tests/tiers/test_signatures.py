"""E-signature: the "not configured" default, the local provider's e-mailed token link, the public
signing page both ways, closed links, the daily expiry task, the "Signatures" section."""

from __future__ import annotations

import datetime
import hashlib
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from crm.models import AuditEntry
from tests.factories import member
from tests.tiers.factories_records import (
    PDF,
    FileAttachmentFactory,
    UrlAttachmentFactory,
    media_root,  # noqa: F401 - fixture
    signature_with_token,
)
from tests.tiers.factories_sites_banks import CustomerFactory
from tiers.models import Signature, SignatureStatus
from tiers.services.signatures import signature_request
from tiers.tasks import signatures_expire

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


@pytest.fixture
def sales(tenant):
    return member(tenant, "Commercial")


def _request(tenant, actor, document, **fields):
    with scope(tenant=tenant):
        return signature_request(
            tenant=tenant,
            actor=actor,
            document=document,
            signer_name=fields.get("signer_name", "Marie Martin"),
            signer_email=fields.get("signer_email", "marie.martin@example.com"),
            absolute_url=lambda path: f"https://crm.example.com{path}",
        )


def test_without_a_provider_a_request_is_refused(tenant, sales, settings):
    settings.SIGNATURE_BACKEND = ""
    document = FileAttachmentFactory(customer=CustomerFactory(tenant=tenant))

    with pytest.raises(ValidationError) as error:
        _request(tenant, sales, document)

    assert error.value.messages == ["La signature électronique n'est pas configurée."]
    with scope(tenant=tenant):
        assert not Signature.objects.exists()


def test_the_local_provider_mails_a_link_and_stores_only_the_hash(
    tenant, sales, settings, django_capture_on_commit_callbacks
):
    settings.SIGNATURE_BACKEND = "local"
    document = FileAttachmentFactory(customer=CustomerFactory(tenant=tenant), title="Contrat 2025")

    with django_capture_on_commit_callbacks(execute=True):
        item, token = _request(tenant, sales, document)

    assert len(token) == 43
    assert item.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in item.token_hash
    assert (item.status, item.provider, item.customer_id) == ("sent", "local", document.customer_id)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["marie.martin@example.com"]
    assert f"https://crm.example.com/tiers/signer/{token}/" in mail.outbox[0].body
    assert mail.outbox[0].subject == "Document à signer : Contrat 2025"


def test_a_link_or_a_bad_signer_is_refused(tenant, sales, settings):
    settings.SIGNATURE_BACKEND = "local"
    link = UrlAttachmentFactory(customer=CustomerFactory(tenant=tenant))

    with pytest.raises(ValidationError) as error:
        _request(tenant, sales, link, signer_name=" ", signer_email="marie@")

    assert error.value.message_dict == {
        "document": ["Seul un fichier peut être soumis à signature, pas un lien."],
        "signer_name": ["Le nom du signataire est obligatoire."],
        "signer_email": ["Saisissez une adresse e-mail valide pour le signataire."],
    }


def test_the_request_page_sends_and_shows_the_not_configured_message(
    tenant, sales, login, settings, django_capture_on_commit_callbacks
):
    document = FileAttachmentFactory(customer=CustomerFactory(tenant=tenant))
    url = reverse("tiers:signature_create", kwargs={"pk": document.pk})
    data = {"signer_name": "Marie Martin", "signer_email": "marie.martin@example.com"}
    client = login(sales)

    settings.SIGNATURE_BACKEND = ""
    refused = client.post(url, data)
    settings.SIGNATURE_BACKEND = "local"
    with django_capture_on_commit_callbacks(execute=True):
        accepted = client.post(url, data)

    assert "La signature électronique n&#x27;est pas configurée." in refused.content.decode()
    assert accepted.status_code == 302 and len(mail.outbox) == 1


# --- The public signing page ----------------------------------------------------------------------


def test_the_signer_sees_the_document_and_signs_without_an_account(tenant, client):
    item, token = signature_with_token(tenant)

    page = client.get(reverse("tiers:sign", kwargs={"token": token}))
    document = client.get(reverse("tiers:sign_document", kwargs={"token": token}))
    done = client.post(reverse("tiers:sign", kwargs={"token": token}), {"decision": "sign"})

    assert page.status_code == 200
    assert reverse("tiers:sign_document", kwargs={"token": token}) in page.content.decode()
    assert document.content == PDF and document["Content-Security-Policy"].startswith("sandbox")
    assert "Merci : votre signature est enregistrée." in done.content.decode()
    item.refresh_from_db()
    assert item.status == SignatureStatus.SIGNED and item.answered_at is not None
    with scope(tenant=tenant):
        assert AuditEntry.objects.get(action="signature.signed").actor is None


def test_a_refusal_needs_a_reason(tenant, client):
    item, token = signature_with_token(tenant)
    url = reverse("tiers:sign", kwargs={"token": token})

    missing = client.post(url, {"decision": "refuse", "reason": " "})
    item.refresh_from_db()
    status_after_missing = item.status
    refused = client.post(url, {"decision": "refuse", "reason": "Le prix a changé."})

    assert "Indiquez le motif du refus." in missing.content.decode()
    assert status_after_missing == SignatureStatus.SENT
    assert "Votre refus est enregistré." in refused.content.decode()
    item.refresh_from_db()
    assert (item.status, item.refusal_reason) == (SignatureStatus.REFUSED, "Le prix a changé.")


def test_an_answered_or_expired_link_changes_nothing(tenant, client):
    answered, answered_token = signature_with_token(
        tenant, status=SignatureStatus.SIGNED, answered_at=timezone.now()
    )
    expired, expired_token = signature_with_token(tenant, expires_in=datetime.timedelta(minutes=-1))

    again = client.post(
        reverse("tiers:sign", kwargs={"token": answered_token}), {"decision": "refuse", "reason": "x"}
    )
    late = client.post(reverse("tiers:sign", kwargs={"token": expired_token}), {"decision": "sign"})
    late_page = client.get(reverse("tiers:sign", kwargs={"token": expired_token}))
    late_document = client.get(reverse("tiers:sign_document", kwargs={"token": expired_token}))

    assert (
        again.status_code == 410
        and "Cette demande de signature a déjà reçu une réponse." in again.content.decode()
    )
    assert late.status_code == 410 and "Cette demande de signature a expiré." in late.content.decode()
    assert late_page.status_code == 410 and late_document.status_code == 404
    answered.refresh_from_db()
    expired.refresh_from_db()
    assert answered.status == SignatureStatus.SIGNED and expired.status == SignatureStatus.SENT


def test_an_unknown_or_malformed_token_is_404(client):
    assert client.get(reverse("tiers:sign", kwargs={"token": "x" * 43})).status_code == 404
    assert client.get(reverse("tiers:sign", kwargs={"token": "court"})).status_code == 404


def test_the_signing_page_keeps_csrf_protection(tenant):
    from django.test import Client

    _item, token = signature_with_token(tenant)
    strict = Client(enforce_csrf_checks=True)

    response = strict.post(reverse("tiers:sign", kwargs={"token": token}), {"decision": "sign"})

    assert response.status_code == 403


# --- Expiry ---------------------------------------------------------------------------------------


def test_the_daily_task_expires_late_requests_once(tenant, other_tenant):
    late, _token = signature_with_token(tenant, expires_in=datetime.timedelta(hours=-1))
    foreign, _token = signature_with_token(other_tenant, expires_in=datetime.timedelta(hours=-1))
    waiting, _token = signature_with_token(tenant)
    signed, _token = signature_with_token(
        tenant,
        status=SignatureStatus.SIGNED,
        answered_at=timezone.now(),
        expires_in=datetime.timedelta(hours=-1),
    )

    first = signatures_expire.delay().get()
    second = signatures_expire.delay().get()

    assert (first, second) == (2, 0)
    statuses = {}
    for item in (late, foreign, waiting, signed):
        item.refresh_from_db()
        statuses[item.pk] = item.status
    assert statuses == {late.pk: "expired", foreign.pk: "expired", waiting.pk: "sent", signed.pk: "signed"}


def test_the_task_is_scheduled_daily(settings):
    assert settings.CELERY_BEAT_SCHEDULE["signatures-expire-daily"]["task"] == "tiers.signatures_expire"


# --- Section of the third party's page ------------------------------------------------------------


def test_signatures_section_with_a_fixed_query_count(tenant, sales, login, django_assert_num_queries):
    def customer_with(count):
        customer = CustomerFactory(tenant=tenant)
        for _index in range(count):
            signature_with_token(tenant, document=FileAttachmentFactory(customer=customer))
        return customer

    small, large = customer_with(1), customer_with(4)
    client = login(sales)
    first = client.get(reverse("tiers:detail", kwargs={"pk": small.pk}))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("tiers:detail", kwargs={"pk": small.pk}))
    with django_assert_num_queries(len(few)):
        page = client.get(reverse("tiers:detail", kwargs={"pk": large.pk}))

    assert "section-signatures" in first.content.decode()
    assert len(re.findall("Marie Martin", page.content.decode())) == 4
