"""The export framework: requesting, running in-process, the users exporter, pages, PDF, purge."""

from __future__ import annotations

import datetime
import io
import logging
import os
import time
import zoneinfo

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from crm import tasks
from crm.exports.registry import Exporter, Progress, Sheet, exporter_registry
from crm.models import AuditEntry, ExportJob, Membership
from crm.services.exports import export_request, export_run, exports_purge
from crm.services.tenancy import SESSION_MEMBERSHIP
from tests.celery_worker import celery_conf, skip_or_fail
from tests.factories import BusinessLineFactory, MembershipFactory, member

pytestmark = pytest.mark.usefixtures("celery_eager", "media_root")

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
HEADERS = [
    "Identifiant",
    "Nom",
    "Prénom",
    "E-mail",
    "Rôle",
    "Licence",
    "Activités",
    "Actif",
    "Dernière connexion",
]
REFUSED_PERMISSION = "Vous n'avez pas le droit de lancer cet export."
UNAVAILABLE = "Le service d'export est indisponible pour le moment. Réessayez dans quelques minutes."
FAILED = "L'export a échoué. Réessayez ; si le problème persiste, contactez votre administrateur."


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _workbook(job: ExportJob):
    from openpyxl import load_workbook

    with job.file.open("rb") as handle:
        return load_workbook(io.BytesIO(handle.read()))


def _request_users_export(tenant, user, capture) -> ExportJob:
    with capture(execute=True):
        job = export_request(tenant=tenant, user=user, exporter_key="users", format="xlsx")
    with scope(tenant=tenant):
        job.refresh_from_db()
    return job


def _job(tenant, owner, **fields) -> ExportJob:
    with scope(tenant=tenant):
        return ExportJob.objects.create(
            **{"exporter": "users", "format": "xlsx", **fields}, tenant=tenant, owner=owner
        )


def _done_job(tenant, owner, *, expires_in=datetime.timedelta(days=7)) -> ExportJob:
    job = _job(
        tenant,
        owner,
        status=ExportJob.Status.DONE,
        progress=100,
        finished_at=timezone.now(),
        expires_at=timezone.now() + expires_in,
    )
    with scope(tenant=tenant):
        job.file.save("abc/utilisateurs.xlsx", ContentFile(b"PK-fake-xlsx"), save=True)
    return job


@pytest.fixture
def failing_exporter():
    """A registered exporter whose writing fails; ``error`` is the exception it raises."""

    class Failing(Exporter):
        key = "test-failing"
        label = "Export qui échoue"
        error: BaseException = ValueError("boom")
        attempts = 0

        def write(self, *, job, output, progress):
            type(self).attempts += 1
            raise self.error

    exporter_registry.register(Failing)
    yield Failing
    exporter_registry.unregister(Failing.key)


# --- Running an export in-process ------------------------------------------------------------------


def test_users_export_runs_in_process_with_one_row_per_member_of_this_tenant_only(
    tenant, other_tenant, django_capture_on_commit_callbacks
):
    requester = member(tenant, "Commercial", username="amartin", first_name="Anne", last_name="Martin")
    technician = member(tenant, "Technicien", username="bdurand", first_name="Bruno", last_name="Durand")
    technician.last_login = datetime.datetime(2025, 1, 15, 9, 30, tzinfo=datetime.UTC)
    technician.save(update_fields=["last_login"])
    line = BusinessLineFactory(tenant=tenant, name="Impression")
    with scope(tenant=tenant):
        Membership.objects.get(user=technician).business_lines.add(line, through_defaults={"tenant": tenant})
    member(other_tenant, "Manager", username="intrus")

    job = _request_users_export(tenant, requester, django_capture_on_commit_callbacks)

    assert job.status == ExportJob.Status.DONE
    assert job.progress == 100
    assert job.error == ""
    assert job.finished_at is not None
    assert job.expires_at - job.finished_at == datetime.timedelta(days=7)
    assert job.download_name.startswith("utilisateurs-de-la-societe-")
    assert job.download_name.endswith(".xlsx")
    workbook = _workbook(job)
    assert workbook.sheetnames == ["Utilisateurs"]
    rows = list(workbook["Utilisateurs"].iter_rows())
    assert [cell.value for cell in rows[0]] == HEADERS
    by_login = {row[0].value: row for row in rows[1:]}
    assert set(by_login) == {"amartin", "bdurand"}
    bruno = by_login["bdurand"]
    assert [cell.value for cell in bruno[:8]] == [
        "bdurand",
        "Durand",
        "Bruno",
        "bdurand@example.com",
        "Technicien",
        "CRM",
        "Impression",
        True,
    ]
    last_login = bruno[8]
    assert last_login.is_date
    assert last_login.value == datetime.datetime(2025, 1, 15, 10, 30)  # naive, Paris time (UTC+1)
    assert by_login["amartin"][8].value is None


