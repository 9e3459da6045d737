"""Definitive delete of a third party: preview, accepted (rows gone, counted), refused when other
rows protect it (nothing deleted), audit, shared contacts kept, and the confirmation screen."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope
from guardian.models import UserObjectPermission

from crm.models import AuditEntry
from crm.rights import ROLES, role_grants
from tests.factories import member
from tests.tiers.factories import AddressFactory, ContactLinkFactory, SiteFactory
from tests.tiers.factories_lifecycle import ProspectFactory, full_third_party
from tests.tiers.factories_third_parties import TPFactory
from tiers.models import (
    Address,
    BankAccount,
    Contact,
    ContactLink,
    ShipTo,
    Site,
    ThirdParty,
    ThirdPartyStatisticalFamily,
)
from tiers.services.lifecycle import third_party_delete, third_party_delete_preview
from tiers.services.third_parties import third_party_allowed_users_set

DELETED = {
    "tiers.thirdparty": 1,
    "tiers.thirdpartyvisibility": 1,
    "tiers.address": 2,
    "tiers.site": 1,
    "tiers.bankaccount": 1,
    "tiers.shipto": 1,
    "tiers.contactlink": 2,
    "tiers.contact": 1,
    "tiers.thirdpartystatisticalfamily": 1,
}


@pytest.fixture
def manager(tenant):
    return member(tenant, "Manager")


def _rows(tenant, third_party) -> dict[str, int]:
    with scope(tenant=tenant):
        return {
            "third_party": ThirdParty.objects.filter(pk=third_party.pk).count(),
            "addresses": Address.objects.filter(third_party_id=third_party.pk).count(),
            "sites": Site.objects.filter(third_party_id=third_party.pk).count(),
            "bank_accounts": BankAccount.objects.filter(third_party_id=third_party.pk).count(),
            "ship_tos": ShipTo.objects.filter(third_party_id=third_party.pk).count(),
            "contact_links": ContactLink.objects.filter(third_party_id=third_party.pk).count(),
            "families": ThirdPartyStatisticalFamily.objects.filter(third_party_id=third_party.pk).count(),
            "own_contact": Contact.objects.filter(pk=third_party.own_contact.pk).count(),
        }


FULL = {
    "third_party": 1,
    "addresses": 2,
    "sites": 1,
    "bank_accounts": 1,
    "ship_tos": 1,
    "contact_links": 2,
    "families": 1,
    "own_contact": 1,
}


def _protected_by_a_bill_to(tenant, third_party) -> ThirdParty:
    return TPFactory(tenant=tenant, code="C900001", name="Filiale Ouest", bill_to=third_party)


# --- Service --------------------------------------------------------------------------------------


def test_third_party_delete_removes_every_row_of_the_third_party(in_tenant, manager):
    third_party = full_third_party(in_tenant)
    assert _rows(in_tenant, third_party) == FULL

    counts = third_party_delete(tenant=in_tenant, actor=manager, third_party=third_party)

    assert counts == DELETED
    assert set(_rows(in_tenant, third_party).values()) == {0}


def test_third_party_delete_keeps_a_contact_shared_with_another_third_party(in_tenant, manager):
    third_party = full_third_party(in_tenant)
    shared = third_party.shared_contact

    third_party_delete(tenant=in_tenant, actor=manager, third_party=third_party)

    assert Contact.objects.filter(pk=shared.pk).exists()
    assert ContactLink.objects.filter(contact=shared).count() == 1
    # The contact linked to this third party alone goes with it.
    assert not Contact.objects.filter(pk=third_party.own_contact.pk).exists()


def test_third_party_delete_is_audited_with_its_code_name_and_counts(in_tenant, manager):
    third_party = full_third_party(in_tenant, code="C000777", name="Bureautique Lyonnaise")
    pk = third_party.pk

    third_party_delete(tenant=in_tenant, actor=manager, third_party=third_party, reason="Doublon")

    entry = AuditEntry.objects.get(tenant=in_tenant, action="third_party.delete")
    assert (entry.object_id, entry.object_repr, entry.actor, entry.reason) == (
        str(pk),
        "C000777 — Bureautique Lyonnaise",
        manager,
        "Doublon",
    )
    assert entry.changes["code"] == ["C000777", None]
    assert entry.changes["name"] == ["Bureautique Lyonnaise", None]
    assert entry.changes["rows.tiers.address"] == [2, 0]
    assert entry.changes["rows.tiers.contact"] == [1, 0]


def test_third_party_delete_refused_when_another_third_party_bills_to_it(in_tenant, manager):
    third_party = full_third_party(in_tenant)
    _protected_by_a_bill_to(in_tenant, third_party)

    with pytest.raises(ValidationError) as exc:
        third_party_delete(tenant=in_tenant, actor=manager, third_party=third_party)

    assert exc.value.messages == [
        "Ce tiers ne peut pas être supprimé : il est encore utilisé par Tiers « C900001 — Filiale Ouest »."
    ]
    assert _rows(in_tenant, third_party) == FULL
    assert not AuditEntry.objects.filter(tenant=in_tenant, action="third_party.delete").exists()


def test_third_party_delete_refused_when_it_carries_another_customers_deliveries(in_tenant, manager):
    carrier = TPFactory(tenant=in_tenant, is_carrier=True)
    customer = TPFactory(tenant=in_tenant)
    address = AddressFactory(tenant=in_tenant, third_party=customer, code="001", city="LYON")
    ShipTo.objects.create(tenant=in_tenant, third_party=customer, address=address, carrier=carrier)

    with pytest.raises(ValidationError) as exc:
        third_party_delete(tenant=in_tenant, actor=manager, third_party=carrier)

    assert exc.value.messages == [
        f"Ce tiers ne peut pas être supprimé : il est encore utilisé par Client livré « {address} »."
    ]
    assert ThirdParty.objects.filter(pk=carrier.pk).exists()


def test_third_party_delete_accepts_a_third_party_that_points_at_itself(in_tenant, manager):
    third_party = TPFactory(tenant=in_tenant)
    ThirdParty.objects.filter(pk=third_party.pk).update(credit_insurer=third_party)

    third_party_delete(tenant=in_tenant, actor=manager, third_party=third_party)

    assert not ThirdParty.objects.filter(pk=third_party.pk).exists()


def test_third_party_delete_removes_the_object_permissions_of_a_reserved_third_party(in_tenant, manager):
    third_party = TPFactory(tenant=in_tenant)
    third_party_allowed_users_set(tenant=in_tenant, actor=manager, third_party=third_party, users=[manager])
    object_permissions = UserObjectPermission.objects.filter(object_pk=str(third_party.pk))
    assert object_permissions.count() == 2

    third_party_delete(tenant=in_tenant, actor=manager, third_party=third_party)

    assert object_permissions.count() == 0


def test_third_party_delete_preview_counts_what_goes(in_tenant):
    third_party = full_third_party(in_tenant)

    preview = third_party_delete_preview(tenant=in_tenant, third_party=third_party)

    assert preview.refusal == ""
    assert preview.rows == [
        ("tiers.address", "Adresses", 2),
        ("tiers.shipto", "Clients livrés", 1),
        ("tiers.bankaccount", "Comptes bancaires", 1),
        ("tiers.contact", "Contacts", 1),
        ("tiers.thirdpartystatisticalfamily", "Familles statistiques du tiers", 1),
        ("tiers.contactlink", "Liens contact — tiers", 2),
        ("tiers.site", "Sites", 1),
    ]
    assert _rows(in_tenant, third_party) == FULL


def test_third_party_delete_preview_says_what_protects_it(in_tenant):
    third_party = TPFactory(tenant=in_tenant)
    _protected_by_a_bill_to(in_tenant, third_party)

    preview = third_party_delete_preview(tenant=in_tenant, third_party=third_party)

    assert preview == type(preview)(
        rows=[],
        refusal="Ce tiers ne peut pas être supprimé : il est encore utilisé par Tiers « C900001 — Filiale Ouest ».",
    )


def test_every_role_that_may_delete_third_parties_holds_both_rights():
    """The header action and the view need both rights; the roles that hold one hold the other."""
    granted = role_grants.permissions_by_role()

    holders = [role for role in ROLES if ("crm", "delete_thirdparty") in granted[role]]

    assert holders == ["Manager", "Administrateur"]
    assert all(("tiers", "delete_thirdparty") in granted[role] for role in holders)


# --- Screen ---------------------------------------------------------------------------------------


def url(third_party) -> str:
    return f"/tiers/{third_party.pk}/supprimer/"


def test_delete_page_lists_what_will_be_deleted(tenant, manager, login):
    third_party = full_third_party(tenant)

    response = login(manager).get(url(third_party))

    content = response.content.decode()
    assert response.status_code == 200
    assert '<tr data-model="tiers.address"><td>Adresses</td><td class="num">2</td></tr>' in content
    assert (
        '<tr data-model="tiers.contactlink"><td>Liens contact — tiers</td><td class="num">2</td></tr>'
        in content
    )
    assert "Supprimer définitivement" in content


def test_delete_page_costs_the_same_queries_for_a_small_and_a_larger_third_party(
    tenant, manager, login, django_assert_num_queries
):
    small = full_third_party(tenant)
    large = full_third_party(tenant)
    with scope(tenant=tenant):
        for index in range(3):
            address = AddressFactory(tenant=tenant, third_party=large, code=f"01{index}", is_default=False)
            SiteFactory(tenant=tenant, third_party=large, address=address, is_main=False)
            ContactLinkFactory(tenant=tenant, third_party=large, is_default=False)
    client = login(manager)
    client.get(url(small))  # warm the per-request caches (content types, permissions)

    with CaptureQueriesContext(connection) as small_queries:
        client.get(url(small))
    with django_assert_num_queries(len(small_queries)):
        response = client.get(url(large))

    assert response.context["preview"].rows[0] == ("tiers.address", "Adresses", 5)


def test_delete_post_deletes_and_goes_to_the_list(tenant, manager, login):
    third_party = full_third_party(tenant)

    response = login(manager).post(url(third_party), {"reason": "Créé par erreur"}, follow=True)

    assert response.redirect_chain == [("/tiers/clients/", 302)]
    assert [str(m) for m in response.context["messages"]] == [
        f"Le tiers {third_party.code} — {third_party.name} est supprimé définitivement."
    ]
    assert set(_rows(tenant, third_party).values()) == {0}


def test_delete_post_of_a_prospect_goes_to_the_prospect_list(tenant, manager, login):
    prospect = ProspectFactory(tenant=tenant)

    response = login(manager).post(url(prospect))

    assert response.url == "/tiers/prospects/"


def test_delete_refused_shows_the_message_and_deletes_nothing(tenant, manager, login):
    third_party = full_third_party(tenant)
    _protected_by_a_bill_to(tenant, third_party)
    client = login(manager)
    message = (
        "Ce tiers ne peut pas être supprimé : il est encore utilisé par Tiers « C900001 — Filiale Ouest »."
    )

    page = client.get(url(third_party))
    response = client.post(url(third_party))

    assert message in page.content.decode()
    assert "Supprimer définitivement" not in page.content.decode()
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [message]
    assert _rows(tenant, third_party) == FULL


@pytest.mark.parametrize("role", ["Commercial", "Technicien"])
def test_delete_refused_to_roles_without_the_right(tenant, login, role):
    third_party = TPFactory(tenant=tenant)
    client = login(member(tenant, role))

    assert client.get(url(third_party)).status_code == 403
    assert client.post(url(third_party)).status_code == 403
    with scope(tenant=tenant):
        assert ThirdParty.objects.filter(pk=third_party.pk).exists()


def test_delete_of_another_tenants_third_party_is_404(tenant, other_tenant, login):
    third_party = TPFactory(tenant=other_tenant)
    client = login(member(tenant, "Administrateur"))

    assert client.get(url(third_party)).status_code == 404
    assert client.post(url(third_party)).status_code == 404
    with scope(tenant=other_tenant):
        assert ThirdParty.objects.filter(pk=third_party.pk).exists()
