"""The Fidélité section of the third party's page, the join and credit/debit forms, the history
and the synthèse summary: permissions, refusals shown, other tenant 404, constant queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from fidelite.models import LoyaltyAccount
from tests.factories import member
from tests.fidelite.factories import LoyaltyProgramFactory, account_of, balance, credit
from tests.tiers.factories import ThirdPartyFactory

pytestmark = pytest.mark.django_db


def detail(customer) -> str:
    return f"/tiers/{customer.pk}/"


def test_section_shows_the_join_button_to_a_commercial(tenant, login):
    customer = ThirdPartyFactory(tenant=tenant)

    page = login(member(tenant, "Commercial")).get(detail(customer)).content.decode()

    assert "Ce client n'adhère à aucun programme de fidélité." in page
    assert f'href="/fidelite/clients/{customer.pk}/adherer/"' in page


def test_commercial_joins_a_programme(tenant, login):
    customer = ThirdPartyFactory(tenant=tenant)
    program = LoyaltyProgramFactory(tenant=tenant)

    response = login(member(tenant, "Commercial")).post(
        f"/fidelite/clients/{customer.pk}/adherer/", {"program": program.pk}
    )

    assert response.status_code == 302
    with scope(tenant=tenant):
        assert LoyaltyAccount.objects.get(customer=customer).number == "FID000001"


def test_joining_twice_shows_the_refusal_on_the_form(tenant, login):
    account = account_of(tenant)

    response = login(member(tenant, "Commercial")).post(
        f"/fidelite/clients/{account.customer_id}/adherer/", {"program": account.program_id}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "program": [f"Ce client a déjà le compte de fidélité {account.number}."]
    }


def test_manager_credits_points_and_the_section_shows_the_balance(tenant, login):
    account = account_of(tenant)
    client = login(member(tenant, "Manager", first_name="Marie", last_name="Durand"))

    response = client.post(
        f"/fidelite/clients/{account.customer_id}/crediter/", {"points": "150", "reason": "Geste commercial"}
    )
    page = client.get(detail(account.customer)).content.decode()

    assert response.status_code == 302
    assert balance(account) == 150
    assert 'data-balance="150"' in page
    assert "Geste commercial (Marie Durand)" in page


def test_debit_beyond_the_balance_is_refused_on_the_form(tenant, login):
    account = account_of(tenant)
    credit(account, 10)

    response = login(member(tenant, "Manager")).post(
        f"/fidelite/clients/{account.customer_id}/debiter/", {"points": "11", "reason": "Cadeau"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "points": ["Solde de points insuffisant : 10 points disponibles, 11 demandés."]
    }
    assert balance(account) == 10


def test_commercial_may_not_credit_points_nor_sees_the_forms(tenant, login):
    account = account_of(tenant)
    client = login(member(tenant, "Commercial"))

    refused = client.post(
        f"/fidelite/clients/{account.customer_id}/crediter/", {"points": "5", "reason": "x"}
    )
    page = client.get(detail(account.customer)).content.decode()

    assert refused.status_code == 403
    assert 'action="/fidelite/clients/' not in page
    assert 'data-balance="0"' in page
    assert balance(account) == 0


def test_another_tenants_customer_is_404(tenant, other_tenant, login):
    account = account_of(other_tenant)
    client = login(member(tenant, "Administrateur"))

    for suffix in ("crediter/", "historique/", "resume/", "adherer/"):
        assert client.get(f"/fidelite/clients/{account.customer_id}/{suffix}").status_code == 404


def test_history_without_an_account_is_404(tenant, login):
    customer = ThirdPartyFactory(tenant=tenant)

    response = login(member(tenant, "Manager")).get(f"/fidelite/clients/{customer.pk}/historique/")

    assert response.status_code == 404


def test_history_is_paginated(tenant, login):
    account = account_of(tenant)
    for index in range(30):
        credit(account, index + 1)

    first = login(member(tenant, "Commercial")).get(f"/fidelite/clients/{account.customer_id}/historique/")
    second = login(member(tenant, "Commercial")).get(
        f"/fidelite/clients/{account.customer_id}/historique/?page=2"
    )

    assert len(first.context["page_obj"].object_list) == 25
    assert len(second.context["page_obj"].object_list) == 5
    assert "Page 2 sur 2" in second.content.decode()


def test_summary_of_the_synthese_header(tenant, login):
    account = account_of(tenant)
    credit(account, 42)
    client = login(member(tenant, "Commercial"))

    summary = client.get(f"/fidelite/clients/{account.customer_id}/resume/").content.decode()
    header = client.get(f"/synthese/{account.customer_id}/").content.decode()

    assert f"Fidélité {account.number} : 42 points" in summary
    assert f'hx-get="/fidelite/clients/{account.customer_id}/resume/"' in header


@pytest.mark.parametrize("view", ["section", "history"])
def test_query_count_does_not_depend_on_the_number_of_entries(tenant, login, view, django_assert_num_queries):
    small, large = account_of(tenant), account_of(tenant)
    credit(small, 5)
    for index in range(40):
        credit(large, index + 1)
    client = login(member(tenant, "Manager"))

    def url(account) -> str:
        if view == "section":
            return detail(account.customer)
        return f"/fidelite/clients/{account.customer_id}/historique/"

    client.get(url(small))
    with CaptureQueriesContext(connection) as few:
        client.get(url(small))
    with django_assert_num_queries(len(few)):
        response = client.get(url(large))
    assert response.status_code == 200
