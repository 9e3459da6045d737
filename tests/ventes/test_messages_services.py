"""Messages sent to a customer (ventes/services/messages.py): kept as a done action, audited, in
one transaction; a failed send keeps nothing, not even the attachments' files."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django_scopes import scope

from tests.factories import member
from tests.tiers.factories_records import PDF, upload
from tests.tiers.factories_sites_banks import CustomerFactory
from tiers.models import Attachment
from ventes.models import Action, ActionKind
from ventes.services.messages import message_email_send, message_sms_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def sender(tenant):
    return member(tenant, "Commercial")


def _send(tenant, sender, customer, **changes):
    arguments = {
        "tenant": tenant,
        "actor": sender,
        "customer": customer,
        "to": ["marie@client.example"],
        "subject": "Devis",
        "body": "Bonjour",
    }
    arguments.update(changes)
    with scope(tenant=tenant):
        return message_email_send(**arguments)


def test_email_kept_as_a_done_email_action(tenant, sender, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    customer = CustomerFactory(tenant=tenant)
    action = _send(tenant, sender, customer, attachments=[upload("devis.pdf", PDF)])
    assert action.kind == ActionKind.EMAIL and action.done_at is not None and action.owner == sender
    assert mail.outbox[0].attachments[0][:2] == ("devis.pdf", PDF)
    with scope(tenant=tenant):
        document = Attachment.objects.get(target_id=action.pk)
    assert default_storage.exists(document.file.name)


def test_email_refusals_name_their_field(tenant, sender):
    customer = CustomerFactory(tenant=tenant)
    with pytest.raises(ValidationError) as refused:
        _send(tenant, sender, customer, to=[], subject=" ", body="")
    assert refused.value.message_dict == {
        "to": ["Indiquez au moins un destinataire."],
        "subject": ["L'objet est obligatoire."],
        "body": ["Le message est vide."],
    }


def test_failed_send_keeps_no_action_and_no_file(tenant, sender, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    customer = CustomerFactory(tenant=tenant)

    def broken(self, fail_silently=False):
        raise OSError("connexion refusée")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    with pytest.raises(ValidationError) as refused:
        _send(tenant, sender, customer, attachments=[upload("devis.pdf", PDF)])
    assert refused.value.messages == ["L'e-mail n'a pas pu être envoyé ; réessayez plus tard."]
    with scope(tenant=tenant):
        assert not Action.objects.filter(customer=customer).exists()
        assert not Attachment.objects.filter(customer=customer).exists()
    assert not [path for path in tmp_path.rglob("*") if path.is_file()]


def test_sms_refusals(tenant, sender, settings):
    settings.SMS_BACKEND = "log"
    customer = CustomerFactory(tenant=tenant)
    with pytest.raises(ValidationError) as refused, scope(tenant=tenant):
        message_sms_send(tenant=tenant, actor=sender, customer=customer, to="06 12 34 56 78", body="x" * 641)
    assert refused.value.message_dict == {"body": ["Le SMS dépasse 640 caractères."]}
