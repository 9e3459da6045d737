"""Excel exports of the lists: same selector and filters as the screen, run in-process."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django_scopes import scope

from crm.exports.registry import exporter_registry
from crm.models import ExportJob, Membership
from crm.services.exports import export_request
from tests.factories import BusinessLineFactory, member
from tests.tiers.factories import ContactFactory, ContactLinkFactory
from tests.tiers.factories_lists import third_party
from tiers.models import Lifecycle

pytestmark = pytest.mark.usefixtures("celery_eager", "media_root")

CUSTOMERS = "/tiers/clients/"
EXPORT_BUTTON = "Exporter (Excel)"


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _sheet_rows(tenant, owner) -> list[tuple]:
    from openpyxl import load_workbook

    with scope(tenant=tenant):
        job = ExportJob.objects.filter(owner=owner).latest("pk")
        assert job.status == ExportJob.Status.DONE, job.error
        with job.file.open("rb") as handle:
            workbook = load_workbook(io.BytesIO(handle.read()))
    return [tuple(row) for row in workbook.active.iter_rows(values_only=True)]


def _export_from_the_list(client, list_url, exporter, params, capture):
    """Open the list with ``params``, then press its export button (what the browser posts)."""
    page = client.get(list_url, params)
    with capture(execute=True):
        response = client.post(
            reverse("exports:request"),
            {"exporter": exporter, "format": "xlsx", "query": page.context["export_query"]},
        )
    assert response.status_code == 302
    return page


def test_list_exporters_are_registered_with_french_labels():
    labels = {key: str(exporter_registry.get(key).label) for key in ("customers", "prospects", "contacts")}

    assert labels == {
        "customers": "Liste des clients",
        "prospects": "Liste des prospects",
        "contacts": "Liste des contacts",
    }


def test_customer_export_contains_only_the_filtered_rows_in_screen_order(
    tenant, login, django_capture_on_commit_callbacks
):
    user = member(tenant, "Commercial")
    third_party(
        tenant, "Imprimerie Lyonnaise", code="C1", postal_code="69002", city="LYON", phone="+33478000001"
    )
    third_party(tenant, "Bureautique Lyon Sud", code="C2", postal_code="69007", city="LYON")
    third_party(tenant, "Informatique Paris", code="C3", postal_code="75008", city="PARIS")
    third_party(tenant, "Prospect Lyon", lifecycle=Lifecycle.PROSPECT_DRAFT, postal_code="69002", city="LYON")
    client = login(user)

    _export_from_the_list(
        client, CUSTOMERS, "customers", {"q": "lyon", "tri": "-name"}, django_capture_on_commit_callbacks
    )

    rows = _sheet_rows(tenant, user)
    assert rows[0][:7] == ("Code", "Raison sociale", "Statut", "Adresse", "Code postal", "Ville", "Téléphone")
    assert [row[1] for row in rows[1:]] == ["Imprimerie Lyonnaise", "Bureautique Lyon Sud"]
    assert rows[1][4:7] == ("69002", "LYON", "04 78 00 00 01")
    assert rows[1][2] == "Client"


def test_export_keeps_the_default_business_line_selection_of_the_screen(
    tenant, login, django_capture_on_commit_callbacks
):
    printing = BusinessLineFactory(tenant=tenant, name="Impression")
    phones = BusinessLineFactory(tenant=tenant, name="Téléphonie")
    user = member(tenant, "Commercial")
    third_party(tenant, "Client Impression", business_lines=[printing])
    third_party(tenant, "Client Téléphonie", business_lines=[phones])
    client = login(user)
    session = client.session
    session["business_line_ids"] = [printing.pk]
    session.save()

    page = _export_from_the_list(client, CUSTOMERS, "customers", {}, django_capture_on_commit_callbacks)

    assert f"activite={printing.pk}" in page.context["export_query"]
    assert [row[1] for row in _sheet_rows(tenant, user)[1:]] == ["Client Impression"]


def test_export_never_contains_hidden_third_parties(tenant, login, django_capture_on_commit_callbacks):
    user = member(tenant, "Commercial")
    third_party(tenant, "Client Visible")
    third_party(tenant, "Client Fermé", is_closed=True)
    third_party(tenant, "Client Réservé", allowed_users=[member(tenant, "Manager")])
    client = login(user)

    _export_from_the_list(
        client, CUSTOMERS, "customers", {"etat": "tous"}, django_capture_on_commit_callbacks
    )

    assert [row[1] for row in _sheet_rows(tenant, user)[1:]] == ["Client Visible"]


def test_prospect_export_filters_on_lifecycle(tenant, login, django_capture_on_commit_callbacks):
    user = member(tenant, "Commercial")
    third_party(tenant, "Prospect Brouillon", lifecycle=Lifecycle.PROSPECT_DRAFT)
    third_party(tenant, "Prospect Validé", lifecycle=Lifecycle.PROSPECT_VALIDATED)
    client = login(user)

    _export_from_the_list(
        client,
        "/tiers/prospects/",
        "prospects",
        {"statut": "prospect_validated"},
        django_capture_on_commit_callbacks,
    )

    rows = _sheet_rows(tenant, user)
    assert [(row[1], row[2]) for row in rows[1:]] == [("Prospect Validé", "Prospect validé")]


def test_contact_export_contains_only_the_searched_contacts(
    tenant, login, django_capture_on_commit_callbacks
):
    user = member(tenant, "Commercial")
    customer = third_party(tenant, "Client Alpha", code="ALPHA")
    for last_name, email in (("Martin", "martin@alpha.fr"), ("Durand", "durand@alpha.fr")):
        contact = ContactFactory(tenant=tenant, last_name=last_name, first_name="Léa", email=email)
        ContactLinkFactory(tenant=tenant, third_party=customer, contact=contact, is_default=False)
    client = login(user)

    _export_from_the_list(
        client, "/tiers/contacts/", "contacts", {"q": "mart"}, django_capture_on_commit_callbacks
    )

    rows = _sheet_rows(tenant, user)
    assert [(row[2], row[3], row[6], row[9]) for row in rows[1:]] == [
        ("Martin", "Léa", "ALPHA Client Alpha", "martin@alpha.fr")
    ]


def test_export_button_shown_only_with_the_export_right(tenant, login):
    third_party(tenant, "Client Alpha")

    with_right = login(member(tenant, "Commercial")).get(CUSTOMERS).content.decode()
    without_right = login(member(tenant, "Technicien")).get(CUSTOMERS).content.decode()

    assert EXPORT_BUTTON in with_right
    assert EXPORT_BUTTON not in without_right


def test_list_export_refused_without_the_export_right(tenant):
    technician = member(tenant, "Technicien")

    with pytest.raises(PermissionDenied) as refused:
        export_request(tenant=tenant, user=technician, exporter_key="customers", format="xlsx")

    assert str(refused.value) == "Vous n'avez pas le droit de lancer cet export."


def test_export_request_form_stores_the_query_on_the_job(tenant, login, django_capture_on_commit_callbacks):
    user = member(tenant, "Commercial")
    client = login(user)

    with django_capture_on_commit_callbacks(execute=False):
        client.post(
            reverse("exports:request"), {"exporter": "customers", "format": "xlsx", "query": "q=lyon"}
        )

    with scope(tenant=tenant):
        assert ExportJob.objects.get(owner=user).parameters == {"query": "q=lyon"}


def test_export_request_without_query_keeps_empty_parameters(
    tenant, login, django_capture_on_commit_callbacks
):
    user = member(tenant, "Commercial")
    client = login(user)

    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("exports:request"), {"exporter": "users", "format": "xlsx"})

    with scope(tenant=tenant):
        assert ExportJob.objects.get(owner=user).parameters == {}


def test_export_fails_when_the_owner_left_the_company_before_it_ran(
    tenant, django_capture_on_commit_callbacks
):
    user = member(tenant, "Commercial")
    third_party(tenant, "Client Alpha")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = export_request(
            tenant=tenant, user=user, exporter_key="customers", format="xlsx", parameters={"query": "q=alpha"}
        )
    with scope(tenant=tenant):
        Membership.objects.filter(user=user).update(is_active=False)

    for callback in callbacks:
        callback()

    with scope(tenant=tenant):
        job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert (
        job.error == "L'export a échoué. Réessayez ; si le problème persiste, contactez votre administrateur."
    )
    assert not job.file
