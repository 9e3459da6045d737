"""Writes of meter readings (relevés).

Rules of ``reading_add``:
- no date in the future, no negative value, no second reading of the same asset's meter on the
  same date;
- a meter never goes down: the new value may not be lower than the previous non-estimated reading
  (by date) unless the new reading is flagged as a counter replacement; a back-dated reading is
  also checked against the next non-estimated reading, which may not be lower than the new value
  unless that next reading is itself a replacement. Estimated readings are never neighbours.
The asset row is locked (``SELECT … FOR UPDATE``) first, so two concurrent readings of the same
asset are checked one after the other. The reading stores the asset's customer, site and business
line. Deleting a reading is refused when it would leave its neighbours going down. Audited.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import Company
from crm.services.audit import audit_changes, audit_record, audit_snapshot
from parc.models import Asset, MeterReading, MeterType, ReadingSource
from parc.selectors_meters import Neighbour, reading_neighbours

_AUDITED = ("asset_id", "meter_type_id", "read_on", "value", "source", "is_estimated", "is_replacement")


def _day(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


def message_future_date() -> str:
    return _("La date du relevé ne peut pas être dans le futur.")


def message_negative_value() -> str:
    return _("La valeur d'un compteur ne peut pas être négative.")


def message_same_date(read_on: datetime.date) -> str:
    return _("Un relevé de ce compteur existe déjà à la date du %(date)s.") % {"date": _day(read_on)}


def message_below_previous(previous: Neighbour) -> str:
    return _(
        "La valeur est inférieure au relevé précédent du %(date)s (%(value)s). "
        "Cochez « remplacement du compteur » si le compteur a été changé."
    ) % {"date": _day(previous.read_on), "value": previous.value}


def message_above_next(following: Neighbour) -> str:
    return _(
        "La valeur est supérieure au relevé suivant du %(date)s (%(value)s) : "
        "un compteur ne peut pas diminuer entre deux relevés."
    ) % {"date": _day(following.read_on), "value": following.value}


def message_delete_breaks(previous: Neighbour, following: Neighbour) -> str:
    return _(
        "Ce relevé ne peut pas être supprimé : le relevé du %(next_date)s (%(next_value)s) deviendrait "
        "inférieur au relevé précédent du %(previous_date)s (%(previous_value)s)."
    ) % {
        "next_date": _day(following.read_on),
        "next_value": following.value,
        "previous_date": _day(previous.read_on),
        "previous_value": previous.value,
    }


def _asset_lock(tenant: Company, asset: Asset) -> Asset:
    """Lock the asset row: readings of one asset are checked one transaction at a time."""
    return Asset.objects.select_for_update().get(tenant=tenant, pk=asset.pk)


@transaction.atomic
def reading_add(
    *,
    tenant: Company,
    actor,
    asset: Asset,
    meter_type: MeterType,
    read_on: datetime.date,
    value: int,
    source: str = ReadingSource.MANUAL,
    is_estimated: bool = False,
    is_replacement: bool = False,
) -> MeterReading:
    """Record a reading of ``asset``'s ``meter_type`` meter (rules in the module docstring)."""
    if asset.tenant_id != tenant.pk or meter_type.tenant_id != tenant.pk:
        raise ValueError("The asset and the meter type must belong to the tenant.")
    if read_on > timezone.localdate():
        raise ValidationError({"read_on": [message_future_date()]})
    if value < 0:
        raise ValidationError({"value": [message_negative_value()]})
    asset = _asset_lock(tenant, asset)
    same_meter = MeterReading.objects.filter(tenant=tenant, asset=asset, meter_type=meter_type)
    if same_meter.filter(read_on=read_on).exists():
        raise ValidationError({"read_on": [message_same_date(read_on)]})
    previous, following = reading_neighbours(
        tenant=tenant, asset_id=asset.pk, meter_type_id=meter_type.pk, read_on=read_on
    )
    if previous is not None and value < previous.value and not is_replacement:
        raise ValidationError({"value": [message_below_previous(previous)]})
    if following is not None and following.value < value and not following.is_replacement:
        raise ValidationError({"value": [message_above_next(following)]})
    reading = MeterReading(
        tenant=tenant,
        asset=asset,
        customer_id=asset.customer_id,
        site_id=asset.site_id,
        business_line_id=asset.business_line_id,
        meter_type=meter_type,
        read_on=read_on,
        value=value,
        source=source,
        is_estimated=is_estimated,
        is_replacement=is_replacement,
    )
    reading.full_clean()
    reading.save()
    audit_record(
        tenant=tenant,
        actor=actor,
        action="meter_reading.create",
        instance=reading,
        changes=audit_changes({}, audit_snapshot(reading, _AUDITED)),
    )
    return reading


@transaction.atomic
def reading_delete(*, tenant: Company, actor, reading: MeterReading) -> None:
    """Delete ``reading``, unless its neighbours would then go down (a removed replacement)."""
    if reading.tenant_id != tenant.pk:
        raise ValueError("The reading does not belong to the tenant.")
    _asset_lock(tenant, reading.asset)
    if not reading.is_estimated:
        previous, following = reading_neighbours(
            tenant=tenant,
            asset_id=reading.asset_id,
            meter_type_id=reading.meter_type_id,
            read_on=reading.read_on,
            exclude_pk=reading.pk,
        )
        if (
            previous is not None
            and following is not None
            and following.value < previous.value
            and not following.is_replacement
        ):
            raise ValidationError(message_delete_breaks(previous, following))
    before = audit_snapshot(reading, _AUDITED)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="meter_reading.delete",
        instance=reading,
        changes={name: [value, None] for name, value in before.items()},
    )
    reading.delete()
