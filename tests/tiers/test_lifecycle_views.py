"""Screens of the prospect lifecycle: validate (confirmation then POST), the conversion form with
only the missing fields, header actions by state and right, 403 and other tenant's 404."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from tests.factories import member
from tests.tiers.factories_lifecycle import (
    AxisFactory,
    FamilyFactory,
    PaymentTermFactory,
    ProspectFactory,
    family_set,
)
from tests.tiers.factories_third_parties import TPFactory
from tiers.models import Lifecycle, StatisticalFamily, ThirdParty
from tiers.services.lifecycle import family_field

MISSING = "Ce champ est obligatoire pour transformer le prospect en client."


@pytest.fixture
def commercial(tenant):
    return member(tenant, "Commercial")


def validate_url(third_party) -> str:
    return f"/tiers/{third_party.pk}/valider/"


def convert_url(third_party) -> str:
    return f"/tiers/{third_party.pk}/transformer-en-client/"


def _lifecycle(tenant, third_party) -> str:
    with scope(tenant=tenant):
        return ThirdParty.objects.get(pk=third_party.pk).lifecycle


def _header_actions(client, third_party) -> list[str]:
    response = client.get(f"/tiers/{third_party.pk}/")
    return [action.label for action in response.context["actions"].get("header", [])]


# --- Validate -------------------------------------------------------------------------------------


def test_validate_page_confirms_then_validates(tenant, commercial, login):
    prospect = ProspectFactory(tenant=tenant, name="Imprimerie Nouvelle")
    client = login(commercial)

    page = client.get(validate_url(prospect))
    response = client.post(validate_url(prospect), follow=True)

    assert page.status_code == 200
    assert (
        "Valider Imprimerie Nouvelle : le prospect brouillon devient un prospect validé."
        in page.content.decode()
    )
    assert response.redirect_chain == [(f"/tiers/{prospect.pk}/", 302)]
    assert [str(m) for m in response.context["messages"]] == [f"Le prospect {prospect} est validé."]
    assert '<span class="badge badge-warning">Prospect validé</span>' in response.content.decode()
    assert _lifecycle(tenant, prospect) == Lifecycle.PROSPECT_VALIDATED


def test_validate_of_a_validated_prospect_shows_the_refusal(tenant, commercial, login):
    prospect = ProspectFactory(tenant=tenant, lifecycle=Lifecycle.PROSPECT_VALIDATED)
    client = login(commercial)

    page = client.get(validate_url(prospect))
    response = client.post(validate_url(prospect))

    assert "Ce prospect est déjà validé." in page.content.decode()
    assert ">Valider le prospect</button>" not in page.content.decode()
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == ["Ce prospect est déjà validé."]


# --- Convert --------------------------------------------------------------------------------------


@pytest.fixture
def setup(tenant):
    axis = AxisFactory(tenant=tenant, label="Famille statistique 1")
    other_axis = AxisFactory(tenant=tenant, label="Famille statistique 2")
    AxisFactory(tenant=tenant, label="Ancien axe", is_active=False)
    return {
        "axis": axis,
        "family": FamilyFactory(tenant=tenant, axis=axis, label="Revendeur"),
        "inactive_family": FamilyFactory(tenant=tenant, axis=axis, label="Ancienne famille", is_active=False),
        "other_family": FamilyFactory(tenant=tenant, axis=other_axis, label="Grand compte"),
        "term": PaymentTermFactory(tenant=tenant, label="30 jours fin de mois"),
    }


def test_convert_form_shows_only_the_missing_fields(tenant, commercial, login, setup):
    prospect = ProspectFactory(tenant=tenant, lifecycle=Lifecycle.PROSPECT_VALIDATED)
    family_set(prospect, setup["other_family"])

    response = login(commercial).get(convert_url(prospect))

    form = response.context["form"]
    field = family_field(setup["axis"].pk)
    assert list(form.fields) == [field, "accounting_code", "payment_term"]
    assert [label for _value, label in form.fields[field].choices] == ["---------", "Revendeur"]
    assert [value for value, _label in form.fields["payment_term"].choices][1:] == [setup["term"].pk]
    content = response.content.decode()
    assert "Pour transformer ce prospect en client, renseignez :" in content
    assert "<li>Famille statistique 1</li><li>Code comptable</li><li>Condition de paiement</li>" in content


def test_convert_refused_shows_the_missing_list_and_changes_nothing(tenant, commercial, login, setup):
    prospect = ProspectFactory(tenant=tenant, lifecycle=Lifecycle.PROSPECT_VALIDATED)

    response = login(commercial).post(convert_url(prospect), {"accounting_code": "411ACME"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        family_field(setup["axis"].pk): [MISSING],
        family_field(setup["other_family"].axis_id): [MISSING],
        "payment_term": [MISSING],
    }
    with scope(tenant=tenant):
        saved = ThirdParty.objects.get(pk=prospect.pk)
    assert (saved.lifecycle, saved.accounting_code) == (Lifecycle.PROSPECT_VALIDATED, "")


def test_convert_saves_the_missing_data_and_the_record_leaves_the_prospects(tenant, commercial, login, setup):
    prospect = ProspectFactory(tenant=tenant, lifecycle=Lifecycle.PROSPECT_VALIDATED, name="Cabinet Martin")
    client = login(commercial)

    response = client.post(
        convert_url(prospect),
        {
            family_field(setup["axis"].pk): setup["family"].pk,
            family_field(setup["other_family"].axis_id): setup["other_family"].pk,
            "accounting_code": "411MARTIN",
            "payment_term": setup["term"].pk,
        },
        follow=True,
    )

    assert response.redirect_chain == [(f"/tiers/{prospect.pk}/", 302)]
    assert [str(m) for m in response.context["messages"]] == [
        f"Le prospect {prospect} est transformé en client."
    ]
    assert '<span class="badge badge-success">Client</span>' in response.content.decode()
    with scope(tenant=tenant):
        saved = ThirdParty.objects.get(pk=prospect.pk)
    assert (saved.lifecycle, saved.accounting_code, saved.payment_term_id) == (
        Lifecycle.CUSTOMER,
        "411MARTIN",
        setup["term"].pk,
    )
    assert "Cabinet Martin" not in client.get("/tiers/prospects/").content.decode()
    assert "Cabinet Martin" in client.get("/tiers/clients/").content.decode()


def test_convert_form_costs_the_same_queries_for_one_and_three_missing_axes(
    tenant, commercial, login, django_assert_num_queries
):
    for index in range(3):
        FamilyFactory(tenant=tenant, axis=AxisFactory(tenant=tenant, label=f"Axe {index}"))
    one_missing = ProspectFactory(tenant=tenant, lifecycle=Lifecycle.PROSPECT_VALIDATED)
    with scope(tenant=tenant):
        for family in StatisticalFamily.objects.filter(tenant=tenant)[:2]:
            family_set(one_missing, family)
    three_missing = ProspectFactory(tenant=tenant, lifecycle=Lifecycle.PROSPECT_VALIDATED)
    client = login(commercial)
    client.get(convert_url(one_missing))  # warm the per-request caches (content types, permissions)

    with CaptureQueriesContext(connection) as one:
        client.get(convert_url(one_missing))
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(convert_url(three_missing))

    assert len(response.context["form"].fields) == 5  # 3 axes, accounting code, payment term


def test_convert_refuses_an_inactive_family(tenant, commercial, login, setup):
    prospect = ProspectFactory(tenant=tenant, lifecycle=Lifecycle.PROSPECT_VALIDATED)
    field = family_field(setup["axis"].pk)

    response = login(commercial).post(convert_url(prospect), {field: setup["inactive_family"].pk})

    assert response.context["form"].errors[field] == [
        f"Sélectionnez un choix valide. {setup['inactive_family'].pk} n\u2019en fait pas partie."
    ]


def test_convert_of_a_draft_validates_it_on_the_way(tenant, commercial, login, setup):
    prospect = ProspectFactory(tenant=tenant)
    client = login(commercial)

    page = client.get(convert_url(prospect))
    client.post(
        convert_url(prospect),
        {
            family_field(setup["axis"].pk): setup["family"].pk,
            family_field(setup["other_family"].axis_id): setup["other_family"].pk,
            "accounting_code": "411X",
            "payment_term": setup["term"].pk,
        },
    )

    assert (
        "Ce prospect est encore brouillon : il sera validé puis transformé en client."
        in page.content.decode()
    )
    assert _lifecycle(tenant, prospect) == Lifecycle.CUSTOMER


def test_convert_page_of_a_customer_shows_the_refusal(tenant, commercial, login):
    customer = TPFactory(tenant=tenant)
    client = login(commercial)

    page = client.get(convert_url(customer))
    response = client.post(convert_url(customer))

    assert "Ce tiers est déjà client." in page.content.decode()
    assert ">Transformer en client</button>" not in page.content.decode()
    assert response.status_code == 200
    assert "Ce tiers est déjà client." in response.content.decode()


def test_convert_with_nothing_missing_is_one_click(tenant, commercial, login):
    prospect = ProspectFactory(
        tenant=tenant,
        lifecycle=Lifecycle.PROSPECT_VALIDATED,
        accounting_code="411A",
        payment_term=PaymentTermFactory(tenant=tenant),
    )
    client = login(commercial)

    page = client.get(convert_url(prospect))
    response = client.post(convert_url(prospect))

    assert "Toutes les informations obligatoires sont renseignées." in page.content.decode()
    assert response.status_code == 302
    assert _lifecycle(tenant, prospect) == Lifecycle.CUSTOMER


# --- Header actions, rights, tenancy ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("lifecycle", "expected"),
    [
        (Lifecycle.PROSPECT_DRAFT, ["Valider le prospect", "Transformer en client"]),
        (Lifecycle.PROSPECT_VALIDATED, ["Transformer en client"]),
        (Lifecycle.CUSTOMER, []),
    ],
)
def test_header_actions_follow_the_lifecycle(tenant, commercial, login, lifecycle, expected):
    third_party = TPFactory(tenant=tenant, lifecycle=lifecycle)

    labels = _header_actions(login(commercial), third_party)

    assert [
        label for label in labels if label in ("Valider le prospect", "Transformer en client")
    ] == expected
    assert "Supprimer" not in labels


def test_header_actions_of_a_manager_include_delete(tenant, login):
    labels = _header_actions(login(member(tenant, "Manager")), ProspectFactory(tenant=tenant))

    assert {"Valider le prospect", "Transformer en client", "Supprimer"} <= set(labels)


def test_header_actions_of_a_technician_have_no_lifecycle_action(tenant, login):
    labels = _header_actions(login(member(tenant, "Technicien")), ProspectFactory(tenant=tenant))

    assert not {"Valider le prospect", "Transformer en client", "Supprimer"} & set(labels)


@pytest.mark.parametrize("make_url", [validate_url, convert_url])
def test_lifecycle_pages_refused_to_a_technician(tenant, login, make_url):
    prospect = ProspectFactory(tenant=tenant)
    client = login(member(tenant, "Technicien"))

    assert client.get(make_url(prospect)).status_code == 403
    assert client.post(make_url(prospect)).status_code == 403
    assert _lifecycle(tenant, prospect) == Lifecycle.PROSPECT_DRAFT


@pytest.mark.parametrize("make_url", [validate_url, convert_url])
def test_lifecycle_pages_of_another_tenant_are_404(tenant, other_tenant, login, make_url):
    prospect = ProspectFactory(tenant=other_tenant)
    client = login(member(tenant, "Administrateur"))

    assert client.get(make_url(prospect)).status_code == 404
    assert client.post(make_url(prospect)).status_code == 404
    assert _lifecycle(other_tenant, prospect) == Lifecycle.PROSPECT_DRAFT
