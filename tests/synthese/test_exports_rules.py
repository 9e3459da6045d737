"""Rules of the synthèse's export beyond the sheets' content: each section needs the view
permission of its model (accepted and refused, with the exact message), the selection is saved
per user, the job expires after 7 days, the PDF's text read back, and the whole export runs a
fixed number of queries whatever the customer's size."""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from crm.models import ExportJob
from synthese.exports import (
    SECTIONS,
    SECTIONS_BY_KEY,
    export_sheets,
    selection_saved,
    synthese_export_request,
)
from synthese.preferences import EXPORT_SELECTION, preference_get
from tests.factories import MembershipFactory, UserFactory, member
from tests.synthese.export_support import (  # noqa: F401  (media_root: a fixture)
    build_parc_world,
    media_root,
    run_export,
)
from tests.tiers.factories_sites_banks import CustomerFactory

pytestmark = pytest.mark.usefixtures("celery_eager", "media_root")

# Every section of the issue with its French label and the view permission of its model.
EXPECTED_SECTIONS = [
    ("presentation", "Présentation", "tiers.view_thirdparty"),
    ("caracteristiques", "Caractéristiques", "tiers.view_thirdparty"),
    ("classifications", "Classifications", "tiers.view_thirdparty"),
    ("interlocuteurs", "Interlocuteurs", "tiers.view_contact"),
    ("sites", "Sites", "tiers.view_site"),
    ("relations", "Relations", "tiers.view_relation"),
    ("affaires", "Affaires", "ventes.view_deal"),
    ("actions", "Actions", "ventes.view_action"),
    ("devis", "Devis commerciaux", "ventes.view_quote"),
    ("devis_techniques", "Devis techniques", "ventes.view_quote"),
    ("ssc", "Solutions de service", "parc.view_servicecontract"),
    ("regles", "Règles de facturation", "parc.view_billingrule"),
    ("parc", "Parc", "parc.view_asset"),
    ("financements", "Financements et grandeurs", "parc.view_financing"),
    ("situation", "Situation actuelle", "parc.view_billingrule"),
    ("hors_contrat", "Biens hors contrat", "parc.view_billingrule"),
    ("dit", "Demandes d'intervention", "parc.view_servicerequest"),
    ("interventions", "Interventions", "parc.view_intervention"),
    ("commandes", "Commandes", "ventes.view_order"),
    ("signatures", "Signatures", "tiers.view_signature"),
]
# Sections of the synthèse's own model: without its view permission the synthèse itself is refused.
CUSTOMER_SECTIONS = {"presentation", "caracteristiques", "classifications"}


def _without(tenant, role: str, permission: str):
    """A member whose role is ``role`` less ``permission`` (``app_label.codename``)."""
    app_label, codename = permission.split(".")
    group = Group.objects.create(name=f"{role} sans {permission}")
    group.permissions.set(
        Group.objects.get(name=role).permissions.exclude(codename=codename, content_type__app_label=app_label)
    )
    user = UserFactory()
    MembershipFactory(tenant=tenant, user=user, role=group)
    return user


def _request(tenant, user, customer, sections, fmt="xlsx"):
    with scope(tenant=tenant):
        return synthese_export_request(
            tenant=tenant, user=user, customer=customer, format=fmt, sections=sections, query=""
        )


def test_every_section_of_the_issue_is_offered_with_its_view_permission():
    assert [
        (section.key, str(section.label), section.permission) for section in SECTIONS
    ] == EXPECTED_SECTIONS


@pytest.mark.django_db
def test_every_section_permission_exists():
    for _key, _label, permission in EXPECTED_SECTIONS:
        app_label, codename = permission.split(".")
        assert Permission.objects.filter(content_type__app_label=app_label, codename=codename).exists(), (
            permission
        )


