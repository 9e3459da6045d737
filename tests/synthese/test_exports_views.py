"""The synthèse's export form and its refusals: export permission, a section the user may not
view, Redis configured but unreachable, tenancy; the PDF; the download of the file."""

from __future__ import annotations

import re
import time

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.template import loader
from django.urls import reverse
from django_scopes import scope

from crm.models import ExportJob
from synthese.exports import PDF_ROW_LIMIT, synthese_export_request
from synthese.preferences import EXPORT_SELECTION, preference_get
from tests.celery_worker import celery_conf
from tests.factories import MembershipFactory, UserFactory, member
from tests.synthese.export_support import (  # noqa: F401  (media_root: a fixture)
    build_parc_world,
    media_root,
    run_export,
)
from tests.tiers.factories_sites_banks import CustomerFactory

pytestmark = pytest.mark.usefixtures("celery_eager", "media_root")

UNAVAILABLE = "Le service d'export est indisponible pour le moment. Réessayez dans quelques minutes."
SECTION_REFUSED = "Vous n'avez pas le droit d'exporter la section « Commandes »."
NO_EXPORT = "Vous n'avez pas le droit de lancer cet export."


def _without(tenant, role: str, codename: str):
    """A user whose role is ``role`` without the permission ``codename``."""
    base = Group.objects.get(name=role)
    group = Group.objects.create(name=f"{role} sans {codename}")
    group.permissions.set(base.permissions.exclude(codename=codename))
    user = UserFactory()
    MembershipFactory(tenant=tenant, user=user, role=group)
    return user


def _checked(html: str) -> list[str]:
    """The checked section boxes of the form, in the page's order."""
    boxes = re.findall(r'<input type="checkbox" name="sections" value="(\w+)"([^>]*)>', html)
    return [value for value, rest in boxes if "checked" in rest]


def _url(customer, query: str = "") -> str:
    return reverse("synthese:export", kwargs={"pk": customer.pk}) + (f"?{query}" if query else "")


def test_form_offers_only_the_sections_the_user_may_view_prechecked_with_the_last_selection(tenant, login):
    user = _without(tenant, "Commercial", "view_order")
    customer = CustomerFactory(tenant=tenant)
    client = login(user)
    response = client.get(_url(customer, "site=3&affaires-tri=number"))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="affaires"' in html and 'value="commandes"' not in html
    assert 'value="site=3&amp;affaires-tri=number"' in html  # the screen's state travels with the job
    assert _checked(html) == ["presentation", "interlocuteurs", "sites"]  # the default selection


def test_submit_asks_for_the_job_saves_the_selection_and_goes_to_my_exports(
    tenant, login, django_capture_on_commit_callbacks
):
    user = member(tenant, "Commercial")
    customer = CustomerFactory(tenant=tenant)
    client = login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url(customer), {"format": "xlsx", "sections": ["sites", "affaires"], "requete": "mois=24"}
        )

    assert response.status_code == 302
    assert response.url == reverse("exports:list")
    with scope(tenant=tenant):
        job = ExportJob.objects.get()
        assert preference_get(user=user, tenant=tenant, key=EXPORT_SELECTION) == ["sites", "affaires"]
    assert (job.exporter, job.sections, job.status) == (
        "synthese",
        ["sites", "affaires"],
        ExportJob.Status.DONE,
    )
    assert job.parameters == {"customer": customer.pk, "query": "mois=24"}
    assert _checked(client.get(_url(customer)).content.decode()) == ["sites", "affaires"]


def test_form_refused_without_the_export_permission(tenant, login):
    user = member(tenant, "Technicien")  # no crm.export_data
    customer = CustomerFactory(tenant=tenant)
    client = login(user)

    assert client.get(_url(customer)).status_code == 403
    assert client.post(_url(customer), {"format": "xlsx", "sections": ["sites"]}).status_code == 403
    with scope(tenant=tenant):
        assert not ExportJob.objects.exists()


def test_service_refuses_the_export_without_the_export_permission(tenant):
    user = member(tenant, "Technicien")
    customer = CustomerFactory(tenant=tenant)
    with scope(tenant=tenant), pytest.raises(PermissionDenied) as refused:
        synthese_export_request(
            tenant=tenant, user=user, customer=customer, format="xlsx", sections=["sites"], query=""
        )
    assert str(refused.value) == NO_EXPORT


def test_section_the_user_may_not_view_is_refused_with_its_message(tenant, login):
    user = _without(tenant, "Commercial", "view_order")
    customer = CustomerFactory(tenant=tenant)
    client = login(user)

    response = client.post(_url(customer), {"format": "xlsx", "sections": ["sites", "commandes"]})

    assert response.status_code == 400
    assert (
        "Vous n&#x27;avez pas le droit d&#x27;exporter la section « Commandes »." in response.content.decode()
    )
    with scope(tenant=tenant):
        assert not ExportJob.objects.exists()
        with pytest.raises(ValidationError) as refused:
            synthese_export_request(
                tenant=tenant, user=user, customer=customer, format="xlsx", sections=["commandes"], query=""
            )
    assert refused.value.messages == [SECTION_REFUSED]


def test_section_allowed_is_accepted(tenant, django_capture_on_commit_callbacks):
    user = _without(tenant, "Commercial", "view_order")
    customer = CustomerFactory(tenant=tenant)
    job = run_export(tenant, user, customer, django_capture_on_commit_callbacks, sections=["affaires"])
    assert job.sections == ["affaires"]


