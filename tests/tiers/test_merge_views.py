"""Merge pages: tiers:merge (choose the other party and the survivor), tiers:merge_preview (the dry
run, then the confirmed merge), the "Fusionner" action on the third party's page."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from tests.factories import member
from tests.tiers.factories_links import FiliationLinkFactory, types
from tests.tiers.factories_merge import merge_case
from tests.tiers.factories_sites_banks import CustomerFactory, reserved_customer
from tiers.models import Address, Site, ThirdParty


@pytest.fixture
def manager(client, tenant):
    user = member(tenant, "Manager")
    client.force_login(user)
    return user


@pytest.fixture
def case(tenant):
    return merge_case(tenant)


def _preview_url(survivor, loser) -> str:
    return f"/tiers/{survivor.pk}/fusionner/{loser.pk}/"


def _plan_hash(response) -> str:
    return re.search(r'name="plan_hash" value="([0-9a-f]{64})"', response.content.decode()).group(1)


# --- Action and choice ----------------------------------------------------------------------------


def test_third_party_page_offers_merge_to_a_manager_only(client, tenant, manager, login):
    third_party = CustomerFactory(tenant=tenant)

    page = client.get(f"/tiers/{third_party.pk}/").content.decode()
    assert f'href="/tiers/{third_party.pk}/fusionner/"' in page and "Fusionner" in page

    login(member(tenant, "Commercial"))
    assert (
        f"/tiers/{third_party.pk}/fusionner/" not in client.get(f"/tiers/{third_party.pk}/").content.decode()
    )


def test_merge_choose_page_shows_the_form(client, manager, case):
    response = client.get(f"/tiers/{case.survivor.pk}/fusionner/")

    assert response.status_code == 200
    assert "Code de l&#x27;autre tiers" in response.content.decode()


@pytest.mark.parametrize(
    ("keep", "survivor", "loser"), [("this", "survivor", "loser"), ("other", "loser", "survivor")]
)
def test_merge_choose_redirects_to_the_dry_run(client, manager, case, keep, survivor, loser):
    response = client.post(f"/tiers/{case.survivor.pk}/fusionner/", {"other_code": "PERD", "keep": keep})

    assert response.status_code == 302
    assert response.url == _preview_url(getattr(case, survivor), getattr(case, loser))


def test_merge_choose_accepts_the_pickers_label(client, manager, case):
    response = client.post(
        f"/tiers/{case.survivor.pk}/fusionner/", {"other_code": "PERD — Bureautique", "keep": "this"}
    )

    assert response.url == _preview_url(case.survivor, case.loser)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("INCONNU", "Aucun tiers accessible ne porte le code INCONNU."),
        ("SURV", "Un tiers ne peut pas être fusionné avec lui-même."),
    ],
)
def test_merge_choose_refuses_an_unknown_code_or_itself(client, manager, case, code, message):
    response = client.post(f"/tiers/{case.survivor.pk}/fusionner/", {"other_code": code, "keep": "this"})

    assert response.status_code == 200
    assert response.context["form"].errors["other_code"] == [message]


def test_merge_choose_refuses_a_party_reserved_to_others(client, tenant, manager, case):
    hidden = reserved_customer(tenant)

    response = client.post(
        f"/tiers/{case.survivor.pk}/fusionner/", {"other_code": hidden.code, "keep": "this"}
    )

    assert response.context["form"].errors["other_code"] == [
        f"Aucun tiers accessible ne porte le code {hidden.code}."
    ]


def test_merge_choose_refuses_a_subsidiary(client, tenant, manager, case):
    with scope(tenant=tenant):
        FiliationLinkFactory(
            tenant=tenant,
            third_party=case.survivor,
            linked=case.loser,
            link_type=types(tenant)["fil:FILIALE"],
        )

    response = client.post(f"/tiers/{case.survivor.pk}/fusionner/", {"other_code": "PERD", "keep": "this"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Impossible de fusionner une société avec sa propre filiale."
    ]


# --- Dry run and merge ----------------------------------------------------------------------------


def test_merge_preview_shows_the_plan(client, manager, case):
    response = client.get(_preview_url(case.survivor, case.loser))

    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "Adresses",
        "Liens contact — tiers",
        "Adresse 001 du tiers absorbé renommée 003",
        "N&#x27;est plus « site principal » : Siège",
        "Doublon supprimé : PARTAGÉ Jean",
        "Lien entre les deux tiers supprimé",
        "411PERD",
        "Confirmer la fusion",
    ):
        assert text in page, text
    with scope(tenant=case.survivor.tenant):
        assert ThirdParty.objects.filter(pk=case.loser.pk).exists()


def _rows(tenant, survivor, loser, count):
    with scope(tenant=tenant):
        address = Address.objects.get(third_party=loser, code="002")
        for index in range(count):
            CustomerFactory(tenant=tenant, bill_to=loser)
            Site.objects.create(tenant=tenant, third_party=loser, address=address, name=f"D{index}")


def test_merge_preview_query_count_does_not_grow_with_the_data(
    client, tenant, manager, case, django_assert_num_queries
):
    """The count depends on the relations of the model graph (every app's models that point at a
    third party, one count query each), never on the number of rows."""
    url = _preview_url(case.survivor, case.loser)
    client.get(url)  # warm the content-type cache and the session
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _rows(tenant, case.survivor, case.loser, 8)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url)


def test_merge_preview_post_merges_and_redirects_to_the_survivor(client, manager, case):
    plan_hash = _plan_hash(client.get(_preview_url(case.survivor, case.loser)))

    response = client.post(_preview_url(case.survivor, case.loser), {"plan_hash": plan_hash})

    assert response.status_code == 302
    assert response.url == f"/tiers/{case.survivor.pk}/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Le tiers PERD — Bureautique Lyonnaise (doublon) est fusionné dans SURV — Bureautique Lyonnaise."
    ]
    with scope(tenant=case.survivor.tenant):
        assert not ThirdParty.objects.filter(pk=case.loser.pk).exists()


def test_merge_preview_post_refused_when_the_data_changed(client, tenant, manager, case):
    plan_hash = _plan_hash(client.get(_preview_url(case.survivor, case.loser)))
    with scope(tenant=tenant):
        Address.objects.filter(pk=case.loser_002.pk).update(code="009")

    response = client.post(_preview_url(case.survivor, case.loser), {"plan_hash": plan_hash})

    assert response.status_code == 200
    assert response.context["errors"] == ["Les données ont changé depuis l'aperçu : vérifiez à nouveau."]
    assert _plan_hash(response) != plan_hash  # the fresh dry run, to confirm again
    with scope(tenant=tenant):
        assert ThirdParty.objects.filter(pk=case.loser.pk).exists()


def test_merge_preview_get_refused_with_a_subsidiary(client, tenant, manager, case):
    with scope(tenant=tenant):
        FiliationLinkFactory(
            tenant=tenant, third_party=case.loser, linked=case.survivor, link_type=types(tenant)["fil:MERE"]
        )

    response = client.get(_preview_url(case.survivor, case.loser))

    assert response.context["errors"] == ["Impossible de fusionner une société avec sa propre filiale."]
    assert "Confirmer la fusion" not in response.content.decode()


# --- Tenancy and rights ---------------------------------------------------------------------------


def test_merge_pages_of_another_tenant_are_404(client, tenant, other_tenant, manager, case):
    stranger = CustomerFactory(tenant=other_tenant)

    assert client.get(f"/tiers/{stranger.pk}/fusionner/").status_code == 404
    assert client.get(_preview_url(case.survivor, stranger)).status_code == 404
    assert client.get(_preview_url(stranger, case.survivor)).status_code == 404
    assert client.post(_preview_url(case.survivor, stranger), {"plan_hash": "x"}).status_code == 404
    response = client.post(
        f"/tiers/{case.survivor.pk}/fusionner/", {"other_code": stranger.code, "keep": "this"}
    )
    assert response.context["form"].errors["other_code"] == [
        f"Aucun tiers accessible ne porte le code {stranger.code}."
    ]


def test_merge_pages_refused_without_the_merge_permission(client, tenant, login, case):
    login(member(tenant, "Commercial"))

    assert client.get(f"/tiers/{case.survivor.pk}/fusionner/").status_code == 403
    assert client.get(_preview_url(case.survivor, case.loser)).status_code == 403
    assert client.post(_preview_url(case.survivor, case.loser), {"plan_hash": "x"}).status_code == 403
    with scope(tenant=tenant):
        assert ThirdParty.objects.filter(pk=case.loser.pk).exists()
