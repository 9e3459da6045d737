"""Record section "Comptabilité" (synthese/record_accounting.py): the account summary, the
blocked flag, recording an unallocated payment, the statement with its search and print, payment
means, the situation and the out-of-scope notice."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django_scopes import scope

from crm.exports.registry import Progress
from crm.models import ExportJob
from tests.celery_worker import celery_conf, skip_or_fail
from tests.factories import member
from tests.queries import REQUEST_QUERIES
from tests.synthese.frame_support import customer_of_size
from tests.synthese.record_support import (
    assert_section_guarded,
    field_errors,
    member_with_perms,
    record_url,
)
from tests.tiers.factories import BankAccountFactory
from tests.tiers.factories_sites_banks import IBAN_FR, CustomerFactory
from tests.ventes.factories_billing import billing_order, invoice_of, pay
from tiers.models import MandateKind
from tiers.services.mandates import payment_mandate_create
from ventes.exports_account import AccountStatementExporter, statement_parameters
from ventes.models import Payment
from ventes.services.vouchers import voucher_issue

pytestmark = pytest.mark.django_db

# A broker that refuses connections at once: Redis configured but unreachable.
UNREACHABLE_BROKER = "redis://127.0.0.1:1/13"

SECTION = "comptabilite"
ACCOUNTING_QUERIES = REQUEST_QUERIES + 30


@pytest.fixture
def manager(tenant):
    return member(tenant, "Manager")


def _account(tenant, customer, invoices: int = 1):
    """``invoices`` invoices of 240,00 TTC; the first one paid 100,00."""
    billed = []
    for number in range(invoices):
        billed.append(
            invoice_of(billing_order(tenant, customer=customer, number=f"CMD-{customer.pk}-{number}"))
        )
    pay(billed[0], "100.00")
    return billed


def _html(client, customer, query: str = "") -> str:
    response = client.get(record_url(customer, SECTION, query))
    assert response.status_code == 200
    return response.content.decode()


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_summary_shows_balance_unpaid_invoices_and_payment_means(tenant, manager, login):
    customer = CustomerFactory(tenant=tenant, accounting_code="411ACME")
    invoices = _account(tenant, customer, invoices=2)
    BankAccountFactory(
        tenant=tenant, address__third_party=customer, iban=IBAN_FR, bank_name="Crédit Agricole"
    )
    html = _html(login(manager), customer)
    assert 'id="solde-compte">380,00 EUR' in html  # 2 x 240,00 - 100,00
    assert invoices[0].number in html and invoices[1].number in html
    assert "411ACME" in html
    assert "FR76 3000 6000 0112 3456 7890 189" in html
    assert "Hors périmètre : lettres de relance, portefeuilles d'effets" in html
    assert "Plus de 90 jours" in html  # the aged balance of the situation


def test_the_blocked_flag_is_shown_to_everyone(tenant, login):
    customer = CustomerFactory(tenant=tenant, is_blocked=True)
    html = _html(login(member(tenant, "Technicien")), customer)
    assert 'id="compte-bloque"' in html and "Information seulement" in html
    assert "Enregistrer un règlement non affecté" not in html  # technicians read only


def test_recording_an_unallocated_payment_even_on_a_blocked_account(tenant, manager, login):
    customer = CustomerFactory(tenant=tenant, is_blocked=True)
    _account(tenant, customer)
    data = {"action": "regler", "received_on": "2026-05-02", "amount": "150.00", "method": "cheque"}
    response = login(manager).post(record_url(customer, SECTION), data)
    assert response.status_code == 302
    assert _messages(response) == ["Règlement de 150,00\xa0€ enregistré, non affecté."]
    with scope(tenant=tenant):
        payment = Payment.objects.get(customer=customer, amount=Decimal("150.00"))
    assert payment.allocated_amount == 0
    assert "150,00 EUR" in _html(login(manager), customer)


def _payment_form_html(html: str) -> str:
    return html.split('id="record-payment-form"')[1].split("</form>")[0]


def test_recording_a_payment_of_zero_is_refused_and_keeps_what_was_typed(tenant, manager, login):
    customer = CustomerFactory(tenant=tenant)
    data = {
        "action": "regler",
        "received_on": "2026-05-02",
        "amount": "0",
        "method": "cheque",
        "reference": "CHQ 4521",
    }
    response = login(manager).post(record_url(customer, SECTION), data)
    assert response.status_code == 200  # the section again, not a redirect
    assert _messages(response) == []
    form = response.context["payment_form"]
    assert form.is_bound and form.errors == {
        "amount": ["Le montant du règlement doit être supérieur à zéro."]
    }
    html = response.content.decode()
    assert (
        field_errors(html, "id_amount")
        == '<p class="error">Le montant du règlement doit être supérieur à zéro.</p>'
    )
    payment_form = _payment_form_html(html)
    assert "Le formulaire contient des erreurs : corrigez les champs signalés." in payment_form
    assert 'value="2026-05-02"' in payment_form and 'value="0"' in payment_form
    assert 'value="CHQ 4521"' in payment_form and '<option value="cheque" selected>' in payment_form
    assert 'id="record-statement"' in html and 'id="solde-compte"' in html  # the whole section
    with scope(tenant=tenant):
        assert not Payment.objects.filter(customer=customer).exists()


def test_recording_a_payment_without_date_is_refused_and_keeps_what_was_typed(tenant, manager, login):
    customer = CustomerFactory(tenant=tenant)
    data = {"action": "regler", "received_on": "", "amount": "75.50", "method": "transfer"}
    response = login(manager).post(record_url(customer, SECTION), data)
    assert response.status_code == 200
    assert _messages(response) == []
    assert response.context["payment_form"].errors == {"received_on": ["Ce champ est obligatoire."]}
    html = response.content.decode()
    assert field_errors(html, "id_received_on") == '<p class="error">Ce champ est obligatoire.</p>'
    payment_form = _payment_form_html(html)
    assert 'value="75.50"' in payment_form and '<option value="transfer" selected>' in payment_form
    with scope(tenant=tenant):
        assert not Payment.objects.filter(customer=customer).exists()


def test_recording_a_payment_needs_the_right(tenant, login):
    customer = CustomerFactory(tenant=tenant)
    data = {"action": "regler", "received_on": "2026-05-02", "amount": "10", "method": "cheque"}
    response = login(member(tenant, "Commercial")).post(record_url(customer, SECTION), data)
    assert response.status_code == 403


def test_the_statement_searches_by_period_and_document(tenant, manager, login):
    customer = CustomerFactory(tenant=tenant)
    _first, second = _account(tenant, customer, invoices=2)
    client = login(manager)
    html = _html(client, customer, f"document={second.number}")
    assert html.count('class="statement-line"') == 1 and second.number in html
    html = _html(client, customer, "du=2026-04-01&au=2026-12-31")
    assert html.count('class="statement-line"') == 1  # the payment of 15/04 only
    html = _html(client, customer, "du=2026-01-01&au=2026-12-31")
    assert html.count('class="statement-line"') == 3


def test_printing_the_statement_asks_for_an_export_job(tenant, manager, login):
    customer = CustomerFactory(tenant=tenant)
    _account(tenant, customer)
    data = {"action": "imprimer", "format": "xlsx", "du": "2026-01-01", "au": "2026-12-31", "document": ""}
    response = login(manager).post(record_url(customer, SECTION), data)
    assert response.status_code == 302 and response.url == reverse("exports:list")
    with scope(tenant=tenant):
        job = ExportJob.objects.get(owner=manager, exporter="account_statement")
        assert job.format == "xlsx"
        (sheet,) = AccountStatementExporter().sheets(job)
        rows = list(sheet.rows)
    assert rows[0][1] == "Solde d'ouverture" and rows[0][6] == 0
    assert [row[1] for row in rows[1:]] == ["Facture", "Règlement"]
    assert rows[-1][6] == Decimal("140.00")
    assert job.parameters["date_from"] == "2026-01-01"


def test_a_refused_statement_print_shows_the_error_and_keeps_the_period(tenant, manager, login):
    customer = CustomerFactory(tenant=tenant)
    _first, second = _account(tenant, customer, invoices=2)
    data = {
        "action": "imprimer",
        "format": "pdf",
        "du": "2026-01-01",
        "au": "2026-12-31",
        "document": second.number,
    }
    # Redis configured but unreachable: the export framework refuses at once, nothing queued.
    with celery_conf(task_always_eager=False, broker_url=UNREACHABLE_BROKER):
        response = login(manager).post(record_url(customer, SECTION), data)
    assert response.status_code == 200  # the section again, not a redirect
    assert _messages(response) == []
    assert response.context["statement_print_form"].non_field_errors() == [
        "Le service d'export est indisponible pour le moment. Réessayez dans quelques minutes."
    ]
    html = response.content.decode()
    print_form = html.split('id="record-statement-print"')[1].split("</form>")[0]
    assert (
        "<p>Le service d&#x27;export est indisponible pour le moment. "
        "Réessayez dans quelques minutes.</p>" in print_form
    )
    assert 'name="du" value="2026-01-01"' in print_form and 'name="au" value="2026-12-31"' in print_form
    assert f'name="document" value="{second.number}"' in print_form
    assert html.count('class="statement-line"') == 1 and second.number in html  # the posted search
    with scope(tenant=tenant):
        assert not ExportJob.objects.filter(owner=manager).exists()


def test_the_statement_print_needs_the_right(tenant, login):
    customer = CustomerFactory(tenant=tenant)
    reader = member_with_perms(tenant, "tiers.view_thirdparty", "ventes.view_invoice", "ventes.view_payment")
    html = _html(login(reader), customer)
    assert 'id="record-statement-print"' not in html
    response = login(reader).post(record_url(customer, SECTION), {"action": "imprimer", "format": "pdf"})
    assert response.status_code == 403


def test_another_tenants_or_a_reserved_customer_is_404_and_no_right_is_403(
    tenant, other_tenant, manager, login
):
    assert_section_guarded(
        login=login, tenant=tenant, other_tenant=other_tenant, user=manager, section=SECTION
    )


def test_the_section_needs_the_invoice_and_payment_views(tenant, login):
    customer = CustomerFactory(tenant=tenant)
    reader = member_with_perms(tenant, "tiers.view_thirdparty")
    assert login(reader).get(record_url(customer, SECTION)).status_code == 404


@pytest.mark.parametrize("size", [1, 4])
def test_accounting_queries_do_not_depend_on_the_account_size(
    tenant, manager, login, size, django_assert_num_queries
):

    customer = customer_of_size(tenant, size)
    _account(tenant, customer, invoices=size)
    with scope(tenant=tenant):
        account = BankAccountFactory(
            tenant=tenant, address__third_party=customer, address__is_default=False, iban=IBAN_FR
        )
        for index in range(size):  # as many mandates and vouchers as invoices
            payment_mandate_create(
                tenant=tenant,
                actor=manager,
                third_party=customer,
                kind=MandateKind.SEPA,
                bank_account=account,
                reference=f"RUM-{customer.pk}-{index}",
                signed_on=datetime.date(2026, 1, 1),
            )
            voucher_issue(
                tenant=tenant,
                actor=manager,
                customer=customer,
                amount=Decimal(10 + index),
                expires_on=datetime.date(2099, 12, 31),
            )
    client = login(manager)
    with django_assert_num_queries(ACCOUNTING_QUERIES):
        response = client.get(record_url(customer, SECTION, f"du={datetime.date(2026, 1, 1)}"))
    assert response.status_code == 200


@pytest.mark.pdf
def test_the_statement_prints_to_pdf(tenant, manager):
    try:
        import weasyprint  # noqa: F401
    except OSError as exc:  # Pango (or one of its libraries) cannot be loaded
        skip_or_fail(f"WeasyPrint ne peut pas se charger (Pango absent ?) : {exc}")
    customer = CustomerFactory(tenant=tenant)
    _account(tenant, customer)
    with scope(tenant=tenant):
        job = ExportJob.objects.create(
            tenant=tenant,
            owner=manager,
            exporter="account_statement",
            format="pdf",
            parameters=statement_parameters(
                customer_id=customer.pk,
                date_from=datetime.date(2026, 1, 1),
                date_to=datetime.date(2026, 12, 31),
                document="",
            ),
        )
        output = io.BytesIO()
        AccountStatementExporter().write(job=job, output=output, progress=Progress(lambda percent: None))
    assert output.getvalue().startswith(b"%PDF")