def test_users_export_keeps_formula_like_text_as_text(tenant, django_capture_on_commit_callbacks):
    requester = member(tenant, "Manager", username="mgr", last_name='=HYPERLINK("http://x.test")')

    job = _request_users_export(tenant, requester, django_capture_on_commit_callbacks)

    name = next(row[1] for row in _workbook(job)["Utilisateurs"].iter_rows(min_row=2))
    assert name.value == '=HYPERLINK("http://x.test")'
    assert name.data_type == "s"


def test_export_request_records_an_audit_entry(tenant, django_capture_on_commit_callbacks):
    requester = member(tenant, "Commercial")

    job = _request_users_export(tenant, requester, django_capture_on_commit_callbacks)

    with scope(tenant=tenant):
        entry = AuditEntry.objects.get(action="export.request")
    assert entry.actor == requester
    assert entry.object_id == str(job.pk)


def test_progress_reports_each_new_percentage_and_leaves_100_to_the_end():
    saved: list[int] = []
    progress = Progress(saved.append)
    progress.add_total(3)

    for _row in range(3):
        progress.advance()

    assert saved == [33, 66, 99]  # 100 is written with the DONE status, once the file is stored


def test_progress_of_a_finished_export_reaches_100(tenant, django_capture_on_commit_callbacks):
    requester = member(tenant, "Commercial")
    for _index in range(4):
        member(tenant, "Technicien")

    job = _request_users_export(tenant, requester, django_capture_on_commit_callbacks)

    assert (job.status, job.progress) == (ExportJob.Status.DONE, 100)


def test_export_run_failure_is_recorded_on_the_job_with_a_french_message(tenant, failing_exporter):
    owner = member(tenant, "Commercial")
    job = _job(tenant, owner, exporter=failing_exporter.key)

    with scope(tenant=tenant):
        export_run(job=job)
        job.refresh_from_db()

    assert job.status == ExportJob.Status.FAILED
    assert job.error == FAILED
    assert not job.file


def test_export_task_in_process_fails_the_job_at_once_on_a_transient_database_error(tenant, failing_exporter):
    failing_exporter.error = OperationalError("connection lost")
    owner = member(tenant, "Commercial")
    job = _job(tenant, owner, exporter=failing_exporter.key)

    with pytest.raises(OperationalError):
        tasks.export_run.apply(kwargs={"tenant_id": tenant.pk, "job_id": job.pk})

    assert failing_exporter.attempts == 1  # no worker to retry later: no retry in-process
    with scope(tenant=tenant):
        job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert job.error == FAILED


def test_export_request_in_process_failure_is_shown_on_the_job_not_raised(
    tenant, failing_exporter, django_capture_on_commit_callbacks
):
    failing_exporter.error = OperationalError("connection lost")
    owner = member(tenant, "Commercial")

    with django_capture_on_commit_callbacks(execute=True):
        job = export_request(tenant=tenant, user=owner, exporter_key=failing_exporter.key, format="xlsx")

    with scope(tenant=tenant):
        job.refresh_from_db()
    assert (job.status, job.error) == (ExportJob.Status.FAILED, FAILED)


def test_export_task_retries_transient_errors_with_backoff_in_a_worker():
    task = tasks.export_run

    assert OperationalError in task.autoretry_for
    assert (task.acks_late, task.retry_backoff, task.max_retries) == (True, 2, 5)
    assert task.name == "crm.export_run"


