"""Record section "Suivi" (synthese/record_followup.py): tasks, agenda, events and adding one,
time spent per collaborator (parc.selectors_time), the history screen."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from crm.models import AuditEntry, Licence
from tests.factories import UserFactory, member
from tests.parc.factories_requests import InterventionFactory
from tests.queries import REQUEST_QUERIES
from tests.synthese.factories import build_world
from tests.synthese.record_support import assert_section_guarded, field_errors, record_url
from tests.ventes.factories_pipeline import ActionFactory
from ventes import models as ventes

pytestmark = pytest.mark.django_db

SECTION = "suivi"


@pytest.fixture
def manager(tenant):
    return member(tenant, "Manager")


def _keys(html: str, rows) -> list[int]:
    return [row.pk for row in rows if f'data-action-row="{row.pk}"' in html]


def test_suivi_guards(tenant, other_tenant, manager, login):
    assert_section_guarded(
        login=login, tenant=tenant, other_tenant=other_tenant, user=manager, section=SECTION
    )


def test_tasks_and_agenda_past_today_upcoming(tenant, manager, login):
    world = build_world(tenant)
    now = timezone.localtime()
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    base = {"tenant": tenant, "customer": world.customer, "owner": manager}
    task = ActionFactory(
        **base, kind=ventes.ActionKind.TASK, subject="Relancer", planned_at=start + datetime.timedelta(days=2)
    )
    done_task = ActionFactory(
        **base,
        kind=ventes.ActionKind.TASK,
        subject="Fait",
        planned_at=start - datetime.timedelta(days=2),
        done_at=start - datetime.timedelta(days=1),
    )
    today = ActionFactory(
        **base,
        kind=ventes.ActionKind.MEETING,
        subject="RDV du jour",
        planned_at=start + datetime.timedelta(hours=23),
    )
    html = login(manager).get(record_url(world.customer, SECTION)).content.decode()
    tasks = html.split('id="fiche-taches"')[1].split("</section>")[0]
    assert f'data-action-row="{task.pk}"' in tasks and f'data-action-row="{done_task.pk}"' not in tasks
    today_block = html.split('id="agenda-aujourdhui"')[1].split("</div>")[0]
    assert f'data-action-row="{today.pk}"' in today_block
    upcoming = html.split('id="agenda-a-venir"')[1].split("</div>")[0]
    assert f'data-action-row="{task.pk}"' in upcoming
    assert f'data-action-row="{world.rows["actions"]["future"].pk}"' in upcoming
    past = html.split('id="agenda-passe"')[1].split("</div>")[0]
    assert f'data-action-row="{done_task.pk}"' in past


def test_action_blocks_need_the_crm_licence(tenant, login):
    world = build_world(tenant)
    html = (
        login(member(tenant, "Manager", licence=Licence.ARTIS))
        .get(record_url(world.customer, SECTION))
        .content.decode()
    )
    assert 'id="fiche-agenda"' not in html and 'id="evenement-ajout"' not in html
    assert 'id="fiche-historique"' in html and 'id="fiche-temps-passe"' in html


def test_add_an_event_through_the_ventes_service(tenant, manager, login):
    world = build_world(tenant)
    at = (timezone.localtime() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    client = login(manager)
    response = client.post(
        record_url(world.customer, SECTION), {"subject": "Salon Bureautique", "at": at, "notes": ""}
    )
    assert response.status_code == 302 and response["Location"] == record_url(world.customer, SECTION)
    with scope(tenant=tenant):
        event = ventes.Action.objects.get(customer=world.customer, kind=ventes.ActionKind.EVENT)
        assert event.subject == "Salon Bureautique" and event.done_at is not None
        assert AuditEntry.objects.filter(action="action.create", object_id=str(event.pk)).exists()
    html = client.get(record_url(world.customer, SECTION)).content.decode()
    assert "Événement enregistré." in html
    events = html.split('id="fiche-evenements"')[1].split("</section>")[0]
    assert f'data-action-row="{event.pk}"' in events
    assert f'data-history="action-{event.pk}"' in html  # in the history


def test_add_an_event_refused_without_subject_keeps_what_was_typed(tenant, manager, login):
    world = build_world(tenant)
    client = login(manager)
    data = {"subject": "", "at": "2026-01-05T10:00", "notes": "Apporter le catalogue 2026"}
    response = client.post(record_url(world.customer, SECTION), data)
    assert response.status_code == 200  # the section again, not a redirect
    form = response.context["event_form"]
    assert form.is_bound and form.errors == {"subject": ["Ce champ est obligatoire."]}
    html = response.content.decode()
    assert field_errors(html, "id_subject") == '<p class="error">Ce champ est obligatoire.</p>'
    assert "Le formulaire contient des erreurs : corrigez les champs signalés." in html
    event_form = html.split('id="evenement-ajout"')[1].split("</form>")[0]
    assert 'value="2026-01-05T10:00"' in event_form
    assert ">\nApporter le catalogue 2026</textarea>" in event_form
    assert 'id="fiche-historique"' in html and 'id="fiche-agenda"' in html  # the whole section
    with scope(tenant=tenant):
        assert not ventes.Action.objects.filter(
            customer=world.customer, kind=ventes.ActionKind.EVENT
        ).exists()


def test_add_an_event_refused_by_the_service_keeps_what_was_typed(tenant, manager, login, monkeypatch):
    def refuse(**kwargs):
        raise ValidationError({"subject": "Objet refusé par le service.", "owner": "Pas de vendeur."})

    monkeypatch.setattr("synthese.record_followup.action_create", refuse)
    world = build_world(tenant)
    data = {"subject": "Salon", "at": "2026-01-05T10:00", "notes": "Stand 12"}
    response = login(manager).post(record_url(world.customer, SECTION), data)
    assert response.status_code == 200
    form = response.context["event_form"]
    assert form.errors == {"subject": ["Objet refusé par le service."], "__all__": ["Pas de vendeur."]}
    html = response.content.decode()
    assert field_errors(html, "id_subject") == '<p class="error">Objet refusé par le service.</p>'
    assert "<p>Pas de vendeur.</p>" in html
    assert 'value="Salon"' in html and ">\nStand 12</textarea>" in html


def test_add_an_event_refused_without_the_add_permission_or_licence(tenant, login):
    world = build_world(tenant)
    data = {"subject": "Salon", "at": "2026-01-05T10:00"}
    assert (
        login(member(tenant, "Technicien")).post(record_url(world.customer, SECTION), data).status_code == 403
    )
    artis = member(tenant, "Manager", licence=Licence.ARTIS)
    assert login(artis).post(record_url(world.customer, SECTION), data).status_code == 403


def test_time_spent_per_collaborator_in_hh_mm(tenant, manager, login):
    world = build_world(tenant)
    alice = UserFactory(first_name="Alice", last_name="Technicienne")
    request = world.rows["dit"]["in"]
    for minutes in (90, 45):
        InterventionFactory(
            request=request,
            technician=alice,
            duration_minutes=minutes,
            site=request.site,
            business_line=request.business_line,
        )
    html = login(manager).get(record_url(world.customer, SECTION)).content.decode()
    block = html.split('id="fiche-temps-passe"')[1].split("</section>")[0]
    assert "Alice Technicienne" in block and "02.15" in block


def test_history_planned_first_and_each_line_opens_its_record(tenant, manager, login):
    world = build_world(tenant)
    response = login(manager).get(record_url(world.customer, SECTION))
    rows = response.context["history_rows"]
    planned = [row for row in rows if row["row_planned"]]
    assert rows[: len(planned)] == planned
    assert rows[0]["row_id"] == world.rows["actions"]["future"].pk
    html = response.content.decode()
    order = world.rows["commandes"]["in"]
    assert reverse("ventes:order_detail", kwargs={"pk": order.pk}) in html


def test_history_intervention_opens_its_request(tenant, manager, login):
    intervention = InterventionFactory(request__tenant=tenant)
    customer = intervention.customer
    rows = login(manager).get(record_url(customer, SECTION)).context["history_rows"]
    request_url = reverse("parc:request_detail", kwargs={"pk": intervention.request_id})
    assert sorted((row["row_kind"], row["url"]) for row in rows) == [
        ("dit", request_url),
        ("intervention", request_url),
    ]


# Session, user, membership and permissions (5), the customer (1); the blocks: tasks, agenda (3),
# events, time spent, history (count and page); the rest is the page's shell.
SUIVI_QUERIES = REQUEST_QUERIES + 18


@pytest.mark.parametrize("extra", [0, 4])
def test_suivi_queries_do_not_depend_on_the_customer_size(
    tenant, manager, login, extra, django_assert_num_queries
):
    world = build_world(tenant, extra=extra)
    client = login(manager)
    with django_assert_num_queries(SUIVI_QUERIES):
        response = client.get(record_url(world.customer, SECTION))
    assert response.status_code == 200
