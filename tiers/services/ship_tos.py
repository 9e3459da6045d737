"""Writes of a third party's ship-to rows (clients livrés): delivery terms of one address code.

Rules (seed "Clients livrés"): the address code is one of this third party's codes (otherwise
exactly "Code adresse inexistant") and carries at most one ship-to row; the carrier is a third
party of the same company with the carrier role; working days are a subset of 1..7 (Monday to
Sunday); the intra-EU VAT number, when filled, is checked with python-stdnum (tiers.validators).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crm.models import Company
from crm.services.audit import audit_changes, audit_record, audit_snapshot
from tiers.models import ShipTo, ThirdParty
from tiers.models.addresses import Incoterm
from tiers.selectors_sites_banks import address_for_code
from tiers.validators import vat_clean

WEEK_DAYS = (1, 2, 3, 4, 5, 6, 7)  # ISO weekday numbers, Monday = 1
_AUDITED = (
    "address_id",
    "lead_time_days",
    "carrier_id",
    "incoterm",
    "working_days",
    "picking_note",
    "delivery_note",
    "vat_number",
)


def message_address_taken(code: str) -> str:
    return _("Le code adresse %(code)s a déjà ses conditions de livraison.") % {"code": code}


def message_not_a_carrier() -> str:
    return _("Ce tiers n'est pas un transporteur de la société.")


def message_working_days() -> str:
    return _("Jours ouvrés invalides : choisissez parmi les jours du lundi au dimanche.")


def working_days_clean(days: Iterable[Any]) -> list[int]:
    """[5, '1', 1] → [1, 5]; anything outside 1..7 is refused."""
    cleaned = set()
    for day in days or ():
        try:
            number = int(day)
        except (TypeError, ValueError):
            raise ValidationError({"working_days": message_working_days()}) from None
        if number not in WEEK_DAYS or isinstance(day, bool):
            raise ValidationError({"working_days": message_working_days()})
        cleaned.add(number)
    return sorted(cleaned)


def _fill(ship_to: ShipTo, *, tenant: Company, third_party: ThirdParty, data: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}

    def collect(field: str, function, *args, **kwargs):
        try:
            return function(*args, **kwargs)
        except ValidationError as exc:
            for key, messages in (
                exc.message_dict if hasattr(exc, "error_dict") else {field: exc.messages}
            ).items():
                errors.setdefault(key, []).extend(messages)
            return None

    if "address_code" in data:
        address = collect(
            "address_code",
            address_for_code,
            tenant=tenant,
            third_party=third_party,
            code=data["address_code"],
        )
        if address is not None:
            ship_to.address = address
    if "lead_time_days" in data:
        lead_time = data["lead_time_days"]
        if lead_time is None or int(lead_time) < 0:
            errors.setdefault("lead_time_days", []).append(
                _("Le délai de livraison est un nombre de jours positif ou nul.")
            )
        else:
            ship_to.lead_time_days = int(lead_time)
    if "carrier" in data:
        carrier = data["carrier"]
        if carrier is not None and (carrier.tenant_id != tenant.pk or not carrier.is_carrier):
            errors.setdefault("carrier", []).append(message_not_a_carrier())
        else:
            ship_to.carrier = carrier
    if "incoterm" in data:
        incoterm = (data["incoterm"] or "").strip().upper()
        if incoterm and incoterm not in Incoterm.values:
            errors.setdefault("incoterm", []).append(_("Incoterm inconnu : %(value)s.") % {"value": incoterm})
        else:
            ship_to.incoterm = incoterm
    if "working_days" in data:
        days = collect("working_days", working_days_clean, data["working_days"])
        if days is not None:
            ship_to.working_days = days
    for name in ("picking_note", "delivery_note"):
        if name in data:
            setattr(ship_to, name, (data[name] or "").strip())
    if "vat_number" in data:
        vat = collect("vat_number", vat_clean, data["vat_number"] or "")
        if vat is not None:
            ship_to.vat_number = vat
    if errors:
        raise ValidationError(errors)
    if ship_to.address_id is None:
        raise ValidationError({"address_code": _("Le code adresse est obligatoire.")})
    taken = ShipTo.objects.filter(tenant=tenant, address=ship_to.address)
    if ship_to.pk is not None:
        taken = taken.exclude(pk=ship_to.pk)
    if taken.exists():
        raise ValidationError({"address_code": message_address_taken(ship_to.address.code)})


@transaction.atomic
def ship_to_create(
    *,
    tenant: Company,
    actor,
    third_party: ThirdParty,
    address_code: str,
    lead_time_days: int = 0,
    carrier: ThirdParty | None = None,
    incoterm: str = "",
    working_days: Iterable[int] = (),
    picking_note: str = "",
    delivery_note: str = "",
    vat_number: str = "",
) -> ShipTo:
    ship_to = ShipTo(tenant=tenant, third_party=third_party)
    _fill(
        ship_to,
        tenant=tenant,
        third_party=third_party,
        data={
            "address_code": address_code,
            "lead_time_days": lead_time_days,
            "carrier": carrier,
            "incoterm": incoterm,
            "working_days": working_days,
            "picking_note": picking_note,
            "delivery_note": delivery_note,
            "vat_number": vat_number,
        },
    )
    ship_to.full_clean(validate_constraints=False)
    ship_to.save()
    audit_record(
        tenant=tenant,
        actor=actor,
        action="shipto.create",
        instance=ship_to,
        changes={name: [None, value] for name, value in audit_snapshot(ship_to, _AUDITED).items()},
    )
    return ship_to


@transaction.atomic
def ship_to_update(*, tenant: Company, actor, ship_to: ShipTo, **data: Any) -> ShipTo:
    """Change a ship-to row; keyword arguments as for ship_to_create (only those given change)."""
    unknown = set(data) - {
        "address_code",
        "lead_time_days",
        "carrier",
        "incoterm",
        "working_days",
        "picking_note",
        "delivery_note",
        "vat_number",
    }
    if unknown:
        raise TypeError(f"unknown ship-to fields: {sorted(unknown)}")
    ship_to = (
        ShipTo.objects.select_for_update().select_related("third_party").get(tenant=tenant, pk=ship_to.pk)
    )
    before = audit_snapshot(ship_to, _AUDITED)
    _fill(ship_to, tenant=tenant, third_party=ship_to.third_party, data=data)
    ship_to.full_clean(validate_constraints=False)
    ship_to.save()
    changes = audit_changes(before, audit_snapshot(ship_to, _AUDITED))
    if changes:
        audit_record(tenant=tenant, actor=actor, action="shipto.update", instance=ship_to, changes=changes)
    return ship_to


@transaction.atomic
def ship_to_delete(*, tenant: Company, actor, ship_to: ShipTo) -> None:
    ship_to = ShipTo.objects.select_for_update().get(tenant=tenant, pk=ship_to.pk)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="shipto.delete",
        instance=ship_to,
        changes={name: [value, None] for name, value in audit_snapshot(ship_to, _AUDITED).items()},
    )
    ship_to.delete()
