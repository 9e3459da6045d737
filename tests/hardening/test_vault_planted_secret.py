"""A planted vault secret appears nowhere but in its own reveal: not in the third party's page,
the synthèse, the vault panels, the admin, the Excel/PDF exports, the error pages (404, 500), the
error e-mail sent to the admins, nor the logs."""

from __future__ import annotations

import io
import logging
import sys
import zipfile

import pytest
from django.core import mail
from django.core.signals import got_request_exception
from django.urls import reverse
from django.views.debug import ExceptionReporter
from django_scopes import scope
from pypdf import PdfReader

from crm.models import ExportJob
from crm.services.exports import export_request
from synthese.exports import SECTIONS, synthese_export_request
from tests.factories import member
from tests.tiers.factories_sites_banks import CustomerFactory
from tiers.services.vault import vault_secret_create
from tiers.views.records import VaultRevealView

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("celery_eager")]

PLANTED_SECRET = "PLANTED-Sx9!qZ7v-secret"
PLANTED_NOTES = "PLANTED-Nt4#wK2m-notes"
PLANTED = (PLANTED_SECRET, PLANTED_NOTES)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def planted(tenant):
    manager = member(tenant, "Manager")
    with scope(tenant=tenant):
        customer = CustomerFactory(tenant=tenant, name="Client Coffre")
        item = vault_secret_create(
            tenant=tenant,
            actor=manager,
            target=customer,
            label="Routeur du siège",
            login="admin-routeur",
            secret=PLANTED_SECRET,
            notes=PLANTED_NOTES,
        )
    return customer, item, manager


def _leaks(data: bytes | str) -> list[str]:
    text = data if isinstance(data, str) else data.decode("utf-8", errors="replace")
    return [value for value in PLANTED if value in text]


def _export_texts(job: ExportJob) -> list[str]:
    with scope(tenant=job.tenant), job.file.open("rb") as handle:
        content = handle.read()
    texts = [content.decode("latin-1")]
    if job.format == "xlsx":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            texts += [archive.read(name).decode("utf-8") for name in archive.namelist()]
    else:
        texts += [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]
    return texts


def _run(tenant, capture, request_job) -> ExportJob:
    with scope(tenant=tenant), capture(execute=True):
        job = request_job()
    with scope(tenant=tenant):
        job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE, job.error
    return job


def _pages(client, customer, item) -> dict[str, object]:
    return {
        "fiche tiers": client.get(reverse("tiers:detail", kwargs={"pk": customer.pk})),
        "coffre-fort": client.get(reverse("tiers:vault", kwargs={"pk": customer.pk})),
        "modifier": client.get(reverse("tiers:vault_update", kwargs={"pk": item.pk})),
        "synthèse": client.get(reverse("synthese:customer", kwargs={"pk": customer.pk})),
        "synthèse fiche": client.get(
            reverse("synthese:record_home", kwargs={"pk": customer.pk}), follow=True
        ),
        "panneau coffre": client.get(
            reverse("synthese:vault", kwargs={"pk": customer.pk}), headers={"HX-Request": "true"}
        ),
        "404": client.get(reverse("tiers:vault_update", kwargs={"pk": item.pk + 10_000})),
    }


def test_the_planted_secret_shows_only_in_its_reveal(
    tenant, planted, login, caplog, settings, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    customer, item, manager = planted
    client = login(manager)

    pages = _pages(client, customer, item)
    exports = [
        _run(
            tenant,
            django_capture_on_commit_callbacks,
            lambda fmt=fmt: synthese_export_request(
                tenant=tenant,
                user=manager,
                customer=customer,
                format=fmt,
                sections=[section.key for section in SECTIONS if manager.has_perm(section.permission)],
                query="",
            ),
        )
        for fmt in ("xlsx", "pdf")
    ] + [
        _run(
            tenant,
            django_capture_on_commit_callbacks,
            lambda fmt=fmt: export_request(
                tenant=tenant, user=manager, exporter_key="customers", format=fmt, parameters={"query": ""}
            ),
        )
        for fmt in ("xlsx", "pdf")
    ]
    reveal = client.post(
        reverse("tiers:vault_reveal", kwargs={"pk": item.pk}), headers={"HX-Request": "true"}
    )

    assert pages["404"].status_code == 404
    for name, response in pages.items():
        assert response.status_code in (200, 404), name
        assert _leaks(response.content) == [], name
    for name in ("coffre-fort", "panneau coffre", "fiche tiers", "modifier"):
        assert "Routeur du siège" in pages[name].content.decode(), name
    for job in exports:
        assert "Client Coffre" in " ".join(_export_texts(job)), job.exporter
        assert _leaks(" ".join(_export_texts(job))) == [], f"{job.exporter} {job.format}"
    assert reveal.status_code == 200 and _leaks(reveal.content) == list(PLANTED)
    assert _leaks(caplog.text) == []
    assert all(_leaks(str(record.__dict__)) == [] for record in caplog.records)


def test_the_admin_never_shows_the_secret(tenant, planted, login):
    _customer, item, _manager = planted
    tenant_admin = member(tenant, "Administrateur", is_staff=True)
    superuser = member(tenant, "Administrateur", is_staff=True, is_superuser=True)

    for user in (tenant_admin, superuser):
        client = login(user)
        changelist = client.get(reverse("admin:tiers_vaultsecret_changelist"))
        change = client.get(reverse("admin:tiers_vaultsecret_change", args=[item.pk]))
        search = client.get(reverse("admin:tiers_vaultsecret_changelist"), {"q": "PLANTED"})

        assert changelist.status_code == change.status_code == search.status_code == 200
        assert "Routeur du siège" in changelist.content.decode()
        for response in (changelist, change, search):
            assert _leaks(response.content) == []


def test_a_failure_after_the_reveal_leaks_it_neither_in_the_500_page_nor_the_logs_nor_the_mail(
    tenant, planted, client, caplog, settings, monkeypatch
):
    caplog.set_level(logging.DEBUG)
    settings.ADMINS = [("Exploitation", "exploitation@example.com")]
    _customer, item, manager = planted

    def broken_page(self, request, template, status=200, **context):
        raise RuntimeError("rendu impossible")

    reports = []

    def report(sender, request, **kwargs):
        # What an error report with the frames' variables (the HTML one) would show.
        reports.append(ExceptionReporter(request, *sys.exc_info()).get_traceback_html())

    monkeypatch.setattr(VaultRevealView, "page", broken_page)
    got_request_exception.connect(report)
    client.force_login(manager)
    client.raise_request_exception = False

    try:
        response = client.post(reverse("tiers:vault_reveal", kwargs={"pk": item.pk}))
    finally:
        got_request_exception.disconnect(report)

    assert response.status_code == 500
    assert _leaks(response.content) == []
    assert "Internal Server Error" in caplog.text
    assert _leaks(caplog.text) == []
    assert len(mail.outbox) == 1
    bodies = [mail.outbox[0].body] + [content for content, _mime in mail.outbox[0].alternatives]
    assert "RuntimeError" in mail.outbox[0].body
    assert _leaks(" ".join(bodies)) == []
    assert len(reports) == 1 and "rendu impossible" in reports[0]
    assert _leaks(reports[0]) == []