@pytest.mark.parametrize(
    ("key", "label", "permission"),
    [entry for entry in EXPECTED_SECTIONS if entry[0] not in CUSTOMER_SECTIONS],
    ids=[entry[0] for entry in EXPECTED_SECTIONS if entry[0] not in CUSTOMER_SECTIONS],
)
def test_each_section_needs_the_view_permission_of_its_model(
    tenant, key, label, permission, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(tenant=tenant)
    refused = _without(tenant, "Manager", permission)
    with pytest.raises(ValidationError) as error:
        _request(tenant, refused, customer, [key])
    assert error.value.messages == [f"Vous n'avez pas le droit d'exporter la section « {label} »."]

    with django_capture_on_commit_callbacks(execute=False):
        job = _request(tenant, member(tenant, "Manager"), customer, [key])
    assert job.sections == [key]
    with scope(tenant=tenant):
        assert ExportJob.objects.count() == 1


def test_presentation_blocks_need_the_customer_view_permission(tenant):
    customer = CustomerFactory(tenant=tenant)
    refused = _without(tenant, "Manager", "tiers.view_thirdparty")
    with pytest.raises(ValidationError) as error:
        _request(tenant, refused, customer, ["caracteristiques"])
    assert error.value.messages == ["Vous n'avez pas le droit d'exporter la section « Caractéristiques »."]


def test_actions_need_a_crm_licence(tenant, django_capture_on_commit_callbacks):
    customer = CustomerFactory(tenant=tenant)
    artis = UserFactory()
    MembershipFactory(tenant=tenant, user=artis, role=Group.objects.get(name="Manager"), licence="artis")
    with pytest.raises(ValidationError) as error:
        _request(tenant, artis, customer, ["actions"])
    assert error.value.messages == ["Vous n'avez pas le droit d'exporter la section « Actions »."]
    assert SECTIONS_BY_KEY["actions"].crm_only


def test_unknown_section_is_refused(tenant):
    with pytest.raises(ValidationError) as error:
        _request(tenant, member(tenant, "Manager"), CustomerFactory(tenant=tenant), ["sites", "inconnue"])
    assert error.value.messages == ["Section inconnue pour cet export : inconnue."]


def test_the_last_selection_is_saved_per_user(tenant, django_capture_on_commit_callbacks):
    customer = CustomerFactory(tenant=tenant)
    first, second = member(tenant, "Manager"), member(tenant, "Manager")
    with django_capture_on_commit_callbacks(execute=False):
        _request(tenant, first, customer, ["parc", "situation", "hors_contrat"])

    with scope(tenant=tenant):
        assert selection_saved(user=first, tenant=tenant) == ["parc", "situation", "hors_contrat"]
        assert selection_saved(user=second, tenant=tenant) == ["presentation", "interlocuteurs", "sites"]
        assert preference_get(user=second, tenant=tenant, key=EXPORT_SELECTION) is None


def test_a_refused_request_does_not_change_the_saved_selection(tenant, django_capture_on_commit_callbacks):
    customer = CustomerFactory(tenant=tenant)
    user = _without(tenant, "Manager", "ventes.view_order")
    with django_capture_on_commit_callbacks(execute=False):
        _request(tenant, user, customer, ["affaires"])
    with pytest.raises(ValidationError):
        _request(tenant, user, customer, ["commandes"])
    with scope(tenant=tenant):
        assert selection_saved(user=user, tenant=tenant) == ["affaires"]


def test_the_file_expires_seven_days_after_it_is_made_then_download_is_410(
    tenant, login, django_capture_on_commit_callbacks
):
    owner = member(tenant, "Manager")
    customer = CustomerFactory(tenant=tenant)
    job = run_export(tenant, owner, customer, django_capture_on_commit_callbacks, sections=["sites"])
    assert job.expires_at - job.finished_at == datetime.timedelta(days=7)
    url = reverse("exports:download", kwargs={"pk": job.pk})
    client = login(owner)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:2] == b"PK"  # read to the end: the file is closed

    with scope(tenant=tenant):
        ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(url)
    assert response.status_code == 410
    assert (
        "Le fichier de l'export « Synthèse client » a expiré et n'est plus disponible."
        in response.content.decode()
    )


# --- PDF read back ---------------------------------------------------------------------------------


