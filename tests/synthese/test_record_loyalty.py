"""Record section "Fidélité" (synthese/record_loyalty.py): fidelite's block on the record, the
forms coming back to the record, guards and a constant query count."""

from __future__ import annotations

import pytest

from tests.factories import member
from tests.fidelite.factories import account_of, balance, credit
from tests.queries import REQUEST_QUERIES
from tests.synthese.record_support import assert_section_guarded, record_url
from tests.tiers.factories import ThirdPartyFactory

pytestmark = pytest.mark.django_db

SECTION = "fidelite"


def test_loyalty_guards(tenant, other_tenant, login):
    assert_section_guarded(
        login=login, tenant=tenant, other_tenant=other_tenant, user=member(tenant, "Manager"), section=SECTION
    )


def test_join_link_comes_back_to_the_record(tenant, login):
    customer = ThirdPartyFactory(tenant=tenant)
    url = record_url(customer, SECTION)

    page = login(member(tenant, "Commercial")).get(url).content.decode()

    assert "Ce client n'adhère à aucun programme de fidélité." in page
    assert (
        f'href="/fidelite/clients/{customer.pk}/adherer/?next=/synthese/{customer.pk}/fiche/fidelite/"'
        in page
    )


def test_credit_from_the_record_comes_back_with_the_new_balance(tenant, login):
    account = account_of(tenant)
    url = record_url(account.customer, SECTION)
    client = login(member(tenant, "Manager"))

    response = client.post(
        f"/fidelite/clients/{account.customer_id}/crediter/",
        {"points": "40", "reason": "Geste commercial", "next": url},
    )

    assert response.status_code == 302 and response["Location"] == url
    assert balance(account) == 40
    assert 'data-balance="40"' in client.get(url).content.decode()


def test_debit_beyond_the_balance_from_the_record_is_refused(tenant, login):
    account = account_of(tenant)
    credit(account, 10)

    response = login(member(tenant, "Manager")).post(
        f"/fidelite/clients/{account.customer_id}/debiter/",
        {"points": "11", "reason": "Cadeau", "next": record_url(account.customer, SECTION)},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "points": ["Solde de points insuffisant : 10 points disponibles, 11 demandés."]
    }
    assert balance(account) == 10


@pytest.mark.parametrize("entries", [1, 12])
def test_loyalty_queries_do_not_depend_on_the_ledger_size(tenant, login, entries, django_assert_num_queries):
    account = account_of(tenant)
    for _ in range(entries):
        credit(account, 5)
    client = login(member(tenant, "Manager"))
    client.get(record_url(account.customer, SECTION))  # warm the session and permission caches

    with django_assert_num_queries(QUERIES):
        response = client.get(record_url(account.customer, SECTION))

    assert response.status_code == 200


QUERIES = REQUEST_QUERIES + 14
