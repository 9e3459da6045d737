"""Writes of a third party's sites (customer locations): address, GPS, business lines and reps.

Rules: the site's address is one of the third party's own addresses; GPS coordinates are given
both or none, latitude in [-90, 90], longitude in [-180, 180]; each business line appears once
and its rep is an active member of the company; exactly one main site per third party (a partial
unique index guarantees at most one; the first site becomes the main one, making a site main
demotes the previous one in the same transaction, and un-marking the main site is refused); the
main site cannot be deleted while the third party has other sites. "Vérifier l'adresse" fills the
GPS through tiers.geocoding, writing nothing when the geocoder fails.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crm.models import BusinessLine, Company, Membership
from crm.services.audit import audit_changes, audit_record, audit_snapshot
from tiers.geocoding import GeocodingError, address_geocode
from tiers.models import Address, Site, SiteBusinessLine, ThirdParty

_AUDITED = ("name", "address_id", "latitude", "longitude", "is_main")


def message_foreign_address() -> str:
    return _("Cette adresse n'appartient pas à ce tiers.")


def message_gps_incomplete() -> str:
    return _("Renseignez la latitude et la longitude, ou aucune des deux.")


def message_latitude_range() -> str:
    return _("La latitude doit être comprise entre -90 et 90.")


def message_longitude_range() -> str:
    return _("La longitude doit être comprise entre -180 et 180.")


def message_keep_main() -> str:
    return _(
        "Un tiers doit garder un site principal : désignez un autre site comme site principal, il "
        "remplacera celui-ci."
    )


def message_delete_main() -> str:
    return _(
        "Le site principal ne peut pas être supprimé tant que le tiers a d'autres sites : désignez "
        "d'abord un autre site principal."
    )


def message_rep_not_member(name: str) -> str:
    return _("%(name)s n'est pas membre de la société : il ne peut pas suivre ce site.") % {"name": name}


def message_business_line_twice(name: str) -> str:
    return _("L'activité %(name)s figure deux fois sur ce site.") % {"name": name}


@dataclass(frozen=True)
class BusinessLineRep:
    """One business line served at a site, with its rep (None: nobody yet)."""

    business_line: BusinessLine
    rep: Any = None


def _gps_clean(latitude: Decimal | None, longitude: Decimal | None) -> None:
    errors: dict[str, list[str]] = {}
    if (latitude is None) != (longitude is None):
        errors["latitude" if latitude is None else "longitude"] = [message_gps_incomplete()]
    if latitude is not None and not Decimal(-90) <= latitude <= Decimal(90):
        errors.setdefault("latitude", []).append(message_latitude_range())
    if longitude is not None and not Decimal(-180) <= longitude <= Decimal(180):
        errors.setdefault("longitude", []).append(message_longitude_range())
    if errors:
        raise ValidationError(errors)


def _lines_clean(*, tenant: Company, lines: Sequence[BusinessLineRep]) -> list[BusinessLineRep]:
    errors: list[str] = []
    seen: set[int] = set()
    rep_ids = {line.rep.pk for line in lines if line.rep is not None}
    members = set(
        Membership.objects.filter(tenant=tenant, is_active=True, user_id__in=rep_ids).values_list(
            "user_id", flat=True
        )
    )
    for line in lines:
        if line.business_line.tenant_id != tenant.pk:
            raise ValidationError({"business_lines": _("Activité inconnue.")})
        if line.business_line.pk in seen:
            errors.append(message_business_line_twice(line.business_line.name))
        seen.add(line.business_line.pk)
        if line.rep is not None and line.rep.pk not in members:
            errors.append(message_rep_not_member(line.rep.get_full_name() or line.rep.get_username()))
    if errors:
        raise ValidationError({"business_lines": errors})
    return list(lines)


def _lines_write(*, tenant: Company, site: Site, lines: list[BusinessLineRep]) -> list[list]:
    """Replace the site's business lines when they changed; returns [before, after] for the audit."""
    before = sorted(
        [link.business_line_id, link.rep_id]
        for link in SiteBusinessLine.objects.filter(tenant=tenant, site=site)
    )
    after = sorted([line.business_line.pk, line.rep.pk if line.rep else None] for line in lines)
    if before != after:
        SiteBusinessLine.objects.filter(tenant=tenant, site=site).delete()
        SiteBusinessLine.objects.bulk_create(
            [
                SiteBusinessLine(tenant=tenant, site=site, business_line=line.business_line, rep=line.rep)
                for line in lines
            ]
        )
    return [before, after]


def _main_site(*, tenant: Company, third_party: ThirdParty, exclude: int | None = None) -> Site | None:
    queryset = Site.objects.select_for_update().filter(tenant=tenant, third_party=third_party, is_main=True)
    if exclude is not None:
        queryset = queryset.exclude(pk=exclude)
    return queryset.first()


def _demote(*, tenant: Company, actor, site: Site) -> None:
    site.is_main = False
    site.save(update_fields=["is_main"])
    audit_record(
        tenant=tenant, actor=actor, action="site.update", instance=site, changes={"is_main": [True, False]}
    )


