"""Action pages: the default "my actions to do" view, filters and query counts, visibility,
permissions, the CRM licence, create (relationship dates)/mark done, the third party's section
(newest first, CRM licence only), the Excel export."""

from __future__ import annotations

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from crm.models import ExportJob, Licence
from tests.factories import member
from tests.tiers.factories import ContactFactory, ContactLinkFactory, ThirdPartyFactory
from tests.tiers.factories_sites_banks import reserved_customer
from tests.ventes.factories_pipeline import ActionFactory
from tiers.models import ThirdParty
from ventes.models import Action

ACTIONS = "/ventes/actions/"
ALL = {"activite": "toutes", "vue": "toutes"}


@pytest.fixture
def rep(tenant):
    return member(tenant, "Commercial")


def subjects(response) -> list[str]:
    return [row.record.subject for row in response.context["table"].page.object_list]


def test_action_list_shows_my_actions_to_do_within_a_week_by_default(tenant, rep, login):
    now = timezone.now()
    ActionFactory(tenant=tenant, owner=rep, subject="Demain", planned_at=now + datetime.timedelta(days=1))
    ActionFactory(tenant=tenant, owner=rep, subject="En retard", planned_at=now - datetime.timedelta(days=3))
    ActionFactory(
        tenant=tenant, owner=rep, subject="Dans un mois", planned_at=now + datetime.timedelta(days=30)
    )
    ActionFactory(tenant=tenant, owner=rep, subject="Faite", planned_at=now, done_at=now)
    ActionFactory(tenant=tenant, subject="D'un autre", planned_at=now)
    client = login(rep)

    response = client.get(ACTIONS, {"activite": "toutes"})

    assert sorted(subjects(response)) == ["Demain", "En retard"]
    assert "vue=mes_actions_a_faire" in response.context["export_query"]
    assert sorted(subjects(client.get(ACTIONS, {**ALL, "vue": "faites"}))) == ["Faite"]
    assert len(subjects(client.get(ACTIONS, ALL))) == 5


def test_action_list_filters_on_customer_kind_and_subject(tenant, rep, login):
    customer = ThirdPartyFactory(tenant=tenant, code="C0042")
    ActionFactory(tenant=tenant, customer=customer, subject="Appel relance", kind="call_in")
    ActionFactory(tenant=tenant, subject="Visite", kind="meeting")
    client = login(rep)

    assert subjects(client.get(ACTIONS, {**ALL, "client": "C0042"})) == ["Appel relance"]
    assert subjects(client.get(ACTIONS, {**ALL, "type": "meeting"})) == ["Visite"]
    assert subjects(client.get(ACTIONS, {**ALL, "q": "relan"})) == ["Appel relance"]


def test_action_list_hides_a_reserved_customers_actions_and_their_page_is_404(tenant, rep, login):
    hidden = ActionFactory(tenant=tenant, customer=reserved_customer(tenant), subject="Secret")
    ActionFactory(tenant=tenant, subject="Visible")
    client = login(rep)

    assert subjects(client.get(ACTIONS, ALL)) == ["Visible"]
    assert client.get(reverse("ventes:action_detail", kwargs={"pk": hidden.pk})).status_code == 404


def test_action_of_another_tenant_is_404(tenant, other_tenant, login):
    action = ActionFactory(tenant=tenant)
    client = login(member(other_tenant, "Manager"))

    assert client.get(reverse("ventes:action_detail", kwargs={"pk": action.pk})).status_code == 404
    assert client.get(ACTIONS, ALL).context["table"].paginator.count == 0


def test_action_list_query_count_is_the_same_for_2_and_30_rows(tenant, login, django_assert_num_queries):
    client = login(member(tenant, "Manager"))

    def make(count):
        for _index in range(count):
            customer = ThirdPartyFactory(tenant=tenant)
            link = ContactLinkFactory(tenant=tenant, third_party=customer)
            ActionFactory(tenant=tenant, customer=customer, contact=link.contact)

    make(2)
    client.get(ACTIONS, ALL)
    with CaptureQueriesContext(connection) as small:
        client.get(ACTIONS, ALL)
    make(28)

    with django_assert_num_queries(len(small)):
        response = client.get(ACTIONS, ALL)

    assert len(response.context["table"].page.object_list) == 25


def test_technician_sees_actions_but_may_not_create_or_complete(tenant, login):
    action = ActionFactory(tenant=tenant)
    client = login(member(tenant, "Technicien"))

    assert client.get(reverse("ventes:action_detail", kwargs={"pk": action.pk})).status_code == 200
    assert client.get(reverse("ventes:action_create", kwargs={"pk": action.customer_id})).status_code == 403
    assert client.post(reverse("ventes:action_done", kwargs={"pk": action.pk})).status_code == 403


