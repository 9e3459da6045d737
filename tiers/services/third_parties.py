"""Writes of the third party itself: create (with its addresses), identity changes, close and
reopen, other roles, and the users it is reserved to.

Every write runs in one transaction, validates identity through tiers.validators, keeps the
narrow ThirdPartyVisibility row in step with ``is_closed``/``is_reserved`` and writes the audit log.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.models import UserObjectPermission
from guardian.shortcuts import assign_perm

from crm.models import Company, Membership
from crm.normalize import normalize_text
from crm.services.audit import audit_changes, audit_record, audit_snapshot
from crm.services.counters import counter_format
from tiers.models import (
    Lifecycle,
    SegmentValue,
    Tag,
    ThirdParty,
    ThirdPartyAllowedUser,
    ThirdPartyClassification,
    ThirdPartyTag,
    ThirdPartyVisibility,
)
from tiers.models.reference import SegmentKind
from tiers.validators import identity_clean

from .addresses import addresses_defaults_check, addresses_save

# What a user may type about a third party (the rest is managed by dedicated services).
IDENTITY_FIELDS = (
    "code",
    "name",
    "short_name",
    "acronym",
    "is_natural_person",
    "country",
    "language",
    "currency",
    "siren",
    "siret",
    "naf",
    "vat_number",
    "website",
    "no_mailing",
    "category",
    "activity",
    "origin",
    "client_since",
    "observations",
    "is_blocked",
)
_FK_FIELDS = {"country", "currency", "category", "activity", "origin"}
_AUDITED = tuple(f"{name}_id" if name in _FK_FIELDS else name for name in IDENTITY_FIELDS)
_SEGMENT_KINDS = {
    "category": SegmentKind.CATEGORY,
    "activity": SegmentKind.ACTIVITY,
    "origin": SegmentKind.ORIGIN,
}

# Other roles of a third party, as flags ("also supplier"): role key → model field.
ROLE_FLAGS = {
    "supplier": "is_supplier",
    "carrier": "is_carrier",
    "service_provider": "is_service_provider",
    "financer": "is_financer",
    "misc": "is_misc",
}

# Object permissions derived from the allowed users of a reserved third party.
RESERVED_PERMISSIONS = ("tiers.view_thirdparty", "tiers.change_thirdparty")

CODE_COUNTER = "tiers"


def _identity_apply(*, tenant: Company, third_party: ThirdParty, identity: dict[str, Any]) -> None:
    """Copy identity values onto ``third_party`` and run every identity rule (errors per field)."""
    unknown = set(identity) - set(IDENTITY_FIELDS)
    if unknown:
        raise TypeError(f"Not identity fields of a third party: {sorted(unknown)}")
    for name, value in identity.items():
        if isinstance(value, str):
            value = value.strip()
        if value is None and name not in _FK_FIELDS and name != "client_since":
            value = ""
        setattr(third_party, name, value)
    errors: dict[str, Any] = {}
    for name, kind in _SEGMENT_KINDS.items():
        value = getattr(third_party, name)
        if value is not None and (value.tenant_id != tenant.pk or value.kind != kind):
            errors[name] = _("Valeur inconnue dans cette liste.")
    if third_party.country_id is None:
        errors["country"] = _("Le pays est obligatoire.")
    if third_party.currency_id is None:
        errors["currency"] = _("La devise est obligatoire.")
    try:
        cleaned = identity_clean(
            country=third_party.country if third_party.country_id else None,
            is_natural_person=third_party.is_natural_person,
            siren=third_party.siren,
            siret=third_party.siret,
            vat_number=third_party.vat_number,
            naf=third_party.naf,
        )
    except ValidationError as exc:
        errors.update(exc.error_dict)
    else:
        for name, value in cleaned.items():
            setattr(third_party, name, value)
    if errors:
        raise ValidationError(errors)
    third_party.name_search = normalize_text(third_party.name)[:300]


def _code_check(*, tenant: Company, third_party: ThirdParty) -> None:
    taken = ThirdParty.objects.filter(tenant=tenant, code=third_party.code).exclude(pk=third_party.pk)
    if taken.exists():
        raise ValidationError({"code": _("Le code tiers %(code)s existe déjà.") % {"code": third_party.code}})


def _code_generate(*, tenant: Company) -> str:
    """The next code of the tenant's counter, skipping codes already typed by hand."""
    while True:
        code = counter_format(tenant=tenant, key=CODE_COUNTER, width=6, prefix="C")
        if not ThirdParty.objects.filter(tenant=tenant, code=code).exists():
            return code


