"""The quick-search index writer (crm.search): normalisation, documents, maintenance, rebuild."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django_scopes import scope, scopes_disabled

from crm.models import SearchEntry, SearchKind, SearchToken
from crm.search import capped_text, compact, phone_token, search_index_rebuild
from tests.factories import member
from tests.tiers.factories import (
    AddressFactory,
    ContactFactory,
    ContactLinkFactory,
    SiteFactory,
    ThirdPartyFactory,
)
from tests.tiers.factories_merge import merge_case
from tests.tiers.factories_third_parties import phone_add
from tiers.models import Lifecycle
from tiers.services.merge import third_party_merge
from tiers.services.third_parties import third_party_close


def entries(tenant, kind=None):
    with scope(tenant=tenant):
        rows = SearchEntry.objects.filter(tenant=tenant)
        if kind is not None:
            rows = rows.filter(kind=kind)
        return list(rows.order_by("kind", "object_id", "customer_id"))


def tokens(tenant, object_id, kind):
    with scope(tenant=tenant):
        entry_ids = SearchEntry.objects.filter(tenant=tenant, kind=kind, object_id=object_id).values("id")
        return set(
            SearchToken.objects.filter(tenant=tenant, entry_id__in=entry_ids).values_list("token", flat=True)
        )


def test_normalisation_helpers():
    assert compact("CMD-2024-000123") == "cmd2024000123"
    assert phone_token("0123456789") == "#9876543210"
    assert capped_text(["Société Générale", "Œuvres", "société"]) == "societe generale oeuvres"
    text = capped_text(["mot" + str(index) for index in range(200)])
    assert len(text) <= 256 and not text.endswith(" ")


def test_third_party_create_writes_entry_and_tokens(tenant):
    customer = ThirdPartyFactory(
        tenant=tenant, code="CLI-042", name="Électricité Générale", siren="732829320"
    )
    with scope(tenant=tenant):
        AddressFactory(third_party=customer, tenant=tenant, postal_code="69002", city="LYON")
    [entry] = entries(tenant, SearchKind.CUSTOMER)
    assert (entry.object_id, entry.customer_id, entry.label) == (
        customer.pk,
        customer.pk,
        "Électricité Générale",
    )
    assert entry.sublabel == "CLI-042 · 69002 LYON"
    assert {"electricite", "generale", "cli", "042", "cli042", "732829320", "69002", "lyon"} <= tokens(
        tenant, customer.pk, SearchKind.CUSTOMER
    )


def test_prospect_is_indexed_as_prospect_then_customer(tenant):
    prospect = ThirdPartyFactory(tenant=tenant, lifecycle=Lifecycle.PROSPECT_DRAFT)
    assert [e.kind for e in entries(tenant)] == [SearchKind.PROSPECT]
    with scope(tenant=tenant):
        prospect.lifecycle = Lifecycle.CUSTOMER
        prospect.save(update_fields=["lifecycle"])
    assert [e.kind for e in entries(tenant)] == [SearchKind.CUSTOMER]


def test_edit_rewrites_and_unrelated_save_is_skipped(tenant):
    customer = ThirdPartyFactory(tenant=tenant, name="Ancien Nom")
    with scope(tenant=tenant):
        customer.name = "Nouveau Nom"
        customer.save()
    assert "ancien" not in tokens(tenant, customer.pk, SearchKind.CUSTOMER)
    assert "nouveau" in tokens(tenant, customer.pk, SearchKind.CUSTOMER)
    before = entries(tenant)[0].pk
    with scope(tenant=tenant):
        customer.observations = "sans effet"
        customer.save(update_fields=["observations"])
    assert entries(tenant)[0].pk == before


def test_delete_drops_rows(tenant):
    customer = ThirdPartyFactory(tenant=tenant)
    contact_link = ContactLinkFactory(third_party=customer, tenant=tenant)
    with scope(tenant=tenant):
        contact_link.contact.delete()
        assert entries(tenant, SearchKind.CONTACT) == []
        customer.delete()
        assert entries(tenant) == []
        assert not SearchToken.objects.filter(tenant=tenant).exists()


def test_address_phone_reindexes_its_third_party(tenant):
    customer = ThirdPartyFactory(tenant=tenant)
    with scope(tenant=tenant):
        address = AddressFactory(third_party=customer, tenant=tenant)
    phone = phone_add(address, "+33123456789", "0123456789")
    assert "#9876543210" in tokens(tenant, customer.pk, SearchKind.CUSTOMER)
    with scope(tenant=tenant):
        phone.delete()
    assert "#9876543210" not in tokens(tenant, customer.pk, SearchKind.CUSTOMER)


def test_site_follows_its_address(tenant):
    site = SiteFactory(tenant=tenant, third_party__tenant=tenant, address__tenant=tenant, name="Dépôt Nord")
    with scope(tenant=tenant):
        site.address.city = "GRENOBLE"
        site.address.save()
    [entry] = entries(tenant, SearchKind.SITE)
    assert entry.customer_id == site.third_party_id and "grenoble" in entry.text


def test_shared_contact_has_one_entry_per_link(tenant):
    contact = ContactFactory(tenant=tenant, first_name="Jean", last_name="Dupont", phone_digits="0612345678")
    first = ContactLinkFactory(tenant=tenant, contact=contact)
    second = ContactLinkFactory(tenant=tenant, contact=contact)
    rows = entries(tenant, SearchKind.CONTACT)
    assert [(e.object_id, e.customer_id) for e in rows] == [
        (contact.pk, first.third_party_id),
        (contact.pk, second.third_party_id),
    ]
    assert "#8765432160" in tokens(tenant, contact.pk, SearchKind.CONTACT)
    with scope(tenant=tenant):
        second.is_active = False
        second.save()
    assert [e.customer_id for e in entries(tenant, SearchKind.CONTACT)] == [first.third_party_id]


def test_merge_moves_rows_to_the_survivor(tenant):
    manager = member(tenant, "Manager")
    case = merge_case(tenant)
    with scope(tenant=tenant):
        third_party_merge(tenant=tenant, actor=manager, survivor=case.survivor, loser=case.loser)
    customers = {e.object_id for e in entries(tenant, SearchKind.CUSTOMER)}
    assert case.loser.pk not in customers and case.survivor.pk in customers
    assert all(e.customer_id != case.loser.pk for e in entries(tenant))
    assert {e.customer_id for e in entries(tenant, SearchKind.SITE)} >= {case.survivor.pk}
    _rebuilt(tenant)  # what the merge left is what a rebuild writes


def test_close_rewrites_nothing(tenant):
    customer = ThirdPartyFactory(tenant=tenant)
    before = [(e.pk, e.text) for e in entries(tenant)]
    with scope(tenant=tenant):
        third_party_close(tenant=tenant, actor=member(tenant, "Manager"), third_party=customer)
    assert [(e.pk, e.text) for e in entries(tenant)] == before


def _rebuilt(tenant):
    """The tenant's entries as a rebuild makes them (compared without ids)."""
    key = [(e.kind, e.object_id, e.customer_id, e.text, e.label, e.sublabel) for e in entries(tenant)]
    with scopes_disabled():
        search_index_rebuild(tenant_id=tenant.pk)
    rebuilt = [(e.kind, e.object_id, e.customer_id, e.text, e.label, e.sublabel) for e in entries(tenant)]
    assert rebuilt == key
    return entries(tenant)


@pytest.mark.django_db
def test_rebuild_command_gives_what_the_signals_wrote(tenant, other_tenant):
    customer = ThirdPartyFactory(tenant=tenant, name="Société Générale")
    ContactLinkFactory(third_party=customer, tenant=tenant)
    SiteFactory(tenant=tenant, third_party=customer, address__third_party=customer, address__tenant=tenant)
    ThirdPartyFactory(tenant=other_tenant)
    incremental = [(e.kind, e.object_id, e.customer_id, e.text, e.sublabel) for e in entries(tenant)]
    other_before = [e.pk for e in entries(other_tenant)]
    call_command("rebuild_search_index", "--tenant", tenant.code, stdout=io.StringIO())
    assert [(e.kind, e.object_id, e.customer_id, e.text, e.sublabel) for e in entries(tenant)] == incremental
    assert [e.pk for e in entries(other_tenant)] == other_before
