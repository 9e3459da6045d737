"""Deal pages: list filters and query counts, visibility (reserved customer, other tenant),
permissions (Technicien reads only), the CRM licence, create/edit/treat, the third party's
section and header action, the Excel export."""

from __future__ import annotations

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope

from crm.models import ExportJob, Licence
from tests.factories import member
from tests.tiers.factories import ThirdPartyFactory
from tests.tiers.factories_sites_banks import reserved_customer
from tests.ventes.factories_pipeline import ActionFactory, DealFactory
from ventes.models import Deal, DealStatus

DEALS = "/ventes/affaires/"
ALL = {"activite": "toutes"}


@pytest.fixture
def rep(tenant):
    return member(tenant, "Commercial")


def numbers(response) -> list[str]:
    return [row.record.number for row in response.context["table"].page.object_list]


def test_deal_list_filters_on_customer_owner_status_dates_and_search(tenant, rep, login):
    customer = ThirdPartyFactory(tenant=tenant, code="C0001")
    DealFactory(tenant=tenant, customer=customer, number="AFF-1", title="Copieurs", owner=rep)
    DealFactory(
        tenant=tenant,
        number="AFF-2",
        title="Serveur",
        status=DealStatus.TREATED,
        closed_on=datetime.date(2026, 2, 1),
        opened_on=datetime.date(2025, 6, 1),
    )
    client = login(rep)

    assert numbers(client.get(DEALS, {**ALL, "client": "c0001"})) == ["AFF-1"]
    assert numbers(client.get(DEALS, {**ALL, "responsable": rep.pk})) == ["AFF-1"]
    assert numbers(client.get(DEALS, {**ALL, "statut": "treated"})) == ["AFF-2"]
    assert numbers(client.get(DEALS, {**ALL, "ouverte_au": "2025-12-31"})) == ["AFF-2"]
    assert numbers(client.get(DEALS, {**ALL, "q": "copi"})) == ["AFF-1"]
    assert numbers(client.get(DEALS, {**ALL, "q": "aff-2"})) == ["AFF-2"]


def test_deal_list_hides_a_reserved_customers_deals_and_their_page_is_404(tenant, rep, login):
    hidden = DealFactory(tenant=tenant, customer=reserved_customer(tenant), number="AFF-SECRET")
    DealFactory(tenant=tenant, number="AFF-VISIBLE")
    client = login(rep)

    assert numbers(client.get(DEALS, ALL)) == ["AFF-VISIBLE"]
    assert client.get(reverse("ventes:deal_detail", kwargs={"pk": hidden.pk})).status_code == 404
    assert client.get(reverse("ventes:deal_create", kwargs={"pk": hidden.customer_id})).status_code == 404


def test_deal_of_another_tenant_is_404(tenant, other_tenant, login):
    deal = DealFactory(tenant=tenant)
    client = login(member(other_tenant, "Manager"))

    assert client.get(reverse("ventes:deal_detail", kwargs={"pk": deal.pk})).status_code == 404
    assert client.get(DEALS, ALL).context["table"].paginator.count == 0


def _query_count(client, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(DEALS, params)
    assert response.status_code == 200
    return len(queries)


def test_deal_list_query_count_is_the_same_for_2_and_30_rows(tenant, login, django_assert_num_queries):
    client = login(member(tenant, "Manager"))
    for _index in range(2):
        DealFactory(tenant=tenant)
    client.get(DEALS, ALL)
    small = _query_count(client, ALL)
    for _index in range(28):
        DealFactory(tenant=tenant)

    with django_assert_num_queries(small):
        response = client.get(DEALS, ALL)

    assert len(response.context["table"].page.object_list) == 25


def test_technician_sees_deals_but_may_not_create_edit_or_treat(tenant, login):
    deal = DealFactory(tenant=tenant)
    client = login(member(tenant, "Technicien"))

    assert client.get(reverse("ventes:deal_detail", kwargs={"pk": deal.pk})).status_code == 200
    assert client.get(reverse("ventes:deal_create", kwargs={"pk": deal.customer_id})).status_code == 403
    assert client.get(reverse("ventes:deal_update", kwargs={"pk": deal.pk})).status_code == 403
    assert client.post(reverse("ventes:deal_treat", kwargs={"pk": deal.pk})).status_code == 403


def test_deal_create_refused_to_an_artis_licence_with_the_message(tenant, login):
    customer = ThirdPartyFactory(tenant=tenant)
    client = login(member(tenant, "Commercial", licence=Licence.ARTIS))
    url = reverse("ventes:deal_create", kwargs={"pk": customer.pk})

    response = client.get(url)
    posted = client.post(url, {"title": "Affaire", "opened_on": "2026-03-01"})

    assert response.status_code == 403 and posted.status_code == 403
    assert "Cette fonction demande une licence CRM : votre licence ARTIS ne la comprend pas." in (
        response.content.decode()
    )
    with scope(tenant=tenant):
        assert not Deal.objects.exists()


def test_deal_create_from_a_customer_with_a_crm_licence(tenant, rep, login):
    customer = ThirdPartyFactory(tenant=tenant)
    client = login(rep)
    url = reverse("ventes:deal_create", kwargs={"pk": customer.pk})
    data = {
        "title": "Renouvellement",
        "owner": rep.pk,
        "amount": "12500.00",
        "probability": "60",
        "status": "untreated",
        "opened_on": "2026-03-01",
        "expected_on": "2026-04-01",
    }

    assert client.get(url).status_code == 200
    response = client.post(url, data)

    with scope(tenant=tenant):
        deal = Deal.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "ventes:deal_detail", kwargs={"pk": deal.pk}
    )
    assert deal.number == "AFF-2026-000001" and deal.customer == customer