def _pdf_text(job: ExportJob) -> str:
    from pypdf import PdfReader

    with scope(tenant=job.tenant), job.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
        return "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_text_has_the_header_the_default_sections_the_cap_and_page_numbers(
    tenant, monkeypatch, django_capture_on_commit_callbacks
):
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as error:  # Pango missing
        pytest.skip(f"WeasyPrint indisponible : {error}")
    from synthese import exports as synthese_exports
    from tests.tiers.factories import ContactLinkFactory

    monkeypatch.setattr(synthese_exports, "PDF_ROW_LIMIT", 2)
    manager = member(tenant, "Manager")
    pw = build_parc_world(tenant, owner=manager)
    customer = pw.world.customer
    with scope(tenant=tenant):
        for _index in range(2):
            ContactLinkFactory(tenant=tenant, third_party=customer, is_default=False)
        default = selection_saved(user=manager, tenant=tenant)
    assert default == ["presentation", "interlocuteurs", "sites"]

    job = run_export(
        tenant, manager, customer, django_capture_on_commit_callbacks, sections=default, fmt="pdf"
    )

    text = " ".join(_pdf_text(job).split())
    assert f"Synthèse client {customer.code} — {customer.name}" in text
    positions = [text.index(title) for title in ("Présentation", "Interlocuteurs", "Sites - Commerciaux")]
    assert positions == sorted(positions)
    assert "Raison sociale" in text and customer.name in text
    assert (
        "Seules les 2 premières lignes sur 4 sont imprimées : utilisez l'export Excel pour obtenir "
        "toutes les lignes." in text
    )
    assert "Page 1" in text
    assert "Affaires" not in text  # not selected


# --- Queries ---------------------------------------------------------------------------------------


def _state(tenant, user, customer, selection):
    from django.http import QueryDict

    from synthese.context import context_from_query
    from synthese.export_sections.common import ExportState

    data = QueryDict("mois=240&dit-etat=toutes&ssc-statut=toutes")
    ctx = context_from_query(data, tenant=tenant, user=user, customer=customer)
    return ExportState(ctx=ctx, query=data, selection=frozenset(selection))


# Per section: its own queries, whatever the number of rows (the preferences of hidden columns,
# the counts for the progress bar, the rows streamed by iterator(), the prefetches).
WHOLE_EXPORT_QUERIES = 64


@pytest.mark.parametrize("extra", [0, 4])
def test_the_whole_export_runs_the_same_number_of_queries_for_a_small_and_a_larger_customer(
    tenant, extra, django_assert_num_queries
):
    manager = member(tenant, "Manager")
    pw = build_parc_world(tenant, owner=manager, extra=extra)
    with scope(tenant=tenant):
        state = _state(tenant, manager, pw.world.customer, {section.key for section in SECTIONS})
        ContentType.objects.clear_cache()  # the same start whatever ran before
        with django_assert_num_queries(WHOLE_EXPORT_QUERIES):
            sheets = export_sheets(state)
            rows = sum(len(list(sheet.rows)) for sheet in sheets)
    assert rows > 0


# --- The screen's state and the Présentation blocks ------------------------------------------------


def _requete(html: str) -> str:
    import html as html_module
    import re

    found = re.search(r'<input type="hidden" name="requete" value="([^"]*)"', html)
    assert found, html
    return html_module.unescape(found.group(1))


def test_form_takes_the_screens_current_filters_from_the_pages_current_address(tenant, login):
    customer = CustomerFactory(tenant=tenant)
    client = login(member(tenant, "Manager"))
    url = reverse("synthese:export", kwargs={"pk": customer.pk})
    page = reverse("synthese:customer", kwargs={"pk": customer.pk})

    # The tabs pushed their filters and sort into the address after the header was drawn.
    response = client.get(
        f"{url}?site=3",
        headers={
            "HX-Request": "true",
            "HX-Current-URL": f"http://testserver{page}?onglet=affaires&affaires-tri=number&mois=24",
        },
    )
    assert response.status_code == 200
    assert _requete(response.content.decode()) == "onglet=affaires&affaires-tri=number&mois=24"

    # Another page's address is not the synthèse's state: the link's own query string is kept.
    response = client.get(
        f"{url}?site=3", headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/tiers/?mois=1"}
    )
    assert _requete(response.content.decode()) == "site=3"