def test_action_create_refused_to_an_artis_licence_with_the_message(tenant, login):
    customer = ThirdPartyFactory(tenant=tenant)
    client = login(member(tenant, "Commercial", licence=Licence.ARTIS))

    response = client.post(reverse("ventes:action_create", kwargs={"pk": customer.pk}), {"subject": "Appel"})

    assert response.status_code == 403
    assert "Cette fonction demande une licence CRM : votre licence ARTIS ne la comprend pas." in (
        response.content.decode()
    )
    with scope(tenant=tenant):
        assert not Action.objects.exists()


def test_action_create_records_the_customers_next_contact(tenant, rep, login):
    customer = ThirdPartyFactory(tenant=tenant)
    contact = ContactLinkFactory(tenant=tenant, third_party=customer).contact
    planned = (timezone.localtime() + datetime.timedelta(days=2)).replace(second=0, microsecond=0)
    data = {
        "kind": "meeting",
        "subject": "Présentation",
        "owner": rep.pk,
        "contact": contact.pk,
        "participants": [contact.pk],
        "planned_at": planned.strftime("%Y-%m-%dT%H:%M"),
    }

    response = login(rep).post(reverse("ventes:action_create", kwargs={"pk": customer.pk}), data)

    assert response.status_code == 302
    with scope(tenant=tenant):
        third_party = ThirdParty.objects.get(pk=customer.pk)
        assert Action.objects.get().participants.get() == contact
    assert (third_party.next_contact_at, third_party.next_contact_kind) == (planned, "Rendez-vous")


def test_action_create_offers_only_the_customers_contacts(tenant, rep, login):
    customer = ThirdPartyFactory(tenant=tenant)
    stranger = ContactFactory(tenant=tenant)
    data = {"kind": "call_out", "subject": "Appel", "owner": rep.pk, "contact": stranger.pk, "done_at": ""}

    response = login(rep).post(reverse("ventes:action_create", kwargs={"pk": customer.pk}), data)

    assert response.status_code == 200
    assert "contact" in response.context["form"].errors


def test_action_done_records_the_last_contact(tenant, rep, login):
    action = ActionFactory(tenant=tenant, owner=rep, planned_at=timezone.now())

    response = login(rep).post(reverse("ventes:action_done", kwargs={"pk": action.pk}))

    action.refresh_from_db()
    with scope(tenant=tenant):
        third_party = ThirdParty.objects.get(pk=action.customer_id)
    assert response.status_code == 302 and action.done_at is not None
    assert third_party.last_contact_at == action.done_at and third_party.last_contact_kind == "Appel sortant"


def test_third_party_page_actions_section_is_newest_first_with_a_fixed_query_count(
    tenant, rep, login, django_assert_num_queries
):
    few, many = ThirdPartyFactory(tenant=tenant), ThirdPartyFactory(tenant=tenant)
    ActionFactory(tenant=tenant, customer=few)
    now = timezone.now()
    for index in range(12):
        ActionFactory(
            tenant=tenant,
            customer=many,
            subject=f"Action {index:02d}",
            planned_at=now + datetime.timedelta(days=index),
        )
    client = login(rep)
    client.get(reverse("tiers:detail", kwargs={"pk": few.pk}))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("tiers:detail", kwargs={"pk": few.pk}))

    with django_assert_num_queries(len(small)):
        response = client.get(reverse("tiers:detail", kwargs={"pk": many.pk}))

    content = response.content.decode()
    assert 'id="section-actions"' in content
    assert content.index("Action 11") < content.index("Action 10") and "Action 01" not in content


def test_third_party_page_actions_section_hidden_without_crm_licence(tenant, login):
    customer = ThirdPartyFactory(tenant=tenant)
    ActionFactory(tenant=tenant, customer=customer, subject="Réservée CRM")

    response = login(member(tenant, "Commercial", licence=Licence.ARTIS)).get(
        reverse("tiers:detail", kwargs={"pk": customer.pk})
    )

    assert response.status_code == 200 and "Réservée CRM" not in response.content.decode()


@pytest.mark.usefixtures("celery_eager")
def test_action_export_contains_the_filtered_rows(
    tenant, login, settings, tmp_path, django_capture_on_commit_callbacks
):
    from openpyxl import load_workbook

    settings.MEDIA_ROOT = tmp_path / "media"
    manager = member(tenant, "Manager")
    ActionFactory(tenant=tenant, owner=manager, subject="À moi")
    ActionFactory(tenant=tenant, subject="À un autre")
    client = login(manager)
    page = client.get(ACTIONS, {"activite": "toutes"})

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("exports:request"),
            {"exporter": "actions", "format": "xlsx", "query": page.context["export_query"]},
        )

    assert response.status_code == 302
    with scope(tenant=tenant):
        job = ExportJob.objects.filter(owner=manager).latest("pk")
        assert job.status == ExportJob.Status.DONE, job.error
        with job.file.open("rb") as handle:
            rows = list(load_workbook(io.BytesIO(handle.read())).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("Type", "Objet")
    assert [row[1] for row in rows[1:]] == ["À moi"]
