"""Merge of a third party into another (tiers.services.merge): the dry run, the merge of the
address-001 case with every related row counted before and after, the hooks, the refusals."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from crm.events import domain_events
from crm.models import AuditEntry
from tests.factories import member
from tests.tiers.factories_links import FiliationLinkFactory, types
from tests.tiers.factories_merge import DROPPED, merge_case, row_counts
from tests.tiers.factories_sites_banks import CustomerFactory, reserved_customer
from tiers import models as tiers
from tiers.merge_hooks import MERGED_EVENT, ChangeKind, merge_hook_get
from tiers.services.merge import merge_links, merge_plan, third_party_merge


@pytest.fixture
def manager(tenant):
    return member(tenant, "Manager")


@pytest.fixture
def case(tenant):
    return merge_case(tenant)


def _merge(tenant, manager, case, **kwargs):
    with scope(tenant=tenant):
        return third_party_merge(
            tenant=tenant, actor=manager, survivor=case.survivor, loser=case.loser, **kwargs
        )


# --- The model graph ------------------------------------------------------------------------------


def test_merge_links_cover_hidden_foreign_keys_and_generic_relations(db):
    keys = {link.key for link in merge_links()}

    # related_name="+" relations are hidden from _meta.related_objects: they must be there too.
    assert {
        "tiers.ThirdParty.bill_to",
        "tiers.ThirdParty.payer",
        "tiers.ThirdParty.group",
        "tiers.ThirdParty.credit_insurer",
        "tiers.ShipTo.carrier",
        "tiers.ManagementLink.linked",
        "tiers.FiliationLink.linked",
        "tiers.Relation.target",
        "tiers.CharacteristicValue.object_id",
        "tiers.ThirdPartyVisibility.third_party",
    } <= keys
    assert "tiers.Contact.third_parties" not in keys  # the many-to-many goes through ContactLink


def test_every_tiers_model_unique_per_parent_has_a_hook(db):
    for label in (
        "Address",
        "Site",
        "ContactLink",
        "BankAccount",
        "ManagementLink",
        "FiliationLink",
        "Relation",
        "ThirdPartyTag",
        "ThirdPartyClassification",
        "ThirdPartyStatisticalFamily",
        "SecondaryRep",
        "CommercialFollowUp",
        "ThirdPartyAllowedUser",
        "CharacteristicValue",
        "ThirdPartyVisibility",
    ):
        assert merge_hook_get(getattr(tiers, label)) is not None, label
    assert merge_hook_get(tiers.ShipTo) is None  # simply re-pointed


# --- Dry run --------------------------------------------------------------------------------------


def test_merge_plan_lists_moves_values_codes_defaults_and_duplicates(tenant, case):
    with scope(tenant=tenant):
        plan = merge_plan(tenant=tenant, survivor=case.survivor, loser=case.loser)

    rows = {relation.link.key: (relation.count, relation.moved) for relation in plan.moving}
    assert rows["tiers.Address.third_party"] == (2, 2)
    assert rows["tiers.ContactLink.third_party"] == (2, 1)
    assert rows["tiers.ThirdPartyTag.third_party"] == (2, 1)
    assert rows["tiers.ManagementLink.linked"] == (1, 0)
    assert rows["tiers.CharacteristicValue.object_id"] == (2, 1)
    assert rows["tiers.ThirdParty.bill_to"] == (1, 1)
    assert rows["tiers.ThirdPartyVisibility.third_party"] == (1, 0)
    assert [change.label for change in plan.renamed] == [
        "Adresse 001 du tiers absorbé renommée 003 ; L'adresse 001 n'est plus l'adresse par défaut"
    ]
    assert sorted(change.model._meta.label for change in plan.demoted) == [
        "tiers.BankAccount",
        "tiers.ContactLink",
        "tiers.Site",
    ]
    assert {fill.name: fill.display for fill in plan.fills} == {
        "siren": "732829320",
        "accounting_code": "411PERD",
    }
    assert sorted(change.model._meta.label for change in plan.dropped) == [
        "tiers.CharacteristicValue",
        "tiers.ContactLink",
        "tiers.ManagementLink",
        "tiers.ThirdPartyTag",
        "tiers.ThirdPartyVisibility",
    ]
    assert "Doublon supprimé : PARTAGÉ Jean" in [change.label for change in plan.dropped]


def test_merge_plan_writes_nothing(tenant, case):
    before = row_counts(tenant)

    with scope(tenant=tenant), CaptureQueriesContext(connection) as queries:
        merge_plan(tenant=tenant, survivor=case.survivor, loser=case.loser)

    assert queries.captured_queries
    assert all(query["sql"].lstrip().upper().startswith("SELECT") for query in queries.captured_queries)
    assert row_counts(tenant) == before


def test_merge_plan_hash_is_stable_and_follows_the_data(tenant, case):
    with scope(tenant=tenant):
        first = merge_plan(tenant=tenant, survivor=case.survivor, loser=case.loser).hash
        again = merge_plan(tenant=tenant, survivor=case.survivor, loser=case.loser).hash
        tiers.ThirdPartyTag.objects.create(
            tenant=tenant, third_party=case.loser, tag=tiers.Tag.objects.create(tenant=tenant, label="Neuf")
        )
        changed = merge_plan(tenant=tenant, survivor=case.survivor, loser=case.loser).hash

    assert first == again != changed


# --- The merge (address 001 case) -----------------------------------------------------------------


def test_third_party_merge_keeps_every_related_row(tenant, manager, case):
    before = row_counts(tenant)

    survivor = _merge(tenant, manager, case)

    after = row_counts(tenant)
    assert {
        label: before[label] - after[label] for label in before if before[label] != after[label]
    } == DROPPED
    with scope(tenant=tenant):
        assert not tiers.ThirdParty.objects.filter(pk=case.loser.pk).exists()
        addresses = dict(tiers.Address.objects.filter(third_party=survivor).values_list("code", "is_default"))
        assert addresses == {"001": True, "002": False, "003": False}
        assert tiers.Address.objects.get(pk=case.loser_001.pk).code == "003"
        assert tiers.Address.objects.filter(third_party=survivor, is_default=True).count() == 1
        assert tiers.BankAccount.objects.filter(third_party=survivor).count() == 2
        assert tiers.BankAccount.objects.filter(third_party=survivor, is_default=True).count() == 1
        assert tiers.Site.objects.filter(third_party=survivor, is_main=True).count() == 1
        assert tiers.ContactLink.objects.filter(third_party=survivor, is_default=True).count() == 1
        assert tiers.ContactLink.objects.filter(third_party=survivor).count() == 3
        # The loser's site and ship-to still use its (renamed / kept) addresses, now the survivor's.
        assert tiers.Site.objects.get(third_party=survivor, is_main=False).address_id == case.loser_001.pk
        assert tiers.ShipTo.objects.get(third_party=survivor).address_id == case.loser_002.pk
        case.billed.refresh_from_db()
        assert case.billed.bill_to_id == survivor.pk
        assert tiers.ManagementLink.objects.filter(third_party=survivor).count() == 0
        assert tiers.FiliationLink.objects.filter(third_party=survivor).count() == 1
        assert tiers.Relation.objects.filter(target=survivor).count() == 1
        values = dict(
            tiers.CharacteristicValue.objects.filter(object_id=survivor.pk).values_list(
                "field__label", "value_text"
            )
        )
        assert values == {"Remarque": "Garde", "Copieurs": "3"}
        assert sorted(
            tiers.ThirdPartyTag.objects.filter(third_party=survivor).values_list("tag__label", flat=True)
        ) == [
            "Salon",
            "VIP",
        ]
        assert tiers.ThirdPartyVisibility.objects.filter(third_party=survivor).count() == 1
    assert (survivor.siren, survivor.accounting_code, survivor.code) == ("732829320", "411PERD", "SURV")


def test_third_party_merge_audits_and_emits_the_event(tenant, manager, case):
    received = []

    def handler(**payload):
        received.append(payload)

    domain_events.subscribe(MERGED_EVENT, handler)
    try:
        survivor = _merge(tenant, manager, case)
    finally:
        domain_events.unsubscribe(MERGED_EVENT, handler)

    assert received == [{"tenant": tenant, "survivor_id": survivor.pk, "loser_id": case.loser.pk}]
    with scope(tenant=tenant):
        merged = AuditEntry.objects.get(action="third_party.merge", object_id=str(survivor.pk))
        gone = AuditEntry.objects.get(action="third_party.merged_into", object_id=str(case.loser.pk))
    assert merged.changes["merge"][1]["loser"][:2] == [case.loser.pk, "PERD"]
    assert merged.reason == "Fusion du tiers PERD — Bureautique Lyonnaise (doublon)"
    assert gone.changes["code"] == ["PERD", None]
    assert gone.changes["merged_into"] == [None, survivor.pk]


def test_third_party_merge_with_the_confirmed_plan_hash(tenant, manager, case):
    with scope(tenant=tenant):
        plan_hash = merge_plan(tenant=tenant, survivor=case.survivor, loser=case.loser).hash

    survivor = _merge(tenant, manager, case, expected_plan_hash=plan_hash)

    assert survivor.pk == case.survivor.pk


def test_third_party_merge_refused_when_the_data_changed_since_the_dry_run(tenant, manager, case):
    with scope(tenant=tenant):
        plan_hash = merge_plan(tenant=tenant, survivor=case.survivor, loser=case.loser).hash
        tiers.Address.objects.filter(pk=case.loser_002.pk).update(code="009")

    with pytest.raises(ValidationError) as refused:
        _merge(tenant, manager, case, expected_plan_hash=plan_hash)

    assert refused.value.messages == ["Les données ont changé depuis l'aperçu : vérifiez à nouveau."]
    with scope(tenant=tenant):
        assert tiers.ThirdParty.objects.filter(pk=case.loser.pk).exists()


def test_third_party_merge_survivor_self_reference_is_cleared_and_filled(tenant, manager):
    insurer = CustomerFactory(tenant=tenant)
    loser = CustomerFactory(tenant=tenant, credit_insurer=insurer)
    survivor = CustomerFactory(tenant=tenant, payer=loser)

    with scope(tenant=tenant):
        plan = merge_plan(tenant=tenant, survivor=survivor, loser=loser)
        assert [change.kind for change in plan.dropped] == [ChangeKind.UNLINK, ChangeKind.DROP]
        survivor = third_party_merge(tenant=tenant, actor=manager, survivor=survivor, loser=loser)

    assert survivor.payer_id is None
    assert survivor.credit_insurer_id == insurer.pk


def test_third_party_merge_reserves_the_survivor_to_the_losers_users(tenant, manager):
    loser = reserved_customer(tenant)
    survivor = CustomerFactory(tenant=tenant)
    with scope(tenant=tenant):
        owner = tiers.ThirdPartyAllowedUser.objects.get(third_party=loser).user
        tiers.ThirdPartyAllowedUser.objects.create(tenant=tenant, third_party=loser, user=manager)
        plan = merge_plan(tenant=tenant, survivor=survivor, loser=loser)
        assert plan.notes
        survivor = third_party_merge(tenant=tenant, actor=manager, survivor=survivor, loser=loser)
        visibility = tiers.ThirdPartyVisibility.objects.get(third_party=survivor)

    assert survivor.is_reserved and visibility.is_reserved
    assert owner.has_perm("tiers.view_thirdparty", survivor)


# --- Refusals -------------------------------------------------------------------------------------


def _refused(tenant, manager, survivor, loser) -> list[str]:
    with scope(tenant=tenant), pytest.raises(ValidationError) as refused:
        third_party_merge(tenant=tenant, actor=manager, survivor=survivor, loser=loser)
    return refused.value.messages


def test_third_party_merge_refused_with_itself(tenant, manager, case):
    assert _refused(tenant, manager, case.survivor, case.survivor) == [
        "Un tiers ne peut pas être fusionné avec lui-même."
    ]


@pytest.mark.parametrize("code", ["MERE", "FILIALE"])
def test_third_party_merge_refused_with_its_own_subsidiary(tenant, manager, case, code):
    with scope(tenant=tenant):
        FiliationLinkFactory(
            tenant=tenant,
            third_party=case.loser,
            linked=case.survivor,
            link_type=types(tenant)[f"fil:{code}"],
        )

    assert _refused(tenant, manager, case.survivor, case.loser) == [
        "Impossible de fusionner une société avec sa propre filiale."
    ]


def test_third_party_merge_accepted_with_a_transverse_filiation(tenant, manager, case):
    with scope(tenant=tenant):
        FiliationLinkFactory(
            tenant=tenant,
            third_party=case.loser,
            linked=case.survivor,
            link_type=types(tenant)["fil:PARTENAIRE"],
        )

    survivor = _merge(tenant, manager, case)

    with scope(tenant=tenant):
        assert not tiers.FiliationLink.objects.filter(third_party=survivor, linked=survivor).exists()


def test_third_party_merge_refused_with_its_group(tenant, manager):
    group = CustomerFactory(tenant=tenant)
    member_company = CustomerFactory(tenant=tenant, group=group)

    assert _refused(tenant, manager, member_company, group) == [
        "Impossible de fusionner une société avec sa propre filiale."
    ]
    assert _refused(tenant, manager, group, member_company) == [
        "Impossible de fusionner une société avec sa propre filiale."
    ]


def test_third_party_merge_refused_across_tenants(tenant, other_tenant, manager):
    survivor = CustomerFactory(tenant=tenant)
    stranger = CustomerFactory(tenant=other_tenant)

    assert _refused(tenant, manager, survivor, stranger) == [
        "Seuls deux tiers de la même société peuvent être fusionnés."
    ]


def test_third_party_merge_refused_with_a_party_reserved_to_others(tenant, manager):
    survivor = CustomerFactory(tenant=tenant)
    hidden = reserved_customer(tenant)

    assert _refused(tenant, manager, survivor, hidden) == [
        f"Le tiers {hidden.code} ne vous est pas accessible (fermé ou réservé) : fusion impossible."
    ]
