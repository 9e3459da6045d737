"""The SMS interface (crm/sms.py): not configured by default, the log backend, unknown names."""

from __future__ import annotations

import pytest

from crm import sms


@pytest.fixture(autouse=True)
def empty_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def test_sms_not_configured_by_default(settings):
    settings.SMS_BACKEND = ""
    with pytest.raises(sms.SmsError) as refused:
        sms.sms_send(sms.SmsMessage(to="+33612345678", body="Bonjour"))
    assert refused.value.message == "L'envoi de SMS n'est pas configuré."


def test_unknown_backend_is_not_configured(settings):
    settings.SMS_BACKEND = "passerelle-inconnue"
    assert isinstance(sms.sms_backend(), sms.NotConfiguredSmsBackend)


def test_log_backend_keeps_the_message(settings, caplog):
    settings.SMS_BACKEND = "log"
    with caplog.at_level("INFO", logger="crm.sms"):
        sms.sms_send(sms.SmsMessage(to="+33612345678", body="Bonjour"))
    assert sms.outbox == [sms.SmsMessage(to="+33612345678", body="Bonjour")]
    assert "SMS to +33612345678: Bonjour" in caplog.text
