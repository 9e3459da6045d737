"""Record section "Comptabilité", payment means and account actions
(synthese/record_accounting_means.py): payment authorisations (add, revoke after confirmation),
purchase vouchers (issue, shown with the total available) and "bloquer / débloquer"."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone
from django_scopes import scope

from crm.models import AuditEntry
from tests.factories import member
from tests.synthese.record_support import field_errors, member_with_perms, record_url
from tests.tiers.factories import BankAccountFactory
from tests.tiers.factories_sites_banks import IBAN_FR, CustomerFactory
from tiers.models import MandateKind, MandateStatus, PaymentMandate, ThirdParty
from tiers.services.mandates import payment_mandate_create
from ventes.models import Voucher
from ventes.services.vouchers import voucher_issue

pytestmark = pytest.mark.django_db

SECTION = "comptabilite"
READ_PERMS = ("tiers.view_thirdparty", "ventes.view_invoice", "ventes.view_payment")


@pytest.fixture
def manager(tenant):
    return member(tenant, "Manager")


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _html(client, customer) -> str:
    response = client.get(record_url(customer, SECTION))
    assert response.status_code == 200
    return response.content.decode()


def _account(tenant, customer):
    with scope(tenant=tenant):
        return BankAccountFactory(
            tenant=tenant, address__third_party=customer, iban=IBAN_FR, bank_name="Crédit Agricole"
        )


def _mandate_data(account, **fields) -> dict:
    return {
        "action": "mandat",
        "mandat-kind": "sepa",
        "mandat-bank_account": str(account.pk),
        "mandat-reference": "RUM-ACME-01",
        "mandat-signed_on": "2026-03-01",
        "mandat-ends_on": "",
        **fields,
    }


# --- Payment authorisations ------------------------------------------------------------------------


def test_adding_a_sepa_mandate_shows_it_in_the_payment_means(tenant, manager, login):
    customer = CustomerFactory(tenant=tenant)
    account = _account(tenant, customer)
    client = login(manager)
    assert "Les mandats de prélèvement ne sont pas gérés" not in _html(client, customer)
    response = client.post(record_url(customer, SECTION), _mandate_data(account))
    assert response.status_code == 302
    assert _messages(response) == [
        "Autorisation de prélèvement enregistrée : Prélèvement sur compte (SEPA) RUM-ACME-01."
    ]
    with scope(tenant=tenant):
        mandate = PaymentMandate.objects.get(third_party=customer)
    assert mandate.bank_account == account and mandate.signed_on == datetime.date(2026, 3, 1)
    html = _html(client, customer)
    means = html.split('id="record-payment-means"')[1]
    assert "RUM RUM-ACME-01 — Crédit Agricole" in means and "signé le 01/03/2026" in means
    assert "Confirmer la révocation" in means


def test_a_sepa_mandate_without_reference_is_refused_and_keeps_what_was_typed(tenant, manager, login):
    customer = CustomerFactory(tenant=tenant)
    account = _account(tenant, customer)
    data = _mandate_data(account, **{"mandat-reference": "", "mandat-ends_on": "2029-03-01"})
    response = login(manager).post(record_url(customer, SECTION), data)
    assert response.status_code == 200 and _messages(response) == []
    assert response.context["mandate_form"].errors == {
        "reference": ["La référence du mandat (RUM) est obligatoire pour un prélèvement SEPA."]
    }
    html = response.content.decode()
    assert (
        field_errors(html, "id_mandat-reference")
        == '<p class="error">La référence du mandat (RUM) est obligatoire pour un prélèvement SEPA.</p>'
    )
    form = html.split('id="record-mandate-form"')[1].split("</form>")[0]
    assert 'value="2029-03-01"' in form and f'<option value="{account.pk}" selected>' in form
    with scope(tenant=tenant):
        assert not PaymentMandate.objects.filter(third_party=customer).exists()


def test_a_reference_already_used_is_refused(tenant, manager, login):
    other = CustomerFactory(tenant=tenant)
    with scope(tenant=tenant):
        payment_mandate_create(
            tenant=tenant,
            actor=manager,
            third_party=other,
            kind=MandateKind.LCR,
            reference="RUM-ACME-01",
            signed_on=datetime.date(2026, 1, 1),
        )
    customer = CustomerFactory(tenant=tenant)
    response = login(manager).post(record_url(customer, SECTION), _mandate_data(_account(tenant, customer)))
    assert response.status_code == 200
    assert response.context["mandate_form"].errors == {
        "reference": ["La référence de mandat RUM-ACME-01 est déjà utilisée."]
    }


def test_the_bank_account_of_another_customer_cannot_be_chosen(tenant, manager, login):
    customer, other = CustomerFactory(tenant=tenant), CustomerFactory(tenant=tenant)
    _account(tenant, customer)
    foreign = _account(tenant, other)
    response = login(manager).post(record_url(customer, SECTION), _mandate_data(foreign))
    assert response.status_code == 200
    assert list(response.context["mandate_form"].errors) == ["bank_account"]
    with scope(tenant=tenant):
        assert not PaymentMandate.objects.exists()


def _mandate(tenant, actor, customer) -> PaymentMandate:
    with scope(tenant=tenant):
        return payment_mandate_create(
            tenant=tenant,
            actor=actor,
            third_party=customer,
            kind=MandateKind.CARD,
            signed_on=datetime.date(2026, 1, 15),
        )


def test_revoking_a_mandate(tenant, manager, login):
    customer = CustomerFactory(tenant=tenant)
    mandate = _mandate(tenant, manager, customer)
    client = login(manager)
    response = client.post(
        record_url(customer, SECTION), {"action": "revoquer_mandat", "mandate": mandate.pk}
    )
    assert response.status_code == 302
    assert _messages(response) == ["Autorisation de prélèvement révoquée : Prélèvement sur carte bancaire."]
    with scope(tenant=tenant):
        mandate.refresh_from_db()
        assert AuditEntry.objects.filter(action="payment_mandate.revoke", object_id=str(mandate.pk)).exists()
    assert mandate.status == MandateStatus.REVOKED
    html = _html(client, customer)
    assert f"révoqué le {timezone.localdate():%d/%m/%Y}" in html and "Confirmer la révocation" not in html
    response = client.post(
        record_url(customer, SECTION), {"action": "revoquer_mandat", "mandate": mandate.pk}
    )
    assert _messages(response) == ["Cette autorisation de prélèvement est déjà révoquée."]


@pytest.mark.parametrize("posted", ["abc", "", "-1", "1.5", "99999999999999999999999", "\u00b2"])
def test_revoking_a_mandate_that_is_no_row_number_is_404(tenant, manager, login, posted):
    """Found by tests/fuzz: a mandate number that was not an integer was a server error."""
    customer = CustomerFactory(tenant=tenant)
    mandate = _mandate(tenant, manager, customer)

    response = login(manager).post(
        record_url(customer, SECTION), {"action": "revoquer_mandat", "mandate": posted}
    )

    assert response.status_code == 404
    with scope(tenant=tenant):
        mandate.refresh_from_db()
    assert mandate.status != MandateStatus.REVOKED


def test_another_customers_or_tenants_mandate_is_404(tenant, other_tenant, manager, login):
    customer = CustomerFactory(tenant=tenant)
    mandate = _mandate(tenant, manager, CustomerFactory(tenant=tenant))
    foreign = _mandate(other_tenant, member(other_tenant, "Manager"), CustomerFactory(tenant=other_tenant))
    client = login(manager)
    for pk in (mandate.pk, foreign.pk):
        response = client.post(record_url(customer, SECTION), {"action": "revoquer_mandat", "mandate": pk})
        assert response.status_code == 404
    with scope(tenant=tenant):
        assert PaymentMandate.objects.get(pk=mandate.pk).status == MandateStatus.ACTIVE


def test_mandates_need_their_rights(tenant, manager, login):
    customer = CustomerFactory(tenant=tenant)
    mandate = _mandate(tenant, manager, customer)
    reader = member_with_perms(tenant, *READ_PERMS)
    client = login(reader)
    html = _html(client, customer)
    assert "Prélèvement sur carte bancaire" in html  # read by everyone who opens the section
    assert 'id="record-mandate-form"' not in html and "Confirmer la révocation" not in html
    data = _mandate_data(_account(tenant, customer))
    assert client.post(record_url(customer, SECTION), data).status_code == 403
    revoke = {"action": "revoquer_mandat", "mandate": mandate.pk}
    assert client.post(record_url(customer, SECTION), revoke).status_code == 403


# --- Purchase vouchers ------------------------------------------------------------------------------


def test_issuing_a_voucher_shows_it_beside_the_unallocated_payments_with_the_total(tenant, manager, login):
    customer = CustomerFactory(tenant=tenant)
    with scope(tenant=tenant):
        voucher_issue(
            tenant=tenant,
            actor=manager,
            customer=customer,
            amount=Decimal("25.00"),
            expires_on=datetime.date(2099, 1, 31),
        )
    client = login(manager)
    data = {
        "action": "bon_achat",
        "bon-amount": "40.50",
        "bon-expires_on": "2099-06-30",
        "bon-label": "Geste",
    }
    response = client.post(record_url(customer, SECTION), data)
    assert response.status_code == 302
    year = timezone.localdate().year
    assert _messages(response) == [f"Bon d'achat BA-{year}-000002 de 40,50\xa0€ émis."]
    html = _html(client, customer)
    assert 'id="bons-achat-disponibles">65.50 EUR' in html.replace(",", ".")
    vouchers = html.split('id="record-vouchers"')[1].split("</section>")[0]
    assert vouchers.count('class="voucher"') == 2 and "(Geste) : 40,50 / 40,50 EUR" in vouchers
    assert 'id="bons-achat-total">65,50 EUR' in vouchers


def test_a_voucher_of_zero_is_refused_and_keeps_what_was_typed(tenant, manager, login):
    customer = CustomerFactory(tenant=tenant)
    data = {"action": "bon_achat", "bon-amount": "0", "bon-expires_on": "2099-06-30", "bon-label": "Geste"}
    response = login(manager).post(record_url(customer, SECTION), data)
    assert response.status_code == 200 and _messages(response) == []
    assert response.context["voucher_form"].errors == {
        "amount": ["Le montant du bon d'achat doit être supérieur à zéro."]
    }
    html = response.content.decode()
    assert (
        field_errors(html, "id_bon-amount")
        == '<p class="error">Le montant du bon d&#x27;achat doit être supérieur à zéro.</p>'
    )
    form = html.split('id="record-voucher-form"')[1].split("</form>")[0]
    assert 'value="2099-06-30"' in form and 'value="Geste"' in form
    with scope(tenant=tenant):
        assert not Voucher.objects.filter(customer=customer).exists()


def test_issuing_a_voucher_needs_the_right(tenant, login):
    customer = CustomerFactory(tenant=tenant)
    sales = member(tenant, "Commercial")
    assert 'id="record-voucher-form"' not in _html(login(sales), customer)
    data = {"action": "bon_achat", "bon-amount": "10", "bon-expires_on": "2099-06-30"}
    assert login(sales).post(record_url(customer, SECTION), data).status_code == 403


# --- Bloquer / débloquer ----------------------------------------------------------------------------


def test_blocking_then_unblocking_the_account_is_audited(tenant, manager, login):
    customer = CustomerFactory(tenant=tenant)  # no SIRET: an incomplete identity never prevents it
    client = login(manager)
    html = _html(client, customer)
    assert "Confirmer le blocage" in html and 'value="bloquer"' in html
    response = client.post(record_url(customer, SECTION), {"action": "bloquer"})
    assert response.status_code == 302 and _messages(response) == ["Compte bloqué."]
    with scope(tenant=tenant):
        assert ThirdParty.objects.get(pk=customer.pk).is_blocked
        entry = AuditEntry.objects.get(action="third_party.update", object_id=str(customer.pk))
    assert entry.changes == {"is_blocked": [False, True]} and entry.actor == manager
    html = _html(client, customer)
    assert 'id="compte-bloque"' in html and "Confirmer le déblocage" in html
    response = client.post(record_url(customer, SECTION), {"action": "debloquer"})
    assert _messages(response) == ["Compte débloqué."]
    with scope(tenant=tenant):
        assert not ThirdParty.objects.get(pk=customer.pk).is_blocked


def test_blocking_needs_the_right_but_everyone_sees_the_flag(tenant, login):
    customer = CustomerFactory(tenant=tenant, is_blocked=True)
    technician = member(tenant, "Technicien")
    html = _html(login(technician), customer)
    assert 'id="compte-bloque"' in html and 'id="record-account-block"' not in html
    response = login(technician).post(record_url(customer, SECTION), {"action": "debloquer"})
    assert response.status_code == 403
    with scope(tenant=tenant):
        assert ThirdParty.objects.get(pk=customer.pk).is_blocked


def test_another_tenants_customer_is_404_for_every_action(tenant, other_tenant, manager, login):
    foreign = CustomerFactory(tenant=other_tenant)
    client = login(manager)
    for data in (
        {"action": "bloquer"},
        {"action": "bon_achat", "bon-amount": "10", "bon-expires_on": "2099-06-30"},
        {"action": "mandat", "mandat-kind": "card", "mandat-signed_on": "2026-03-01"},
    ):
        assert client.post(record_url(foreign, SECTION), data).status_code == 404
    with scope(tenant=other_tenant):
        assert not ThirdParty.objects.get(pk=foreign.pk).is_blocked
        assert not PaymentMandate.objects.exists() and not Voucher.objects.exists()