def test_export_task_ignores_a_job_that_is_gone(tenant, caplog):
    with caplog.at_level(logging.WARNING, logger="crm.tasks"):
        result = tasks.export_run.apply(kwargs={"tenant_id": tenant.pk, "job_id": 987654321})

    assert result.successful()
    assert "crm.ExportJob 987654321 is gone" in caplog.text


def test_export_task_ignores_a_company_that_is_gone(db, caplog):
    with caplog.at_level(logging.WARNING, logger="crm.tasks"):
        result = tasks.export_run.apply(kwargs={"tenant_id": 987654321, "job_id": 1})

    assert result.successful()
    assert "company 987654321 is gone" in caplog.text


def test_export_run_does_nothing_for_a_finished_job(tenant):
    owner = member(tenant, "Commercial")
    job = _done_job(tenant, owner)

    with scope(tenant=tenant):
        export_run(job=job)
        job.refresh_from_db()

    assert job.status == ExportJob.Status.DONE
    assert job.file.name.endswith("abc/utilisateurs.xlsx")


# --- Refusals --------------------------------------------------------------------------------------


def test_export_request_refused_without_export_permission(tenant):
    technician = member(tenant, "Technicien")

    with pytest.raises(PermissionDenied, match=REFUSED_PERMISSION):
        export_request(tenant=tenant, user=technician, exporter_key="users", format="xlsx")

    with scope(tenant=tenant):
        assert not ExportJob.objects.exists()


def test_export_request_refused_in_a_tenant_that_is_not_the_active_one(tenant, other_tenant):
    outsider = member(other_tenant, "Manager")

    with pytest.raises(PermissionDenied, match=REFUSED_PERMISSION):
        export_request(tenant=tenant, user=outsider, exporter_key="users", format="xlsx")


@pytest.mark.parametrize("fmt", ["csv", "pdf"])
def test_export_request_refused_for_a_format_not_offered(tenant, fmt):
    commercial = member(tenant, "Commercial")

    with pytest.raises(ValidationError) as refused:
        export_request(tenant=tenant, user=commercial, exporter_key="users", format=fmt)

    assert refused.value.messages == [f"Le format « {fmt} » n'est pas proposé pour cet export."]
    with scope(tenant=tenant):
        assert not ExportJob.objects.exists()


def test_export_request_refused_for_an_unknown_exporter(tenant):
    commercial = member(tenant, "Commercial")

    with pytest.raises(ValidationError) as refused:
        export_request(tenant=tenant, user=commercial, exporter_key="nope", format="xlsx")

    assert refused.value.messages == ["Cet export n'existe pas."]


def test_export_request_refused_for_an_unknown_section(tenant):
    commercial = member(tenant, "Commercial")

    with pytest.raises(ValidationError) as refused:
        export_request(
            tenant=tenant, user=commercial, exporter_key="users", format="xlsx", sections=["factures"]
        )

    assert refused.value.messages == ["Section inconnue pour cet export : factures."]


def test_export_request_refused_at_once_when_redis_is_unreachable(tenant):
    commercial = member(tenant, "Commercial")
    started = time.monotonic()

    with (
        celery_conf(task_always_eager=False, broker_url="redis://127.0.0.1:1/0"),
        pytest.raises(ValidationError) as refused,
    ):
        export_request(tenant=tenant, user=commercial, exporter_key="users", format="xlsx")

    assert refused.value.messages == [UNAVAILABLE]
    assert time.monotonic() - started < 10
    with scope(tenant=tenant):
        assert not ExportJob.objects.exists()
        assert not AuditEntry.objects.exists()


# --- Pages -----------------------------------------------------------------------------------------


def test_request_view_runs_the_export_and_redirects_with_a_message(
    tenant, login, django_capture_on_commit_callbacks
):
    commercial = member(tenant, "Commercial")
    client = login(commercial)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exports:request"), {"exporter": "users", "format": "xlsx"})

    assert response.status_code == 302
    assert response.url == reverse("exports:list")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Export « Utilisateurs de la société » demandé. Vous pourrez le télécharger ici dès qu'il sera prêt."
    ]
    with scope(tenant=tenant):
        job = ExportJob.objects.get()
    assert (job.owner, job.status) == (commercial, ExportJob.Status.DONE)