def test_section_lost_before_the_run_is_skipped(tenant, django_capture_on_commit_callbacks):
    from tests.synthese.export_support import workbook_of

    group = Group.objects.create(name="Commercial modifiable")
    group.permissions.set(Group.objects.get(name="Commercial").permissions.all())
    user = UserFactory()
    MembershipFactory(tenant=tenant, user=user, role=group)
    customer = CustomerFactory(tenant=tenant)
    with scope(tenant=tenant), django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = synthese_export_request(
            tenant=tenant,
            user=user,
            customer=customer,
            format="xlsx",
            sections=["affaires", "commandes"],
            query="",
        )
    group.permissions.remove(Permission.objects.get(codename="view_order", content_type__app_label="ventes"))
    user = type(user).objects.get(pk=user.pk)  # permission cache
    for callback in callbacks:
        callback()
    with scope(tenant=tenant):
        job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
    assert workbook_of(job).sheetnames == ["Présentation", "Affaires"]


def test_no_section_is_refused(tenant):
    user = member(tenant, "Commercial")
    customer = CustomerFactory(tenant=tenant)
    with scope(tenant=tenant), pytest.raises(ValidationError) as refused:
        synthese_export_request(
            tenant=tenant, user=user, customer=customer, format="xlsx", sections=[], query=""
        )
    assert refused.value.messages == ["Choisissez au moins une section à exporter."]


def test_unreachable_redis_refuses_at_once_and_queues_nothing(tenant, login):
    user = member(tenant, "Commercial")
    customer = CustomerFactory(tenant=tenant)
    client = login(user)
    started = time.monotonic()

    with celery_conf(task_always_eager=False, broker_url="redis://127.0.0.1:1/13"):
        response = client.post(_url(customer), {"format": "pdf", "sections": ["sites"]})

    assert time.monotonic() - started < 10
    assert response.status_code == 400
    assert "Le service d&#x27;export est indisponible pour le moment." in response.content.decode()
    with scope(tenant=tenant):
        assert not ExportJob.objects.exists()
        assert preference_get(user=user, tenant=tenant, key=EXPORT_SELECTION) is None


def test_customer_of_another_tenant_is_404(tenant, other_tenant, login):
    client = login(member(tenant, "Commercial"))
    foreign = CustomerFactory(tenant=other_tenant)
    assert client.get(_url(foreign)).status_code == 404
    assert client.post(_url(foreign), {"format": "xlsx", "sections": ["sites"]}).status_code == 404


def test_header_shows_the_button_only_with_the_export_permission(tenant, login):
    customer = CustomerFactory(tenant=tenant)
    page = reverse("synthese:customer", kwargs={"pk": customer.pk})
    assert 'id="synthese-export"' in login(member(tenant, "Commercial")).get(page).content.decode()
    assert 'id="synthese-export"' not in login(member(tenant, "Technicien")).get(page).content.decode()


# --- Download --------------------------------------------------------------------------------------


def test_download_by_the_owner_only_in_the_same_tenant(
    tenant, other_tenant, login, django_capture_on_commit_callbacks
):
    owner = member(tenant, "Commercial")
    customer = CustomerFactory(tenant=tenant)
    job = run_export(tenant, owner, customer, django_capture_on_commit_callbacks, sections=["sites"])
    url = reverse("exports:download", kwargs={"pk": job.pk})

    response = login(owner).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="synthese-client-')
    assert b"".join(response.streaming_content)[:2] == b"PK"
    assert login(member(tenant, "Commercial")).get(url).status_code == 404
    assert login(member(other_tenant, "Manager")).get(url).status_code == 404


# --- PDF -------------------------------------------------------------------------------------------


def _weasyprint_or_skip():
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as error:  # Pango missing
        pytest.skip(f"WeasyPrint indisponible : {error}")


def test_pdf_renders_the_selected_sections_with_the_500_rows_cap(
    tenant, monkeypatch, django_capture_on_commit_callbacks
):
    _weasyprint_or_skip()
    from synthese import exports as synthese_exports
    from tests.tiers.factories import ContactLinkFactory

    monkeypatch.setattr(synthese_exports, "PDF_ROW_LIMIT", 2)
    manager = member(tenant, "Manager")
    pw = build_parc_world(tenant, owner=manager)
    with scope(tenant=tenant):
        for _index in range(2):
            ContactLinkFactory(tenant=tenant, third_party=pw.world.customer, is_default=False)
    rendered: list[str] = []
    original = loader.render_to_string

    def capture(template_name, context=None, *args, **kwargs):
        html = original(template_name, context, *args, **kwargs)
        if template_name == "synthese/pdf/synthese.html":
            rendered.append(html)
        return html

    monkeypatch.setattr("crm.exports.pdf.render_to_string", capture)
    job = run_export(
        tenant,
        manager,
        pw.world.customer,
        django_capture_on_commit_callbacks,
        sections=["presentation", "interlocuteurs", "sites"],
        fmt="pdf",
    )

    with scope(tenant=tenant), job.file.open("rb") as handle:
        assert handle.read(4) == b"%PDF"
    (html,) = rendered
    for title in (
        "<h2>Présentation</h2>",
        "<h2>Interlocuteurs</h2>",
        "<h2>Sites</h2>",
        "<h2>Sites - Commerciaux</h2>",
    ):
        assert title in html
    caps = [line.strip() for line in html.splitlines() if "Seules les" in line]
    assert caps[1] == (  # Interlocuteurs: 4 active contacts
        '<p class="export-cap">Seules les 2 premières lignes sur 4 sont imprimées : '
        "utilisez l'export Excel pour obtenir toutes les lignes.</p>"
    )
    assert "counter(page)" in html
    assert job.download_name.endswith(".pdf")


def test_pdf_row_limit_is_500():
    assert PDF_ROW_LIMIT == 500
