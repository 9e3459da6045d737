"""Writes of a third party's further representatives: secondary reps (by role and product family)
and the "suivi commercial" (the rep per internal organisation and business line). Audited.

Rules: a rep is an active member of the tenant; role and product family are active values of
their segmentation list; an organisation and business line pair has one row per third party; the
same secondary rep (user, role, family) is recorded once.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crm.models import BusinessLine, Company, InternalOrganisation
from crm.services.audit import audit_changes, audit_record, audit_snapshot
from tiers.models import CommercialFollowUp, SecondaryRep, SegmentKind, SegmentValue, ThirdParty

from .terms import active_member_ids, message_not_a_member, message_unknown_value

SECONDARY_AUDITED = ("user_id", "role_id", "product_family_id")
FOLLOW_UP_AUDITED = ("organisation_id", "business_line_id", "rep_id")


def _rep_check(tenant: Company, user, field: str) -> None:
    if user is None:
        raise ValidationError({field: _("Choisissez un représentant.")})
    if user.pk not in active_member_ids(tenant, [user]):
        raise ValidationError({field: message_not_a_member()})


def _segment_check(tenant: Company, value: SegmentValue | None, kind: str, field: str) -> None:
    if value is not None and (value.tenant_id != tenant.pk or value.kind != kind or not value.is_active):
        raise ValidationError({field: message_unknown_value()})


def _locked(tenant: Company, third_party: ThirdParty) -> ThirdParty:
    """The third party's row, locked: concurrent writes of its reps run one after the other."""
    return ThirdParty.objects.select_for_update().get(tenant=tenant, pk=third_party.pk)


def _row_create(*, tenant: Company, actor, model, third_party: ThirdParty, audited, action: str, **fields):
    """Create one rep row of ``third_party`` (locked by the caller), audited on the third party."""
    row = model.objects.create(tenant=tenant, third_party=third_party, **fields)
    audit_record(
        tenant=tenant,
        actor=actor,
        action=action,
        instance=third_party,
        changes={name: [None, value] for name, value in audit_snapshot(row, audited).items()},
    )
    return row


def _row_remove(*, tenant: Company, actor, row, audited: tuple[str, ...], action: str) -> None:
    """Delete one rep row of a third party (locked first), audited on the third party."""
    third_party = _locked(tenant, row.third_party)
    before = audit_snapshot(row, audited)
    type(row).objects.filter(tenant=tenant, pk=row.pk).delete()
    audit_record(
        tenant=tenant,
        actor=actor,
        action=action,
        instance=third_party,
        changes={name: [value, None] for name, value in before.items()},
    )


@transaction.atomic
def secondary_rep_add(
    *,
    tenant: Company,
    actor,
    third_party: ThirdParty,
    user,
    role: SegmentValue | None = None,
    product_family: SegmentValue | None = None,
) -> SecondaryRep:
    _rep_check(tenant, user, "user")
    _segment_check(tenant, role, SegmentKind.REP_ROLE, "role")
    _segment_check(tenant, product_family, SegmentKind.PRODUCT_FAMILY, "product_family")
    third_party = _locked(tenant, third_party)
    if SecondaryRep.objects.filter(
        tenant=tenant, third_party=third_party, user=user, role=role, product_family=product_family
    ).exists():
        raise ValidationError(
            {"user": _("Ce représentant est déjà enregistré avec ce rôle et cette famille de produit.")}
        )
    return _row_create(
        tenant=tenant,
        actor=actor,
        model=SecondaryRep,
        third_party=third_party,
        audited=SECONDARY_AUDITED,
        action="third_party.secondary_rep_add",
        user=user,
        role=role,
        product_family=product_family,
    )


@transaction.atomic
def secondary_rep_remove(*, tenant: Company, actor, secondary_rep: SecondaryRep) -> None:
    _row_remove(
        tenant=tenant,
        actor=actor,
        row=secondary_rep,
        audited=SECONDARY_AUDITED,
        action="third_party.secondary_rep_remove",
    )


def _follow_up_check(
    *, tenant: Company, third_party: ThirdParty, organisation, business_line, rep, exclude_pk=None
) -> None:
    errors: dict[str, list[str]] = {}
    if organisation is None or organisation.tenant_id != tenant.pk:
        errors["organisation"] = [_("Organisation interne inconnue.")]
    if business_line is None or business_line.tenant_id != tenant.pk:
        errors["business_line"] = [_("Activité inconnue.")]
    try:
        _rep_check(tenant, rep, "rep")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    taken = CommercialFollowUp.objects.filter(
        tenant=tenant, third_party=third_party, organisation=organisation, business_line=business_line
    ).exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError(
            {
                "business_line": _(
                    "Le suivi commercial de %(organisation)s pour l'activité %(line)s existe déjà."
                )
                % {"organisation": organisation.name, "line": business_line.name}
            }
        )


@transaction.atomic
def follow_up_add(
    *,
    tenant: Company,
    actor,
    third_party: ThirdParty,
    organisation: InternalOrganisation,
    business_line: BusinessLine,
    rep,
) -> CommercialFollowUp:
    third_party = _locked(tenant, third_party)
    _follow_up_check(
        tenant=tenant,
        third_party=third_party,
        organisation=organisation,
        business_line=business_line,
        rep=rep,
    )
    return _row_create(
        tenant=tenant,
        actor=actor,
        model=CommercialFollowUp,
        third_party=third_party,
        audited=FOLLOW_UP_AUDITED,
        action="third_party.follow_up_add",
        organisation=organisation,
        business_line=business_line,
        rep=rep,
    )


@transaction.atomic
def follow_up_change(
    *,
    tenant: Company,
    actor,
    follow_up: CommercialFollowUp,
    organisation: InternalOrganisation,
    business_line: BusinessLine,
    rep,
) -> CommercialFollowUp:
    third_party = _locked(tenant, follow_up.third_party)
    follow_up = CommercialFollowUp.objects.select_for_update().get(tenant=tenant, pk=follow_up.pk)
    before = audit_snapshot(follow_up, FOLLOW_UP_AUDITED)
    _follow_up_check(
        tenant=tenant,
        third_party=third_party,
        organisation=organisation,
        business_line=business_line,
        rep=rep,
        exclude_pk=follow_up.pk,
    )
    follow_up.organisation, follow_up.business_line, follow_up.rep = organisation, business_line, rep
    follow_up.save(update_fields=["organisation", "business_line", "rep"])
    changes = audit_changes(before, audit_snapshot(follow_up, FOLLOW_UP_AUDITED))
    if changes:
        audit_record(
            tenant=tenant,
            actor=actor,
            action="third_party.follow_up_change",
            instance=third_party,
            changes={"follow_up": [None, follow_up.pk], **changes},
        )
    return follow_up


@transaction.atomic
def follow_up_remove(*, tenant: Company, actor, follow_up: CommercialFollowUp) -> None:
    _row_remove(
        tenant=tenant,
        actor=actor,
        row=follow_up,
        audited=FOLLOW_UP_AUDITED,
        action="third_party.follow_up_remove",
    )