def test_request_view_refused_without_permission(tenant, login):
    client = login(member(tenant, "Technicien"))

    response = client.post(reverse("exports:request"), {"exporter": "users", "format": "xlsx"})

    assert response.status_code == 403
    with scope(tenant=tenant):
        assert not ExportJob.objects.exists()


def test_request_view_refused_for_unknown_format_shows_the_message(tenant, login):
    client = login(member(tenant, "Commercial"))

    response = client.post(reverse("exports:request"), {"exporter": "users", "format": "csv"}, follow=True)

    assert response.redirect_chain == [(reverse("exports:list"), 302)]
    assert "Le format « csv » n&#x27;est pas proposé pour cet export." in response.content.decode()


def test_request_view_refused_when_redis_is_unreachable_shows_the_message(tenant, login):
    client = login(member(tenant, "Commercial"))

    with celery_conf(task_always_eager=False, broker_url="redis://127.0.0.1:1/0"):
        response = client.post(
            reverse("exports:request"), {"exporter": "users", "format": "xlsx"}, follow=True
        )

    assert "Le service d&#x27;export est indisponible pour le moment." in response.content.decode()
    with scope(tenant=tenant):
        assert not ExportJob.objects.exists()


def test_request_view_refuses_get(tenant, login):
    client = login(member(tenant, "Commercial"))

    assert client.get(reverse("exports:request")).status_code == 405


def test_list_shows_only_the_users_own_jobs_in_this_tenant_newest_first(tenant, other_tenant, login):
    owner = member(tenant, "Commercial")
    colleague = member(tenant, "Commercial")
    older = _done_job(tenant, owner)
    newer = _job(tenant, owner)
    with scope(tenant=tenant):
        ExportJob.objects.filter(pk=older.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))
    colleague_job = _job(tenant, colleague)
    with scope(tenant=other_tenant):
        MembershipFactory(tenant=other_tenant, user=owner)
    other_tenant_job = _job(other_tenant, owner)
    client = login(owner)

    response = client.get(reverse("exports:list"))

    assert response.status_code == 200
    assert [job.pk for job in response.context["jobs"]] == [newer.pk, older.pk]
    content = response.content.decode()
    assert reverse("exports:download", args=[older.pk]) in content
    assert reverse("exports:status", args=[newer.pk]) in content
    assert reverse("exports:status", args=[colleague_job.pk]) not in content
    assert reverse("exports:status", args=[other_tenant_job.pk]) not in content


def test_list_runs_the_same_number_of_queries_for_1_and_3_jobs(
    tenant, login, django_assert_max_num_queries, django_assert_num_queries
):
    owner = member(tenant, "Commercial")
    client = login(owner)
    _done_job(tenant, owner)
    client.get(reverse("exports:list"))  # warm the session and permission caches
    with django_assert_max_num_queries(50) as one_job:
        client.get(reverse("exports:list"))
    _done_job(tenant, owner)
    _job(tenant, owner, status=ExportJob.Status.RUNNING)

    with django_assert_num_queries(len(one_job.captured_queries)):
        response = client.get(reverse("exports:list"))

    assert len(response.context["jobs"]) == 3


def test_list_offers_the_users_export_only_with_the_permission(tenant, login):
    form_action = f'action="{reverse("exports:request")}"'

    allowed = login(member(tenant, "Commercial")).get(reverse("exports:list"))
    refused = login(member(tenant, "Technicien")).get(reverse("exports:list"))

    assert form_action in allowed.content.decode()
    assert "Utilisateurs de la société" in allowed.content.decode()
    assert refused.status_code == 403


def test_list_is_paginated(tenant, login):
    owner = member(tenant, "Commercial")
    for _index in range(21):
        _job(tenant, owner)

    response = login(owner).get(reverse("exports:list"))

    assert len(response.context["jobs"]) == 20
    assert "Page 1 sur 2" in response.content.decode()


def test_status_partial_polls_while_the_job_runs(tenant, login):
    owner = member(tenant, "Commercial")
    job = _job(tenant, owner, status=ExportJob.Status.RUNNING, progress=40)

    response = login(owner).get(reverse("exports:status", args=[job.pk]), HTTP_HX_REQUEST="true")

    content = response.content.decode()
    assert response.status_code == 200
    assert 'hx-trigger="every 2s"' in content
    assert 'value="40"' in content
    assert "<html" not in content
    assert "<script" not in content


