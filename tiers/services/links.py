"""Writes of the links between third parties: management links, filiation links and relations.

Management links (seed "Liens de gestion"): a link always has the ordering party (code DONORDRE)
on one side and a bill-to party (CL_A_FACT) or a ship-to party (SITE_LIV) on the other; both
types must exist in the company. The row is stored oriented from the ordering party
(``third_party`` = DONORDRE side, ``linked`` = the other side), whichever page it was created
from, so "at most one default per third party" (a partial unique index) means "at most one
default bill-to per ordering party". Setting a new default demotes the previous one in the same
transaction (audited as ``managementlink.default_demote``); a default on a ship-to link is
refused (it has no effect there).

Filiation links: between any two third parties, of a type with a direction; no self link, no
duplicate (in either orientation), and no parent/subsidiary loop.

Relations: a contact or a third party (exactly one) related to a target third party.

``actor`` is the user; the linked parties must be visible to them (reserved and closed rules of
tiers.selectors). ``actor=None`` (demo data, maintenance) skips the visibility check only.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from crm.models import Company
from crm.services.audit import audit_changes, audit_record, audit_snapshot
from tiers.models import (
    BILL_TO,
    ORDERING_PARTY,
    SHIP_TO_SITE,
    Contact,
    Direction,
    FiliationLink,
    FiliationLinkType,
    ManagementLink,
    ManagementLinkType,
    Relation,
    RelationType,
    ThirdParty,
)
from tiers.selectors import third_parties_visible

# The defaults created by link_types_ensure (and the demo): (code, label[, direction]).
MANAGEMENT_LINK_TYPES = (
    (ORDERING_PARTY, "Donneur d'ordre"),
    (BILL_TO, "Client à facturer"),
    (SHIP_TO_SITE, "Site de livraison"),
)
FILIATION_LINK_TYPES = (
    ("MERE", "Maison mère", Direction.ASCENDING),
    ("FILIALE", "Filiale", Direction.DESCENDING),
    ("PARTENAIRE", "Partenaire", Direction.TRANSVERSE),
)
RELATION_TYPES = (("SALARIE", "Salarié de"), ("PARTENAIRE", "Partenaire de"), ("MEMBRE", "Membre de"))

_MANAGEMENT_AUDITED = ("third_party_id", "role_id", "linked_id", "linked_role_id", "is_default")
_FILIATION_AUDITED = ("third_party_id", "linked_id", "link_type_id")
_RELATION_AUDITED = ("source_third_party_id", "source_contact_id", "relation_type_id", "target_id", "comment")


def message_types_missing(other_code: str) -> str:
    return _("Les types de lien %(ordering)s et %(other)s doivent être créés.") % {
        "ordering": ORDERING_PARTY,
        "other": other_code,
    }


def message_no_ordering_party() -> str:
    return _("Un lien de gestion doit toujours comporter un type de lien de code DONORDRE.")


def message_other_side() -> str:
    return _(
        "L'autre tiers du lien doit être de type CL_A_FACT (client à facturer) ou SITE_LIV (site de livraison)."
    )


def message_self_link() -> str:
    return _("Un tiers ne peut pas être lié à lui-même.")


def message_party_not_found() -> str:
    return _("Tiers introuvable.")


def message_default_ship_to() -> str:
    return _(
        "L'option « par défaut » ne concerne que le client à facturer : "
        "elle n'a pas d'effet sur un lien de site de livraison."
    )


def message_management_duplicate() -> str:
    return _("Ce lien de gestion existe déjà.")


def message_filiation_duplicate() -> str:
    return _("Ce lien de filiation existe déjà.")


def message_filiation_loop(*, parent: ThirdParty, child: ThirdParty) -> str:
    return _(
        "Lien refusé : %(child)s est déjà maison mère (directe ou indirecte) de %(parent)s ; "
        "un tiers ne peut pas être à la fois maison mère et filiale de l'autre."
    ) % {"child": child.name, "parent": parent.name}


def message_relation_source() -> str:
    return _("Une relation part d'un contact ou d'un tiers, exactement l'un des deux.")


def message_relation_duplicate() -> str:
    return _("Cette relation existe déjà.")


def message_unknown_type() -> str:
    return _("Type de lien inconnu.")


# --- Shared checks --------------------------------------------------------------------------------


def _party_check(*, tenant: Company, actor, party: ThirdParty | None, field: str) -> ThirdParty:
    """``party`` if it belongs to the tenant and ``actor`` may see it; else a refusal on ``field``."""
    if party is None or party.tenant_id != tenant.pk:
        raise ValidationError({field: message_party_not_found()})
    if (
        actor is not None
        and not third_parties_visible(tenant=tenant, user=actor).filter(pk=party.pk).exists()
    ):
        raise ValidationError({field: message_party_not_found()})
    return party


def _audit(*, tenant: Company, actor, action: str, instance, fields, deleted: bool = False) -> None:
    snapshot = audit_snapshot(instance, fields)
    audit_record(
        tenant=tenant,
        actor=actor,
        action=action,
        instance=instance,
        changes={name: [value, None] if deleted else [None, value] for name, value in snapshot.items()},
    )


def _locked_delete(*, tenant: Company, actor, row, fields) -> None:
    """Delete a link row under a lock, auditing what it held (action "<model>.delete")."""
    row = type(row).objects.select_for_update().get(tenant=tenant, pk=row.pk)
    action = f"{row._meta.model_name}.delete"
    _audit(tenant=tenant, actor=actor, action=action, instance=row, fields=fields, deleted=True)
    row.delete()


# --- Link types -----------------------------------------------------------------------------------


@transaction.atomic
def link_types_ensure(*, tenant: Company, actor=None) -> None:
    """Create the company's management, filiation and relation types that are missing (never
    changes an existing one: admins may have relabelled them). Idempotent."""
    created = []
    for code, label in MANAGEMENT_LINK_TYPES:
        row, was_created = ManagementLinkType.objects.get_or_create(
            tenant=tenant, code=code, defaults={"label": label}
        )
        created += [row] if was_created else []
    for code, label, direction in FILIATION_LINK_TYPES:
        row, was_created = FiliationLinkType.objects.get_or_create(
            tenant=tenant, code=code, defaults={"label": label, "direction": direction}
        )
        created += [row] if was_created else []
    for code, label in RELATION_TYPES:
        row, was_created = RelationType.objects.get_or_create(
            tenant=tenant, code=code, defaults={"label": label}
        )
        created += [row] if was_created else []
    for row in created:
        audit_record(
            tenant=tenant,
            actor=actor,
            action=f"{row._meta.model_name}.create",
            instance=row,
            changes={"code": [None, row.code], "label": [None, row.label]},
        )


# --- Management links -----------------------------------------------------------------------------


def _management_types(*, tenant: Company, role_code: str, linked_role_code: str):
    """(ordering type, other type, True when the page's party is the ordering party)."""
    codes = {role_code, linked_role_code}
    if ORDERING_PARTY not in codes:
        raise ValidationError({"role": message_no_ordering_party()})
    other_code = linked_role_code if role_code == ORDERING_PARTY else role_code
    if other_code not in (BILL_TO, SHIP_TO_SITE):
        raise ValidationError({"linked_role": message_other_side()})
    types = {t.code: t for t in ManagementLinkType.objects.filter(tenant=tenant, code__in=codes)}
    if len(types) != 2:
        raise ValidationError({"role": message_types_missing(other_code)})
    return types[ORDERING_PARTY], types[other_code], role_code == ORDERING_PARTY


def _management_fill(
    link: ManagementLink,
    *,
    tenant: Company,
    actor,
    third_party: ThirdParty,
    role_code: str,
    linked: ThirdParty | None,
    linked_role_code: str,
    is_default: bool,
) -> None:
    ordering_type, other_type, page_is_ordering = _management_types(
        tenant=tenant, role_code=role_code, linked_role_code=linked_role_code
    )
    _party_check(tenant=tenant, actor=actor, party=third_party, field="third_party")
    _party_check(tenant=tenant, actor=actor, party=linked, field="linked")
    if linked.pk == third_party.pk:
        raise ValidationError({"linked": message_self_link()})
    if is_default and other_type.code != BILL_TO:
        raise ValidationError({"is_default": message_default_ship_to()})
    ordering, other = (third_party, linked) if page_is_ordering else (linked, third_party)
    link.third_party, link.role, link.linked, link.linked_role = ordering, ordering_type, other, other_type
    link.is_default = is_default
    duplicates = ManagementLink.objects.filter(
        tenant=tenant, third_party=ordering, role=ordering_type, linked=other, linked_role=other_type
    )
    if link.pk is not None:
        duplicates = duplicates.exclude(pk=link.pk)
    if duplicates.exists():
        raise ValidationError({"linked": message_management_duplicate()})


def _default_demote(*, tenant: Company, actor, link: ManagementLink) -> None:
    """The ordering party's previous default link stops being the default (before ``link`` takes it)."""
    previous = ManagementLink.objects.select_for_update().filter(
        tenant=tenant, third_party=link.third_party, is_default=True
    )
    if link.pk is not None:
        previous = previous.exclude(pk=link.pk)
    for old in previous:
        old.is_default = False
        old.save(update_fields=["is_default"])
        audit_record(
            tenant=tenant,
            actor=actor,
            action="managementlink.default_demote",
            instance=old,
            changes={"is_default": [True, False]},
        )


@transaction.atomic
def management_link_create(
    *,
    tenant: Company,
    actor,
    third_party: ThirdParty,
    role_code: str,
    linked: ThirdParty | None,
    linked_role_code: str,
    is_default: bool = False,
) -> ManagementLink:
    """Link ``third_party`` (playing ``role_code``) with ``linked`` (playing ``linked_role_code``)."""
    link = ManagementLink(tenant=tenant)
    _management_fill(
        link,
        tenant=tenant,
        actor=actor,
        third_party=third_party,
        role_code=role_code,
        linked=linked,
        linked_role_code=linked_role_code,
        is_default=is_default,
    )
    if link.is_default:
        _default_demote(tenant=tenant, actor=actor, link=link)
    link.full_clean(validate_constraints=False)
    link.save()
    _audit(
        tenant=tenant, actor=actor, action="managementlink.create", instance=link, fields=_MANAGEMENT_AUDITED
    )
    return link


@transaction.atomic
def management_link_update(
    *,
    tenant: Company,
    actor,
    link: ManagementLink,
    third_party: ThirdParty,
    role_code: str,
    linked: ThirdParty | None,
    linked_role_code: str,
    is_default: bool = False,
) -> ManagementLink:
    """Replace the link, seen from ``third_party`` (one of its two ends), as management_link_create."""
    link = ManagementLink.objects.select_for_update().get(tenant=tenant, pk=link.pk)
    before = audit_snapshot(link, _MANAGEMENT_AUDITED)
    _management_fill(
        link,
        tenant=tenant,
        actor=actor,
        third_party=third_party,
        role_code=role_code,
        linked=linked,
        linked_role_code=linked_role_code,
        is_default=is_default,
    )
    if link.is_default:
        _default_demote(tenant=tenant, actor=actor, link=link)
    link.full_clean(validate_constraints=False)
    link.save()
    changes = audit_changes(before, audit_snapshot(link, _MANAGEMENT_AUDITED))
    if changes:
        audit_record(
            tenant=tenant, actor=actor, action="managementlink.update", instance=link, changes=changes
        )
    return link


@transaction.atomic
def management_link_delete(*, tenant: Company, actor, link: ManagementLink) -> None:
    _locked_delete(tenant=tenant, actor=actor, row=link, fields=_MANAGEMENT_AUDITED)


# --- Filiation links ------------------------------------------------------------------------------


def parent_child(*, third_party_id: int, linked_id: int, direction: str) -> tuple[int, int] | None:
    """(parent id, subsidiary id) of a filiation link, None for a transverse one. Ascending: the
    linked party is above ``third_party``; descending: below."""
    if direction == Direction.ASCENDING:
        return linked_id, third_party_id
    if direction == Direction.DESCENDING:
        return third_party_id, linked_id
    return None


def _ancestor_ids(*, tenant: Company, party_id: int) -> set[int]:
    """Every parent of ``party_id``, directly or through other parents (one query per level)."""
    found: set[int] = set()
    frontier = {party_id}
    while frontier:
        rows = FiliationLink.objects.filter(tenant=tenant).filter(
            Q(third_party_id__in=frontier, link_type__direction=Direction.ASCENDING)
            | Q(linked_id__in=frontier, link_type__direction=Direction.DESCENDING)
        )
        parents = set()
        for tp_id, linked_id, direction in rows.values_list(
            "third_party_id", "linked_id", "link_type__direction"
        ):
            parents.add(parent_child(third_party_id=tp_id, linked_id=linked_id, direction=direction)[0])
        frontier = parents - found - {party_id}
        found |= parents
    return found


@transaction.atomic
def filiation_link_create(
    *,
    tenant: Company,
    actor,
    third_party: ThirdParty,
    linked: ThirdParty | None,
    link_type: FiliationLinkType | None,
) -> FiliationLink:
    if link_type is None or link_type.tenant_id != tenant.pk:
        raise ValidationError({"link_type": message_unknown_type()})
    _party_check(tenant=tenant, actor=actor, party=third_party, field="third_party")
    _party_check(tenant=tenant, actor=actor, party=linked, field="linked")
    if linked.pk == third_party.pk:
        raise ValidationError({"linked": message_self_link()})
    pair = Q(third_party=third_party, linked=linked) | Q(third_party=linked, linked=third_party)
    if FiliationLink.objects.filter(tenant=tenant, link_type=link_type).filter(pair).exists():
        raise ValidationError({"linked": message_filiation_duplicate()})
    edge = parent_child(third_party_id=third_party.pk, linked_id=linked.pk, direction=link_type.direction)
    if edge is not None:
        parent_id, child_id = edge
        if child_id in _ancestor_ids(tenant=tenant, party_id=parent_id):
            parent, child = (third_party, linked) if parent_id == third_party.pk else (linked, third_party)
            raise ValidationError({"linked": message_filiation_loop(parent=parent, child=child)})
    link = FiliationLink(tenant=tenant, third_party=third_party, linked=linked, link_type=link_type)
    link.full_clean(validate_constraints=False)
    link.save()
    _audit(
        tenant=tenant, actor=actor, action="filiationlink.create", instance=link, fields=_FILIATION_AUDITED
    )
    return link


@transaction.atomic
def filiation_link_delete(*, tenant: Company, actor, link: FiliationLink) -> None:
    _locked_delete(tenant=tenant, actor=actor, row=link, fields=_FILIATION_AUDITED)


# --- Relations ------------------------------------------------------------------------------------


@transaction.atomic
def relation_create(
    *,
    tenant: Company,
    actor,
    relation_type: RelationType | None,
    target: ThirdParty | None,
    source_third_party: ThirdParty | None = None,
    source_contact: Contact | None = None,
    comment: str = "",
) -> Relation:
    if (source_third_party is None) == (source_contact is None):
        raise ValidationError({"source_contact": message_relation_source()})
    if relation_type is None or relation_type.tenant_id != tenant.pk:
        raise ValidationError({"relation_type": message_unknown_type()})
    if source_third_party is not None:
        _party_check(tenant=tenant, actor=actor, party=source_third_party, field="source_third_party")
    elif source_contact.tenant_id != tenant.pk:
        raise ValidationError({"source_contact": _("Contact introuvable.")})
    _party_check(tenant=tenant, actor=actor, party=target, field="target")
    if source_third_party is not None and source_third_party.pk == target.pk:
        raise ValidationError({"target": message_self_link()})
    duplicate = Relation.objects.filter(
        tenant=tenant,
        source_third_party=source_third_party,
        source_contact=source_contact,
        relation_type=relation_type,
        target=target,
    )
    if duplicate.exists():
        raise ValidationError({"target": message_relation_duplicate()})
    relation = Relation(
        tenant=tenant,
        source_third_party=source_third_party,
        source_contact=source_contact,
        relation_type=relation_type,
        target=target,
        comment=(comment or "").strip(),
    )
    relation.full_clean(validate_constraints=False)
    relation.save()
    _audit(tenant=tenant, actor=actor, action="relation.create", instance=relation, fields=_RELATION_AUDITED)
    return relation


@transaction.atomic
def relation_delete(*, tenant: Company, actor, relation: Relation) -> None:
    _locked_delete(tenant=tenant, actor=actor, row=relation, fields=_RELATION_AUDITED)
