"""The customer's history (synthese.history): planned first (farthest first), then done
(newest first), one UNION query, only the kinds the user may view, never another customer's."""

from __future__ import annotations

import datetime

import pytest
from django_scopes import scope

from synthese.history import customer_history, customer_history_page
from tests.factories import member
from tests.synthese.factories import TODAY, at, build_world
from tests.ventes.factories_pipeline import ActionFactory


@pytest.fixture
def world(tenant):
    build_world(tenant)  # another customer: never in the history
    return build_world(tenant)


def test_history_planned_farthest_first_then_done_newest_first(world, tenant, django_assert_num_queries):
    user = member(tenant, "Manager")
    far = ActionFactory(
        tenant=tenant, customer=world.customer, planned_at=at(TODAY + datetime.timedelta(days=90))
    )
    with scope(tenant=tenant):
        user.has_perm("ventes.view_deal")  # the membership's permissions, loaded once per request
        with django_assert_num_queries(1):
            rows = list(customer_history(tenant=tenant, user=user, customer=world.customer))
    planned = [row for row in rows if row["row_planned"]]
    done = [row for row in rows if not row["row_planned"]]
    assert rows == planned + done
    assert planned[0]["row_kind"] == "action" and planned[0]["row_id"] == far.pk
    assert [row["row_at"] for row in planned] == sorted((row["row_at"] for row in planned), reverse=True)
    assert [row["row_at"] for row in done] == sorted((row["row_at"] for row in done), reverse=True)
    assert {row["row_kind"] for row in rows} == {
        "action",
        "affaire",
        "devis",
        "commande",
        "dit",
        "intervention",
    }
    expected = (
        len(world.rows["actions"])
        + 1
        + len(world.rows["affaires"])
        + len(world.rows["devis"])
        + len(world.rows["commandes"])
        + 2 * len(world.rows["dit"])
    )
    assert len(rows) == expected  # every row of the customer, none of the other customer


def test_history_is_paginated_and_keeps_only_the_kinds_the_user_may_view(world, tenant):
    technician = member(tenant, "Technicien")
    with scope(tenant=tenant):
        page = customer_history_page(tenant=tenant, user=technician, customer=world.customer, per_page=5)
        kinds = {
            row["row_kind"]
            for row in customer_history(tenant=tenant, user=technician, customer=world.customer)
        }
    assert len(page.object_list) == 5
    assert {"dit", "intervention"} <= kinds
    for kind, permission in (("affaire", "ventes.view_deal"), ("commande", "ventes.view_order")):
        assert (kind in kinds) == technician.has_perm(permission)
