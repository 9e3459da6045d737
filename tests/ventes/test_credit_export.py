"""The customers over their credit limit: exportable (Excel) and printable (PDF) from their page
(ventes/exports_credit.py)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django_scopes import scope

from crm.models import ExportJob
from tests.celery_worker import skip_or_fail
from tests.factories import member
from tests.tiers.factories import ThirdPartyFactory
from tests.ventes.factories_billing import billing_order, invoice_of
from ventes.exports_credit import OVER_LIMIT

pytestmark = pytest.mark.usefixtures("celery_eager", "media_root")


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _over(tenant):
    customer = ThirdPartyFactory(
        tenant=tenant, code="C-OVER", credit_limit=Decimal("100"), credit_control="blocking"
    )
    invoice_of(billing_order(tenant, customer=customer))  # 240,00 TTC unpaid
    ThirdPartyFactory(tenant=tenant, code="C-UNDER", credit_limit=Decimal("1000"), credit_control="warning")
    return customer


def _export(client, format, capture):
    with capture(execute=True):
        response = client.post(reverse("exports:request"), {"exporter": OVER_LIMIT, "format": format})
    assert response.status_code == 302


def test_the_page_offers_excel_and_print_to_who_may_export(tenant, login):
    page = reverse("ventes:credit_control")
    html = login(member(tenant, "Manager")).get(page).content.decode()
    assert 'id="credit-export"' in html and "Imprimer (PDF)" in html and "Exporter (Excel)" in html
    assert 'id="credit-export"' not in login(member(tenant, "Technicien")).get(page).content.decode()


def test_the_excel_export_has_the_screens_rows(tenant, login, django_capture_on_commit_callbacks):
    from openpyxl import load_workbook

    _over(tenant)
    manager = member(tenant, "Manager")
    _export(login(manager), "xlsx", django_capture_on_commit_callbacks)
    with scope(tenant=tenant):
        job = ExportJob.objects.get(owner=manager)
        assert job.status == ExportJob.Status.DONE, job.error
        with job.file.open("rb") as handle:
            workbook = load_workbook(io.BytesIO(handle.read()))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][:2] == ("Code", "Client")
    assert [row[0] for row in rows[1:]] == ["C-OVER"]
    assert rows[1][-1] == 140  # 240,00 - 100,00


@pytest.mark.pdf
def test_the_list_prints_to_pdf(tenant, login, django_capture_on_commit_callbacks):
    try:
        import weasyprint  # noqa: F401
    except OSError as exc:  # Pango (or one of its libraries) cannot be loaded
        skip_or_fail(f"WeasyPrint ne peut pas se charger (Pango absent ?) : {exc}")
    _over(tenant)
    manager = member(tenant, "Manager")
    _export(login(manager), "pdf", django_capture_on_commit_callbacks)
    with scope(tenant=tenant):
        job = ExportJob.objects.get(owner=manager)
        assert job.status == ExportJob.Status.DONE, job.error
        with job.file.open("rb") as handle:
            assert handle.read(4) == b"%PDF"


def test_a_technician_may_not_export_the_list(tenant, login):
    response = login(member(tenant, "Technicien")).post(
        reverse("exports:request"), {"exporter": OVER_LIMIT, "format": "xlsx"}
    )
    assert response.status_code == 403
