"""Reads of the links between third parties: the sections of the third party's page (both
directions, a fixed number of queries), the bill-to and ship-to candidates of sales documents,
the third-party picker and the "groupe lié" list filter."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When

from crm.models import Company

from .models import (
    BILL_TO,
    ORDERING_PARTY,
    SHIP_TO_SITE,
    Direction,
    FiliationLink,
    Lifecycle,
    ManagementLink,
    Relation,
    ThirdParty,
)
from .models.third_parties import PROSPECT_LIFECYCLES
from .selectors import third_parties_visible, visible_q
from .selectors_lists import search_words, word_start_regex

# The picker answers from this many characters (seed: "au moins 3 caractères"), at most PICKER_LIMIT rows.
PICKER_MIN_CHARS = 3
# What the picker reads of its query; a NUL byte (which no stored text can hold, and PostgreSQL
# refuses in a query's text) is dropped.
PICKER_MAX_CHARS = 100
PICKER_LIMIT = 20
PICKER_KINDS = {
    "client": (Lifecycle.CUSTOMER,),
    "prospect": PROSPECT_LIFECYCLES,
    "": (Lifecycle.CUSTOMER, *PROSPECT_LIFECYCLES),
}

ARROWS = {Direction.ASCENDING: "↑", Direction.DESCENDING: "↓", Direction.TRANSVERSE: "↔"}
_INVERSE = {
    Direction.ASCENDING: Direction.DESCENDING,
    Direction.DESCENDING: Direction.ASCENDING,
    Direction.TRANSVERSE: Direction.TRANSVERSE,
}


# --- Sections of the third party's page -----------------------------------------------------------


@dataclass(frozen=True)
class ManagementLinkRow:
    """A management link seen from one of its two parties."""

    link: ManagementLink
    other: ThirdParty
    own_role: str
    other_role: str
    is_default: bool


@dataclass(frozen=True)
class FiliationLinkRow:
    """A filiation link seen from one of its two parties: from the linked party's side an
    ascending link reads as descending (and back); transverse stays transverse."""

    link: FiliationLink
    other: ThirdParty
    direction: str
    is_inverse: bool

    @property
    def arrow(self) -> str:
        return ARROWS[self.direction]

    @property
    def direction_label(self) -> str:
        return str(Direction(self.direction).label)


@dataclass(frozen=True)
class RelationRow:
    relation: Relation
    outgoing: bool  # the third party (or one of its contacts) is the source

    @property
    def source_label(self) -> str:
        relation = self.relation
        if relation.source_contact is not None:
            return f"{relation.source_contact.last_name} {relation.source_contact.first_name}".strip()
        return relation.source_third_party.name


def _both_visible(*, tenant: Company, user) -> Q:
    return visible_q(tenant=tenant, user=user, field="third_party") & visible_q(
        tenant=tenant, user=user, field="linked"
    )


def management_links_of(*, tenant: Company, user, third_party: ThirdParty) -> list[ManagementLinkRow]:
    """Links where ``third_party`` is either end and the other end is visible to ``user`` (one query)."""
    links = (
        ManagementLink.objects.filter(tenant=tenant)
        .filter(Q(third_party=third_party) | Q(linked=third_party))
        .filter(_both_visible(tenant=tenant, user=user))
        .select_related("third_party", "linked", "role", "linked_role")
        .order_by("-is_default", "linked_role__code", "linked__name", "third_party__name", "pk")
    )
    rows = []
    for link in links:
        own_side = link.third_party_id == third_party.pk
        rows.append(
            ManagementLinkRow(
                link=link,
                other=link.linked if own_side else link.third_party,
                own_role=(link.role if own_side else link.linked_role).label,
                other_role=(link.linked_role if own_side else link.role).label,
                is_default=link.is_default,
            )
        )
    return rows


def filiation_links_of(*, tenant: Company, user, third_party: ThirdParty) -> list[FiliationLinkRow]:
    links = (
        FiliationLink.objects.filter(tenant=tenant)
        .filter(Q(third_party=third_party) | Q(linked=third_party))
        .filter(_both_visible(tenant=tenant, user=user))
        .select_related("third_party", "linked", "link_type")
        .order_by("link_type__label", "pk")
    )
    rows = []
    for link in links:
        own_side = link.third_party_id == third_party.pk
        direction = link.link_type.direction
        rows.append(
            FiliationLinkRow(
                link=link,
                other=link.linked if own_side else link.third_party,
                direction=direction if own_side else _INVERSE[Direction(direction)],
                is_inverse=not own_side,
            )
        )
    order = {Direction.ASCENDING: 0, Direction.TRANSVERSE: 1, Direction.DESCENDING: 2}
    return sorted(rows, key=lambda row: order[Direction(row.direction)])


def relations_of(*, tenant: Company, user, third_party: ThirdParty) -> list[RelationRow]:
    """Relations from the third party and to it (from a third party or a contact), both ends visible."""
    relations = (
        Relation.objects.filter(tenant=tenant)
        .filter(Q(source_third_party=third_party) | Q(target=third_party))
        .filter(visible_q(tenant=tenant, user=user, field="source_third_party"))
        .filter(visible_q(tenant=tenant, user=user, field="target"))
        .select_related("source_third_party", "source_contact", "relation_type", "target")
        .order_by("relation_type__label", "pk")
    )
    return [RelationRow(relation=r, outgoing=r.target_id != third_party.pk) for r in relations]


def relations_of_contact(*, tenant: Company, user, contact) -> list[Relation]:
    return list(
        Relation.objects.filter(tenant=tenant, source_contact=contact)
        .filter(visible_q(tenant=tenant, user=user, field="target"))
        .select_related("relation_type", "target")
        .order_by("relation_type__label", "pk")
    )


def management_link_get(*, tenant: Company, third_party: ThirdParty, pk: int) -> ManagementLink:
    """The link ``pk`` of which ``third_party`` is an end (DoesNotExist otherwise: a 404)."""
    return (
        ManagementLink.objects.filter(tenant=tenant)
        .filter(Q(third_party=third_party) | Q(linked=third_party))
        .select_related("third_party", "linked", "role", "linked_role")
        .get(pk=pk)
    )


def filiation_link_get(*, tenant: Company, third_party: ThirdParty, pk: int) -> FiliationLink:
    return (
        FiliationLink.objects.filter(tenant=tenant)
        .filter(Q(third_party=third_party) | Q(linked=third_party))
        .select_related("third_party", "linked", "link_type")
        .get(pk=pk)
    )


def relation_get(*, tenant: Company, third_party: ThirdParty, pk: int) -> Relation:
    return (
        Relation.objects.filter(tenant=tenant)
        .filter(Q(source_third_party=third_party) | Q(target=third_party))
        .select_related("source_third_party", "source_contact", "relation_type", "target")
        .get(pk=pk)
    )


# --- Candidates of sales documents ----------------------------------------------------------------


def _candidates(*, tenant: Company, user, ordering_party: ThirdParty, other_code: str) -> list[ThirdParty]:
    links = ManagementLink.objects.filter(
        tenant=tenant,
        third_party=ordering_party,
        role__code=ORDERING_PARTY,
        linked_role__code=other_code,
    )
    default = links.filter(is_default=True, linked=OuterRef("pk"))
    return list(
        third_parties_visible(tenant=tenant, user=user)
        .filter(Q(pk=ordering_party.pk) | Q(pk__in=links.values("linked_id")))
        .annotate(
            is_default_link=Exists(default),
            is_itself=Case(
                When(pk=ordering_party.pk, then=Value(1)), default=Value(0), output_field=IntegerField()
            ),
        )
        .order_by("-is_default_link", "-is_itself", "name", "pk")
    )


def bill_to_candidates(*, tenant: Company, user, ordering_party: ThirdParty) -> list[ThirdParty]:
    """The parties a sales document of ``ordering_party`` may be billed to: itself and its CL_A_FACT
    links; the default link first (it is the one to propose), then itself, then by name."""
    return _candidates(tenant=tenant, user=user, ordering_party=ordering_party, other_code=BILL_TO)


def ship_to_candidates(*, tenant: Company, user, ordering_party: ThirdParty) -> list[ThirdParty]:
    """The parties whose sites a sales document of ``ordering_party`` may be delivered to: itself
    first, then its SITE_LIV links by name."""
    return _candidates(tenant=tenant, user=user, ordering_party=ordering_party, other_code=SHIP_TO_SITE)


# --- Picker and list filter -----------------------------------------------------------------------


def party_picker(*, tenant: Company, user, query: str, kind: str = "") -> list[ThirdParty]:
    """Visible customers and/or prospects whose name has words starting with every word of
    ``query``, or whose code starts with it; nothing (and no query) under PICKER_MIN_CHARS."""
    query = (query or "").replace("\x00", "").strip()[:PICKER_MAX_CHARS]
    words = search_words(query)
    if len(query) < PICKER_MIN_CHARS or not words:
        return []
    name_match = Q()
    for word in words:
        name_match &= Q(name_search__regex=word_start_regex(word))
    return list(
        third_parties_visible(tenant=tenant, user=user)
        .filter(lifecycle__in=list(PICKER_KINDS.get(kind, PICKER_KINDS[""])))
        .filter(name_match | Q(code__istartswith=query))
        .only("pk", "code", "name", "lifecycle")
        .order_by("name", "pk")[:PICKER_LIMIT]
    )


def linked_group_q(*, tenant: Company, code: str) -> Q:
    """The third party of ``code``, every party linked to it by a management or filiation link
    (either direction) and those whose ``group`` is it: subqueries only, so a list using it keeps
    its number of queries."""
    root = ThirdParty.objects.filter(tenant=tenant, code__iexact=(code or "").strip()).values("pk")
    return (
        Q(pk__in=root)
        | Q(group_id__in=root)
        | Q(pk__in=ManagementLink.objects.filter(tenant=tenant, third_party__in=root).values("linked_id"))
        | Q(pk__in=ManagementLink.objects.filter(tenant=tenant, linked__in=root).values("third_party_id"))
        | Q(pk__in=FiliationLink.objects.filter(tenant=tenant, third_party__in=root).values("linked_id"))
        | Q(pk__in=FiliationLink.objects.filter(tenant=tenant, linked__in=root).values("third_party_id"))
    )
