"""The quick-search reader (synthese.search) and its JSON endpoint."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django_scopes import scope

from crm.models import SearchKind
from synthese.search import LIMIT_PER_KIND, Probe, query_probes, quick_search
from tests.factories import member
from tests.parc.factories_assets import AssetFactory
from tests.tiers.factories import (
    AddressFactory,
    ContactFactory,
    ContactLinkFactory,
    SiteFactory,
    ThirdPartyFactory,
)
from tests.tiers.factories_sites_banks import reserved_customer
from tests.tiers.factories_third_parties import phone_add
from tests.ventes.factories_documents import OrderFactory
from tiers.models import Lifecycle
from tiers.services.third_parties import third_party_close

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(tenant):
    return member(tenant, "Manager")


@pytest.fixture
def commercial(tenant):
    return member(tenant, "Commercial")


def found(tenant, user, query, kind=None):
    with scope(tenant=tenant):
        results = quick_search(tenant=tenant, user=user, query=query)
    return [r.label for r in results if kind is None or r.kind == kind]


def test_accents_and_case(tenant, commercial):
    ThirdPartyFactory(tenant=tenant, name="Électricité Générale")
    assert found(tenant, commercial, "elec") == ["Électricité Générale"]
    assert found(tenant, commercial, "ÉLEC GÉN") == ["Électricité Générale"]


def test_every_word_in_any_order_by_word_start(tenant, commercial):
    ThirdPartyFactory(tenant=tenant, name="Société Générale")
    ThirdPartyFactory(tenant=tenant, name="Société Lyonnaise")
    ContactLinkFactory(tenant=tenant, contact__first_name="Jean", contact__last_name="Dupont")
    assert found(tenant, commercial, "soc gen") == ["Société Générale"]
    assert found(tenant, commercial, "gen soc") == ["Société Générale"]
    assert found(tenant, commercial, "jean dup", SearchKind.CONTACT) == ["DUPONT Jean"]
    assert found(tenant, commercial, "ciete") == []  # a substring is not a word start


def test_too_short_queries_search_nothing(tenant, commercial):
    ThirdPartyFactory(tenant=tenant, name="Ab Conseil", code="12")
    assert query_probes("a") == [] and query_probes("12") == []
    assert found(tenant, commercial, "a") == []
    assert found(tenant, commercial, "ab") == ["Ab Conseil"]


def test_code_and_document_number_prefixes(tenant, commercial):
    customer = ThirdPartyFactory(tenant=tenant, code="CLI-0042", name="Imprimerie Centrale")
    OrderFactory(tenant=tenant, customer=customer, number="CMD-2024-000123")
    AssetFactory(tenant=tenant, customer=customer, serial="RIC-00099", label="Copieur")
    assert found(tenant, commercial, "CLI-004", SearchKind.CUSTOMER) == ["Imprimerie Centrale"]
    assert found(tenant, commercial, "cli0042", SearchKind.CUSTOMER) == ["Imprimerie Centrale"]
    for query in ("CMD-2024-0001", "cmd2024000", "CMD-2024-000123"):
        assert found(tenant, commercial, query, SearchKind.ORDER) == ["CMD-2024-000123"], query
    assert found(tenant, commercial, "ric000", SearchKind.ASSET) == ["Copieur"]


def test_a_typed_code_is_probed_by_its_compacted_form():
    assert query_probes("CMD-2025-26") == [Probe("2025", ("cmd", "26"), code="cmd202526")]
    assert query_probes("A-12") == [Probe("a12")]  # its words are too short to probe
    assert query_probes("jean-pierre") == [Probe("pierre", ("jean",))]  # no digit: a name
    assert query_probes("cmd 2025")[0].code == ""  # words typed apart match in any order


def test_code_prefix_among_documents_sharing_its_parts(tenant, commercial):
    customer = ThirdPartyFactory(tenant=tenant, name="Jean-Pierre Martin")
    for index in range(LIMIT_PER_KIND + 2):
        OrderFactory(tenant=tenant, customer=customer, number=f"CMD-2025-{index:06d}")
    OrderFactory(tenant=tenant, customer=customer, number="CMD-2025-260001")
    for query in ("CMD-2025-26", "cmd2025-26", "2025 cmd 26"):
        assert found(tenant, commercial, query, SearchKind.ORDER) == ["CMD-2025-260001"], query
    assert found(tenant, commercial, "CMD-2025-0000") == [f"CMD-2025-{n:06d}" for n in range(LIMIT_PER_KIND)]
    assert found(tenant, commercial, "jean-pierre", SearchKind.CUSTOMER) == ["Jean-Pierre Martin"]
    assert found(tenant, commercial, "pierre jean", SearchKind.CUSTOMER) == ["Jean-Pierre Martin"]


def test_a_code_and_its_words_find_each_document_once(tenant, commercial):
    customer = ThirdPartyFactory(tenant=tenant, name="Imprimerie Centrale")
    for number in ("CMD-2025-260001", "CMD-2025-000001", "CMD-2025-000002", "CMD-2025-000003"):
        OrderFactory(tenant=tenant, customer=customer, number=number)
    # "cmd20252" finds the first order; the words ("2" starts "2025") find every order: the one
    # already found is not counted twice against the limit of its kind.
    with scope(tenant=tenant):
        results = quick_search(tenant=tenant, user=commercial, query="CMD-2025-2", limit_per_kind=3)
    assert [r.label for r in results] == ["CMD-2025-000001", "CMD-2025-000002", "CMD-2025-260001"]


@pytest.mark.parametrize("query", ["01 23 45 67 89", "+33 1 23 45 67 89", "0123456789", "6789", "45 67 89"])
def test_phone_whatever_the_format(tenant, commercial, query):
    customer = ThirdPartyFactory(tenant=tenant, name="Garage Martin")
    with scope(tenant=tenant):
        address = AddressFactory(third_party=customer, tenant=tenant)
    phone_add(address, "+33123456789", "0123456789")
    ContactLinkFactory(
        tenant=tenant, third_party=customer, contact__last_name="Roux", contact__phone_digits="0123456789"
    )
    assert found(tenant, commercial, query, SearchKind.CUSTOMER) == ["Garage Martin"]
    assert found(tenant, commercial, query, SearchKind.CONTACT) == ["ROUX Jean"]


def test_postal_code_and_city(tenant, commercial):
    customer = ThirdPartyFactory(tenant=tenant, name="Atelier Rhône")
    with scope(tenant=tenant):
        AddressFactory(third_party=customer, tenant=tenant, postal_code="69002", city="LYON")
    assert found(tenant, commercial, "6900", SearchKind.CUSTOMER) == ["Atelier Rhône"]
    assert found(tenant, commercial, "lyon atel", SearchKind.CUSTOMER) == ["Atelier Rhône"]


def test_customer_code_finds_its_sites_and_contacts(tenant, commercial):
    acme = ThirdPartyFactory(tenant=tenant, code="ACME01", name="ACME")
    other = ThirdPartyFactory(tenant=tenant, code="ZZZ", name="Autre")
    SiteFactory(
        tenant=tenant, third_party=acme, address__third_party=acme, address__tenant=tenant, name="Dépôt"
    )
    SiteFactory(
        tenant=tenant, third_party=other, address__third_party=other, address__tenant=tenant, name="Quai"
    )
    shared = ContactFactory(tenant=tenant, first_name="Jean", last_name="Dupont")
    ContactLinkFactory(tenant=tenant, third_party=acme, contact=shared)
    ContactLinkFactory(tenant=tenant, third_party=other, contact=shared)
    with scope(tenant=tenant):
        results = quick_search(tenant=tenant, user=commercial, query="acme0")
    assert [(r.kind, r.label) for r in results] == [
        (SearchKind.CUSTOMER, "ACME"),
        (SearchKind.SITE, "Dépôt"),
        (SearchKind.CONTACT, "DUPONT Jean"),
    ]
    assert results[2].as_dict()["sublabel"] == "— ACME"
    # A contact shared by two customers appears once per customer.
    with scope(tenant=tenant):
        people = [
            r.as_dict()["sublabel"] for r in quick_search(tenant=tenant, user=commercial, query="dupont")
        ]
    assert sorted(people) == ["— ACME", "— Autre"]


def test_other_tenant_rows_are_never_found(tenant, other_tenant, commercial):
    ThirdPartyFactory(tenant=other_tenant, name="Société Voisine")
    assert found(tenant, commercial, "voisine") == []


def test_kinds_without_view_permission_are_left_out(tenant):
    group = Group.objects.create(name="Lecture tiers")
    group.permissions.add(Permission.objects.get(codename="view_thirdparty", content_type__app_label="tiers"))
    reader = member(tenant, "Lecture tiers")
    customer = ThirdPartyFactory(tenant=tenant, name="Dupont Frères")
    ContactLinkFactory(tenant=tenant, third_party=customer, contact__last_name="Dupont")
    assert found(tenant, reader, "dupont") == ["Dupont Frères"]
    assert found(tenant, member(tenant, "Commercial"), "dupont") == ["Dupont Frères", "DUPONT Jean"]


def test_closed_customer_and_its_rows_only_with_the_right(tenant, commercial, manager):
    customer = ThirdPartyFactory(tenant=tenant, name="Fermeture Durand")
    ContactLinkFactory(tenant=tenant, third_party=customer, contact__last_name="Fermin")
    AssetFactory(tenant=tenant, customer=customer, label="Fermoir")
    with scope(tenant=tenant):
        third_party_close(tenant=tenant, actor=manager, third_party=customer)
    assert found(tenant, commercial, "ferm") == []
    assert found(tenant, manager, "ferm") == ["Fermeture Durand", "FERMIN Jean", "Fermoir"]


def test_hidden_rows_do_not_use_up_the_limit_of_their_kind(tenant, commercial, manager):
    # Hidden customers are skipped inside each kind's limited probe, not filtered afterwards.
    with scope(tenant=tenant):
        for index in range(LIMIT_PER_KIND + 2):
            closed = ThirdPartyFactory(tenant=tenant, name=f"Fermeture {index}")
            third_party_close(tenant=tenant, actor=manager, third_party=closed)
    ThirdPartyFactory(tenant=tenant, name="Fermeture Ouverte")
    assert found(tenant, commercial, "ferm") == ["Fermeture Ouverte"]
    assert len(found(tenant, manager, "ferm")) == LIMIT_PER_KIND


def test_reserved_customer_never_for_others(tenant, manager):
    customer = reserved_customer(tenant)
    with scope(tenant=tenant):
        customer.name = "Réservé Secret"
        customer.save()
        ContactLinkFactory(tenant=tenant, third_party=customer, contact__last_name="Secretan")
        allowed = customer.allowed_user_links.get().user
    assert found(tenant, manager, "secret") == []
    assert found(tenant, allowed, "secret") == ["Réservé Secret", "SECRETAN Jean"]


def test_prospects_are_their_own_kind(tenant, commercial):
    ThirdPartyFactory(tenant=tenant, name="Prospect Dupuis", lifecycle=Lifecycle.PROSPECT_VALIDATED)
    with scope(tenant=tenant):
        [result] = quick_search(tenant=tenant, user=commercial, query="dupuis")
    assert result.as_dict()["kind"] == "Prospect"
    assert result.record_url == reverse("tiers:detail", kwargs={"pk": result.object_id})


@pytest.mark.parametrize("size", [1, 6])
def test_one_query_whatever_the_number_of_results(tenant, commercial, django_assert_num_queries, size):
    for index in range(size):
        customer = ThirdPartyFactory(tenant=tenant, name=f"Dupont {index}")
        ContactLinkFactory(tenant=tenant, third_party=customer, contact__last_name=f"Dupont{index}")
        OrderFactory(tenant=tenant, customer=customer, number=f"DUP-{index}")
    commercial = type(commercial).objects.get(pk=commercial.pk)  # no permission cache
    with scope(tenant=tenant):
        # The active membership, the role's permissions, then the search itself.
        with django_assert_num_queries(3):
            results = quick_search(tenant=tenant, user=commercial, query="dup")
        with django_assert_num_queries(1):
            quick_search(tenant=tenant, user=commercial, query="dupo")
    assert len(results) == 3 * size


def test_endpoint_groups_results_as_json(tenant, other_tenant, commercial, login):
    customer = ThirdPartyFactory(tenant=tenant, name="ACME Copieurs")
    ContactLinkFactory(tenant=tenant, third_party=customer, contact__last_name="Acmeur")
    ThirdPartyFactory(tenant=other_tenant, name="ACME Ailleurs")
    response = login(commercial).get(
        reverse("synthese:quick_search"), {"q": "acme"}, headers={"accept": "application/json"}
    )
    assert response.status_code == 200
    groups = response.json()["groups"]
    assert [group["kind"] for group in groups] == ["Client", "Personne"]
    [client] = groups[0]["results"]
    assert client["label"] == "ACME Copieurs"
    assert client["record_url"] == reverse("tiers:detail", kwargs={"pk": customer.pk})
    assert set(client) == {"kind", "id", "label", "sublabel", "customer_id", "record_url", "synthese_url"}


@pytest.mark.parametrize(
    "query",
    [
        "x" * 3000,
        "a" * 3000,
        "'; DROP TABLE crm_searchtoken; --",
        '" OR 1=1 --',
        "%_\\",
        "l'été \x00",
        "9" * 3000,
    ],
)
def test_endpoint_survives_hostile_input(tenant, commercial, login, query):
    ThirdPartyFactory(tenant=tenant, name="L'Été Indien")
    response = login(commercial).get(reverse("synthese:quick_search"), {"q": query})
    assert response.status_code == 200
    assert "groups" in response.json()