def test_presentation_characteristics_are_the_fields_the_details_tab_shows(
    tenant, django_capture_on_commit_callbacks
):
    from tests.synthese.export_support import sheet_rows, workbook_of
    from tests.tiers.factories_characteristics import CharacteristicFieldFactory, CharacteristicGroupFactory
    from tiers.models import CharacteristicValue, ThirdParty

    manager = member(tenant, "Manager")
    customer = CustomerFactory(tenant=tenant)
    group = CharacteristicGroupFactory(tenant=tenant, label="Environnement d'impression")
    shown = CharacteristicFieldFactory(tenant=tenant, group=group, label="Volume mensuel estimé")
    hidden = CharacteristicFieldFactory(
        tenant=tenant, group=group, label="Note interne", visible_in_synthese=False
    )
    with scope(tenant=tenant):
        for field, value in ((shown, "12 000 pages"), (hidden, "Ne pas afficher")):
            CharacteristicValue.objects.create(
                tenant=tenant,
                field=field,
                content_type=ContentType.objects.get_for_model(ThirdParty),
                object_id=customer.pk,
                value_text=value,
            )

    job = run_export(
        tenant, manager, customer, django_capture_on_commit_callbacks, sections=["caracteristiques"]
    )

    rows = sheet_rows(workbook_of(job), "Présentation")
    assert ("Environnement d'impression", "Volume mensuel estimé", "12 000 pages") in rows
    assert all("Note interne" not in row for row in rows)


def test_sites_follow_the_sort_of_the_details_tabs_sites_table(tenant, django_capture_on_commit_callbacks):
    from tests.synthese.export_support import sheet_rows, workbook_of

    manager = member(tenant, "Manager")
    pw = build_parc_world(tenant, owner=manager)

    default = workbook_of(
        run_export(tenant, manager, pw.world.customer, django_capture_on_commit_callbacks, sections=["sites"])
    )
    assert [row[0] for row in sheet_rows(default, "Sites")[1:]] == ["Siège", "Agence"]  # main first

    by_name = workbook_of(
        run_export(
            tenant,
            manager,
            pw.world.customer,
            django_capture_on_commit_callbacks,
            sections=["sites"],
            query="details-sites-tri=name",
        )
    )
    assert [row[0] for row in sheet_rows(by_name, "Sites")[1:]] == ["Agence", "Siège"]
    assert sheet_rows(by_name, "Sites - Commerciaux")[1][0] == "Agence"


# --- Progress and the PDF's resources --------------------------------------------------------------


def test_the_job_reports_its_progress_while_it_writes_then_100(
    tenant, monkeypatch, django_capture_on_commit_callbacks
):
    from crm.exports import xlsx
    from crm.services import exports as export_services

    saved: list[int] = []
    original = export_services._save_progress

    def recording_save_progress(job_pk: int):
        save = original(job_pk)

        def recording(percent: int) -> None:
            saved.append(percent)
            save(percent)

        return recording

    monkeypatch.setattr(xlsx, "PROGRESS_EVERY", 1)
    monkeypatch.setattr(export_services, "_save_progress", recording_save_progress)
    manager = member(tenant, "Manager")
    pw = build_parc_world(tenant, owner=manager, extra=3)

    job = run_export(
        tenant, manager, pw.world.customer, django_capture_on_commit_callbacks, sections=["parc", "commandes"]
    )

    assert job.progress == 100
    assert len(saved) > 3 and saved == sorted(saved) and saved[0] > 0 and saved[-1] < 100, saved


def test_pdf_never_fetches_what_user_text_points_to(tenant, monkeypatch, django_capture_on_commit_callbacks):
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as error:  # Pango missing
        pytest.skip(f"WeasyPrint indisponible : {error}")
    from crm.exports import pdf

    fetched: list[str] = []
    original = pdf.static_path

    def recording_static_path(url: str):
        fetched.append(url)
        return original(url)

    monkeypatch.setattr(pdf, "static_path", recording_static_path)
    manager = member(tenant, "Manager")
    customer = CustomerFactory(tenant=tenant, observations='<img src="http://example.com/pixel.png">')

    job = run_export(
        tenant, manager, customer, django_capture_on_commit_callbacks, sections=["presentation"], fmt="pdf"
    )

    assert '<img src="http://example.com/pixel.png">' in " ".join(_pdf_text(job).split())
    assert not [url for url in fetched if "example.com" in url]


def test_the_fast_resolver_gives_what_django_tables2_gives(tenant):
    from django_tables2.utils import Accessor

    from synthese.export_sections.common import resolver
    from tests.synthese.factories import build_world

    world = build_world(tenant)
    with scope(tenant=tenant):
        order = (
            type(world.rows["commandes"]["in"])
            .objects.select_related("site", "deal")
            .get(pk=world.rows["commandes"]["in"].pk)
        )
        for accessor in (
            "number",
            "site__name",
            "deal__number",
            "get_status_display",
            "customer__tags",
            "delete",
        ):
            assert resolver(accessor)(order) == Accessor(accessor).resolve(order, quiet=True), accessor
