"""Merge hooks: how the rows of one relation behave when a third party is merged into another.

A merge re-points every row that references the absorbed third party (the *loser*) to the kept
one (the *survivor*) with one UPDATE per relation (tiers.services.merge). Rows that are unique per
parent need more, so an app registers a hook for its model with ``merge_hook_register(model,
hook)`` (tiers registers its own at the end of this module; later apps in their
``AppConfig.ready``, e.g. loyalty accounts merged through the ledger). A hook receives the merge
context and one ``Link`` (a foreign key or a generic relation of the model) and returns the
``Change`` list to make *before* the re-pointing; it only reads, so the dry run shows exactly what
the merge then executes.

The merge emits the domain event ``third_party.merged`` (declared here) inside its transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from guardian.models import GroupObjectPermission, UserObjectPermission

from crm.events import domain_events

MERGED_EVENT = "third_party.merged"
domain_events.declare(
    MERGED_EVENT,
    "Un tiers (loser_id) a été fusionné dans un autre (survivor_id) ; payload : tenant, survivor_id, loser_id.",
)


class ChangeKind(StrEnum):
    DROP = "drop"  # the loser's row is deleted (a duplicate or a self link)
    DEMOTE = "demote"  # a default / main flag is cleared, then the row is re-pointed
    RENAME = "rename"  # a code changes, then the row is re-pointed
    UNLINK = "unlink"  # the row stops pointing at the loser (the field is cleared)
    CUSTOM = "custom"  # the hook's own step (``run``); the row is then re-pointed if still there


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    model: type[models.Model]
    pk: Any
    label: str  # French: what happens to the row, shown by the dry run
    values: Mapping[str, Any] = field(default_factory=dict)
    # DROP of a duplicate: rows that reference the dropped row are moved to this one first.
    keep_pk: Any = None
    run: Callable[[], None] | None = field(default=None, compare=False)

    def key(self) -> list:
        """JSON-ready identity of the change (the plan's hash)."""
        values = {name: str(value) for name, value in sorted(self.values.items())}
        return [self.kind.value, self.model._meta.label, str(self.pk), values, str(self.keep_pk)]


@dataclass(frozen=True)
class Link:
    """One way rows of ``model`` point at a third party: a foreign key, or a generic relation
    (``ct_field`` set: ``field_name`` is then the object-id field)."""

    model: type[models.Model]
    field_name: str
    ct_field: str | None = None
    content_type_id: int | None = None

    @property
    def key(self) -> str:
        return f"{self.model._meta.label}.{self.field_name}"

    @property
    def table(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    @property
    def field_label(self) -> str:
        """The field's French name; "tiers" for a field without one (Django's default is English)."""
        model_field = self.model._meta.get_field(self.field_name)
        label = str(model_field.verbose_name)
        if self.ct_field is not None or label == self.field_name.replace("_", " "):
            return _("tiers")
        return label

    def _value(self, pk: int) -> Any:
        model_field = self.model._meta.get_field(self.field_name)
        return str(pk) if isinstance(model_field, models.CharField) else pk

    def lookup(self, pk: int) -> dict[str, Any]:
        attname = self.model._meta.get_field(self.field_name).attname
        if self.ct_field is None:
            return {attname: pk}
        return {attname: self._value(pk), f"{self.ct_field}_id": self.content_type_id}

    def rows(self, ctx: MergeContext, pk: int) -> models.QuerySet:
        filters = self.lookup(pk)
        if any(f.name == "tenant" for f in self.model._meta.concrete_fields):
            filters["tenant"] = ctx.tenant
        return self.model._default_manager.filter(**filters)

    def repoint(self, ctx: MergeContext) -> int:
        attname = self.model._meta.get_field(self.field_name).attname
        return self.rows(ctx, ctx.loser.pk).update(**{attname: self._value(ctx.survivor.pk)})


@dataclass
class MergeContext:
    tenant: Any
    survivor: Any
    loser: Any
    # Shared by the hooks of one plan (e.g. the address codes already given out).
    state: dict = field(default_factory=dict)


Hook = Callable[[MergeContext, Link], list[Change]]

_HOOKS: dict[type[models.Model], Hook] = {}


def merge_hook_register(model: type[models.Model], hook: Hook) -> None:
    """Register ``hook`` for the rows of ``model`` (one per model; the last registration wins)."""
    _HOOKS[model] = hook


def merge_hook_get(model: type[models.Model]) -> Hook | None:
    return _HOOKS.get(model)


# --- Building blocks ------------------------------------------------------------------------------


def unique_rows_hook(
    *,
    unique: Iterable[str] = (),
    flag: tuple[str, str] | None = None,
    self_fields: Iterable[str] = (),
    describe: Callable[[models.Model], str] = str,
    select_related: Iterable[str] = (),
) -> Hook:
    """A hook for rows unique per parent.

    - ``self_fields``: the model's fields that point at a third party; a row of the loser whose
      *other* such field points at the survivor becomes a self link and is dropped;
    - ``unique``: the fields of the model's unique constraint (tenant aside); a loser's row with the
      same values as a survivor's row on the other fields is a duplicate and is dropped (the
      survivor's row wins and takes over whatever referenced the dropped one);
    - ``flag`` = (parent field, boolean field): at most one flagged row per parent; the loser's
      flagged row is demoted when the survivor has one.
    """
    unique, self_fields, select_related = tuple(unique), tuple(self_fields), tuple(select_related)

    def hook(ctx: MergeContext, link: Link) -> list[Change]:
        model, name = link.model, link.field_name
        others = [f for f in self_fields if f != name]
        keys = [f for f in unique if f != name]
        attnames = [model._meta.get_field(f).attname for f in keys]
        survivor_rows = {}
        flagged = False
        if keys or flag:
            for row in link.rows(ctx, ctx.survivor.pk):
                survivor_rows[tuple(getattr(row, a) for a in attnames)] = row.pk
                flagged = flagged or bool(flag and flag[0] == name and getattr(row, flag[1]))
        changes = []
        for row in link.rows(ctx, ctx.loser.pk).select_related(*select_related).order_by("pk"):
            text = describe(row)
            if any(getattr(row, model._meta.get_field(f).attname) == ctx.survivor.pk for f in others):
                label = _("Lien entre les deux tiers supprimé : %(row)s") % {"row": text}
                changes.append(Change(ChangeKind.DROP, model, row.pk, label))
                continue
            duplicate = survivor_rows.get(tuple(getattr(row, a) for a in attnames)) if keys else None
            if duplicate is not None:
                label = _("Doublon supprimé : %(row)s") % {"row": text}
                changes.append(Change(ChangeKind.DROP, model, row.pk, label, keep_pk=duplicate))
            elif flagged and getattr(row, flag[1]):
                label = _("N'est plus « %(flag)s » : %(row)s") % {
                    "flag": model._meta.get_field(flag[1]).verbose_name,
                    "row": text,
                }
                changes.append(Change(ChangeKind.DEMOTE, model, row.pk, label, values={flag[1]: False}))
        return changes

    return hook


# --- The hooks of tiers ---------------------------------------------------------------------------


def _address_hook(ctx: MergeContext, link: Link) -> list[Change]:
    """A loser's address code the survivor already uses gets the next free code (the rows that
    use the address follow: they point at it by key); the loser's default is demoted."""
    from tiers.services.addresses import _next_code

    survivor = list(link.rows(ctx, ctx.survivor.pk).values_list("code", "is_default"))
    losers = list(link.rows(ctx, ctx.loser.pk).order_by("code"))
    survivor_codes = {code for code, _default in survivor}
    taken = survivor_codes | {address.code for address in losers}
    has_default = any(default for _code, default in survivor)
    changes = []
    for address in losers:
        values: dict[str, Any] = {}
        labels = []
        if address.code in survivor_codes:
            values["code"] = _next_code(taken)
            taken.add(values["code"])
            labels.append(
                _("Adresse %(old)s du tiers absorbé renommée %(new)s")
                % {"old": address.code, "new": values["code"]}
            )
        if has_default and address.is_default:
            values["is_default"] = False
            labels.append(_("L'adresse %(code)s n'est plus l'adresse par défaut") % {"code": address.code})
        if values:
            kind = ChangeKind.RENAME if "code" in values else ChangeKind.DEMOTE
            changes.append(Change(kind, link.model, address.pk, " ; ".join(labels), values=values))
    return changes


def _visibility_hook(ctx: MergeContext, link: Link) -> list[Change]:
    """The loser's visibility row goes; the survivor's is recomputed after the merge."""
    return [
        Change(
            ChangeKind.DROP,
            link.model,
            pk,
            _("Visibilité du tiers absorbé (recalculée sur le tiers conservé)"),
        )
        for pk in link.rows(ctx, ctx.loser.pk).values_list("pk", flat=True)
    ]


def _third_party_hook(ctx: MergeContext, link: Link) -> list[Change]:
    """Self-references on ThirdParty (bill-to, payer, group, credit insurer): the survivor's own
    field that named the loser is cleared (a self link); other third parties follow the survivor."""
    label = _("Le champ « %(field)s » du tiers conservé désignait le tiers absorbé : il est vidé") % {
        "field": link.field_label
    }
    return [
        Change(ChangeKind.UNLINK, link.model, pk, label, values={link.field_name: None})
        for pk in link.rows(ctx, ctx.loser.pk)
        .filter(pk__in=[ctx.survivor.pk, ctx.loser.pk])
        .values_list("pk", flat=True)
    ]


def _contact_link_text(row) -> str:
    return str(row.contact)


def _register_tiers_hooks() -> None:
    from tiers import models as tiers

    merge_hook_register(tiers.Address, _address_hook)
    merge_hook_register(tiers.ThirdPartyVisibility, _visibility_hook)
    merge_hook_register(tiers.ThirdParty, _third_party_hook)
    merge_hook_register(tiers.Site, unique_rows_hook(flag=("third_party", "is_main")))
    merge_hook_register(
        tiers.ContactLink,
        unique_rows_hook(
            unique=("contact", "third_party"),
            flag=("third_party", "is_default"),
            describe=_contact_link_text,
            select_related=("contact",),
        ),
    )
    merge_hook_register(
        tiers.BankAccount,
        unique_rows_hook(unique=("third_party", "iban"), flag=("third_party", "is_default")),
    )
    merge_hook_register(
        tiers.ManagementLink,
        unique_rows_hook(
            unique=("third_party", "role", "linked", "linked_role"),
            flag=("third_party", "is_default"),
            self_fields=("third_party", "linked"),
        ),
    )
    merge_hook_register(
        tiers.FiliationLink,
        unique_rows_hook(
            unique=("third_party", "linked", "link_type"), self_fields=("third_party", "linked")
        ),
    )
    merge_hook_register(
        tiers.Relation,
        unique_rows_hook(
            unique=("source_third_party", "source_contact", "relation_type", "target"),
            self_fields=("source_third_party", "target"),
        ),
    )
    for model, unique in (
        (tiers.ThirdPartyTag, ("third_party", "tag")),
        (tiers.ThirdPartyClassification, ("third_party", "value")),
        (tiers.ThirdPartyStatisticalFamily, ("third_party", "axis")),
        (tiers.SecondaryRep, ("third_party", "user", "role", "product_family")),
        (tiers.CommercialFollowUp, ("third_party", "organisation", "business_line")),
        (tiers.ThirdPartyAllowedUser, ("third_party", "user")),
        # The survivor's value of a characteristic wins over the loser's.
        (tiers.CharacteristicValue, ("field", "content_type", "object_id")),
        # Object permissions: the same permission on both is kept once (the reserved ones are
        # derived again from the allowed users after the merge).
        (UserObjectPermission, ("user", "permission", "object_pk")),
        (GroupObjectPermission, ("group", "permission", "object_pk")),
    ):
        merge_hook_register(model, unique_rows_hook(unique=unique))


_register_tiers_hooks()