def _fill(site: Site, *, third_party: ThirdParty, data: dict[str, Any]) -> None:
    for name in ("name", "address", "latitude", "longitude"):
        if name in data:
            setattr(site, name, data[name])
    site.name = (site.name or "").strip()
    if not site.name:
        raise ValidationError({"name": _("Le nom du site est obligatoire.")})
    address: Address | None = data.get("address", site.address if site.address_id else None)
    if address is None:
        raise ValidationError({"address": _("L'adresse du site est obligatoire.")})
    if address.third_party_id != third_party.pk or address.tenant_id != third_party.tenant_id:
        raise ValidationError({"address": message_foreign_address()})
    _gps_clean(site.latitude, site.longitude)


@transaction.atomic
def site_create(
    *,
    tenant: Company,
    actor,
    third_party: ThirdParty,
    name: str,
    address: Address,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    is_main: bool | None = None,
    business_lines: Iterable[BusinessLineRep] = (),
) -> Site:
    """A new site; the third party's first site is its main site whatever ``is_main`` says."""
    site = Site(tenant=tenant, third_party=third_party)
    _fill(
        site,
        third_party=third_party,
        data={"name": name, "address": address, "latitude": latitude, "longitude": longitude},
    )
    lines = _lines_clean(tenant=tenant, lines=list(business_lines))
    current_main = _main_site(tenant=tenant, third_party=third_party)
    site.is_main = current_main is None or bool(is_main)
    site.full_clean(validate_constraints=False)
    if site.is_main and current_main is not None:
        _demote(tenant=tenant, actor=actor, site=current_main)
    site.save()
    changes = {name: [None, value] for name, value in audit_snapshot(site, _AUDITED).items()}
    changes["business_lines"] = _lines_write(tenant=tenant, site=site, lines=lines)
    audit_record(tenant=tenant, actor=actor, action="site.create", instance=site, changes=changes)
    return site


_UNSET: Any = object()


@transaction.atomic
def site_update(
    *,
    tenant: Company,
    actor,
    site: Site,
    name: str = _UNSET,
    address: Address = _UNSET,
    latitude: Decimal | None = _UNSET,
    longitude: Decimal | None = _UNSET,
    is_main: bool = _UNSET,
    business_lines: Iterable[BusinessLineRep] | None = None,
) -> Site:
    """Change a site; ``business_lines`` (when given) replaces its business lines and reps."""
    site = Site.objects.select_for_update().select_related("third_party").get(tenant=tenant, pk=site.pk)
    third_party = site.third_party
    before = audit_snapshot(site, _AUDITED)
    data = {
        key: value
        for key, value in {
            "name": name,
            "address": address,
            "latitude": latitude,
            "longitude": longitude,
        }.items()
        if value is not _UNSET
    }
    _fill(site, third_party=third_party, data=data)
    lines = _lines_clean(tenant=tenant, lines=list(business_lines)) if business_lines is not None else None
    if is_main is not _UNSET and bool(is_main) != site.is_main:
        if not is_main:
            raise ValidationError({"is_main": message_keep_main()})
        current_main = _main_site(tenant=tenant, third_party=third_party, exclude=site.pk)
        if current_main is not None:
            _demote(tenant=tenant, actor=actor, site=current_main)
        site.is_main = True
    site.full_clean(validate_constraints=False)
    site.save()
    changes = audit_changes(before, audit_snapshot(site, _AUDITED))
    if lines is not None:
        line_changes = _lines_write(tenant=tenant, site=site, lines=lines)
        if line_changes[0] != line_changes[1]:
            changes["business_lines"] = line_changes
    if changes:
        audit_record(tenant=tenant, actor=actor, action="site.update", instance=site, changes=changes)
    return site


@transaction.atomic
def site_delete(*, tenant: Company, actor, site: Site) -> None:
    """Delete a site; the main site only when it is the third party's last one."""
    site = Site.objects.select_for_update().get(tenant=tenant, pk=site.pk)
    if (
        site.is_main
        and Site.objects.filter(tenant=tenant, third_party_id=site.third_party_id)
        .exclude(pk=site.pk)
        .exists()
    ):
        raise ValidationError(message_delete_main(), code="site_main_delete")
    snapshot = audit_snapshot(site, _AUDITED)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="site.delete",
        instance=site,
        changes={name: [value, None] for name, value in snapshot.items()},
    )
    site.delete()


@transaction.atomic
def site_geocode(*, tenant: Company, actor, site: Site) -> Site:
    """ "Vérifier l'adresse": GPS of the site's address through the configured geocoder.

    A geocoder failure raises ValidationError with the geocoder's French message and writes nothing.
    """
    site = (
        Site.objects.select_for_update(of=("self",))
        .select_related("address", "address__country")
        .get(tenant=tenant, pk=site.pk)
    )
    try:
        result = address_geocode(site.address)
    except GeocodingError as exc:
        raise ValidationError(exc.message, code="geocoding") from exc
    before = audit_snapshot(site, ("latitude", "longitude"))
    site.latitude, site.longitude = result.latitude, result.longitude
    _gps_clean(site.latitude, site.longitude)
    site.save(update_fields=["latitude", "longitude"])
    changes = audit_changes(before, audit_snapshot(site, ("latitude", "longitude")))
    if changes:
        audit_record(
            tenant=tenant,
            actor=actor,
            action="site.geocode",
            instance=site,
            changes=changes,
            reason=result.label[:200] if result.label else "",
        )
    return site