def _links_set(*, tenant: Company, third_party: ThirdParty, model, field: str, values: Iterable) -> list[int]:
    """Make the through rows of ``model`` point at exactly ``values``; returns their sorted pks."""
    wanted = {value.pk for value in values}
    current = set(
        model.objects.filter(tenant=tenant, third_party=third_party).values_list(f"{field}_id", flat=True)
    )
    model.objects.filter(
        tenant=tenant, third_party=third_party, **{f"{field}_id__in": current - wanted}
    ).delete()
    model.objects.bulk_create(
        [
            model(tenant=tenant, third_party=third_party, **{f"{field}_id": pk})
            for pk in sorted(wanted - current)
        ]
    )
    return sorted(wanted)


def _tags_check(*, tenant: Company, tags: Sequence[Tag], classifications: Sequence[SegmentValue]) -> None:
    errors = {}
    if any(tag.tenant_id != tenant.pk for tag in tags):
        errors["tags"] = _("Étiquette inconnue.")
    if any(v.tenant_id != tenant.pk or v.kind != SegmentKind.CLASSIFICATION for v in classifications):
        errors["classifications"] = _("Valeur inconnue dans cette liste.")
    if errors:
        raise ValidationError(errors)


def _visibility_save(third_party: ThirdParty) -> None:
    ThirdPartyVisibility.objects.update_or_create(
        third_party=third_party,
        defaults={
            "tenant": third_party.tenant,
            "is_closed": third_party.is_closed,
            "is_reserved": third_party.is_reserved,
        },
    )


@transaction.atomic
def third_party_create(
    *,
    tenant: Company,
    actor,
    lifecycle: str,
    addresses: Sequence[dict[str, Any]],
    tags: Sequence[Tag] = (),
    classifications: Sequence[SegmentValue] = (),
    **identity: Any,
) -> ThirdParty:
    """Create a third party with its addresses (at least one, exactly one default).

    A blank code is taken from the tenant's counter (C000001…); the currency defaults to the
    tenant's; the visibility row is written with it.
    """
    if lifecycle not in Lifecycle.values:
        raise ValidationError({"lifecycle": _("Statut inconnu : %(value)s.") % {"value": lifecycle}})
    third_party = ThirdParty(tenant=tenant, lifecycle=lifecycle)
    identity = {**identity}
    if not identity.get("currency"):
        identity["currency"] = tenant.currency
    if not identity.get("country"):
        identity["country"] = tenant.country
    errors: dict[str, Any] = {}
    try:
        _identity_apply(tenant=tenant, third_party=third_party, identity=identity)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    try:
        addresses_defaults_check([dict(item) for item in addresses])
        _tags_check(tenant=tenant, tags=tags, classifications=classifications)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    if third_party.code:
        _code_check(tenant=tenant, third_party=third_party)
    else:
        third_party.code = _code_generate(tenant=tenant)
    third_party.full_clean(exclude=["tenant"])
    third_party.save()
    _visibility_save(third_party)
    tag_pks = _links_set(
        tenant=tenant, third_party=third_party, model=ThirdPartyTag, field="tag", values=tags
    )
    class_pks = _links_set(
        tenant=tenant,
        third_party=third_party,
        model=ThirdPartyClassification,
        field="value",
        values=classifications,
    )
    changes = {
        name: [None, value] for name, value in audit_snapshot(third_party, (*_AUDITED, "lifecycle")).items()
    }
    if tag_pks:
        changes["tags"] = [[], tag_pks]
    if class_pks:
        changes["classifications"] = [[], class_pks]
    audit_record(
        tenant=tenant, actor=actor, action="third_party.create", instance=third_party, changes=changes
    )
    saved = addresses_save(tenant=tenant, actor=actor, third_party=third_party, addresses=addresses)
    third_party.warnings = [warning for address in saved for warning in address.warnings]
    return third_party


