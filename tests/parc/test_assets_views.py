"""Pages of the catalogue, assets, equipment, competitors' assets and installed base: filters,
"covered by contract", visibility (reserved customers, other tenant), query counts, export."""

from __future__ import annotations

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope

from crm.models import ExportJob
from parc.models import Asset, AssetStatus, ContractAsset, ContractStatus, ContractType, ServiceContract
from tests.factories import member
from tests.parc.factories_assets import (
    ArticleFactory,
    ArticleFamilyFactory,
    AssetFactory,
    CompetitorAssetFactory,
    EquipmentFactory,
    FinancingFactory,
    site_of,
)
from tests.tiers.factories import ThirdPartyFactory
from tests.tiers.factories_sites_banks import reserved_customer

ASSETS = "/parc/biens/"


@pytest.fixture
def technician(tenant):
    return member(tenant, "Technicien")


def contract_covering(asset, *, status=ContractStatus.ACTIVE, starts_on=None, ends_on=None, code="SSC1"):
    tenant = asset.tenant
    with scope(tenant=tenant):
        contract_type, _created = ContractType.objects.get_or_create(
            tenant=tenant, code="MAINT", defaults={"label": "Maintenance"}
        )
        contract = ServiceContract.objects.create(
            tenant=tenant,
            customer=asset.customer,
            code=code,
            label="Maintenance copieurs",
            contract_type=contract_type,
            status=status,
            starts_on=starts_on or datetime.date(2020, 1, 1),
            ends_on=ends_on,
        )
        ContractAsset.objects.create(tenant=tenant, contract=contract, asset=asset)
    return contract


def labels(response) -> list[str]:
    return [row.record.label for row in response.context["table"].page.object_list]


def test_asset_list_filters_on_coverage_computed_from_active_running_contracts(tenant, technician, login):
    covered = AssetFactory(tenant=tenant, label="Couvert")
    expired = AssetFactory(tenant=tenant, label="Contrat échu")
    inactive = AssetFactory(tenant=tenant, label="Contrat inactif")
    AssetFactory(tenant=tenant, label="Sans contrat")
    contract_covering(covered, code="A")
    contract_covering(expired, code="B", ends_on=datetime.date(2021, 1, 1))
    contract_covering(inactive, code="C", status=ContractStatus.INACTIVE)
    client = login(technician)

    yes = client.get(ASSETS, {"sous_contrat": "oui", "activite": "toutes"})
    no = client.get(ASSETS, {"sous_contrat": "non", "activite": "toutes", "tri": "label"})

    assert labels(yes) == ["Couvert"]
    assert sorted(labels(no)) == ["Contrat inactif", "Contrat échu", "Sans contrat"]


def test_asset_list_filters_on_customer_family_status_and_search(tenant, technician, login):
    customer = ThirdPartyFactory(tenant=tenant, code="C0001")
    family = ArticleFamilyFactory(tenant=tenant, label="Copieurs")
    sub_family = ArticleFamilyFactory(tenant=tenant, parent=family)
    copier = ArticleFactory(tenant=tenant, family=family)
    copier_in_sub = ArticleFactory(tenant=tenant, family=family, sub_family=sub_family)
    AssetFactory(tenant=tenant, customer=customer, article=copier, label="A", serial="KM123")
    AssetFactory(tenant=tenant, customer=customer, article=copier_in_sub, label="B", serial="KM456")
    AssetFactory(tenant=tenant, customer=customer, label="C", serial="KM789")
    AssetFactory(tenant=tenant, article=copier, label="D", serial="KM000")
    AssetFactory(tenant=tenant, customer=customer, article=copier, label="E", status=AssetStatus.REMOVED)
    client = login(technician)

    response = client.get(
        ASSETS, {"client": "c0001", "famille": family.pk, "q": "km", "statut": "in_base", "tri": "label"}
    )

    assert labels(response) == ["A", "B"]


def test_reserved_customer_assets_are_absent_from_the_list_and_a_404(tenant, technician, login):
    hidden = AssetFactory(tenant=tenant, customer=reserved_customer(tenant), label="Réservé")
    AssetFactory(tenant=tenant, label="Visible")
    client = login(technician)

    response = client.get(ASSETS, {"activite": "toutes"})

    assert labels(response) == ["Visible"]
    assert client.get(reverse("parc:asset_detail", kwargs={"pk": hidden.pk})).status_code == 404
    assert client.get(reverse("parc:asset_update", kwargs={"pk": hidden.pk})).status_code == 404


