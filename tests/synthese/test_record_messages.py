"""Record section "Messages" (synthese/record_messages.py) over ventes.services.messages and
crm.sms: e-mail through Django's backend (locmem in tests), SMS not configured by default, log
backend; every message kept as a done action with its attachments, in the history."""

from __future__ import annotations

import pytest
from django.core import mail
from django_scopes import scope

from crm import sms
from crm.models import AuditEntry
from tests.factories import member
from tests.queries import REQUEST_QUERIES
from tests.synthese.record_support import assert_section_guarded, field_errors, record_url
from tests.tiers.factories import ContactLinkFactory
from tests.tiers.factories_records import PDF, upload
from tests.tiers.factories_sites_banks import CustomerFactory
from tiers.models import Attachment
from ventes import models as ventes

pytestmark = pytest.mark.django_db

SECTION = "messages"


@pytest.fixture
def manager(tenant):
    return member(tenant, "Manager", email="vendeur@acme.example")


@pytest.fixture
def customer(tenant):
    customer = CustomerFactory(tenant=tenant)
    ContactLinkFactory(
        tenant=tenant,
        third_party=customer,
        is_default=True,
        contact__email="marie@client.example",
        contact__mobile="06 12 34 56 78",
    )
    ContactLinkFactory(
        tenant=tenant, third_party=customer, is_default=False, contact__email="paul@client.example"
    )
    return customer


@pytest.fixture
def clear_sms_outbox():
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def _email(**changes) -> dict:
    data = {
        "canal": "email",
        "email-to": "marie@client.example",
        "email-cc": "paul@client.example",
        "email-bcc": "",
        "email-subject": "Votre contrat",
        "email-body": "Bonjour,\nci-joint le contrat.",
    }
    data.update(changes)
    return data


def test_messages_guards(tenant, other_tenant, manager, login):
    assert_section_guarded(
        login=login, tenant=tenant, other_tenant=other_tenant, user=manager, section=SECTION
    )


def test_email_form_prefilled_from_the_contacts(customer, manager, login):
    form = login(manager).get(record_url(customer, SECTION)).context["email_form"]
    assert form.initial == {
        "to": "marie@client.example",
        "cc": "paul@client.example",
        "bcc": "vendeur@acme.example",
    }


def test_send_an_email_with_an_attachment_kept_as_a_done_action(tenant, customer, manager, login):
    client = login(manager)
    data = _email(**{"email-attachments": upload("contrat.pdf", PDF)})
    response = client.post(record_url(customer, SECTION), data)
    assert response.status_code == 302 and response["Location"] == record_url(customer, SECTION)
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["marie@client.example"] and sent.cc == ["paul@client.example"]
    assert sent.subject == "Votre contrat" and sent.reply_to == ["vendeur@acme.example"]
    assert sent.attachments[0][0] == "contrat.pdf" and sent.attachments[0][1] == PDF
    with scope(tenant=tenant):
        action = ventes.Action.objects.get(customer=customer, kind=ventes.ActionKind.EMAIL)
        assert action.done_at is not None and "marie@client.example" in action.notes
        assert Attachment.objects.filter(target_id=action.pk, title="contrat.pdf").count() == 1
        assert AuditEntry.objects.filter(action="message.email", object_id=str(action.pk)).exists()
    html = client.get(record_url(customer, SECTION)).content.decode()
    assert "E-mail envoyé." in html and f'data-message="{action.pk}"' in html
    assert f'data-history="action-{action.pk}"' in client.get(record_url(customer, "suivi")).content.decode()


def _kept(html: str, form_id: str) -> str:
    return html.split(f'id="{form_id}"')[1].split("</form>")[0]


def test_email_refused_with_an_invalid_address_keeps_what_was_typed(tenant, customer, manager, login):
    data = _email(**{"email-cc": "pas-une-adresse", "email-bcc": "moi@acme.example"})
    response = login(manager).post(record_url(customer, SECTION), data)
    assert response.status_code == 200  # the section again, not a redirect
    assert response.context["email_form"].errors == {"cc": ["Adresse e-mail invalide : pas-une-adresse."]}
    html = response.content.decode()
    assert (
        field_errors(html, "id_email-cc") == '<p class="error">Adresse e-mail invalide : pas-une-adresse.</p>'
    )
    form = _kept(html, "email-envoi")
    for value in ("marie@client.example", "pas-une-adresse", "moi@acme.example", "Votre contrat"):
        assert f'value="{value}"' in form
    assert ">\nBonjour,\nci-joint le contrat.</textarea>" in form
    assert 'value="06 12 34 56 78"' in _kept(html, "sms-envoi")  # the other form stays pre-filled
    assert mail.outbox == []
    with scope(tenant=tenant):
        assert not ventes.Action.objects.filter(customer=customer, kind=ventes.ActionKind.EMAIL).exists()


def test_email_refused_by_the_form_keeps_what_was_typed(customer, manager, login):
    response = login(manager).post(record_url(customer, SECTION), _email(**{"email-subject": ""}))
    assert response.status_code == 200
    assert response.context["email_form"].errors == {"subject": ["Ce champ est obligatoire."]}
    html = response.content.decode()
    assert field_errors(html, "id_email-subject") == '<p class="error">Ce champ est obligatoire.</p>'
    assert 'value="paul@client.example"' in _kept(html, "email-envoi")
    assert mail.outbox == []


