"""Secondary reps and suivi commercial: services (audited, French refusals) and follow_ups_for."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from crm.models import AuditEntry, Membership, MembershipBusinessLine, MembershipOrganisation
from tests.factories import BusinessLineFactory, InternalOrganisationFactory, member
from tests.tiers.factories_sites_banks import CustomerFactory
from tests.tiers.factories_terms import FollowUpFactory, SegmentFactory
from tiers.models import CommercialFollowUp, SecondaryRep, SegmentKind
from tiers.selectors_terms import follow_ups_for
from tiers.services.terms_reps import (
    follow_up_add,
    follow_up_change,
    follow_up_remove,
    secondary_rep_add,
    secondary_rep_remove,
)


@pytest.fixture
def actor(tenant):
    return member(tenant, "Commercial")


@pytest.fixture
def customer(tenant):
    return CustomerFactory(tenant=tenant)


def messages_of(exc) -> dict:
    return exc.value.message_dict


def test_secondary_rep_add_and_remove_are_audited(in_tenant, actor, customer):
    role = SegmentFactory(tenant=in_tenant, kind=SegmentKind.REP_ROLE, label="Technico-commercial")
    family = SegmentFactory(tenant=in_tenant, kind=SegmentKind.PRODUCT_FAMILY, label="Impression")

    row = secondary_rep_add(
        tenant=in_tenant, actor=actor, third_party=customer, user=actor, role=role, product_family=family
    )
    secondary_rep_remove(tenant=in_tenant, actor=actor, secondary_rep=row)

    assert not SecondaryRep.objects.exists()
    added, removed = AuditEntry.objects.filter(action__startswith="third_party.secondary_rep").order_by("pk")
    assert added.changes == {
        "user_id": [None, actor.pk],
        "role_id": [None, role.pk],
        "product_family_id": [None, family.pk],
    }
    assert removed.changes["user_id"] == [actor.pk, None]
    assert added.object_id == str(customer.pk)


def test_secondary_rep_refused_twice_with_the_same_role_and_family(in_tenant, actor, customer):
    secondary_rep_add(tenant=in_tenant, actor=actor, third_party=customer, user=actor)

    with pytest.raises(ValidationError) as exc:
        secondary_rep_add(tenant=in_tenant, actor=actor, third_party=customer, user=actor)

    assert messages_of(exc) == {
        "user": ["Ce représentant est déjà enregistré avec ce rôle et cette famille de produit."]
    }


def test_secondary_rep_refused_for_a_non_member_or_a_wrong_list_value(
    in_tenant, other_tenant, actor, customer
):
    outsider = member(other_tenant)
    wrong = SegmentFactory(tenant=in_tenant, kind=SegmentKind.PRODUCT_FAMILY)
    inactive = SegmentFactory(tenant=in_tenant, kind=SegmentKind.REP_ROLE, is_active=False)

    with pytest.raises(ValidationError) as not_member:
        secondary_rep_add(tenant=in_tenant, actor=actor, third_party=customer, user=outsider)
    with pytest.raises(ValidationError) as wrong_list:
        secondary_rep_add(tenant=in_tenant, actor=actor, third_party=customer, user=actor, role=wrong)
    with pytest.raises(ValidationError) as inactive_role:
        secondary_rep_add(tenant=in_tenant, actor=actor, third_party=customer, user=actor, role=inactive)

    assert messages_of(not_member) == {
        "user": ["Ce représentant n'est pas un utilisateur actif de la société."]
    }
    assert messages_of(wrong_list) == {"role": ["Valeur inconnue ou inactive dans cette liste."]}
    assert messages_of(inactive_role) == {"role": ["Valeur inconnue ou inactive dans cette liste."]}


def test_follow_up_add_change_remove_audited(in_tenant, actor, customer):
    organisation = InternalOrganisationFactory(tenant=in_tenant, name="Agence Lyon")
    line = BusinessLineFactory(tenant=in_tenant, name="Impression")
    other_rep = member(in_tenant)

    row = follow_up_add(
        tenant=in_tenant,
        actor=actor,
        third_party=customer,
        organisation=organisation,
        business_line=line,
        rep=actor,
    )
    follow_up_change(
        tenant=in_tenant,
        actor=actor,
        follow_up=row,
        organisation=organisation,
        business_line=line,
        rep=other_rep,
    )
    assert CommercialFollowUp.objects.get().rep == other_rep
    follow_up_remove(tenant=in_tenant, actor=actor, follow_up=row)

    assert not CommercialFollowUp.objects.exists()
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions == [
        "third_party.follow_up_add",
        "third_party.follow_up_change",
        "third_party.follow_up_remove",
    ]
    assert AuditEntry.objects.get(action="third_party.follow_up_change").changes["rep_id"] == [
        actor.pk,
        other_rep.pk,
    ]


def test_follow_up_refused_twice_for_one_organisation_and_business_line(in_tenant, actor, customer):
    existing = FollowUpFactory(third_party=customer, rep=actor)
    other = FollowUpFactory(third_party=customer, rep=actor)

    with pytest.raises(ValidationError) as added:
        follow_up_add(
            tenant=in_tenant,
            actor=actor,
            third_party=customer,
            organisation=existing.organisation,
            business_line=existing.business_line,
            rep=actor,
        )
    with pytest.raises(ValidationError) as changed:
        follow_up_change(
            tenant=in_tenant,
            actor=actor,
            follow_up=other,
            organisation=existing.organisation,
            business_line=existing.business_line,
            rep=actor,
        )

    message = (
        f"Le suivi commercial de {existing.organisation.name} pour l'activité "
        f"{existing.business_line.name} existe déjà."
    )
    assert messages_of(added) == {"business_line": [message]}
    assert messages_of(changed) == {"business_line": [message]}


def test_follow_up_refused_for_another_tenants_rows_or_a_non_member(in_tenant, other_tenant, actor, customer):
    foreign_org = InternalOrganisationFactory(tenant=other_tenant)
    foreign_line = BusinessLineFactory(tenant=other_tenant)

    with pytest.raises(ValidationError) as exc:
        follow_up_add(
            tenant=in_tenant,
            actor=actor,
            third_party=customer,
            organisation=foreign_org,
            business_line=foreign_line,
            rep=member(other_tenant),
        )

    assert messages_of(exc) == {
        "organisation": ["Organisation interne inconnue."],
        "business_line": ["Activité inconnue."],
        "rep": ["Ce représentant n'est pas un utilisateur actif de la société."],
    }


def test_follow_ups_for_restricted_keeps_the_users_organisations_and_business_lines(in_tenant, customer):
    lyon, paris = (InternalOrganisationFactory(tenant=in_tenant, name=name) for name in ("Lyon", "Paris"))
    printing, it = (
        BusinessLineFactory(tenant=in_tenant, name=name) for name in ("Impression", "Informatique")
    )
    rep = member(in_tenant)
    for organisation in (lyon, paris):
        for line in (printing, it):
            FollowUpFactory(third_party=customer, organisation=organisation, business_line=line, rep=rep)
    user = member(in_tenant)
    membership = Membership.objects.get(user=user)
    MembershipOrganisation.objects.create(tenant=in_tenant, membership=membership, organisation=lyon)
    MembershipBusinessLine.objects.create(tenant=in_tenant, membership=membership, business_line=printing)

    every = follow_ups_for(tenant=in_tenant, third_party=customer, user=user)
    restricted = follow_ups_for(tenant=in_tenant, third_party=customer, user=user, restricted=True)

    assert every.count() == 4
    assert [(row.organisation.name, row.business_line.name) for row in restricted] == [("Lyon", "Impression")]


def test_follow_ups_for_restricted_user_without_organisation_is_restricted_on_lines_only(in_tenant, customer):
    printing, it = (
        BusinessLineFactory(tenant=in_tenant, name=name) for name in ("Impression", "Informatique")
    )
    FollowUpFactory(third_party=customer, business_line=printing)
    FollowUpFactory(third_party=customer, business_line=it)
    user = member(in_tenant)
    MembershipBusinessLine.objects.create(
        tenant=in_tenant, membership=Membership.objects.get(user=user), business_line=it
    )
    free = member(in_tenant)

    restricted = follow_ups_for(tenant=in_tenant, third_party=customer, user=user, restricted=True)
    unrestricted = follow_ups_for(tenant=in_tenant, third_party=customer, user=free, restricted=True)

    assert [row.business_line.name for row in restricted] == ["Informatique"]
    assert unrestricted.count() == 2
