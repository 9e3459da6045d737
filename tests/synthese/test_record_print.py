"""Record section "Imprimer" (synthese/record_print.py): the record to PDF through core's export
framework with a choice of print template, optionally filed in the record's documents."""

from __future__ import annotations

import io

import pytest
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.urls import reverse
from django_scopes import scope

from crm.exports.registry import Progress
from crm.models import ExportJob
from synthese.record_print import PRINT_TEMPLATES, CustomerRecordExporter, record_print_context
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
from tests.tiers.factories_records import media_root  # noqa: F401 (fixture)
from tests.tiers.factories_sites_banks import CustomerFactory
from tests.ventes.factories_billing import billing_order, invoice_of
from tiers.models import Attachment

pytestmark = pytest.mark.django_db

# A broker that refuses connections at once: Redis configured but unreachable.
UNREACHABLE_BROKER = "redis://127.0.0.1:1/13"

SECTION = "imprimer"
CONTEXT_QUERIES = 14
PAGE_QUERIES = REQUEST_QUERIES + 10


@pytest.fixture
def manager(tenant):
    return member(tenant, "Manager")


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _job(tenant, owner, customer, template="complete", file=False) -> ExportJob:
    with scope(tenant=tenant):
        return ExportJob.objects.create(
            tenant=tenant,
            owner=owner,
            exporter="customer_record",
            format="pdf",
            parameters={"customer_id": customer.pk, "template": template, "file": file},
        )


def test_the_section_offers_both_print_templates(tenant, manager, login):
    customer = CustomerFactory(tenant=tenant)
    html = login(manager).get(record_url(customer, SECTION)).content.decode()
    assert "Fiche client complète" in html and "Fiche client résumée" in html
    assert "Classer le PDF dans les pièces jointes de la fiche" in html
    assert reverse("tiers:customer_list") in html and reverse("ventes:credit_control") in html


def test_printing_asks_for_an_export_job_with_the_chosen_template(tenant, manager, login):
    customer = CustomerFactory(tenant=tenant)
    response = login(manager).post(record_url(customer, SECTION), {"modele": "resume", "classer": "on"})
    assert response.status_code == 302 and response.url == reverse("exports:list")
    assert _messages(response) == [
        "Impression de la fiche demandée. Vous pourrez télécharger le PDF dès qu'il sera prêt."
    ]
    with scope(tenant=tenant):
        job = ExportJob.objects.get(owner=manager, exporter="customer_record")
    assert job.format == "pdf"
    assert job.parameters == {"customer_id": customer.pk, "template": "resume", "file": True}


def _print_form_html(html: str) -> str:
    return html.split('id="record-print-form"')[1].split("</form>")[0]


def test_an_unknown_print_template_is_refused_and_keeps_what_was_typed(tenant, manager, login):
    customer = CustomerFactory(tenant=tenant)
    response = login(manager).post(record_url(customer, SECTION), {"modele": "tout", "classer": "on"})
    assert response.status_code == 200  # the section again, not a redirect
    assert _messages(response) == []
    form = response.context["print_form"]
    assert form.is_bound
    assert form.errors == {"modele": ["Sélectionnez un choix valide. tout n\u2019en fait pas partie."]}
    html = response.content.decode()
    assert (
        field_errors(html, "id_modele")
        == '<p class="error">Sélectionnez un choix valide. tout n\u2019en fait pas partie.</p>'
    )
    print_form = _print_form_html(html)
    assert "Le formulaire contient des erreurs : corrigez les champs signalés." in print_form
    assert 'name="classer" id="id_classer" checked' in print_form
    assert 'id="record-print-lists"' in html  # the whole section
    with scope(tenant=tenant):
        assert not ExportJob.objects.filter(owner=manager).exists()


def test_a_print_refused_by_the_export_service_keeps_the_choices(tenant, manager, login):
    customer = CustomerFactory(tenant=tenant)
    # Redis configured but unreachable: the export framework refuses at once, nothing queued.
    with celery_conf(task_always_eager=False, broker_url=UNREACHABLE_BROKER):
        response = login(manager).post(record_url(customer, SECTION), {"modele": "resume", "classer": "on"})
    assert response.status_code == 200
    assert _messages(response) == []
    assert response.context["print_form"].non_field_errors() == [
        "Le service d'export est indisponible pour le moment. Réessayez dans quelques minutes."
    ]
    print_form = _print_form_html(response.content.decode())
    assert (
        "<p>Le service d&#x27;export est indisponible pour le moment. "
        "Réessayez dans quelques minutes.</p>" in print_form
    )
    assert 'value="resume" required id="id_modele_1" checked' in print_form
    assert 'value="complete" required id="id_modele_0" checked' not in print_form
    assert 'name="classer" id="id_classer" checked' in print_form