def test_status_partial_stops_polling_and_links_the_file_when_done(tenant, login):
    owner = member(tenant, "Commercial")
    job = _done_job(tenant, owner)

    response = login(owner).get(reverse("exports:status", args=[job.pk]), HTTP_HX_REQUEST="true")

    content = response.content.decode()
    assert "hx-trigger" not in content
    assert reverse("exports:download", args=[job.pk]) in content


def test_status_partial_shows_the_failure_message(tenant, login):
    owner = member(tenant, "Commercial")
    job = _job(tenant, owner, status=ExportJob.Status.FAILED, error=FAILED)

    response = login(owner).get(reverse("exports:status", args=[job.pk]), HTTP_HX_REQUEST="true")

    assert "L&#x27;export a échoué." in response.content.decode()


def test_status_without_htmx_redirects_to_the_list(tenant, login):
    owner = member(tenant, "Commercial")
    job = _job(tenant, owner)

    response = login(owner).get(reverse("exports:status", args=[job.pk]))

    assert response.status_code == 302
    assert response.url == reverse("exports:list")


def test_status_of_someone_elses_job_is_404(tenant, other_tenant, login):
    job = _job(tenant, member(tenant, "Commercial"))
    url = reverse("exports:status", args=[job.pk])

    colleague = login(member(tenant, "Manager")).get(url, HTTP_HX_REQUEST="true")
    outsider = login(member(other_tenant, "Manager")).get(url, HTTP_HX_REQUEST="true")

    assert (colleague.status_code, outsider.status_code) == (404, 404)


