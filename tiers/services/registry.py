"""Registry autofill (SIRENE): what the company registry says, written only into empty fields.

From a SIRET the registry gives the name, the APE (NAF) code, the establishment's full address
and the SIREN; from a SIREN, the name and the APE code. Nothing already filled is ever
overwritten. ``registry_lookup`` serves the create form (the page fills its empty inputs);
``third_party_registry_plan`` / ``third_party_registry_update`` serve "Mise à jour depuis le
registre" on an existing third party and its default address.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crm.models import Company
from crm.services.audit import audit_record
from tiers.models import Address, ThirdParty
from tiers.sirene import SireneError, sirene
from tiers.validators import naf_clean, siren_clean, siret_clean

from .addresses import address_update
from .third_parties import third_party_update

# What each lookup may fill, by record: a SIREN says nothing of an establishment.
THIRD_PARTY_FIELDS = {"siret": ("name", "naf", "siren"), "siren": ("name", "naf")}
ADDRESS_FIELDS = {"siret": ("line1", "line2", "postal_code", "city"), "siren": ()}


def message_no_identifier() -> str:
    return _("Renseignez le SIRET ou le SIREN pour interroger le registre.")


def message_nothing_to_fill() -> str:
    return _("Aucun champ vide à compléter.")


def _verbose(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


@dataclass(frozen=True)
class RegistryFill:
    """One empty field the registry fills."""

    model: str  # "third_party" or "address"
    field: str
    label: str
    value: str


@dataclass
class RegistryPlan:
    """The registry's answer about a third party and the empty fields it would fill."""

    source: str  # "siret" or "siren"
    number: str
    fills: list[RegistryFill] = field(default_factory=list)

    def values(self, model: str) -> dict[str, str]:
        return {fill.field: fill.value for fill in self.fills if fill.model == model}


def registry_lookup(*, siret: str = "", siren: str = "") -> dict[str, str]:
    """The registry's fields for a SIRET (preferred) or a SIREN, ready for the create form:
    {"name", "naf", "siren"} plus {"line1", "line2", "postal_code", "city"} for a SIRET; empty
    values are left out, an unknown NAF code too. ValidationError keyed by "siret"/"siren"."""
    source, number = _identifier(siret=siret, siren=siren)
    record = _fetch(source, number).as_dict()
    record["naf"] = _naf(record["naf"])
    names = THIRD_PARTY_FIELDS[source] + ADDRESS_FIELDS[source]
    return {name: record[name] for name in names if record[name]}


def _identifier(*, siret: str, siren: str) -> tuple[str, str]:
    if (siret or "").strip():
        try:
            return "siret", siret_clean(siret)
        except ValidationError as exc:
            raise ValidationError({"siret": exc.messages}) from exc
    if (siren or "").strip():
        try:
            return "siren", siren_clean(siren)
        except ValidationError as exc:
            raise ValidationError({"siren": exc.messages}) from exc
    raise ValidationError({"siret": message_no_identifier()})


def _fetch(source: str, number: str):
    backend = sirene()
    try:
        return backend.by_siret(number) if source == "siret" else backend.by_siren(number)
    except SireneError as exc:
        raise ValidationError({source: ValidationError(exc.message, code="registry")}) from exc


def _naf(value: str) -> str:
    """INSEE's "62.01Z" in our format, or "" when it is not a NAF rév. 2 sub-class we know
    (an old NAF rév. 1 code of a closed company, for instance)."""
    try:
        return naf_clean(value)
    except ValidationError:
        return ""


def _default_address(*, tenant: Company, third_party: ThirdParty) -> Address | None:
    return Address.objects.filter(tenant=tenant, third_party=third_party, is_default=True).first()


def third_party_registry_plan(*, tenant: Company, third_party: ThirdParty) -> RegistryPlan:
    """Ask the registry about ``third_party`` (its SIRET, else its SIREN) and list the empty
    fields of the third party and of its default address it would fill. Writes nothing."""
    source, number = _identifier(siret=third_party.siret, siren=third_party.siren)
    found = _fetch(source, number).as_dict()
    found["naf"] = _naf(found["naf"])
    plan = RegistryPlan(source=source, number=number)
    for name in THIRD_PARTY_FIELDS[source]:
        if found[name] and not getattr(third_party, name):
            plan.fills.append(RegistryFill("third_party", name, _verbose(ThirdParty, name), found[name]))
    address = _default_address(tenant=tenant, third_party=third_party) if ADDRESS_FIELDS[source] else None
    if address is not None:
        for name in ADDRESS_FIELDS[source]:
            if found[name] and not getattr(address, name):
                plan.fills.append(RegistryFill("address", name, _verbose(Address, name), found[name]))
    return plan


@transaction.atomic
def third_party_registry_update(*, tenant: Company, actor, third_party: ThirdParty) -> RegistryPlan:
    """ "Mise à jour depuis le registre": fill the empty fields of ``third_party`` and of its
    default address from the registry, through the identity and address services (same rules,
    same audit), plus one "third_party.registry_update" entry naming the source. Refused with
    "Aucun champ vide à compléter." when the registry has nothing for an empty field."""
    third_party = ThirdParty.objects.select_for_update().get(tenant=tenant, pk=third_party.pk)
    plan = third_party_registry_plan(tenant=tenant, third_party=third_party)
    if not plan.fills:
        raise ValidationError(message_nothing_to_fill(), code="nothing_to_fill")
    identity = plan.values("third_party")
    if identity:
        third_party_update(tenant=tenant, actor=actor, third_party=third_party, **identity)
    address_values = plan.values("address")
    if address_values:
        address = _default_address(tenant=tenant, third_party=third_party)
        address_update(tenant=tenant, actor=actor, address=address, **address_values)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="third_party.registry_update",
        instance=third_party,
        changes={f"{fill.model}.{fill.field}": ["", fill.value] for fill in plan.fills},
        reason=f"SIRENE {plan.source.upper()} {plan.number}",
    )
    return plan
