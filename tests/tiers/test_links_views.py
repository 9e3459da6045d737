"""Link pages and sections: rights per kind of link, constant query counts on the third party's
page, add/edit/delete through the pages, 404 across tenants, the picker and the "groupe lié" filter."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope

from tests.factories import member
from tests.tiers.factories_links import (
    ContactFactory,
    CustomerFactory,
    FiliationLinkFactory,
    ManagementLinkFactory,
    RelationFactory,
    types,
)
from tests.tiers.factories_lists import third_party
from tiers.models import BILL_TO, ORDERING_PARTY, Lifecycle, ManagementLink, Relation
from tiers.selectors_links import party_picker


@pytest.fixture
def commercial(tenant):
    return member(tenant, "Commercial")


def _detail(record) -> str:
    return reverse("tiers:detail", kwargs={"pk": record.pk})


def _reader(tenant, *codenames: str):
    """A member whose role grants only ``codenames`` (tiers app) besides viewing third parties."""
    group, _created = Group.objects.get_or_create(name=f"Lecteur {'-'.join(codenames) or 'seul'}")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="tiers", codename__in=["view_thirdparty", *codenames]
        )
    )
    return member(tenant, group.name)


def _links(tenant, record, count: int) -> None:
    for _ in range(count):
        ManagementLinkFactory(tenant=tenant, third_party=record)
        FiliationLinkFactory(tenant=tenant, linked=record, third_party=CustomerFactory(tenant=tenant))
        RelationFactory(tenant=tenant, target=record, source_third_party=CustomerFactory(tenant=tenant))


# --- Sections and rights --------------------------------------------------------------------------


def test_sections_show_links_from_both_sides_with_change_actions(tenant, commercial, login):
    record = CustomerFactory(tenant=tenant, name="Siège Alpha")
    bill_to = ManagementLinkFactory(tenant=tenant, third_party=record, is_default=True).linked
    child = FiliationLinkFactory(tenant=tenant, linked=record, third_party=CustomerFactory(tenant=tenant))
    RelationFactory(
        tenant=tenant, target=record, source_third_party=CustomerFactory(tenant=tenant, name="Ami")
    )

    content = login(commercial).get(_detail(record)).content.decode()

    assert "Liens de gestion" in content and bill_to.name in content and "Client à facturer" in content
    assert "Liens de filiation" in content and "↓" in content and child.third_party.name in content
    assert "Relations" in content and "Partenaire de" in content and "Ami" in content
    assert reverse("tiers:management_link_create", kwargs={"pk": record.pk}) in content
    assert "Ajouter un lien de filiation" in content and "Ajouter une relation" in content


def test_sections_need_their_view_permission_and_actions_their_change_permission(tenant, login):
    record = CustomerFactory(tenant=tenant)
    ManagementLinkFactory(tenant=tenant, third_party=record)
    only_management = _reader(tenant, "view_managementlink")

    content = login(only_management).get(_detail(record)).content.decode()

    assert "Liens de gestion" in content
    assert "Liens de filiation" not in content and "section-relations" not in content
    assert "Ajouter un lien de gestion" not in content and "Modifier" not in content


def test_edit_pages_need_the_change_permission(tenant, login):
    record = CustomerFactory(tenant=tenant)
    viewer = _reader(tenant, "view_managementlink", "view_filiationlink", "view_relation")
    client = login(viewer)

    for name in ("management_link_create", "filiation_link_create", "relation_create"):
        assert client.get(reverse(f"tiers:{name}", kwargs={"pk": record.pk})).status_code == 403


def test_detail_query_count_is_the_same_with_few_and_many_links(
    tenant, commercial, login, django_assert_num_queries
):
    small = CustomerFactory(tenant=tenant)
    large = CustomerFactory(tenant=tenant)
    _links(tenant, small, 1)
    _links(tenant, large, 4)
    client = login(commercial)
    client.get(_detail(small))
    with CaptureQueriesContext(connection) as small_queries:
        client.get(_detail(small))

    with django_assert_num_queries(len(small_queries)):
        response = client.get(_detail(large))

    assert response.content.decode().count("management_link_update") == 0
    assert response.content.decode().count("/liens-gestion/") >= 9  # add, then edit and delete of 4 links


# --- Management link pages ------------------------------------------------------------------------


def test_management_link_create_page_saves_and_goes_back(tenant, commercial, login):
    types(tenant)
    record, other = CustomerFactory(tenant=tenant), CustomerFactory(tenant=tenant)
    url = reverse("tiers:management_link_create", kwargs={"pk": record.pk})

    response = login(commercial).post(
        url, {"role": ORDERING_PARTY, "linked_role": BILL_TO, "linked": other.pk, "is_default": "on"}
    )

    assert response.status_code == 302 and response.url.endswith("#section-management-links")
    with scope(tenant=tenant):
        assert ManagementLink.objects.filter(third_party=record, linked=other, is_default=True).exists()


def test_management_link_create_by_typed_code_without_javascript(tenant, commercial, login):
    types(tenant)
    record, other = CustomerFactory(tenant=tenant), CustomerFactory(tenant=tenant, code="C777777")
    url = reverse("tiers:management_link_create", kwargs={"pk": record.pk})

    response = login(commercial).post(
        url, {"role": ORDERING_PARTY, "linked_role": BILL_TO, "linked_search": "c777777"}
    )

    assert response.status_code == 302
    with scope(tenant=tenant):
        assert ManagementLink.objects.get(third_party=record).linked == other


def test_management_link_create_page_shows_the_service_refusal(tenant, commercial, login):
    record = CustomerFactory(tenant=tenant)
    url = reverse("tiers:management_link_create", kwargs={"pk": record.pk})

    itself = login(commercial).post(
        url, {"role": ORDERING_PARTY, "linked_role": BILL_TO, "linked": record.pk}
    )
    missing = login(commercial).post(
        url, {"role": ORDERING_PARTY, "linked_role": BILL_TO, "linked_search": "zz"}
    )

    assert "Les types de lien DONORDRE et CL_A_FACT doivent être créés." in itself.content.decode()
    assert "Tiers introuvable." in missing.content.decode()


def test_management_link_update_and_delete_with_confirmation(tenant, commercial, login):
    record = CustomerFactory(tenant=tenant)
    link = ManagementLinkFactory(tenant=tenant, third_party=record)
    kwargs = {"pk": link.linked_id, "link_pk": link.pk}  # from the bill-to party's page
    client = login(commercial)

    form = client.get(reverse("tiers:management_link_update", kwargs=kwargs))
    updated = client.post(
        reverse("tiers:management_link_update", kwargs=kwargs),
        {"role": BILL_TO, "linked_role": ORDERING_PARTY, "linked": record.pk, "is_default": "on"},
    )
    confirm = client.get(reverse("tiers:management_link_delete", kwargs=kwargs))
    deleted = client.post(reverse("tiers:management_link_delete", kwargs=kwargs))

    assert f'value="{record.code} — {record.name}"' in form.content.decode()
    assert updated.status_code == 302
    assert "Supprimer définitivement ce lien" in confirm.content.decode()
    assert deleted.status_code == 302
    with scope(tenant=tenant):
        assert not ManagementLink.objects.filter(pk=link.pk).exists()


def test_link_pages_of_another_tenant_or_another_third_party_are_404(tenant, other_tenant, commercial, login):
    foreign = ManagementLinkFactory(tenant=other_tenant, third_party=CustomerFactory(tenant=other_tenant))
    mine = CustomerFactory(tenant=tenant)
    not_mine = ManagementLinkFactory(tenant=tenant, third_party=CustomerFactory(tenant=tenant))
    client = login(commercial)

    assert (
        client.get(reverse("tiers:management_link_create", kwargs={"pk": foreign.third_party_id})).status_code
        == 404
    )
    assert (
        client.get(
            reverse("tiers:management_link_delete", kwargs={"pk": mine.pk, "link_pk": not_mine.pk})
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse(
                "tiers:management_link_delete", kwargs={"pk": foreign.third_party_id, "link_pk": foreign.pk}
            )
        ).status_code
        == 404
    )


# --- Filiation and relation pages -----------------------------------------------------------------


def test_filiation_link_create_and_delete_pages(tenant, commercial, login):
    kinds = types(tenant)
    record, parent = CustomerFactory(tenant=tenant), CustomerFactory(tenant=tenant)
    client = login(commercial)

    created = client.post(
        reverse("tiers:filiation_link_create", kwargs={"pk": record.pk}),
        {"link_type": kinds["fil:MERE"].pk, "linked": parent.pk},
    )
    twice = client.post(
        reverse("tiers:filiation_link_create", kwargs={"pk": parent.pk}),
        {"link_type": kinds["fil:MERE"].pk, "linked": record.pk},
    )
    loop = client.post(
        reverse("tiers:filiation_link_create", kwargs={"pk": record.pk}),
        {"link_type": kinds["fil:FILIALE"].pk, "linked": parent.pk},
    )
    with scope(tenant=tenant):
        link = record.filiation_links.get()
    deleted = client.post(
        reverse("tiers:filiation_link_delete", kwargs={"pk": parent.pk, "link_pk": link.pk})
    )

    assert created.status_code == 302
    assert "Ce lien de filiation existe déjà." in twice.content.decode()
    assert "un tiers ne peut pas être à la fois maison mère et filiale" in loop.content.decode()
    assert deleted.status_code == 302


def test_relation_create_from_a_contact_and_delete(tenant, commercial, login):
    kinds = types(tenant)
    record, target = CustomerFactory(tenant=tenant), CustomerFactory(tenant=tenant)
    contact = ContactFactory(tenant=tenant, last_name="MARTIN")
    with scope(tenant=tenant):
        contact.links.create(tenant=tenant, third_party=record, is_default=True)
    client = login(commercial)

    created = client.post(
        reverse("tiers:relation_create", kwargs={"pk": record.pk}),
        {"source_contact": contact.pk, "relation_type": kinds["rel:SALARIE"].pk, "target": target.pk},
    )
    on_target = client.get(_detail(target)).content.decode()
    with scope(tenant=tenant):
        relation = Relation.objects.get()
    deleted = client.post(reverse("tiers:relation_delete", kwargs={"pk": target.pk, "link_pk": relation.pk}))

    assert created.status_code == 302
    assert relation.source_contact == contact and "MARTIN Jean" in on_target and "Salarié de" in on_target
    assert deleted.status_code == 302


# --- Picker ---------------------------------------------------------------------------------------


def test_picker_answers_nothing_under_three_characters_without_a_query(
    tenant, commercial, django_assert_num_queries
):
    CustomerFactory(tenant=tenant, name="Société Générale")

    with scope(tenant=tenant), django_assert_num_queries(0):
        assert party_picker(tenant=tenant, user=commercial, query=" so ") == []


def test_picker_matches_word_starts_and_code_prefix_by_kind(tenant, other_tenant, commercial, login):
    wanted = CustomerFactory(tenant=tenant, name="Société Générale d'Équipement", code="C100001")
    prospect = CustomerFactory(tenant=tenant, name="Générale Prospect", lifecycle=Lifecycle.PROSPECT_DRAFT)
    CustomerFactory(tenant=tenant, name="Générale Réservée", is_reserved=True)
    CustomerFactory(tenant=other_tenant, name="Générale Ailleurs")
    CustomerFactory(tenant=tenant, name="Sogénérale")  # "gen" is not the start of a word
    client = login(commercial)
    url = reverse("tiers:party_picker")

    short = client.get(url, {"q": "gé"}).json()
    by_name = client.get(url, {"q": "equip gen", "kind": "client"}).json()
    by_code = client.get(url, {"q": "c1000"}).json()
    both = client.get(url, {"q": "GENE"}).json()
    prospects = client.get(url, {"q": "gene", "kind": "prospect"}).json()

    assert short == []
    assert by_name == [
        {"id": wanted.pk, "code": "C100001", "name": wanted.name, "label": str(wanted), "kind": "client"}
    ]
    assert [row["id"] for row in by_code] == [wanted.pk]
    assert [row["id"] for row in both] == [prospect.pk, wanted.pk]
    assert [row["id"] for row in prospects] == [prospect.pk]


def test_picker_ignores_a_nul_byte_in_the_query(tenant, commercial, login):
    """Found by tests/fuzz: a NUL byte in ?q= reached the code filter, a server error."""
    CustomerFactory(tenant=tenant, name="Imprimerie Martin", code="C100001")

    response = login(commercial).get(reverse("tiers:party_picker"), {"q": "c10\x000"})

    assert response.status_code == 200
    assert [row["code"] for row in response.json()] == ["C100001"]


def test_picker_is_limited_to_twenty(tenant, commercial, login):
    for index in range(22):
        CustomerFactory(tenant=tenant, name=f"Imprimerie {index:02d}")

    rows = login(commercial).get(reverse("tiers:party_picker"), {"q": "impr"}).json()

    assert len(rows) == 20


# --- "Groupe lié" list filter ---------------------------------------------------------------------


def test_customer_list_filtered_by_linked_group(tenant, commercial, login):
    head = third_party(tenant, "Tête de Groupe", code="G000001")
    bill_to = third_party(tenant, "Facturé Ensemble")
    parent = third_party(tenant, "Maison Mère")
    member_of_group = third_party(tenant, "Membre Du Groupe")
    prospect = third_party(tenant, "Prospect Lié", lifecycle=Lifecycle.PROSPECT_DRAFT)
    third_party(tenant, "Sans Lien")
    ManagementLinkFactory(tenant=tenant, third_party=bill_to, linked=head)
    FiliationLinkFactory(tenant=tenant, third_party=head, linked=parent)
    FiliationLinkFactory(tenant=tenant, third_party=prospect, linked=head)
    with scope(tenant=tenant):
        type(member_of_group).objects.filter(pk=member_of_group.pk).update(group=head)
    client = login(commercial)

    customers = client.get(reverse("tiers:customer_list"), {"groupe": "g000001"}).content.decode()
    prospects = client.get(reverse("tiers:prospect_list"), {"groupe": "G000001"}).content.decode()

    for name in ("Tête de Groupe", "Facturé Ensemble", "Maison Mère", "Membre Du Groupe"):
        assert name in customers
    assert "Sans Lien" not in customers and "Prospect Lié" not in customers
    assert "Prospect Lié" in prospects


def test_customer_list_linked_group_query_count_is_constant(
    tenant, commercial, login, django_assert_num_queries
):
    small = third_party(tenant, "Petit Groupe", code="G000010")
    large = third_party(tenant, "Grand Groupe", code="G000020")
    FiliationLinkFactory(tenant=tenant, third_party=small, linked=third_party(tenant, "Filiale Petite"))
    for index in range(4):
        FiliationLinkFactory(tenant=tenant, third_party=large, linked=third_party(tenant, f"Filiale {index}"))
        ManagementLinkFactory(
            tenant=tenant, third_party=large, linked=third_party(tenant, f"Facturé {index}")
        )
    client = login(commercial)
    url = reverse("tiers:customer_list")
    client.get(url, {"groupe": "G000010"})
    with CaptureQueriesContext(connection) as small_queries:
        client.get(url, {"groupe": "G000010"})

    with django_assert_num_queries(len(small_queries)):
        response = client.get(url, {"groupe": "G000020"})

    assert "9 résultats" in response.content.decode()