def test_the_complete_record_shows_more_than_the_summary(tenant, manager):
    customer = customer_of_size(tenant, 2, accounting_code="411ACME")
    invoice_of(billing_order(tenant, customer=customer))
    with scope(tenant=tenant):
        complete = render_to_string(
            "synthese/pdf/record.html",
            record_print_context(
                tenant=tenant, user=manager, customer=customer, template=PRINT_TEMPLATES["complete"]
            ),
        )
        summary = render_to_string(
            "synthese/pdf/record.html",
            record_print_context(
                tenant=tenant, user=manager, customer=customer, template=PRINT_TEMPLATES["resume"]
            ),
        )
    assert "Fiche client complète" in complete and "Fiche client résumée" in summary
    for text in ("Agence 0", "Conditions commerciales", "411ACME", "Solde du compte", "240,00"):
        assert text in complete and text not in summary, text
    assert customer.name in summary and "Interlocuteur principal" in summary


def test_the_account_is_printed_only_for_who_may_view_it(tenant):
    customer = CustomerFactory(tenant=tenant)
    reader = member_with_perms(tenant, "tiers.view_thirdparty", "crm.add_exportjob")
    with scope(tenant=tenant):
        context = record_print_context(
            tenant=tenant, user=reader, customer=customer, template=PRINT_TEMPLATES["complete"]
        )
    assert "account" not in context


@pytest.mark.parametrize("size", [1, 6])
def test_the_print_context_queries_do_not_depend_on_the_size(
    tenant, manager, size, django_assert_num_queries
):
    customer = customer_of_size(tenant, size)
    with scope(tenant=tenant), django_assert_num_queries(CONTEXT_QUERIES):
        record_print_context(
            tenant=tenant, user=manager, customer=customer, template=PRINT_TEMPLATES["complete"]
        )


@pytest.mark.pdf
@pytest.mark.parametrize("template", ["complete", "resume"])
def test_the_record_prints_to_pdf_and_is_filed_when_asked(tenant, manager, template, media_root):  # noqa: F811
    try:
        import weasyprint  # noqa: F401
    except OSError as exc:  # Pango (or one of its libraries) cannot be loaded
        skip_or_fail(f"WeasyPrint ne peut pas se charger (Pango absent ?) : {exc}")
    customer = customer_of_size(tenant, 1)
    exporter = CustomerRecordExporter()
    with scope(tenant=tenant):
        output = io.BytesIO()
        exporter.write(job=_job(tenant, manager, customer, template), output=output, progress=Progress(print))
        assert output.getvalue().startswith(b"%PDF")
        assert not Attachment.objects.filter(customer=customer).exists()
        filed = io.BytesIO()
        exporter.write(
            job=_job(tenant, manager, customer, template, file=True), output=filed, progress=Progress(print)
        )
        attachment = Attachment.objects.get(customer=customer)
    assert attachment.mime_type == "application/pdf"
    assert attachment.title.startswith(str(PRINT_TEMPLATES[template].label))


def test_another_tenants_or_a_reserved_customer_is_404_and_no_right_is_403(
    tenant, other_tenant, manager, login
):
    assert_section_guarded(
        login=login, tenant=tenant, other_tenant=other_tenant, user=manager, section=SECTION
    )


def test_the_section_needs_the_right_to_ask_for_a_job(tenant, login):
    customer = CustomerFactory(tenant=tenant)
    reader = member_with_perms(tenant, "tiers.view_thirdparty")
    assert login(reader).get(record_url(customer, SECTION)).status_code == 404


@pytest.mark.parametrize("size", [1, 6])
def test_the_print_section_queries_do_not_depend_on_the_size(
    tenant, manager, login, size, django_assert_num_queries
):

    customer = customer_of_size(tenant, size)
    client = login(manager)
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(record_url(customer, SECTION))
    assert response.status_code == 200
