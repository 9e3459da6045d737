"""Life of a third party beyond its identity: validate a draft prospect, convert a prospect into a
customer (seed 002 "Transformer en client", seed 004 "Valider un prospect") and delete it for good.

Lifecycle: ``prospect_draft`` → ``prospect_validated`` → ``customer`` (tiers.models.Lifecycle; the
database refuses any other value). A record is a prospect or a customer, never both: once converted
it leaves the prospect list and the prospect-only actions.

Delete is definitive (seed 004): it removes the third party with every row that belongs to it, in
one transaction, or nothing at all when another row still needs it (ProtectedError /
RestrictedError, turned into a French message naming those rows).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models import (
    CASCADE,
    PROTECT,
    RESTRICT,
    Count,
    ForeignKey,
    Model,
    ProtectedError,
    Q,
    RestrictedError,
)
from django.db.models.deletion import Collector
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from guardian.models import UserObjectPermission

from crm.events import domain_events
from crm.models import Company
from crm.services.audit import audit_record
from tiers.models import (
    Contact,
    ContactLink,
    Lifecycle,
    StatisticalAxis,
    ThirdParty,
    ThirdPartyStatisticalFamily,
    ThirdPartyVisibility,
)

from .terms import message_unknown_value, third_party_terms_update

VALIDATE_PERMISSION = "crm.validate_prospect"
CONVERTED_EVENT = "third_party.converted"
# Form and error key of the statistical family of one axis: "family_<axis pk>".
FAMILY_PREFIX = "family_"
# How many protecting rows the refusal names before "and N more".
PROTECTED_SHOWN = 10


def message_missing() -> str:
    return _("Ce champ est obligatoire pour transformer le prospect en client.")


def message_already_validated() -> str:
    return _("Ce prospect est déjà validé.")


def message_already_customer() -> str:
    return _("Ce tiers est déjà client.")


def message_draft_not_validated() -> str:
    return _("Ce prospect est encore brouillon : il doit être validé avant d'être transformé en client.")


def message_protected(items: list[str]) -> str:
    return _("Ce tiers ne peut pas être supprimé : il est encore utilisé par %(items)s.") % {
        "items": " ; ".join(items)
    }


def family_field(axis_pk: int) -> str:
    return f"{FAMILY_PREFIX}{axis_pk}"


def family_axis_pk(field: str) -> int | None:
    """The axis pk of a ``family_<pk>`` key, None for any other key."""
    suffix = field.removeprefix(FAMILY_PREFIX)
    return int(suffix) if field.startswith(FAMILY_PREFIX) and suffix.isdigit() else None


def _locked(*, tenant: Company, third_party: ThirdParty) -> ThirdParty:
    return ThirdParty.objects.select_for_update().get(tenant=tenant, pk=third_party.pk)


# --- Validate -------------------------------------------------------------------------------------


def validate_refusal(third_party: ThirdParty) -> str | None:
    """Why ``third_party`` cannot be validated (only a draft prospect can), or None."""
    if third_party.lifecycle == Lifecycle.PROSPECT_VALIDATED:
        return message_already_validated()
    if third_party.lifecycle == Lifecycle.CUSTOMER:
        return message_already_customer()
    return None


def _validate(*, tenant: Company, actor, third_party: ThirdParty, reason: str) -> None:
    third_party.lifecycle = Lifecycle.PROSPECT_VALIDATED
    third_party.save(update_fields=["lifecycle", "updated_at"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="third_party.validate",
        instance=third_party,
        changes={"lifecycle": [Lifecycle.PROSPECT_DRAFT.value, Lifecycle.PROSPECT_VALIDATED.value]},
        reason=reason,
    )


@transaction.atomic
def prospect_validate(*, tenant: Company, actor, third_party: ThirdParty, reason: str = "") -> ThirdParty:
    """Validate a draft prospect ("Prospect brouillon" → "Prospect validé").

    The caller checks the actor's right (crm.validate_prospect); the service refuses anything but
    a draft prospect.
    """
    third_party = _locked(tenant=tenant, third_party=third_party)
    refusal = validate_refusal(third_party)
    if refusal:
        raise ValidationError(refusal, code="lifecycle")
    _validate(tenant=tenant, actor=actor, third_party=third_party, reason=reason)
    return third_party


# --- Convert --------------------------------------------------------------------------------------


def conversion_missing(third_party: ThirdParty) -> list[tuple[str, str]]:
    """What the prospect still lacks to become a customer, as (field, French label), in the order of
    the form: a statistical family on every active axis, the accounting code, the payment term.

    Reads ``accounting_code`` and ``payment_term_id`` from the instance; one query for the axes.
    """
    axes = (
        StatisticalAxis.objects.filter(tenant_id=third_party.tenant_id, is_active=True)
        .exclude(
            pk__in=ThirdPartyStatisticalFamily.objects.filter(
                tenant_id=third_party.tenant_id, third_party=third_party
            ).values("axis_id")
        )
        .order_by("position", "code")
    )
    missing = [(family_field(axis.pk), axis.label) for axis in axes]
    if not third_party.accounting_code.strip():
        missing.append(("accounting_code", _("Code comptable")))
    if third_party.payment_term_id is None:
        missing.append(("payment_term", _("Condition de paiement")))
    return missing


def convert_refusal(third_party: ThirdParty, actor) -> str | None:
    """Why ``actor`` cannot convert ``third_party`` whatever the data, or None."""
    if third_party.lifecycle == Lifecycle.CUSTOMER:
        return message_already_customer()
    may_validate = actor is not None and actor.has_perm(VALIDATE_PERMISSION)
    if third_party.lifecycle == Lifecycle.PROSPECT_DRAFT and not may_validate:
        return message_draft_not_validated()
    return None


def _terms_data(*, tenant: Company, third_party: ThirdParty, data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` (keyed like conversion_missing) as third_party_terms_update's data; blanks dropped."""
    terms: dict[str, Any] = {}
    families = {}
    errors = {}
    for name, value in data.items():
        axis_pk = family_axis_pk(name)
        if axis_pk is None and name not in ("accounting_code", "payment_term"):
            raise TypeError(f"Not a conversion field: {name!r}")
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if axis_pk is None:
            terms[name] = value
        elif value.axis_id != axis_pk:
            errors[name] = message_unknown_value()
        else:
            families[axis_pk] = value
    if errors:
        raise ValidationError(errors)
    if families:
        # third_party_terms_update replaces the values of every active axis: keep the current ones.
        current = {
            row.axis_id: row.family
            for row in ThirdPartyStatisticalFamily.objects.filter(
                tenant=tenant, third_party=third_party, axis__is_active=True
            ).select_related("family")
        }
        terms["statistical_families"] = list({**current, **families}.values())
    return terms