@transaction.atomic
def third_party_update(
    *,
    tenant: Company,
    actor,
    third_party: ThirdParty,
    tags: Sequence[Tag] | None = None,
    classifications: Sequence[SegmentValue] | None = None,
    **identity: Any,
) -> ThirdParty:
    """Change the identity of a third party (code, names, legal identifiers, segmentation…)."""
    third_party = (
        ThirdParty.objects.select_for_update().select_related("country").get(tenant=tenant, pk=third_party.pk)
    )
    before = audit_snapshot(third_party, _AUDITED)
    _identity_apply(tenant=tenant, third_party=third_party, identity=identity)
    _tags_check(tenant=tenant, tags=tags or (), classifications=classifications or ())
    if not third_party.code:
        raise ValidationError({"code": _("Le code tiers est obligatoire.")})
    if third_party.code != before["code"]:
        _code_check(tenant=tenant, third_party=third_party)
    third_party.full_clean(exclude=["tenant"])
    third_party.save()
    changes = audit_changes(before, audit_snapshot(third_party, _AUDITED))
    for name, model, field, values in (
        ("tags", ThirdPartyTag, "tag", tags),
        ("classifications", ThirdPartyClassification, "value", classifications),
    ):
        if values is None:
            continue
        previous = sorted(
            model.objects.filter(tenant=tenant, third_party=third_party).values_list(f"{field}_id", flat=True)
        )
        after = _links_set(tenant=tenant, third_party=third_party, model=model, field=field, values=values)
        if previous != after:
            changes[name] = [previous, after]
    if changes:
        audit_record(
            tenant=tenant, actor=actor, action="third_party.update", instance=third_party, changes=changes
        )
    return third_party


@transaction.atomic
def third_party_blocked_set(*, tenant: Company, actor, third_party: ThirdParty, blocked: bool) -> ThirdParty:
    """Set the "compte bloqué" flag (information only) without re-checking the identity: an
    incomplete legacy identity (no SIRET…) never prevents flagging an incident on the account."""
    third_party = ThirdParty.objects.select_for_update().get(tenant=tenant, pk=third_party.pk)
    if third_party.is_blocked != blocked:
        third_party.is_blocked = blocked
        third_party.save(update_fields=["is_blocked"])
        audit_record(
            tenant=tenant,
            actor=actor,
            action="third_party.update",
            instance=third_party,
            changes={"is_blocked": [not blocked, blocked]},
        )
    return third_party


@transaction.atomic
def third_party_close(*, tenant: Company, actor, third_party: ThirdParty, reason: str = "") -> ThirdParty:
    """Close (make inactive) a third party: hidden from lists and search unless the user may see
    closed accounts."""
    third_party = ThirdParty.objects.select_for_update().get(tenant=tenant, pk=third_party.pk)
    if third_party.is_closed:
        raise ValidationError(_("Ce tiers est déjà fermé."))
    third_party.is_closed = True
    third_party.closed_at = timezone.now()
    third_party.save(update_fields=["is_closed", "closed_at", "updated_at"])
    _visibility_save(third_party)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="third_party.close",
        instance=third_party,
        changes={"is_closed": [False, True], "closed_at": [None, third_party.closed_at.isoformat()]},
        reason=reason,
    )
    return third_party


@transaction.atomic
def third_party_reopen(*, tenant: Company, actor, third_party: ThirdParty, reason: str = "") -> ThirdParty:
    third_party = ThirdParty.objects.select_for_update().get(tenant=tenant, pk=third_party.pk)
    if not third_party.is_closed:
        raise ValidationError(_("Ce tiers n'est pas fermé."))
    closed_at = third_party.closed_at
    third_party.is_closed = False
    third_party.closed_at = None
    third_party.save(update_fields=["is_closed", "closed_at", "updated_at"])
    _visibility_save(third_party)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="third_party.reopen",
        instance=third_party,
        changes={
            "is_closed": [True, False],
            "closed_at": [closed_at.isoformat() if closed_at else None, None],
        },
        reason=reason,
    )
    return third_party


def _role_field(role: str) -> str:
    if role not in ROLE_FLAGS:
        raise ValidationError({"roles": _("Rôle inconnu : %(role)s.") % {"role": role}})
    return ROLE_FLAGS[role]


@transaction.atomic
def third_party_role_add(*, tenant: Company, actor, third_party: ThirdParty, role: str) -> ThirdParty:
    """Give the third party another role ("aussi fournisseur"); nothing happens if it has it."""
    field = _role_field(role)
    third_party = ThirdParty.objects.select_for_update().get(tenant=tenant, pk=third_party.pk)
    if not getattr(third_party, field):
        setattr(third_party, field, True)
        third_party.save(update_fields=[field, "updated_at"])
        audit_record(
            tenant=tenant,
            actor=actor,
            action="third_party.role_add",
            instance=third_party,
            changes={field: [False, True]},
        )
    return third_party


