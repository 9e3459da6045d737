"""The customer and prospect lists are printable (PDF, the Excel export's rows through
crm/exports/sheets_pdf.py) as well as exportable."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django_scopes import scope

from crm.exports.registry import Progress, exporter_registry
from crm.models import ExportJob
from tests.celery_worker import skip_or_fail
from tests.factories import member
from tests.tiers.factories_lists import third_party
from tiers.models import Lifecycle

pytestmark = pytest.mark.usefixtures("celery_eager", "media_root")

PRINT_BUTTON = "Imprimer (PDF)"


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def _weasyprint_or_skip():
    try:
        import weasyprint  # noqa: F401
    except OSError as exc:  # Pango (or one of its libraries) cannot be loaded
        skip_or_fail(f"WeasyPrint ne peut pas se charger (Pango absent ?) : {exc}")


def test_the_customer_and_prospect_lists_offer_print_and_excel(tenant, login):
    client = login(member(tenant, "Commercial"))
    for name in ("tiers:customer_list", "tiers:prospect_list"):
        html = client.get(reverse(name)).content.decode()
        assert PRINT_BUTTON in html and "Exporter (Excel)" in html
    assert PRINT_BUTTON not in client.get(reverse("tiers:contact_list")).content.decode()


@pytest.mark.pdf
@pytest.mark.usefixtures("_weasyprint_or_skip")
@pytest.mark.parametrize(("exporter", "lifecycle"), [("customers", Lifecycle.CUSTOMER), ("prospects", "")])
def test_printing_a_list_gives_a_pdf(tenant, login, exporter, lifecycle, django_capture_on_commit_callbacks):
    user = member(tenant, "Commercial")
    third_party(tenant, "Imprimerie Lyonnaise", code="C1", lifecycle=lifecycle or Lifecycle.PROSPECT_DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(user).post(
            reverse("exports:request"), {"exporter": exporter, "format": "pdf", "query": ""}
        )
    assert response.status_code == 302
    with scope(tenant=tenant):
        job = ExportJob.objects.get(owner=user)
        assert job.status == ExportJob.Status.DONE, job.error
        with job.file.open("rb") as handle:
            assert handle.read(4) == b"%PDF"


def test_the_printed_list_has_the_excel_rows(tenant):
    user = member(tenant, "Commercial")
    third_party(tenant, "Imprimerie Lyonnaise", code="C1", postal_code="69002", city="LYON")
    with scope(tenant=tenant):
        job = ExportJob.objects.create(tenant=tenant, owner=user, exporter="customers", format="pdf")
        context = exporter_registry.get("customers").pdf_context(job, Progress(lambda percent: None))
    (table,) = context["tables"]
    assert table["headers"][:2] == ["Code", "Raison sociale"]
    assert table["rows"][0][:2] == ["C1", "Imprimerie Lyonnaise"] and "69002" in table["rows"][0]
    assert not table["truncated"]


def test_the_contact_list_is_not_printable(tenant, login):
    user = member(tenant, "Commercial")
    response = login(user).post(reverse("exports:request"), {"exporter": "contacts", "format": "pdf"})
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "Le format « pdf » n'est pas proposé pour cet export."
    ]