@transaction.atomic
def prospect_convert(
    *, tenant: Company, actor, third_party: ThirdParty, data: Mapping[str, Any] | None = None
) -> ThirdParty:
    """Turn a prospect into a customer (seed 002 "Transformer en client"), in one transaction.

    ``data`` holds the values the user typed for the missing fields, keyed as conversion_missing
    names them (``family_<axis pk>``: a StatisticalFamily of that axis, ``accounting_code``,
    ``payment_term``); they are saved through third_party_terms_update, then the conversion is
    refused (and nothing is saved) while conversion_missing is not empty, with
    message_missing() on each missing field.

    From a validated prospect. A draft is validated implicitly (an audited ``third_party.validate``
    entry first) when the actor holds crm.validate_prospect — the right that converting needs
    anyway, so a user never has to take two steps; without it the draft is refused
    (message_draft_not_validated). The customer's ``client_since`` becomes today (Europe/Paris)
    when empty; the conversion is audited and emits ``third_party.converted`` (tenant, actor,
    third_party) for the apps to the right.
    """
    third_party = _locked(tenant=tenant, third_party=third_party)
    refusal = convert_refusal(third_party, actor)
    if refusal:
        raise ValidationError(refusal, code="lifecycle")
    terms = _terms_data(tenant=tenant, third_party=third_party, data=data or {})
    if terms:
        third_party = third_party_terms_update(
            tenant=tenant, actor=actor, third_party=third_party, data=terms
        )
    missing = conversion_missing(third_party)
    if missing:
        raise ValidationError({field: message_missing() for field, _label in missing}, code="missing")
    before = third_party.lifecycle
    if before == Lifecycle.PROSPECT_DRAFT:
        _validate(
            tenant=tenant,
            actor=actor,
            third_party=third_party,
            reason=_("Validation implicite lors de la transformation en client."),
        )
    changes: dict[str, list[Any]] = {"lifecycle": [before, Lifecycle.CUSTOMER.value]}
    third_party.lifecycle = Lifecycle.CUSTOMER
    if third_party.client_since is None:
        third_party.client_since = timezone.localdate()
        changes["client_since"] = [None, third_party.client_since.isoformat()]
    third_party.save(update_fields=["lifecycle", "client_since", "updated_at"])
    audit_record(
        tenant=tenant, actor=actor, action="third_party.convert", instance=third_party, changes=changes
    )
    domain_events.emit(CONVERTED_EVENT, tenant=tenant, actor=actor, third_party=third_party)
    return third_party


# --- Delete ---------------------------------------------------------------------------------------


def _owner_fields(model: type[Model]) -> list[str]:
    """The fields of ``model`` through which a row belongs to a third party (CASCADE to it)."""
    return [
        field.attname
        for field in model._meta.concrete_fields
        if isinstance(field, ForeignKey)
        and field.related_model is ThirdParty
        and field.remote_field.on_delete is CASCADE
    ]