@transaction.atomic
def third_party_role_remove(*, tenant: Company, actor, third_party: ThirdParty, role: str) -> ThirdParty:
    """Take a role away; a carrier still named on a ship-to keeps its carrier role."""
    from tiers.models import ShipTo

    field = _role_field(role)
    third_party = ThirdParty.objects.select_for_update().get(tenant=tenant, pk=third_party.pk)
    if not getattr(third_party, field):
        return third_party
    if role == "carrier" and ShipTo.objects.filter(tenant=tenant, carrier=third_party).exists():
        raise ValidationError(
            {"roles": _("Ce tiers est le transporteur de clients livrés : il reste transporteur.")}
        )
    setattr(third_party, field, False)
    third_party.save(update_fields=[field, "updated_at"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="third_party.role_remove",
        instance=third_party,
        changes={field: [True, False]},
    )
    return third_party


@transaction.atomic
def third_party_roles_set(
    *, tenant: Company, actor, third_party: ThirdParty, roles: Iterable[str]
) -> ThirdParty:
    """Exactly ``roles`` among the other roles (the roles page)."""
    wanted = set(roles)
    for role in wanted:
        _role_field(role)
    for role, field in ROLE_FLAGS.items():
        if role in wanted and not getattr(third_party, field):
            third_party = third_party_role_add(tenant=tenant, actor=actor, third_party=third_party, role=role)
        elif role not in wanted and getattr(third_party, field):
            third_party = third_party_role_remove(
                tenant=tenant, actor=actor, third_party=third_party, role=role
            )
    return third_party


@transaction.atomic
def third_party_allowed_users_set(
    *, tenant: Company, actor, third_party: ThirdParty, users: Iterable
) -> ThirdParty:
    """Reserve the third party to exactly ``users`` (none: visible to everyone again).

    Writes the ThirdPartyAllowedUser rows, ``is_reserved`` and the visibility row, and derives
    the guardian object permissions (view and change) of exactly those users.
    """
    users = list(users)
    wanted = {user.pk for user in users}
    members = set(
        Membership.objects.filter(tenant=tenant, user_id__in=wanted, is_active=True).values_list(
            "user_id", flat=True
        )
    )
    strangers = [user for user in users if user.pk not in members]
    if strangers:
        raise ValidationError(
            {
                "users": _("Ces utilisateurs ne sont pas membres de la société : %(names)s.")
                % {"names": ", ".join(sorted(str(user) for user in strangers))}
            }
        )
    third_party = ThirdParty.objects.select_for_update().get(tenant=tenant, pk=third_party.pk)
    current = set(
        ThirdPartyAllowedUser.objects.filter(tenant=tenant, third_party=third_party).values_list(
            "user_id", flat=True
        )
    )
    ThirdPartyAllowedUser.objects.filter(
        tenant=tenant, third_party=third_party, user_id__in=current - wanted
    ).delete()
    ThirdPartyAllowedUser.objects.bulk_create(
        [
            ThirdPartyAllowedUser(tenant=tenant, third_party=third_party, user_id=pk)
            for pk in sorted(wanted - current)
        ]
    )
    was_reserved = third_party.is_reserved
    third_party.is_reserved = bool(wanted)
    if third_party.is_reserved != was_reserved:
        third_party.save(update_fields=["is_reserved", "updated_at"])
    _visibility_save(third_party)
    _object_permissions_derive(third_party=third_party, user_ids=wanted)
    if current != wanted:
        audit_record(
            tenant=tenant,
            actor=actor,
            action="third_party.allowed_users_set",
            instance=third_party,
            changes={
                "allowed_users": [sorted(current), sorted(wanted)],
                "is_reserved": [was_reserved, bool(wanted)],
            },
        )
    return third_party


def _object_permissions_derive(*, third_party: ThirdParty, user_ids: set[int]) -> None:
    """Guardian's view/change permissions on ``third_party`` for exactly ``user_ids``."""
    content_type = ContentType.objects.get_for_model(ThirdParty)
    codenames = [perm.split(".", 1)[1] for perm in RESERVED_PERMISSIONS]
    UserObjectPermission.objects.filter(
        content_type=content_type, object_pk=str(third_party.pk), permission__codename__in=codenames
    ).exclude(user_id__in=user_ids).delete()
    for user in get_user_model().objects.filter(pk__in=user_ids):
        for perm in RESERVED_PERMISSIONS:
            assign_perm(perm, user, third_party)