def test_deal_create_shows_the_service_refusal_on_the_field(tenant, rep, login):
    customer = ThirdPartyFactory(tenant=tenant)
    data = {"title": "X", "owner": rep.pk, "amount": "-5", "probability": "150", "status": "untreated"}

    response = login(rep).post(reverse("ventes:deal_create", kwargs={"pk": customer.pk}), data)

    assert response.status_code == 200
    assert response.context["form"].errors["amount"] == ["Le montant doit être positif ou nul."]
    assert response.context["form"].errors["probability"] == [
        "La probabilité doit être comprise entre 0 et 100."
    ]


def test_deal_treat_closes_the_deal(tenant, rep, login):
    deal = DealFactory(tenant=tenant)

    response = login(rep).post(reverse("ventes:deal_treat", kwargs={"pk": deal.pk}))

    deal.refresh_from_db()
    assert response.status_code == 302 and deal.status == DealStatus.TREATED and deal.closed_on is not None


def test_deal_detail_lists_the_deals_actions(tenant, rep, login):
    deal = DealFactory(tenant=tenant)
    ActionFactory(tenant=tenant, customer=deal.customer, deal=deal, subject="Relance devis")

    response = login(rep).get(reverse("ventes:deal_detail", kwargs={"pk": deal.pk}))

    content = response.content.decode()
    assert "Relance devis" in content and 'id="deal-quotes"' in content


def _page_queries(client, customer) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("tiers:detail", kwargs={"pk": customer.pk}))
    assert response.status_code == 200
    return len(queries)


def test_third_party_page_deals_section_has_a_fixed_query_count(
    tenant, rep, login, django_assert_num_queries
):
    few, many = ThirdPartyFactory(tenant=tenant), ThirdPartyFactory(tenant=tenant)
    DealFactory(tenant=tenant, customer=few, title="Seule affaire")
    for index in range(12):
        DealFactory(tenant=tenant, customer=many, title=f"Affaire {index}")
    client = login(rep)
    client.get(reverse("tiers:detail", kwargs={"pk": few.pk}))
    small = _page_queries(client, few)

    with django_assert_num_queries(small):
        response = client.get(reverse("tiers:detail", kwargs={"pk": many.pk}))

    content = response.content.decode()
    assert 'id="section-deals"' in content and content.count("ventes/affaires/") >= 10
    assert reverse("ventes:deal_create", kwargs={"pk": many.pk}) in content


@pytest.mark.usefixtures("celery_eager")
def test_deal_export_contains_the_filtered_rows(
    tenant, login, settings, tmp_path, django_capture_on_commit_callbacks
):
    from openpyxl import load_workbook

    settings.MEDIA_ROOT = tmp_path / "media"
    manager = member(tenant, "Manager")
    DealFactory(tenant=tenant, number="AFF-A", title="Copieurs")
    DealFactory(tenant=tenant, number="AFF-B", title="Serveur")
    client = login(manager)
    page = client.get(DEALS, {"q": "copi", "activite": "toutes"})

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("exports:request"),
            {"exporter": "deals", "format": "xlsx", "query": page.context["export_query"]},
        )

    assert response.status_code == 302
    with scope(tenant=tenant):
        job = ExportJob.objects.filter(owner=manager).latest("pk")
        assert job.status == ExportJob.Status.DONE, job.error
        with job.file.open("rb") as handle:
            rows = list(load_workbook(io.BytesIO(handle.read())).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("Numéro", "Intitulé")
    assert [row[0] for row in rows[1:]] == ["AFF-A"]