class _ThirdPartyCollector(Collector):
    """Django's deletion collector where the third party's own rows never protect each other.

    A site, a bank account, a ship-to or a contact link PROTECTs its address, yet all of them go
    with the third party: a row that cascades from the third party (or the third party itself)
    is left out of PROTECT/RESTRICT checks. Any other row (another third party's bill-to, a later
    app's order) still protects.
    """

    def __init__(self, *, third_party: ThirdParty) -> None:
        super().__init__(using=router.db_for_write(ThirdParty), origin=third_party)
        self.third_party = third_party

    def related_objects(self, related_model, related_fields, objs):
        queryset = super().related_objects(related_model, related_fields, objs)
        if not any(field.remote_field.on_delete in (PROTECT, RESTRICT) for field in related_fields):
            return queryset
        owned = Q(pk=self.third_party.pk) if related_model is ThirdParty else Q(pk__in=[])
        for name in _owner_fields(related_model):
            owned |= Q(**{name: self.third_party.pk})
        return queryset.exclude(owned)


def _orphan_contacts(third_party: ThirdParty):
    """Contacts linked to this third party only: they go with it (a contact shared with other
    third parties stays, only its link goes)."""
    linked = ContactLink.objects.filter(tenant_id=third_party.tenant_id, third_party=third_party)
    return (
        Contact.objects.filter(tenant_id=third_party.tenant_id, pk__in=linked.values("contact_id"))
        .annotate(link_count=Count("links"))
        .filter(link_count=1)
    )


def _protected_items(error: ProtectedError | RestrictedError) -> list[str]:
    objects = getattr(error, "protected_objects", None) or getattr(error, "restricted_objects", ())
    items = sorted(f"{capfirst(str(obj._meta.verbose_name))} « {obj} »" for obj in objects)
    if len(items) > PROTECTED_SHOWN:
        more = len(items) - PROTECTED_SHOWN
        items = [*items[:PROTECTED_SHOWN], _("%(count)s autres enregistrements") % {"count": more}]
    return items


def _collect(third_party: ThirdParty) -> _ThirdPartyCollector:
    """Everything deleting ``third_party`` removes; raises ValidationError when rows protect it."""
    collector = _ThirdPartyCollector(third_party=third_party)
    try:
        contacts = list(_orphan_contacts(third_party))
        if contacts:
            collector.collect(contacts)
        collector.collect([third_party])
    except (ProtectedError, RestrictedError) as exc:
        raise ValidationError(message_protected(_protected_items(exc)), code="protected") from exc
    return collector


@dataclass(frozen=True)
class DeletionPreview:
    # (model label "tiers.address", French plural name, count), the third party itself left out.
    rows: list[tuple[str, str, int]]
    # The refusal when other rows protect the third party (nothing can be deleted), else "".
    refusal: str


def _counts(collector: _ThirdPartyCollector) -> dict[type[Model], int]:
    """Rows per model that the collector will delete (a row reached twice counts once)."""
    pks: dict[type[Model], set] = {}
    for model, instances in collector.data.items():
        pks.setdefault(model, set()).update(instance.pk for instance in instances)
    for queryset in collector.fast_deletes:
        pks.setdefault(queryset.model, set()).update(queryset.values_list("pk", flat=True))
    return {model: len(values) for model, values in pks.items() if values}


def third_party_delete_preview(*, tenant: Company, third_party: ThirdParty) -> DeletionPreview:
    """What deleting ``third_party`` would remove (counts per kind of row), or why it cannot."""
    third_party = ThirdParty.objects.get(tenant=tenant, pk=third_party.pk)
    try:
        counts = _counts(_collect(third_party))
    except ValidationError as exc:
        return DeletionPreview(rows=[], refusal=" ".join(exc.messages))
    rows = [
        (model._meta.label_lower, capfirst(str(model._meta.verbose_name_plural)), count)
        for model, count in counts.items()
        if model not in (ThirdParty, ThirdPartyVisibility)  # the record itself, its bookkeeping
    ]
    return DeletionPreview(rows=sorted(rows, key=lambda row: row[1]), refusal="")


@transaction.atomic
def third_party_delete(
    *, tenant: Company, actor, third_party: ThirdParty, reason: str = ""
) -> dict[str, int]:
    """Delete ``third_party`` for good with its addresses, sites, ship-tos, bank accounts, contact
    links, statistical families, links… and the contacts linked to it alone.

    Refused (ValidationError naming the rows, nothing deleted) while another row protects it:
    another third party's bill-to, payer, group or credit insurer, a ship-to's carrier, a later
    app's row. The audit entry keeps its code, name and the count of every kind of row deleted,
    which is also returned ({"tiers.address": 2, …}).
    """
    third_party = _locked(tenant=tenant, third_party=third_party)
    collector = _collect(third_party)
    counts = {model._meta.label_lower: count for model, count in _counts(collector).items()}
    audit_record(
        tenant=tenant,
        actor=actor,
        action="third_party.delete",
        instance=third_party,
        changes={
            "code": [third_party.code, None],
            "name": [third_party.name, None],
            "lifecycle": [third_party.lifecycle, None],
            **{f"rows.{label}": [count, 0] for label, count in sorted(counts.items())},
        },
        reason=reason,
    )
    # Guardian's object permissions point at the row by a plain id: no cascade reaches them.
    UserObjectPermission.objects.filter(
        content_type__app_label="tiers", content_type__model="thirdparty", object_pk=str(third_party.pk)
    ).delete()
    collector.delete()
    return counts