def test_another_tenants_asset_is_a_404(tenant, other_tenant, login):
    asset = AssetFactory(tenant=tenant)
    client = login(member(other_tenant, "Administrateur"))

    assert client.get(reverse("parc:asset_detail", kwargs={"pk": asset.pk})).status_code == 404
    assert labels(client.get(ASSETS, {"activite": "toutes"})) == []


def test_asset_detail_shows_financing_contracts_and_equipment(tenant, technician, login):
    asset = AssetFactory(tenant=tenant, label="Copieur direction")
    FinancingFactory(asset=asset, internal_number="INT-42")
    contract_covering(asset, code="SSC-99")
    EquipmentFactory(tenant=tenant, customer=asset.customer, asset=asset, hostname="copieur-dir")

    response = login(technician).get(reverse("parc:asset_detail", kwargs={"pk": asset.pk}))

    content = response.content.decode()
    assert response.status_code == 200
    assert "INT-42" in content and "SSC-99" in content and "copieur-dir" in content
    assert "Sous contrat" in content


def test_asset_create_page_refuses_a_loan_for_a_customer_without_loans(tenant, technician, login):
    customer = ThirdPartyFactory(tenant=tenant, name="Garage Martin", loans_allowed=False)
    article = ArticleFactory(tenant=tenant)
    url = reverse("parc:asset_create", kwargs={"pk": customer.pk})
    client = login(technician)

    refused = client.post(url, {"article": article.pk, "label": "Prêt", "status": "on_loan"})
    accepted = client.post(url, {"article": article.pk, "label": "Copieur", "status": "in_base"})

    assert refused.status_code == 200
    assert "le statut « En prêt » est refusé" in refused.content.decode()
    assert accepted.status_code == 302
    with scope(tenant=tenant):
        assert list(Asset.objects.filter(customer=customer).values_list("label", flat=True)) == ["Copieur"]


