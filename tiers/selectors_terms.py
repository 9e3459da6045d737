"""Reads of the terms and representatives of a third party, shared by its page, the synthèse
("suivi commercial" panel) and the lists' rep filter."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet

from crm.models import Company, InternalOrganisation, MembershipBusinessLine, MembershipOrganisation
from crm.services.parameters import SUIVI_COMMERCIAL_CLOISONNEMENT, parameter_get

from .models import (
    CommercialFollowUp,
    PaymentTerm,
    SecondaryRep,
    SegmentKind,
    SegmentValue,
    StatisticalAxis,
    StatisticalFamily,
    ThirdParty,
    ThirdPartyStatisticalFamily,
)

TERMS_RELATED = (
    "payment_term",
    "reminder_group",
    "tax_regime",
    "commission_category",
    "bill_to",
    "payer",
    "group",
    "credit_insurer",
    "rep_1",
    "rep_2",
    "price_list",
    "billing_address",
    "delivery_address",
)


def terms_rep_q(user_id: int) -> Q:
    """Third parties where ``user_id`` is rep 1 or 2, a secondary rep or the rep of a suivi commercial."""
    return (
        Q(rep_1_id=user_id)
        | Q(rep_2_id=user_id)
        | Q(Exists(SecondaryRep.objects.filter(third_party=OuterRef("pk"), user_id=user_id)))
        | Q(Exists(CommercialFollowUp.objects.filter(third_party=OuterRef("pk"), rep_id=user_id)))
    )


def secondary_reps_of(*, tenant: Company, third_party: ThirdParty) -> QuerySet[SecondaryRep]:
    return (
        SecondaryRep.objects.filter(tenant=tenant, third_party=third_party)
        .select_related("user", "role", "product_family")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def follow_ups_for(
    *, tenant: Company, third_party: ThirdParty, user=None, restricted: bool = False
) -> QuerySet[CommercialFollowUp]:
    """The suivi commercial rows of ``third_party``. ``restricted`` (the synthèse passes the
    parameter SUIVI_COMMERCIAL_CLOISONNEMENT) keeps only the rows of ``user``'s internal
    organisations and business lines (those of the user's membership in ``tenant``); a user
    attached to no organisation (or no business line) is not restricted on that axis, as the
    lists treat an empty business-line selection as "all"."""
    rows = CommercialFollowUp.objects.filter(tenant=tenant, third_party=third_party)
    if restricted and user is not None:
        organisations = MembershipOrganisation.objects.filter(
            tenant=tenant, membership__user=user, membership__is_active=True
        ).values("organisation_id")
        lines = MembershipBusinessLine.objects.filter(
            tenant=tenant, membership__user=user, membership__is_active=True
        ).values("business_line_id")
        rows = rows.filter(
            Q(organisation_id__in=organisations) | ~Exists(organisations),
            Q(business_line_id__in=lines) | ~Exists(lines),
        )
    return rows.select_related("organisation", "business_line", "rep").order_by(
        "organisation__name", "business_line__name", "pk"
    )


def follow_ups_shown(*, tenant: Company, third_party: ThirdParty, user) -> QuerySet[CommercialFollowUp]:
    """The suivi commercial as ``user`` may see it, following the tenant's parameter."""
    restricted = parameter_get(tenant=tenant, key=SUIVI_COMMERCIAL_CLOISONNEMENT)
    return follow_ups_for(tenant=tenant, third_party=third_party, user=user, restricted=restricted)


@dataclass
class TermsSection:
    """The third party with its terms' related rows, and its statistical families."""

    third_party: ThirdParty
    families: list[ThirdPartyStatisticalFamily] = field(default_factory=list)


def terms_section(*, tenant: Company, third_party: ThirdParty) -> TermsSection:
    """Two queries whatever the third party."""
    loaded = ThirdParty.objects.select_related(*TERMS_RELATED).get(tenant=tenant, pk=third_party.pk)
    families = list(
        ThirdPartyStatisticalFamily.objects.filter(tenant=tenant, third_party=third_party)
        .select_related("axis", "family")
        .order_by("axis__position", "axis__code")
    )
    return TermsSection(third_party=loaded, families=families)


# --- Choices of the edit pages --------------------------------------------------------------------


def active_or_current(queryset: QuerySet, current_id: int | None) -> QuerySet:
    """The active rows, plus the current value even when it was deactivated since."""
    return queryset.filter(Q(is_active=True) | Q(pk=current_id))


def payment_terms_choice(*, tenant: Company, current_id: int | None = None) -> QuerySet[PaymentTerm]:
    return active_or_current(PaymentTerm.objects.filter(tenant=tenant), current_id).order_by("label")


def segment_choice(*, tenant: Company, kind: SegmentKind, current_id: int | None = None) -> QuerySet:
    queryset = SegmentValue.objects.filter(tenant=tenant, kind=kind)
    return active_or_current(queryset, current_id).order_by("label")


def statistical_axes_with_families(*, tenant: Company) -> list[StatisticalAxis]:
    """Active axes, each with ``choices``: its families (two queries)."""
    axes = list(StatisticalAxis.objects.filter(tenant=tenant, is_active=True).order_by("position", "code"))
    families: dict[int, list[StatisticalFamily]] = {}
    for family in StatisticalFamily.objects.filter(tenant=tenant, axis__in=axes).order_by("label"):
        families.setdefault(family.axis_id, []).append(family)
    for axis in axes:
        axis.choices = families.get(axis.pk, [])
    return axes


def organisations_of(*, tenant: Company) -> QuerySet[InternalOrganisation]:
    return InternalOrganisation.objects.filter(tenant=tenant).order_by("name")