def test_download_by_the_owner_returns_the_file(tenant, login):
    owner = member(tenant, "Commercial")
    job = _done_job(tenant, owner)

    response = login(owner).get(reverse("exports:download", args=[job.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="utilisateurs.xlsx"'
    assert b"".join(response.streaming_content) == b"PK-fake-xlsx"


def test_download_by_another_user_of_the_same_tenant_is_404(tenant, login):
    job = _done_job(tenant, member(tenant, "Commercial"))

    response = login(member(tenant, "Administrateur")).get(reverse("exports:download", args=[job.pk]))

    assert response.status_code == 404


def test_download_by_a_user_of_another_tenant_is_404(tenant, other_tenant, login):
    job = _done_job(tenant, member(tenant, "Commercial"))

    response = login(member(other_tenant, "Administrateur")).get(reverse("exports:download", args=[job.pk]))

    assert response.status_code == 404


def test_download_by_the_owner_from_another_of_his_tenants_is_404(tenant, other_tenant, login):
    owner = member(tenant, "Commercial")
    job = _done_job(tenant, owner)
    with scope(tenant=other_tenant):
        other_seat = MembershipFactory(tenant=other_tenant, user=owner)
    client = login(owner)
    session = client.session
    session[SESSION_MEMBERSHIP] = other_seat.pk
    session.save()

    response = client.get(reverse("exports:download", args=[job.pk]))

    assert response.status_code == 404


def test_download_of_an_expired_export_is_410_with_a_french_message(tenant, login):
    owner = member(tenant, "Commercial")
    job = _done_job(tenant, owner, expires_in=-datetime.timedelta(minutes=1))

    response = login(owner).get(reverse("exports:download", args=[job.pk]))

    assert response.status_code == 410
    assert (
        "Le fichier de l'export « Utilisateurs de la société » a expiré et n'est plus disponible."
        in response.content.decode()
    )


def test_download_of_an_unfinished_export_redirects_with_a_message(tenant, login):
    owner = member(tenant, "Commercial")
    job = _job(tenant, owner, status=ExportJob.Status.RUNNING)

    response = login(owner).get(reverse("exports:download", args=[job.pk]), follow=True)

    assert response.redirect_chain == [(reverse("exports:list"), 302)]
    assert "Cet export n&#x27;est pas encore prêt à être téléchargé." in response.content.decode()


def test_download_refused_without_view_permission(tenant, login):
    technician = member(tenant, "Technicien")
    job = _done_job(tenant, technician)

    response = login(technician).get(reverse("exports:download", args=[job.pk]))

    assert response.status_code == 403


# --- Purge -----------------------------------------------------------------------------------------


def test_purge_deletes_expired_files_and_rows_in_every_tenant(tenant, other_tenant, media_root):
    expired_here = _done_job(tenant, member(tenant), expires_in=-datetime.timedelta(days=1))
    expired_there = _done_job(other_tenant, member(other_tenant), expires_in=-datetime.timedelta(days=1))
    kept = _done_job(tenant, member(tenant))
    stuck = _job(tenant, member(tenant))
    with scope(tenant=tenant):
        ExportJob.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    expired_path = expired_here.file.path

    deleted = exports_purge()

    assert deleted == 3
    assert not os.path.exists(expired_path)
    assert os.path.exists(kept.file.path)
    with scope(tenant=tenant):
        assert list(ExportJob.objects.values_list("pk", flat=True)) == [kept.pk]
    with scope(tenant=other_tenant):
        assert not ExportJob.objects.filter(pk=expired_there.pk).exists()


def test_purge_command_reports_in_french(tenant, capsys):
    _done_job(tenant, member(tenant), expires_in=-datetime.timedelta(days=1))

    call_command("purge_exports")

    assert capsys.readouterr().out.strip() == "1 export(s) expiré(s) supprimé(s)."


def test_purge_task_deletes_expired_jobs(tenant):
    _done_job(tenant, member(tenant), expires_in=-datetime.timedelta(days=1))

    result = tasks.exports_purge.apply()

    assert result.get() == 1


# --- PDF renderer ----------------------------------------------------------------------------------


def _weasyprint_or_skip() -> None:
    try:
        import weasyprint  # noqa: F401
    except OSError as exc:  # Pango (or one of its libraries) cannot be loaded
        skip_or_fail(f"WeasyPrint ne peut pas se charger (Pango absent ?) : {exc}")


@pytest.mark.pdf
def test_pdf_renderer_renders_a_print_template():
    _weasyprint_or_skip()
    from crm.exports.pdf import pdf_render

    pdf = pdf_render("crm/exports/print_base.html", {"title": "Essai d'impression"})

    assert pdf.startswith(b"%PDF")


@pytest.mark.pdf
def test_pdf_renderer_refuses_a_remote_resource(caplog):
    _weasyprint_or_skip()
    from crm.exports.pdf import html_to_pdf

    with caplog.at_level(logging.WARNING, logger="crm.exports.pdf"):
        pdf = html_to_pdf('<p>Logo</p><img src="http://127.0.0.1:9/logo.png">')

    assert pdf.startswith(b"%PDF")
    assert "refused a non-local resource: http://127.0.0.1:9/logo.png" in caplog.text


@pytest.mark.pdf
@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/logo.png",
        "https://example.com/style.css",
        "file:///etc/passwd",
        "file:///static/../../../etc/passwd",
        "ftp://example.com/x",
    ],
)
def test_pdf_url_fetcher_refuses_non_local_urls(url):
    _weasyprint_or_skip()
    from crm.exports.pdf import ResourceRefused, local_url_fetcher

    with pytest.raises(ResourceRefused):
        local_url_fetcher().fetch(url)


@pytest.mark.pdf
def test_pdf_url_fetcher_serves_static_files_and_data_urls():
    _weasyprint_or_skip()
    from crm.exports.pdf import local_url_fetcher

    fetcher = local_url_fetcher()
    static = fetcher.fetch("file:///static/css/app.css")
    data = fetcher.fetch("data:text/plain;base64,Qm9uam91cg==")

    assert static.content_type == "text/css"
    assert b"CRM 360" in static.read()
    assert data.read() == b"Bonjour"
    static.close()
    data.close()


# --- Registry --------------------------------------------------------------------------------------


def test_registry_refuses_a_second_exporter_with_the_same_key():
    class Duplicate(Exporter):
        key = "users"
        label = "Doublon"

        def sheets(self, job) -> list[Sheet]:
            return []

    with pytest.raises(ValueError, match="already registered"):
        exporter_registry.register(Duplicate)


def test_users_exporter_is_registered_with_its_french_label_and_permission():
    exporter = exporter_registry.get("users")

    assert str(exporter.label) == "Utilisateurs de la société"
    assert exporter.formats == ("xlsx",)
    assert exporter.permission == "crm.export_data"
