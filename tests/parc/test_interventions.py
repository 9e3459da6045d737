"""Intervention rules (parc/services/interventions.py) and pages (parc/views/interventions.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scope

from parc.models import Intervention, RequestState
from parc.services.interventions import duration_parse, intervention_create, intervention_delete
from parc.services.requests import service_request_close
from tests.factories import UserFactory, member
from tests.parc.factories_requests import InterventionFactory, ServiceRequestFactory, local


@pytest.fixture
def tech(tenant):
    return member(tenant, "Technicien")


@pytest.fixture
def service_request(tenant):
    return ServiceRequestFactory(tenant=tenant)


@pytest.mark.parametrize(("text", "minutes"), [("1.30", 90), ("2", 120), ("0.05", 5), ("1,45", 105)])
def test_duration_parse_accepts_hours_minutes(text, minutes):
    assert duration_parse(text) == minutes


def test_duration_parse_refuses_minutes_of_60_or_more():
    with pytest.raises(ValidationError) as excinfo:
        duration_parse("1.75")

    assert excinfo.value.messages == ["Minutes invalides : saisissez HH.MM avec des minutes de 00 à 59."]


def test_duration_parse_refuses_text():
    with pytest.raises(ValidationError) as excinfo:
        duration_parse("une heure")

    assert excinfo.value.messages == [
        "Durée invalide : saisissez HH.MM, par exemple 1.30 pour une heure trente."
    ]


def test_create_computes_the_duration_and_copies_the_request(tenant, tech, service_request):
    with scope(tenant=tenant):
        intervention = intervention_create(
            tenant=tenant,
            actor=tech,
            request=service_request,
            technician=tech,
            starts_at=local(2026, 3, 2, 9),
            ends_at=local(2026, 3, 2, 11, 15),
            duration_minutes=10,
        )

    assert (intervention.duration_minutes, intervention.duration_display) == (135, "02.15")
    assert intervention.customer_id == service_request.customer_id


def test_create_keeps_the_typed_duration_without_an_end(tenant, tech, service_request):
    with scope(tenant=tenant):
        intervention = intervention_create(
            tenant=tenant,
            actor=tech,
            request=service_request,
            technician=tech,
            starts_at=local(2026, 3, 2, 9),
            duration_minutes=90,
        )

    assert intervention.duration_display == "01.30"


def test_create_refuses_an_end_before_the_start(tenant, tech, service_request):
    with scope(tenant=tenant), pytest.raises(ValidationError) as excinfo:
        intervention_create(
            tenant=tenant,
            actor=tech,
            request=service_request,
            technician=tech,
            starts_at=local(2026, 3, 2, 9),
            ends_at=local(2026, 3, 2, 8),
        )

    assert excinfo.value.message_dict["ends_at"] == [
        "La fin de l'intervention doit être postérieure à son début."
    ]


def test_create_refuses_a_technician_outside_the_company(tenant, tech, service_request):
    stranger = UserFactory(first_name="Paul", last_name="Martin")
    with scope(tenant=tenant), pytest.raises(ValidationError) as excinfo:
        intervention_create(
            tenant=tenant,
            actor=tech,
            request=service_request,
            technician=stranger,
            starts_at=local(2026, 3, 2),
        )

    assert excinfo.value.message_dict["technician"] == [
        "Paul Martin n'est pas membre de la société : il ne peut pas intervenir."
    ]


def test_create_and_delete_refused_on_a_closed_request(tenant, tech, service_request):
    with scope(tenant=tenant):
        intervention = InterventionFactory(tenant=tenant, request=service_request, technician=tech)
        service_request_close(tenant=tenant, actor=tech, request=service_request)
        with pytest.raises(ValidationError) as created:
            intervention_create(
                tenant=tenant,
                actor=tech,
                request=service_request,
                technician=tech,
                starts_at=local(2026, 3, 2),
            )
        with pytest.raises(ValidationError) as deleted:
            intervention_delete(tenant=tenant, actor=tech, intervention=intervention)

    expected = [
        f"La demande {service_request.number} est clôturée : ses interventions ne peuvent plus être modifiées."
    ]
    assert created.value.messages == expected
    assert deleted.value.messages == expected


# --- Pages ----------------------------------------------------------------------------------------


def test_technician_adds_an_intervention_from_the_request_page(login, tenant, tech, service_request):
    url = reverse("parc:intervention_create", kwargs={"pk": service_request.pk})

    response = login(tech).post(
        url, {"technician": tech.pk, "starts_at": "2026-03-02T09:00", "duration": "1.30", "report": "Fait"}
    )

    assert response.status_code == 302
    with scope(tenant=tenant):
        assert service_request.interventions.get().duration_minutes == 90


def test_intervention_form_shows_the_minutes_message(login, tech, service_request):
    url = reverse("parc:intervention_create", kwargs={"pk": service_request.pk})

    response = login(tech).post(
        url, {"technician": tech.pk, "starts_at": "2026-03-02T09:00", "duration": "1.75"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["duration"] == [
        "Minutes invalides : saisissez HH.MM avec des minutes de 00 à 59."
    ]


def test_intervention_page_refuses_a_closed_request(login, tenant, tech, service_request):
    with scope(tenant=tenant):
        service_request_close(tenant=tenant, actor=tech, request=service_request)
    url = reverse("parc:intervention_create", kwargs={"pk": service_request.pk})

    response = login(tech).post(
        url, {"technician": tech.pk, "starts_at": "2026-03-02T09:00", "duration": "1"}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        f"La demande {service_request.number} est clôturée : ses interventions ne peuvent plus être modifiées."
    ]


def test_technician_edits_and_manager_deletes_an_intervention(login, tenant, tech, service_request):
    with scope(tenant=tenant):
        intervention = InterventionFactory(tenant=tenant, request=service_request, technician=tech)
    kwargs = {"pk": service_request.pk, "intervention_pk": intervention.pk}

    edited = login(tech).post(
        reverse("parc:intervention_update", kwargs=kwargs),
        {"technician": tech.pk, "starts_at": "2026-03-02T09:00", "ends_at": "2026-03-02T10:00"},
    )
    confirm = login(member(tenant, "Manager")).get(reverse("parc:intervention_delete", kwargs=kwargs))
    deleted = login(member(tenant, "Manager")).post(reverse("parc:intervention_delete", kwargs=kwargs))

    assert (edited.status_code, confirm.status_code, deleted.status_code) == (302, 200, 302)
    with scope(tenant=tenant):
        assert not Intervention.objects.filter(pk=intervention.pk).exists()


def test_sales_rep_may_not_add_an_intervention(login, tenant, service_request):
    url = reverse("parc:intervention_create", kwargs={"pk": service_request.pk})

    response = login(member(tenant, "Commercial")).get(url)

    assert response.status_code == 403


def test_intervention_of_another_request_is_404(login, tenant, tech, service_request):
    with scope(tenant=tenant):
        other = InterventionFactory(tenant=tenant, technician=tech)
    url = reverse("parc:intervention_update", kwargs={"pk": service_request.pk, "intervention_pk": other.pk})

    assert login(tech).get(url).status_code == 404
    assert service_request.state == RequestState.NEW