def test_email_refused_with_a_forbidden_attachment_keeps_nothing(tenant, customer, manager, login):
    data = _email(
        **{"email-attachments": upload("virus.exe", b"MZ\x90\x00binary", "application/octet-stream")}
    )
    response = login(manager).post(record_url(customer, SECTION), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert field_errors(html, "id_email-attachments") == (
        '<p class="error">Type de fichier non autorisé. Types acceptés : PDF, images (PNG, JPEG, GIF, '
        "WebP), documents Word, Excel et PowerPoint (docx, xlsx, pptx), OpenDocument (odt, ods, odp), "
        "texte et CSV.</p>"
    )
    form = _kept(html, "email-envoi")
    assert 'value="Votre contrat"' in form  # the typed text is kept, the file is not (and it says so)
    assert "Les pièces jointes ne sont pas conservées après un refus : sélectionnez-les de nouveau." in form
    assert mail.outbox == []
    with scope(tenant=tenant):
        assert not ventes.Action.objects.filter(customer=customer).exists()


def test_email_send_failure_rolls_back(tenant, customer, manager, login, settings, monkeypatch):
    def broken(self, fail_silently=False):
        raise OSError("connexion refusée")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    response = login(manager).post(record_url(customer, SECTION), _email())
    assert response.status_code == 200
    assert response.context["email_form"].non_field_errors() == [
        "L'e-mail n'a pas pu être envoyé ; réessayez plus tard."
    ]
    form = _kept(response.content.decode(), "email-envoi")
    assert "<p>L&#x27;e-mail n&#x27;a pas pu être envoyé ; réessayez plus tard.</p>" in form
    assert 'value="Votre contrat"' in form
    with scope(tenant=tenant):
        assert not ventes.Action.objects.filter(customer=customer).exists()


def test_sms_refused_when_not_configured(tenant, customer, manager, login, settings, clear_sms_outbox):
    settings.SMS_BACKEND = ""
    data = {"canal": "sms", "sms-to": "06 99 88 77 66", "sms-body": "Votre technicien arrive."}
    response = login(manager).post(record_url(customer, SECTION), data)
    assert response.status_code == 200
    assert response.context["sms_form"].non_field_errors() == ["L'envoi de SMS n'est pas configuré."]
    html = response.content.decode()
    form = _kept(html, "sms-envoi")
    assert "<p>L&#x27;envoi de SMS n&#x27;est pas configuré.</p>" in form
    assert 'value="06 99 88 77 66"' in form and ">\nVotre technicien arrive.</textarea>" in form
    assert not response.context["email_form"].is_bound  # the e-mail form stays as it was
    assert clear_sms_outbox == []
    with scope(tenant=tenant):
        assert not ventes.Action.objects.filter(customer=customer, kind=ventes.ActionKind.SMS).exists()


def test_sms_sent_through_the_log_backend(tenant, customer, manager, login, settings, clear_sms_outbox):
    settings.SMS_BACKEND = "log"
    client = login(manager)
    assert client.get(record_url(customer, SECTION)).context["sms_form"].initial == {"to": "06 12 34 56 78"}
    data = {"canal": "sms", "sms-to": "06 12 34 56 78", "sms-body": "Votre technicien arrive."}
    response = client.post(record_url(customer, SECTION), data)
    assert response.status_code == 302 and response["Location"] == record_url(customer, SECTION)
    assert "SMS envoyé." in client.get(response["Location"]).content.decode()
    assert clear_sms_outbox == [sms.SmsMessage(to="+33612345678", body="Votre technicien arrive.")]
    with scope(tenant=tenant):
        action = ventes.Action.objects.get(customer=customer, kind=ventes.ActionKind.SMS)
        assert action.done_at is not None and AuditEntry.objects.filter(action="message.sms").exists()


def test_sms_refused_with_an_invalid_number(tenant, customer, manager, login, settings, clear_sms_outbox):
    settings.SMS_BACKEND = "log"
    data = {"canal": "sms", "sms-to": "12", "sms-body": "Bonjour"}
    response = login(manager).post(record_url(customer, SECTION), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert field_errors(html, "id_sms-to") == '<p class="error">Numéro de portable invalide.</p>'
    form = _kept(html, "sms-envoi")
    assert 'value="12"' in form and ">\nBonjour</textarea>" in form
    assert clear_sms_outbox == []


def test_sending_needs_the_add_action_permission(tenant, customer, login):
    technician = member(tenant, "Technicien")
    client = login(technician)
    assert "email_form" not in client.get(record_url(customer, SECTION)).context
    assert client.post(record_url(customer, SECTION), _email()).status_code == 403
    assert mail.outbox == []


# Session, user, membership and permissions (5), the customer (1), contacts, messages sent.
MESSAGES_QUERIES = REQUEST_QUERIES + 12


@pytest.mark.parametrize("size", [1, 6])
def test_messages_queries_do_not_depend_on_the_customer_size(
    tenant, manager, login, size, django_assert_num_queries
):
    customer = CustomerFactory(tenant=tenant)
    for index in range(size):
        ContactLinkFactory(
            tenant=tenant,
            third_party=customer,
            is_default=index == 0,
            contact__email=f"c{index}@client.example",
        )
    client = login(manager)
    for _index in range(size):
        client.post(
            record_url(customer, SECTION), _email(**{"email-to": "c0@client.example", "email-cc": ""})
        )
    with django_assert_num_queries(MESSAGES_QUERIES):
        response = client.get(record_url(customer, SECTION))
    assert response.status_code == 200
