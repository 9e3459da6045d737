"""Merge a third party (the *loser*) into another of the same company (the *survivor*).

``merge_plan`` is the dry run: it finds every relation that points at ThirdParty in Django's model
graph (every foreign key and one-to-one of every installed app, the hidden ``related_name="+"``
ones and ThirdParty's own self-references included, plus the generic relations whose content type
is ThirdParty), counts the loser's rows, asks the merge hooks (tiers.merge_hooks) what happens to
the rows unique per parent, and lists the survivor's empty fields the loser's values fill. It only
reads. ``third_party_merge`` locks both rows, checks the refusals, recomputes the plan (refused
when its hash differs from the one the user confirmed), executes it, deletes the loser, recomputes
the survivor's visibility, audits and emits ``third_party.merged`` — in one transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.events import domain_events
from crm.models import Company
from crm.services.audit import audit_record
from tiers.merge_hooks import (
    MERGED_EVENT,
    Change,
    ChangeKind,
    Link,
    MergeContext,
    merge_hook_get,
    unique_rows_hook,
)
from tiers.models import Direction, FiliationLink, ThirdParty, ThirdPartyAllowedUser
from tiers.selectors import third_parties_visible

from .third_parties import _object_permissions_derive, _visibility_save

# Fields of the survivor never filled from the loser: identity of the record, state, bookkeeping.
NOT_FILLED = {
    "id",
    "tenant",
    "code",
    "name",
    "name_search",
    "lifecycle",
    "is_closed",
    "closed_at",
    "is_reserved",
    "created_at",
    "updated_at",
    # Only meaningful with the survivor's own free-shipping rule (a check constraint ties them).
    "free_shipping_threshold",
}
# Filled together or not at all (a check constraint ties them).
FILLED_TOGETHER = (("unavailable_from", "unavailable_to"),)

MESSAGE_SAME = gettext_lazy("Un tiers ne peut pas être fusionné avec lui-même.")
MESSAGE_SUBSIDIARY = gettext_lazy("Impossible de fusionner une société avec sa propre filiale.")
MESSAGE_CHANGED = gettext_lazy("Les données ont changé depuis l'aperçu : vérifiez à nouveau.")


@dataclass(frozen=True)
class RelationPlan:
    link: Link
    count: int  # rows of the loser through this link
    changes: tuple[Change, ...]

    @property
    def dropped(self) -> int:
        return sum(1 for change in self.changes if change.kind in (ChangeKind.DROP, ChangeKind.UNLINK))

    @property
    def moved(self) -> int:
        return self.count - self.dropped


@dataclass(frozen=True)
class FieldFill:
    name: str
    label: str
    value: Any  # the loser's value (a model instance for a foreign key)
    display: str


@dataclass(frozen=True)
class MergePlan:
    survivor: ThirdParty
    loser: ThirdParty
    relations: tuple[RelationPlan, ...]
    fills: tuple[FieldFill, ...]
    notes: tuple[str, ...] = field(default=())

    def changes(self, *kinds: ChangeKind) -> list[Change]:
        return [c for relation in self.relations for c in relation.changes if not kinds or c.kind in kinds]

    @property
    def moving(self) -> list[RelationPlan]:
        return [relation for relation in self.relations if relation.count]

    @property
    def renamed(self) -> list[Change]:
        return self.changes(ChangeKind.RENAME)

    @property
    def demoted(self) -> list[Change]:
        return self.changes(ChangeKind.DEMOTE)

    @property
    def dropped(self) -> list[Change]:
        return self.changes(ChangeKind.DROP, ChangeKind.UNLINK)

    def summary(self) -> dict[str, Any]:
        """JSON-ready: what the merge does (the audit entry and the plan's hash)."""
        return {
            "survivor": [self.survivor.pk, self.survivor.code, self.survivor.updated_at.isoformat()],
            "loser": [self.loser.pk, self.loser.code, self.loser.updated_at.isoformat()],
            "rows": {r.link.key: [r.count, r.moved] for r in self.relations if r.count},
            "changes": [change.key() for change in self.changes()],
            "fills": {fill.name: str(getattr(fill.value, "pk", fill.value)) for fill in self.fills},
        }

    @property
    def hash(self) -> str:
        text = json.dumps(self.summary(), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


# --- The model graph ------------------------------------------------------------------------------


def merge_links() -> Iterator[Link]:
    """Every way a row can point at a third party: the reverse side of each foreign key and
    one-to-one (hidden ones included; many-to-many through tables appear as their foreign keys),
    then each generic foreign key of any installed model (with ThirdParty's content type)."""
    for relation in ThirdParty._meta.get_fields(include_hidden=True):
        if isinstance(relation, models.ManyToOneRel):  # OneToOneRel is one too
            yield Link(model=relation.related_model, field_name=relation.field.name)
    content_type_id = ContentType.objects.get_for_model(ThirdParty).pk
    for model in apps.get_models():
        for private in model._meta.private_fields:
            if isinstance(private, GenericForeignKey):
                yield Link(
                    model=model,
                    field_name=private.fk_field,
                    ct_field=private.ct_field,
                    content_type_id=content_type_id,
                )


def _is_empty(value: Any, plan_parties: set[int], is_party: bool) -> bool:
    if is_party:
        return value is None or value in plan_parties
    return value is None or value == "" or value == [] or value == {}


def _display(model_field: models.Field, value: Any) -> str:
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(formats.localize(value))


def _fills(survivor: ThirdParty, loser: ThirdParty) -> list[FieldFill]:
    """The survivor's empty fields that the loser's value fills (the survivor's values win)."""
    parties = {survivor.pk, loser.pk}
    fills: dict[str, FieldFill] = {}
    for model_field in ThirdParty._meta.concrete_fields:
        if model_field.name in NOT_FILLED or isinstance(model_field, models.BooleanField):
            continue
        is_party = model_field.is_relation and model_field.related_model is ThirdParty
        mine = getattr(survivor, model_field.attname)
        theirs = getattr(loser, model_field.attname)
        if _is_empty(mine, parties, is_party) and not _is_empty(theirs, parties, is_party):
            value = getattr(loser, model_field.name)
            fills[model_field.name] = FieldFill(
                model_field.name, str(model_field.verbose_name), value, _display(model_field, value)
            )
    for group in FILLED_TOGETHER:
        if not all(name in fills for name in group):
            for name in group:
                fills.pop(name, None)
    return list(fills.values())


def _through_hook(model: type[models.Model]):
    """Django's own many-to-many tables: a pair already on the survivor is kept once."""
    if not model._meta.auto_created:
        return None
    return unique_rows_hook(unique=[f.name for f in model._meta.concrete_fields if f.is_relation])


def merge_plan(*, tenant: Company, survivor: ThirdParty, loser: ThirdParty) -> MergePlan:
    """The dry run of merging ``loser`` into ``survivor``: reads only."""
    ctx = MergeContext(tenant=tenant, survivor=survivor, loser=loser)
    relations = []
    for link in merge_links():
        count = link.rows(ctx, loser.pk).count()
        hook = merge_hook_get(link.model) or _through_hook(link.model)
        changes = tuple(hook(ctx, link)) if hook is not None and count else ()
        relations.append(RelationPlan(link=link, count=count, changes=changes))
    notes = []
    if not survivor.is_reserved and loser.is_reserved:
        notes.append(
            _(
                "Le tiers absorbé est réservé à certains utilisateurs : le tiers conservé leur sera "
                "réservé à son tour."
            )
        )
    return MergePlan(
        survivor=survivor,
        loser=loser,
        relations=tuple(relations),
        fills=tuple(_fills(survivor, loser)),
        notes=tuple(notes),
    )


# --- Refusals -------------------------------------------------------------------------------------


def _pair_check(*, tenant: Company, survivor: ThirdParty, loser: ThirdParty) -> None:
    if survivor.pk == loser.pk:
        raise ValidationError(MESSAGE_SAME)
    if survivor.tenant_id != tenant.pk or loser.tenant_id != tenant.pk:
        raise ValidationError(_("Seuls deux tiers de la même société peuvent être fusionnés."))


def merge_check(*, tenant: Company, actor, survivor: ThirdParty, loser: ThirdParty) -> None:
    """Raise a French ValidationError when these two third parties may not be merged."""
    _pair_check(tenant=tenant, survivor=survivor, loser=loser)
    visible = set(
        third_parties_visible(tenant=tenant, user=actor)
        .filter(pk__in=[survivor.pk, loser.pk])
        .values_list("pk", flat=True)
    )
    for party in (survivor, loser):
        if party.pk not in visible:
            raise ValidationError(
                _("Le tiers %(code)s ne vous est pas accessible (fermé ou réservé) : fusion impossible.")
                % {"code": party.code}
            )
    between = Q(third_party=survivor, linked=loser) | Q(third_party=loser, linked=survivor)
    parent_link = FiliationLink.objects.filter(
        between, tenant=tenant, link_type__direction__in=[Direction.ASCENDING, Direction.DESCENDING]
    ).exists()
    if parent_link or survivor.group_id == loser.pk or loser.group_id == survivor.pk:
        raise ValidationError(MESSAGE_SUBSIDIARY)


# --- The merge ------------------------------------------------------------------------------------


def _reverse_links(model: type[models.Model]) -> list[models.ManyToOneRel]:
    return [r for r in model._meta.get_fields(include_hidden=True) if isinstance(r, models.ManyToOneRel)]


def _change_apply(ctx: MergeContext, change: Change) -> None:
    manager = change.model._default_manager
    if change.run is not None:
        change.run()
    if change.kind == ChangeKind.DROP:
        if change.keep_pk is not None:
            # The survivor's duplicate takes over whatever referenced the dropped row.
            for relation in _reverse_links(change.model):
                relation.related_model._default_manager.filter(**{relation.field.name: change.pk}).update(
                    **{relation.field.name: change.keep_pk}
                )
        manager.filter(pk=change.pk).delete()
    elif change.values:
        manager.filter(pk=change.pk).update(**change.values)


@transaction.atomic
def third_party_merge(
    *,
    tenant: Company,
    actor,
    survivor: ThirdParty,
    loser: ThirdParty,
    expected_plan_hash: str | None = None,
) -> ThirdParty:
    """Merge ``loser`` into ``survivor``; returns the survivor (reloaded)."""
    _pair_check(tenant=tenant, survivor=survivor, loser=loser)
    locked = {
        party.pk: party
        for party in ThirdParty.objects.select_for_update()
        .filter(tenant=tenant, pk__in=[survivor.pk, loser.pk])
        .order_by("pk")
    }
    survivor, loser = locked[survivor.pk], locked[loser.pk]
    merge_check(tenant=tenant, actor=actor, survivor=survivor, loser=loser)
    plan = merge_plan(tenant=tenant, survivor=survivor, loser=loser)
    if expected_plan_hash is not None and expected_plan_hash != plan.hash:
        raise ValidationError(MESSAGE_CHANGED)
    summary = plan.summary()
    ctx = MergeContext(tenant=tenant, survivor=survivor, loser=loser)
    for relation in plan.relations:
        for change in relation.changes:
            _change_apply(ctx, change)
        if relation.count:
            relation.link.repoint(ctx)
    loser_code, loser_name, loser_pk = loser.code, loser.name, loser.pk
    audit_record(
        tenant=tenant,
        actor=actor,
        action="third_party.merged_into",
        instance=loser,
        changes={"code": [loser_code, None], "name": [loser_name, None], "merged_into": [None, survivor.pk]},
    )
    loser.delete()
    survivor = _survivor_finish(tenant=tenant, survivor=survivor, plan=plan)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="third_party.merge",
        instance=survivor,
        changes={"merge": [None, summary]},
        reason=_("Fusion du tiers %(code)s — %(name)s") % {"code": loser_code, "name": loser_name},
    )
    domain_events.emit(MERGED_EVENT, tenant=tenant, survivor_id=survivor.pk, loser_id=loser_pk)
    return survivor


def _survivor_finish(*, tenant: Company, survivor: ThirdParty, plan: MergePlan) -> ThirdParty:
    """Copy the winning values, then recompute the reserved flag, visibility and object permissions."""
    survivor = ThirdParty.objects.get(tenant=tenant, pk=survivor.pk)
    for fill in plan.fills:
        setattr(survivor, fill.name, fill.value)
    users = set(
        ThirdPartyAllowedUser.objects.filter(tenant=tenant, third_party=survivor).values_list(
            "user_id", flat=True
        )
    )
    survivor.is_reserved = bool(users)
    survivor.full_clean(exclude=["tenant"])
    survivor.save(update_fields=[fill.name for fill in plan.fills] + ["is_reserved", "updated_at"])
    _visibility_save(survivor)
    _object_permissions_derive(third_party=survivor, user_ids=users)
    return survivor
