"""Services and selectors of the links: management links (rules, default demotion, candidates),
filiation links (self, duplicate, loop, direction seen from both sides), relations, link types."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from crm.models import AuditEntry
from tests.factories import member
from tests.tiers.factories_links import (
    ContactFactory,
    CustomerFactory,
    FiliationLinkFactory,
    ManagementLinkFactory,
    types,
)
from tiers.models import (
    BILL_TO,
    ORDERING_PARTY,
    SHIP_TO_SITE,
    FiliationLinkType,
    ManagementLink,
    ManagementLinkType,
    Relation,
    RelationType,
)
from tiers.selectors_links import (
    bill_to_candidates,
    filiation_links_of,
    management_links_of,
    ship_to_candidates,
)
from tiers.services import links as services


@pytest.fixture
def user(tenant):
    return member(tenant, "Commercial")


def _messages(exc: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return exc.value.message_dict


def _create(tenant, user, third_party, linked, role=ORDERING_PARTY, linked_role=BILL_TO, **kwargs):
    return services.management_link_create(
        tenant=tenant,
        actor=user,
        third_party=third_party,
        role_code=role,
        linked=linked,
        linked_role_code=linked_role,
        **kwargs,
    )


# --- Management links -----------------------------------------------------------------------------


def test_management_link_create_from_the_ordering_party(in_tenant, user):
    types(in_tenant)
    a, b = CustomerFactory(tenant=in_tenant), CustomerFactory(tenant=in_tenant)

    link = _create(in_tenant, user, a, b, is_default=True)

    assert (link.third_party, link.role.code, link.linked, link.linked_role.code) == (
        a,
        ORDERING_PARTY,
        b,
        BILL_TO,
    )
    assert link.is_default
    assert AuditEntry.objects.filter(tenant=in_tenant, action="managementlink.create").count() == 1


def test_management_link_created_from_the_bill_to_side_is_stored_from_the_ordering_party(in_tenant, user):
    types(in_tenant)
    a, b = CustomerFactory(tenant=in_tenant), CustomerFactory(tenant=in_tenant)

    link = _create(in_tenant, user, b, a, role=BILL_TO, linked_role=ORDERING_PARTY)

    assert (link.third_party, link.linked, link.linked_role.code) == (a, b, BILL_TO)


def test_management_link_refused_when_the_types_are_missing(in_tenant, user):
    ManagementLinkType.objects.create(tenant=in_tenant, code=ORDERING_PARTY, label="Donneur d'ordre")
    a, b = CustomerFactory(tenant=in_tenant), CustomerFactory(tenant=in_tenant)

    with pytest.raises(ValidationError) as exc:
        _create(in_tenant, user, a, b, linked_role=SHIP_TO_SITE)

    assert _messages(exc) == {"role": ["Les types de lien DONORDRE et SITE_LIV doivent être créés."]}


def test_management_link_refused_without_an_ordering_party(in_tenant, user):
    types(in_tenant)
    a, b = CustomerFactory(tenant=in_tenant), CustomerFactory(tenant=in_tenant)

    with pytest.raises(ValidationError) as exc:
        _create(in_tenant, user, a, b, role=BILL_TO, linked_role=SHIP_TO_SITE)

    assert _messages(exc) == {
        "role": ["Un lien de gestion doit toujours comporter un type de lien de code DONORDRE."]
    }


def test_management_link_refused_between_two_ordering_parties(in_tenant, user):
    types(in_tenant)
    a, b = CustomerFactory(tenant=in_tenant), CustomerFactory(tenant=in_tenant)

    with pytest.raises(ValidationError) as exc:
        _create(in_tenant, user, a, b, linked_role=ORDERING_PARTY)

    assert _messages(exc) == {
        "linked_role": [
            "L'autre tiers du lien doit être de type CL_A_FACT (client à facturer) "
            "ou SITE_LIV (site de livraison)."
        ]
    }


def test_management_link_refused_to_itself(in_tenant, user):
    types(in_tenant)
    a = CustomerFactory(tenant=in_tenant)

    with pytest.raises(ValidationError) as exc:
        _create(in_tenant, user, a, a)

    assert _messages(exc) == {"linked": ["Un tiers ne peut pas être lié à lui-même."]}


def test_management_link_refused_twice(in_tenant, user):
    types(in_tenant)
    a, b = CustomerFactory(tenant=in_tenant), CustomerFactory(tenant=in_tenant)
    _create(in_tenant, user, a, b)

    with pytest.raises(ValidationError) as exc:
        _create(in_tenant, user, b, a, role=BILL_TO, linked_role=ORDERING_PARTY)

    assert _messages(exc) == {"linked": ["Ce lien de gestion existe déjà."]}


def test_management_link_refused_with_a_party_hidden_from_the_user(in_tenant, user):
    types(in_tenant)
    a = CustomerFactory(tenant=in_tenant)
    closed = CustomerFactory(tenant=in_tenant, is_closed=True, closed_at=timezone.now())
    reserved = CustomerFactory(tenant=in_tenant, is_reserved=True)

    for hidden in (closed, reserved):
        with pytest.raises(ValidationError) as exc:
            _create(in_tenant, user, a, hidden)
        assert _messages(exc) == {"linked": ["Tiers introuvable."]}


def test_management_link_refused_with_another_tenants_party(in_tenant, other_tenant, user):
    types(in_tenant)
    a, foreign = CustomerFactory(tenant=in_tenant), CustomerFactory(tenant=other_tenant)

    with pytest.raises(ValidationError) as exc:
        _create(in_tenant, user, a, foreign)

    assert _messages(exc) == {"linked": ["Tiers introuvable."]}


def test_management_link_default_refused_on_a_ship_to_link(in_tenant, user):
    types(in_tenant)
    a, b = CustomerFactory(tenant=in_tenant), CustomerFactory(tenant=in_tenant)

    with pytest.raises(ValidationError) as exc:
        _create(in_tenant, user, a, b, linked_role=SHIP_TO_SITE, is_default=True)

    assert _messages(exc) == {
        "is_default": [
            "L'option « par défaut » ne concerne que le client à facturer : "
            "elle n'a pas d'effet sur un lien de site de livraison."
        ]
    }


def test_management_link_new_default_demotes_the_previous_one(in_tenant, user):
    types(in_tenant)
    a, b, c = (CustomerFactory(tenant=in_tenant) for _ in range(3))
    first = _create(in_tenant, user, a, b, is_default=True)

    second = _create(in_tenant, user, a, c, is_default=True)

    first.refresh_from_db()
    assert second.is_default and not first.is_default
    assert ManagementLink.objects.filter(tenant=in_tenant, third_party=a, is_default=True).count() == 1
    demoted = AuditEntry.objects.get(tenant=in_tenant, action="managementlink.default_demote")
    assert demoted.object_id == str(first.pk) and demoted.changes == {"is_default": [True, False]}


def test_management_link_update_changes_the_other_side_and_audits(in_tenant, user):
    types(in_tenant)
    a, b = CustomerFactory(tenant=in_tenant), CustomerFactory(tenant=in_tenant)
    link = _create(in_tenant, user, a, b)

    services.management_link_update(
        tenant=in_tenant,
        actor=user,
        link=link,
        third_party=b,
        role_code=SHIP_TO_SITE,
        linked=a,
        linked_role_code=ORDERING_PARTY,
    )

    link.refresh_from_db()
    assert (link.third_party, link.linked_role.code) == (a, SHIP_TO_SITE)
    assert AuditEntry.objects.filter(tenant=in_tenant, action="managementlink.update").count() == 1


def test_management_link_delete_is_audited(in_tenant, user):
    link = ManagementLinkFactory(tenant=in_tenant, third_party=CustomerFactory(tenant=in_tenant))

    services.management_link_delete(tenant=in_tenant, actor=user, link=link)

    assert not ManagementLink.objects.filter(pk=link.pk).exists()
    assert AuditEntry.objects.filter(tenant=in_tenant, action="managementlink.delete").count() == 1


def test_bill_to_and_ship_to_candidates(in_tenant, user):
    types(in_tenant)
    a = CustomerFactory(tenant=in_tenant, name="Alpha")
    bill_b = CustomerFactory(tenant=in_tenant, name="Bravo")
    bill_c = CustomerFactory(tenant=in_tenant, name="Charlie")
    ship_d = CustomerFactory(tenant=in_tenant, name="Delta")
    hidden = CustomerFactory(tenant=in_tenant, name="Écho", is_reserved=True)
    _create(in_tenant, user, a, bill_b)
    _create(in_tenant, user, bill_c, a, role=BILL_TO, linked_role=ORDERING_PARTY, is_default=False)
    services.management_link_update(
        tenant=in_tenant,
        actor=user,
        link=ManagementLink.objects.get(linked=bill_c),
        third_party=a,
        role_code=ORDERING_PARTY,
        linked=bill_c,
        linked_role_code=BILL_TO,
        is_default=True,
    )
    _create(in_tenant, user, a, ship_d, linked_role=SHIP_TO_SITE)
    _create(in_tenant, None, a, hidden)
    _create(in_tenant, user, bill_b, ship_d, linked_role=SHIP_TO_SITE)  # another ordering party's

    bill_to = bill_to_candidates(tenant=in_tenant, user=user, ordering_party=a)
    ship_to = ship_to_candidates(tenant=in_tenant, user=user, ordering_party=a)

    assert bill_to == [bill_c, a, bill_b]
    assert ship_to == [a, ship_d]


def test_management_links_are_shown_from_both_sides(in_tenant, user):
    types(in_tenant)
    a, b = CustomerFactory(tenant=in_tenant), CustomerFactory(tenant=in_tenant)
    _create(in_tenant, user, a, b, is_default=True)

    (from_a,) = management_links_of(tenant=in_tenant, user=user, third_party=a)
    (from_b,) = management_links_of(tenant=in_tenant, user=user, third_party=b)

    assert (from_a.other, from_a.own_role, from_a.other_role) == (b, "Donneur d'ordre", "Client à facturer")
    assert (from_b.other, from_b.own_role, from_b.other_role) == (a, "Client à facturer", "Donneur d'ordre")


# --- Filiation links ------------------------------------------------------------------------------


def _filiation(tenant, user, third_party, linked, code):
    return services.filiation_link_create(
        tenant=tenant,
        actor=user,
        third_party=third_party,
        linked=linked,
        link_type=types(tenant)[f"fil:{code}"],
    )


def test_filiation_link_reads_inverted_from_the_linked_party(in_tenant, user):
    a, parent, partner = (CustomerFactory(tenant=in_tenant) for _ in range(3))
    _filiation(in_tenant, user, a, parent, "MERE")
    _filiation(in_tenant, user, a, partner, "PARTENAIRE")

    from_a = filiation_links_of(tenant=in_tenant, user=user, third_party=a)
    (from_parent,) = filiation_links_of(tenant=in_tenant, user=user, third_party=parent)
    (from_partner,) = filiation_links_of(tenant=in_tenant, user=user, third_party=partner)

    assert [(row.other, row.arrow, row.direction_label) for row in from_a] == [
        (parent, "↑", "Ascendant"),
        (partner, "↔", "Transverse"),
    ]
    assert (from_parent.other, from_parent.arrow, from_parent.direction_label) == (a, "↓", "Descendant")
    assert from_parent.is_inverse
    assert (from_partner.arrow, from_partner.direction_label) == ("↔", "Transverse")


def test_filiation_link_refused_to_itself_and_twice(in_tenant, user):
    a, b = CustomerFactory(tenant=in_tenant), CustomerFactory(tenant=in_tenant)
    _filiation(in_tenant, user, a, b, "PARTENAIRE")

    with pytest.raises(ValidationError) as itself:
        _filiation(in_tenant, user, a, a, "PARTENAIRE")
    with pytest.raises(ValidationError) as twice:
        _filiation(in_tenant, user, b, a, "PARTENAIRE")

    assert _messages(itself) == {"linked": ["Un tiers ne peut pas être lié à lui-même."]}
    assert _messages(twice) == {"linked": ["Ce lien de filiation existe déjà."]}


def test_filiation_link_refuses_a_parent_subsidiary_loop(in_tenant, user):
    a = CustomerFactory(tenant=in_tenant, name="Alpha")
    b = CustomerFactory(tenant=in_tenant, name="Bravo")
    c = CustomerFactory(tenant=in_tenant, name="Charlie")
    _filiation(in_tenant, user, a, b, "FILIALE")  # A parent of B

    with pytest.raises(ValidationError) as direct:
        _filiation(in_tenant, user, a, b, "MERE")  # B parent of A
    _filiation(in_tenant, user, c, b, "MERE")  # B parent of C
    with pytest.raises(ValidationError) as indirect:
        _filiation(in_tenant, user, a, c, "MERE")  # C parent of A: A → B → C → A

    assert _messages(direct) == {
        "linked": [
            "Lien refusé : Alpha est déjà maison mère (directe ou indirecte) de Bravo ; "
            "un tiers ne peut pas être à la fois maison mère et filiale de l'autre."
        ]
    }
    assert "Alpha est déjà maison mère (directe ou indirecte) de Charlie" in _messages(indirect)["linked"][0]


def test_filiation_link_accepts_a_transverse_link_between_parent_and_subsidiary(in_tenant, user):
    a, b = CustomerFactory(tenant=in_tenant), CustomerFactory(tenant=in_tenant)
    _filiation(in_tenant, user, a, b, "FILIALE")

    link = _filiation(in_tenant, user, b, a, "PARTENAIRE")

    assert link.pk is not None


def test_filiation_link_delete_is_audited(in_tenant, user):
    link = FiliationLinkFactory(tenant=in_tenant, third_party=CustomerFactory(tenant=in_tenant))

    services.filiation_link_delete(tenant=in_tenant, actor=user, link=link)

    assert AuditEntry.objects.filter(tenant=in_tenant, action="filiationlink.delete").count() == 1


# --- Relations ------------------------------------------------------------------------------------


def test_relation_from_a_contact_or_a_third_party(in_tenant, user):
    kinds = types(in_tenant)
    target, source = CustomerFactory(tenant=in_tenant), CustomerFactory(tenant=in_tenant)
    contact = ContactFactory(tenant=in_tenant)

    employee = services.relation_create(
        tenant=in_tenant,
        actor=user,
        source_contact=contact,
        relation_type=kinds["rel:SALARIE"],
        target=target,
    )
    partner = services.relation_create(
        tenant=in_tenant,
        actor=user,
        source_third_party=source,
        relation_type=kinds["rel:PARTENAIRE"],
        target=target,
        comment=" Depuis 2020 ",
    )

    assert employee.source_contact == contact and partner.comment == "Depuis 2020"
    assert AuditEntry.objects.filter(tenant=in_tenant, action="relation.create").count() == 2


def test_relation_refused_without_or_with_two_sources_itself_and_twice(in_tenant, user):
    kinds = types(in_tenant)
    target, source = CustomerFactory(tenant=in_tenant), CustomerFactory(tenant=in_tenant)
    contact = ContactFactory(tenant=in_tenant)
    common = {"tenant": in_tenant, "actor": user, "relation_type": kinds["rel:MEMBRE"]}
    services.relation_create(**common, source_third_party=source, target=target)

    with pytest.raises(ValidationError) as none:
        services.relation_create(**common, target=target)
    with pytest.raises(ValidationError) as both:
        services.relation_create(**common, source_third_party=source, source_contact=contact, target=target)
    with pytest.raises(ValidationError) as itself:
        services.relation_create(**common, source_third_party=target, target=target)
    with pytest.raises(ValidationError) as twice:
        services.relation_create(**common, source_third_party=source, target=target)

    expected_source = {
        "source_contact": ["Une relation part d'un contact ou d'un tiers, exactement l'un des deux."]
    }
    assert _messages(none) == expected_source and _messages(both) == expected_source
    assert _messages(itself) == {"target": ["Un tiers ne peut pas être lié à lui-même."]}
    assert _messages(twice) == {"target": ["Cette relation existe déjà."]}
    services.relation_delete(tenant=in_tenant, actor=user, relation=Relation.objects.get())
    assert not Relation.objects.exists()


# --- Link types -----------------------------------------------------------------------------------


def test_link_types_ensure_creates_the_missing_types_once(in_tenant):
    ManagementLinkType.objects.create(tenant=in_tenant, code=BILL_TO, label="Facturé à (renommé)")

    services.link_types_ensure(tenant=in_tenant)
    services.link_types_ensure(tenant=in_tenant)

    assert dict(ManagementLinkType.objects.values_list("code", "label")) == {
        ORDERING_PARTY: "Donneur d'ordre",
        BILL_TO: "Facturé à (renommé)",
        SHIP_TO_SITE: "Site de livraison",
    }
    assert dict(FiliationLinkType.objects.values_list("label", "direction")) == {
        "Maison mère": "ascending",
        "Filiale": "descending",
        "Partenaire": "transverse",
    }
    assert set(RelationType.objects.values_list("label", flat=True)) == {
        "Salarié de",
        "Partenaire de",
        "Membre de",
    }