def _query_count(client, url, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


def _make_rows(tenant, kind: str, count: int) -> None:
    for _index in range(count):
        customer = ThirdPartyFactory(tenant=tenant)
        if kind == "assets":
            asset = AssetFactory(tenant=tenant, customer=customer, site=site_of(customer))
            contract_covering(asset, code=f"SSC{asset.pk}")
        elif kind == "articles":
            ArticleFactory(tenant=tenant)
        elif kind == "equipment":
            EquipmentFactory(
                tenant=tenant,
                customer=customer,
                site=site_of(customer),
                asset=AssetFactory(tenant=tenant, customer=customer),
            )
        else:
            CompetitorAssetFactory(tenant=tenant, customer=customer, site=site_of(customer))


@pytest.mark.parametrize(
    ("kind", "url"),
    [
        ("assets", ASSETS),
        ("articles", "/parc/articles/"),
        ("equipment", "/parc/equipements/"),
        ("competitors", "/parc/parc-concurrent/"),
    ],
)
def test_list_query_count_is_the_same_for_2_and_30_rows(tenant, login, django_assert_num_queries, kind, url):
    client = login(member(tenant, "Manager"))
    params = {"activite": "toutes"}
    _make_rows(tenant, kind, 2)
    client.get(url, params)  # warm the session and permission caches like any later page
    small = _query_count(client, url, params)
    _make_rows(tenant, kind, 28)

    with django_assert_num_queries(small):
        response = client.get(url, params)

    assert len(response.context["table"].page.object_list) == 25


def test_installed_base_groups_by_family_and_address_in_one_query(tenant, technician, login):
    customer = ThirdPartyFactory(tenant=tenant)
    head_office = site_of(customer, code="001", name="Siège")
    depot = site_of(customer, code="002", name="Dépôt", is_main=False)
    copiers = ArticleFamilyFactory(tenant=tenant, label="Copieurs")
    phones = ArticleFamilyFactory(tenant=tenant, label="Téléphonie")
    for site, family in ((head_office, copiers), (head_office, copiers), (depot, phones), (None, copiers)):
        AssetFactory(
            tenant=tenant, customer=customer, site=site, article=ArticleFactory(tenant=tenant, family=family)
        )
    AssetFactory(tenant=tenant, customer=customer, status=AssetStatus.REMOVED)
    url = reverse("parc:installed_base", kwargs={"pk": customer.pk})
    client = login(technician)

    by_family = client.get(url, {"group": "family"})
    by_address = client.get(url, {"group": "address"})

    assert [(row["label"], row["count"]) for row in by_family.context["rows"]] == [
        ("Copieurs", 3),
        ("Téléphonie", 1),
    ]
    assert by_family.context["rows"][0]["url"].endswith(f"famille={copiers.pk}")
    assert [(row["label"], row["count"]) for row in by_address.context["rows"]] == [
        ("001 — 12 rue de la République — 69002 — LYON", 2),
        ("002 — 12 rue de la République — 69002 — LYON", 1),
        ("Non renseigné", 1),
    ]


def test_installed_base_query_count_does_not_grow_with_assets(
    tenant, technician, login, django_assert_num_queries
):
    customer = ThirdPartyFactory(tenant=tenant)
    url = reverse("parc:installed_base", kwargs={"pk": customer.pk})
    client = login(technician)
    AssetFactory(tenant=tenant, customer=customer)
    client.get(url)
    small = _query_count(client, url, {"group": "brand"})
    for _index in range(10):
        AssetFactory(tenant=tenant, customer=customer)

    with django_assert_num_queries(small):
        client.get(url, {"group": "brand"})


def test_third_party_page_shows_the_installed_base_section_to_who_may_view_assets(tenant, login):
    customer = ThirdPartyFactory(tenant=tenant)
    family = ArticleFamilyFactory(tenant=tenant, label="Vidéosurveillance")
    AssetFactory(tenant=tenant, customer=customer, article=ArticleFactory(tenant=tenant, family=family))
    url = reverse("tiers:detail", kwargs={"pk": customer.pk})

    content = login(member(tenant, "Technicien")).get(url).content.decode()

    assert "Parc installé" in content and "Vidéosurveillance" in content
    assert reverse("parc:asset_create", kwargs={"pk": customer.pk}) in content


@pytest.mark.usefixtures("celery_eager")
def test_asset_export_contains_the_filtered_rows(
    tenant, login, settings, tmp_path, django_capture_on_commit_callbacks
):
    from openpyxl import load_workbook

    settings.MEDIA_ROOT = tmp_path / "media"
    manager = member(tenant, "Manager")
    AssetFactory(tenant=tenant, label="Copieur A", serial="KM1")
    AssetFactory(tenant=tenant, label="Serveur B", serial="HP2")
    client = login(manager)
    page = client.get(ASSETS, {"q": "km", "activite": "toutes"})

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("exports:request"),
            {"exporter": "assets", "format": "xlsx", "query": page.context["export_query"]},
        )

    assert response.status_code == 302
    with scope(tenant=tenant):
        job = ExportJob.objects.filter(owner=manager).latest("pk")
        assert job.status == ExportJob.Status.DONE, job.error
        with job.file.open("rb") as handle:
            rows = list(load_workbook(io.BytesIO(handle.read())).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Libellé", "Identifiant fabricant", "Identifiant prestataire")
    assert [row[0] for row in rows[1:]] == ["Copieur A"]
    assert rows[1][-1] == "Non"


def test_htmx_request_gets_only_the_results_partial(tenant, technician, login):
    AssetFactory(tenant=tenant, label="Copieur partiel")

    response = login(technician).get(ASSETS, {"activite": "toutes"}, headers={"HX-Request": "true"})

    content = response.content.decode()
    assert 'id="list-results"' in content and "Copieur partiel" in content
    assert "<html" not in content


def test_competitor_asset_page_shows_the_characteristic_groups_of_its_type_only(tenant, technician, login):
    from tests.tiers.factories_characteristics import CharacteristicFieldFactory, CharacteristicGroupFactory
    from tiers.models import CharacteristicTarget

    with scope(tenant=tenant):
        row = CompetitorAssetFactory(tenant=tenant, kind="camera")
        for code, kind in (("CAM", "camera"), ("PRT", "printing"), ("ALL", "")):
            group = CharacteristicGroupFactory(
                tenant=tenant,
                code=code,
                label=f"Groupe {code}",
                target=CharacteristicTarget.COMPETITOR_ASSET,
                target_kind=kind,
            )
            CharacteristicFieldFactory(group=group, label=f"Champ {code}")

    page = login(technician).get(reverse("parc:competitor_detail", kwargs={"pk": row.pk})).content.decode()

    assert "Groupe CAM" in page and "Groupe ALL" in page
    assert "Groupe PRT" not in page
