"""Service request pages (parc/views/requests.py): list (query count, default open states,
filters, visibility), detail, create from a customer with coverage checkboxes, htmx refresh of the
coverages, edit, state, close and cancel, the third party's section, the Excel export."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope

from crm.models import ExportJob
from parc.models import RequestState, ServiceRequest, ServiceRequestCoverage
from tests.factories import member
from tests.parc.factories_assets import AssetFactory
from tests.parc.factories_contracts import ServiceContractFactory, cover
from tests.parc.factories_requests import InterventionFactory, ServiceRequestFactory, link_assets
from tests.queries import REQUEST_QUERIES
from tests.tiers.factories import ThirdPartyFactory
from tests.tiers.factories_sites_banks import reserved_customer

LIST = reverse("parc:request_list")


@pytest.fixture
def tech(tenant):
    return member(tenant, "Technicien")


@pytest.fixture
def rep(tenant):
    return member(tenant, "Commercial")


def _requests(tenant, count: int, **fields) -> list[ServiceRequest]:
    rows = []
    for _ in range(count):
        request = ServiceRequestFactory(tenant=tenant, **fields)
        link_assets(request, AssetFactory(tenant=tenant, customer=request.customer))
        InterventionFactory(tenant=tenant, request=request, customer=request.customer)
        rows.append(request)
    return rows


def _numbers(response) -> list[str]:
    return sorted(row.record.number for row in response.context["table"].page.object_list)


@pytest.mark.parametrize("count", [1, 4])
def test_request_list_query_count_does_not_grow(login, rep, tenant, count, django_assert_num_queries):
    _requests(tenant, count)
    client = login(rep)
    url = LIST + "?activite=toutes"
    client.get(url)

    with django_assert_num_queries(REQUEST_QUERIES + 16):
        response = client.get(url)

    assert len(response.context["table"].page.object_list) == count
    assert "01.30" in response.content.decode()


def test_request_list_shows_open_states_by_default(login, rep, tenant):
    (open_request,) = _requests(tenant, 1)
    (closed,) = _requests(tenant, 1, state=RequestState.CLOSED, closed_at=open_request.started_at)

    default = login(rep).get(LIST, {"activite": "toutes"})
    every = login(rep).get(LIST, {"activite": "toutes", "etat": [s.value for s in RequestState]})

    assert _numbers(default) == [open_request.number]
    assert _numbers(every) == sorted([open_request.number, closed.number])


def test_request_list_filters_on_customer_nature_serial_and_search(login, rep, tenant):
    first, second = _requests(tenant, 2)
    with scope(tenant=tenant):
        ServiceRequest.objects.filter(pk=second.pk).update(nature="warranty", detail="Écran cassé")
        serial = first.assets.get().serial
    client = login(rep)

    assert _numbers(client.get(LIST, {"activite": "toutes", "client": first.customer.code})) == [first.number]
    assert _numbers(client.get(LIST, {"activite": "toutes", "nature": "warranty"})) == [second.number]
    assert _numbers(client.get(LIST, {"activite": "toutes", "serie": serial})) == [first.number]
    assert _numbers(client.get(LIST, {"activite": "toutes", "q": "cassé"})) == [second.number]
    assert _numbers(client.get(LIST, {"activite": "toutes", "du": "2025-06-03"})) == []


def test_reserved_customer_requests_are_invisible(login, rep, tenant):
    (visible,) = _requests(tenant, 1)
    hidden = ServiceRequestFactory(tenant=tenant, customer=reserved_customer(tenant))

    response = login(rep).get(LIST, {"activite": "toutes"})
    detail = login(rep).get(reverse("parc:request_detail", kwargs={"pk": hidden.pk}))

    assert _numbers(response) == [visible.number]
    assert hidden.number not in response.content.decode()
    assert detail.status_code == 404


def test_other_tenant_request_is_404(login, tenant, other_tenant):
    (request,) = _requests(tenant, 1)

    response = login(member(other_tenant, "Administrateur")).get(
        reverse("parc:request_detail", kwargs={"pk": request.pk})
    )

    assert response.status_code == 404


def test_request_detail_shows_interventions_total_and_exchanges(login, rep, tenant):
    (request,) = _requests(tenant, 1)
    InterventionFactory(tenant=tenant, request=request, customer=request.customer, duration_minutes=45)

    response = login(rep).get(reverse("parc:request_detail", kwargs={"pk": request.pk}))

    content = response.content.decode()
    assert response.status_code == 200
    assert "total 02.15" in content
    assert "Aucun échange." in content
    assert reverse("parc:request_update", kwargs={"pk": request.pk}) not in content


def _covered_customer(tenant):
    customer = ThirdPartyFactory(tenant=tenant)
    asset = AssetFactory(tenant=tenant, customer=customer)
    contracts = [ServiceContractFactory(tenant=tenant, customer=customer) for _ in range(2)]
    for contract in contracts:
        cover(contract, asset)
    return customer, asset, contracts


def test_create_form_proposes_coverages_checked_through_htmx(login, tech, tenant):
    customer, asset, (first, _second) = _covered_customer(tenant)
    url = reverse("parc:request_coverages_new", kwargs={"pk": customer.pk})

    response = login(tech).get(
        url, {"assets": [asset.pk], "started_at": "2026-03-02T09:00"}, headers={"HX-Request": "true"}
    )

    content = response.content.decode()
    assert [row.checked for row in response.context["form"].coverage_rows] == [True, True]
    assert f'name="coverages" value="{first.pk}" id="id_coverage_{first.pk}" checked' in content
    assert "<html" not in content


def test_htmx_refresh_keeps_an_unchecked_coverage(login, tech, tenant):
    customer, asset, (first, second) = _covered_customer(tenant)
    url = reverse("parc:request_coverages_new", kwargs={"pk": customer.pk})

    response = login(tech).get(
        url,
        {
            "assets": [asset.pk],
            "started_at": "2026-03-02T09:00",
            "proposed": [first.pk, second.pk],
            "coverages": [first.pk],
        },
    )

    assert {row.contract.pk: row.checked for row in response.context["form"].coverage_rows} == {
        first.pk: True,
        second.pk: False,
    }


def test_technician_creates_a_request_from_the_customer(login, tech, tenant):
    customer, asset, (first, second) = _covered_customer(tenant)
    url = reverse("parc:request_create", kwargs={"pk": customer.pk})
    page = login(tech).get(url)

    response = login(tech).post(
        url,
        {
            "number": "",
            "started_at": "2026-03-02T09:00",
            "nature": "warranty",
            "detail": "Plus d'impression",
            "assets": [asset.pk],
            "proposed": [first.pk, second.pk],
            "coverages": [first.pk],
        },
    )

    assert page.status_code == 200 and 'hx-get="' in page.content.decode()
    assert response.status_code == 302
    with scope(tenant=tenant):
        request = ServiceRequest.objects.get(customer=customer)
        stored = dict(request.coverages.values_list("contract_id", "is_selected"))
    assert request.number == "DIT-2026-000001"
    assert stored == {first.pk: True, second.pk: False}


def test_create_form_refuses_an_unknown_principal(login, tech, tenant):
    customer = ThirdPartyFactory(tenant=tenant)
    hidden = reserved_customer(tenant)
    url = reverse("parc:request_create", kwargs={"pk": customer.pk})

    response = login(tech).post(
        url,
        {"started_at": "2026-03-02T09:00", "nature": "breakdown", "detail": "x", "principal": hidden.code},
    )

    assert response.context["form"].errors["principal"] == [
        f"Aucun tiers accessible ne porte le code {hidden.code}."
    ]


def test_sales_rep_only_views_requests(login, rep, tenant):
    (request,) = _requests(tenant, 1)
    client = login(rep)

    assert client.get(reverse("parc:request_create", kwargs={"pk": request.customer_id})).status_code == 403
    assert client.get(reverse("parc:request_update", kwargs={"pk": request.pk})).status_code == 403
    assert client.post(reverse("parc:request_close", kwargs={"pk": request.pk})).status_code == 403


def test_technician_edits_keeps_choices_and_closes_a_request(login, tech, tenant):
    customer, asset, (first, second) = _covered_customer(tenant)
    request = ServiceRequestFactory(tenant=tenant, customer=customer)
    link_assets(request, asset)
    with scope(tenant=tenant):
        ServiceRequestCoverage.objects.bulk_create(
            [
                ServiceRequestCoverage(tenant=tenant, request=request, contract=first, is_selected=True),
                ServiceRequestCoverage(tenant=tenant, request=request, contract=second, is_selected=False),
            ]
        )
    client = login(tech)
    form_page = client.get(reverse("parc:request_update", kwargs={"pk": request.pk}))

    edited = client.post(
        reverse("parc:request_update", kwargs={"pk": request.pk}),
        {
            "number": request.number,
            "started_at": "2025-06-02T11:00",
            "nature": "breakdown",
            "detail": "Détail revu",
            "assets": [asset.pk],
            "proposed": [first.pk, second.pk],
            "coverages": [first.pk],
        },
    )
    closed = client.post(reverse("parc:request_close", kwargs={"pk": request.pk}))

    rows = {row.contract.pk: row.checked for row in form_page.context["form"].coverage_rows}
    assert rows == {first.pk: True, second.pk: False}
    assert (edited.status_code, closed.status_code) == (302, 302)
    with scope(tenant=tenant):
        request.refresh_from_db()
    assert (request.detail, request.state) == ("Détail revu", RequestState.CLOSED)


def test_close_twice_shows_the_refusal(login, tech, tenant):
    (request,) = _requests(tenant, 1, state=RequestState.CANCELLED)

    response = login(tech).post(reverse("parc:request_close", kwargs={"pk": request.pk}), follow=True)

    assert f"La demande {request.number} est déjà annulée : elle ne peut pas être clôturée." in (
        response.content.decode()
    )


def test_state_and_cancel_pages(login, tech, tenant):
    (request,) = _requests(tenant, 1)
    client = login(tech)

    client.post(reverse("parc:request_state", kwargs={"pk": request.pk}), {"etat": "waiting"})
    confirm = client.get(reverse("parc:request_cancel", kwargs={"pk": request.pk}))
    client.post(reverse("parc:request_cancel", kwargs={"pk": request.pk}))

    with scope(tenant=tenant):
        request.refresh_from_db()
    assert confirm.status_code == 200
    assert request.state == RequestState.CANCELLED


def _third_party_page(client, customer):
    return client.get(reverse("tiers:detail", kwargs={"pk": customer.pk}))


def test_third_party_section_lists_recent_requests_with_fixed_queries(
    login, tech, tenant, django_assert_num_queries
):
    small, large = ThirdPartyFactory(tenant=tenant), ThirdPartyFactory(tenant=tenant)
    _requests(tenant, 1, customer=small)
    many = _requests(tenant, 12, customer=large)
    client = login(tech)
    _third_party_page(client, small)
    with CaptureQueriesContext(connection) as small_queries:
        _third_party_page(client, small)

    with django_assert_num_queries(len(small_queries)):
        response = _third_party_page(client, large)

    content = response.content.decode()
    assert "Demandes d'intervention" in content
    assert content.count('href="/parc/demandes/') >= 10
    assert sum(request.number in content for request in many) == 10
    assert reverse("parc:request_create", kwargs={"pk": large.pk}) in content


@pytest.mark.usefixtures("celery_eager")
def test_request_export_contains_the_filtered_rows(
    tenant, login, settings, tmp_path, django_capture_on_commit_callbacks
):
    from openpyxl import load_workbook

    settings.MEDIA_ROOT = tmp_path / "media"
    manager = member(tenant, "Manager")
    first, _second = _requests(tenant, 2)
    client = login(manager)
    page = client.get(LIST, {"client": first.customer.code, "activite": "toutes"})

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("exports:request"),
            {"exporter": "service_requests", "format": "xlsx", "query": page.context["export_query"]},
        )

    assert response.status_code == 302
    with scope(tenant=tenant):
        job = ExportJob.objects.filter(owner=manager).latest("pk")
        assert job.status == ExportJob.Status.DONE, job.error
        with job.file.open("rb") as handle:
            rows = list(load_workbook(io.BytesIO(handle.read())).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Numéro", "Début", "Code client")
    assert [row[0] for row in rows[1:]] == [first.number]
    assert rows[1][10] == "01.30"
