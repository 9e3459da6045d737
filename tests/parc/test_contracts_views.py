"""Contract pages: list (query count, visibility), detail (inactive rules toggle), create, status,
covered assets, billing rules, templates (parc/views/contracts*.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_scopes import scope

from parc.models import ContractStatus, ServiceContract
from tests.factories import member
from tests.parc.factories_assets import AssetFactory
from tests.parc.factories_contracts import (
    BillingRuleFactory,
    ContractTemplateFactory,
    ContractTypeFactory,
    ServiceContractFactory,
    cover,
)
from tests.queries import REQUEST_QUERIES
from tests.tiers.factories import ThirdPartyFactory
from tests.tiers.factories_sites_banks import reserved_customer


@pytest.fixture
def manager(tenant):
    return member(tenant, "Manager")


@pytest.fixture
def rep(tenant):
    return member(tenant, "Commercial")


def _contracts(tenant, count: int) -> list[ServiceContract]:
    contracts = []
    with scope(tenant=tenant):
        for _ in range(count):
            asset = AssetFactory(tenant=tenant)
            contract = ServiceContractFactory(tenant=tenant, customer=asset.customer)
            cover(contract, asset)
            BillingRuleFactory(contract=contract)
            contracts.append(contract)
    return contracts


@pytest.mark.parametrize("count", [1, 4])
def test_contract_list_query_count_does_not_grow(login, rep, tenant, count, django_assert_num_queries):
    _contracts(tenant, count)
    client = login(rep)
    url = reverse("parc:contract_list") + "?activite=toutes"
    client.get(url)

    with django_assert_num_queries(REQUEST_QUERIES + 17):
        response = client.get(url)

    assert response.status_code == 200
    assert len(response.context["table"].page.object_list) == count


def test_contract_list_hides_reserved_customer(login, rep, tenant):
    (visible,) = _contracts(tenant, 1)
    with scope(tenant=tenant):
        hidden = ServiceContractFactory(tenant=tenant, customer=reserved_customer(tenant))

    response = login(rep).get(reverse("parc:contract_list") + "?activite=toutes")

    codes = [row.record.code for row in response.context["table"].page.object_list]
    assert codes == [visible.code]
    assert hidden.code not in response.content.decode()


def test_contract_list_filters_running_on_a_date(login, rep, tenant):
    (running,) = _contracts(tenant, 1)
    with scope(tenant=tenant):
        ServiceContractFactory(tenant=tenant, status=ContractStatus.INACTIVE)

    response = login(rep).get(reverse("parc:contract_list") + "?activite=toutes&actif_le=2025-06-01")

    assert [row.record.pk for row in response.context["table"].page.object_list] == [running.pk]


def test_contract_detail_reserved_customer_is_404(login, rep, tenant):
    with scope(tenant=tenant):
        contract = ServiceContractFactory(tenant=tenant, customer=reserved_customer(tenant))

    response = login(rep).get(reverse("parc:contract_detail", kwargs={"pk": contract.pk}))

    assert response.status_code == 404


def test_contract_detail_other_tenant_is_404(login, other_tenant, tenant):
    (contract,) = _contracts(tenant, 1)

    response = login(member(other_tenant, "Administrateur")).get(
        reverse("parc:contract_detail", kwargs={"pk": contract.pk})
    )

    assert response.status_code == 404


def _with_inactive_rule(tenant):
    with scope(tenant=tenant):
        contract = ServiceContractFactory(tenant=tenant)
        BillingRuleFactory(contract=contract, code="FORFAIT")
        BillingRuleFactory(contract=contract, code="ANCIEN", is_active=False)
    return contract


def test_contract_detail_hides_inactive_rules(login, manager, tenant):
    contract = _with_inactive_rule(tenant)

    response = login(manager).get(reverse("parc:contract_detail", kwargs={"pk": contract.pk}))

    assert [rule.code for rule in response.context["rules"]] == ["FORFAIT"]
    assert "Afficher les règles inactives" in response.content.decode()


def test_contract_detail_toggle_shows_inactive_rules_to_a_manager(login, manager, tenant):
    contract = _with_inactive_rule(tenant)

    response = login(manager).get(
        reverse("parc:contract_detail", kwargs={"pk": contract.pk}) + "?regles=toutes"
    )

    assert [rule.code for rule in response.context["rules"]] == ["FORFAIT", "ANCIEN"]


def test_contract_detail_toggle_ignored_for_a_sales_rep(login, rep, tenant):
    contract = _with_inactive_rule(tenant)

    response = login(rep).get(reverse("parc:contract_detail", kwargs={"pk": contract.pk}) + "?regles=toutes")

    assert [rule.code for rule in response.context["rules"]] == ["FORFAIT"]
    assert "Afficher les règles inactives" not in response.content.decode()


def test_contract_create_from_the_customer(login, manager, tenant):
    with scope(tenant=tenant):
        customer = ThirdPartyFactory(tenant=tenant)
        contract_type = ContractTypeFactory(tenant=tenant)
    url = reverse("parc:contract_create", kwargs={"pk": customer.pk})

    response = login(manager).post(
        url,
        {
            "code": "",
            "label": "Maintenance",
            "contract_type": contract_type.pk,
            "kind": "contract",
            "starts_on": "2025-01-01",
        },
    )

    with scope(tenant=tenant):
        contract = ServiceContract.objects.get(customer=customer)
    assert response.status_code == 302
    assert response.url == reverse("parc:contract_detail", kwargs={"pk": contract.pk})
    assert contract.code == "SSC000001"


def test_contract_create_prepaid_without_balance_shows_the_message(login, manager, tenant):
    with scope(tenant=tenant):
        customer = ThirdPartyFactory(tenant=tenant)
        contract_type = ContractTypeFactory(tenant=tenant)

    response = login(manager).post(
        reverse("parc:contract_create", kwargs={"pk": customer.pk}),
        {"label": "Crédit", "contract_type": contract_type.pk, "kind": "prepaid", "starts_on": "2025-01-01"},
    )

    assert response.context["form"].errors["prepaid_balance"] == ["Un crédit prépayé doit avoir un solde."]


def test_contract_create_refused_to_a_technician(login, tenant):
    with scope(tenant=tenant):
        customer = ThirdPartyFactory(tenant=tenant)

    response = login(member(tenant, "Technicien")).get(
        reverse("parc:contract_create", kwargs={"pk": customer.pk})
    )

    assert response.status_code == 403


def test_contract_create_from_template_page(login, manager, tenant):
    with scope(tenant=tenant):
        customer = ThirdPartyFactory(tenant=tenant)
        asset = AssetFactory(tenant=tenant, customer=customer)
        template = ContractTemplateFactory(tenant=tenant, duration_months=12)

    response = login(manager).post(
        reverse("parc:contract_create_from_template", kwargs={"pk": customer.pk}),
        {"template": template.pk, "starts_on": "2025-01-01", "assets": [asset.pk]},
    )

    assert response.status_code == 302
    with scope(tenant=tenant):
        contract = ServiceContract.objects.get(customer=customer)
        assert (str(contract.ends_on), list(contract.assets.all())) == ("2025-12-31", [asset])


def test_contract_deactivate_then_activate(login, manager, tenant):
    (contract,) = _contracts(tenant, 1)
    client = login(manager)
    url = reverse("parc:contract_status", kwargs={"pk": contract.pk})

    client.post(url, {"statut": "inactive"})
    contract.refresh_from_db()
    assert contract.status == ContractStatus.INACTIVE
    client.post(url, {"statut": "active"})
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE


def test_contract_assets_add_and_remove(login, manager, tenant):
    (contract,) = _contracts(tenant, 1)
    with scope(tenant=tenant):
        extra = AssetFactory(tenant=tenant, customer=contract.customer)
    client = login(manager)

    added = client.post(
        reverse("parc:contract_assets_add", kwargs={"pk": contract.pk}), {"assets": [extra.pk]}
    )
    removed = client.post(
        reverse("parc:contract_asset_remove", kwargs={"pk": contract.pk, "asset_pk": extra.pk})
    )

    assert (added.status_code, removed.status_code) == (302, 302)
    with scope(tenant=tenant):
        assert extra not in contract.assets.all()


def test_contract_assets_add_offers_only_the_customer_s_assets(login, manager, tenant):
    (contract,) = _contracts(tenant, 1)
    with scope(tenant=tenant):
        foreign = AssetFactory(tenant=tenant)

    response = login(manager).post(
        reverse("parc:contract_assets_add", kwargs={"pk": contract.pk}), {"assets": [foreign.pk]}
    )

    assert response.status_code == 200
    assert "assets" in response.context["form"].errors


def test_billing_rule_create_refused_without_unit_cost_shows_the_message(login, manager, tenant):
    from tests.parc.factories_meters import MeterTypeFactory

    (contract,) = _contracts(tenant, 1)
    with scope(tenant=tenant):
        black = MeterTypeFactory(tenant=tenant)

    response = login(manager).post(
        reverse("parc:billing_rule_create", kwargs={"pk": contract.pk}),
        {
            "code": "NOIR",
            "label": "Copies",
            "billing_type": "meter",
            "term": "arrears",
            "periodicity": "quarterly",
            "units_sold": "0",
            "extra_unit_cost": "0",
            "meter_type": black.pk,
        },
    )

    assert response.context["form"].errors["unit_cost"] == [
        "Une règle qui facture une grandeur doit indiquer le coût unitaire de cette grandeur."
    ]


def test_billing_rule_deactivate_after_confirmation(login, manager, tenant):
    with scope(tenant=tenant):
        rule = BillingRuleFactory(contract=ServiceContractFactory(tenant=tenant))
    client = login(manager)
    url = reverse("parc:billing_rule_deactivate", kwargs={"pk": rule.contract_id, "rule_pk": rule.pk})

    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    rule.refresh_from_db()
    assert rule.is_active is False


@pytest.mark.parametrize("count", [1, 4])
def test_contract_template_list_query_count_does_not_grow(
    login, rep, tenant, count, django_assert_num_queries
):
    with scope(tenant=tenant):
        for _ in range(count):
            ContractTemplateFactory(tenant=tenant)
    client = login(rep)
    url = reverse("parc:contract_template_list")
    client.get(url)

    with django_assert_num_queries(REQUEST_QUERIES + 15):
        response = client.get(url)

    assert len(response.context["table"].page.object_list) == count


def test_contract_template_detail_other_tenant_is_404(login, other_tenant, tenant):
    with scope(tenant=tenant):
        template = ContractTemplateFactory(tenant=tenant)

    response = login(member(other_tenant, "Administrateur")).get(
        reverse("parc:contract_template_detail", kwargs={"pk": template.pk})
    )

    assert response.status_code == 404
