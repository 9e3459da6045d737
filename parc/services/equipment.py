"""Import of equipment detected by an inventory tool (no inventory tool is reachable here, so a
file stands for it: ``manage.py import_equipment FILE --tenant <company>``).

File: CSV (``,`` or ``;`` separated, UTF-8, header line) or JSON (a list of objects), with the
columns ``customer_code``, ``site_code``, ``serial``, ``hostname``, ``model``, ``active``.

- ``customer_code``: the code of a customer of the company (required).
- ``site_code``: optional; the code of one of the customer's addresses (``001``...) used by exactly
  one of its sites, or else the exact name of one of its sites (case-insensitive).
- ``serial``: required; the match key: an equipment with this serial is updated, otherwise one is
  created. The equipment is linked to the asset of the same customer with the same serial.
- ``active``: ``1/0``, ``oui/non``, ``vrai/faux``, ``true/false``, ``yes/no``; empty means active.

A line with an error is skipped and reported (line number and French reason); the other lines
are written. Everything runs in one transaction; a fatal error (unreadable file, missing column,
unknown company) writes nothing. A handful of queries whatever the file's size.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import Company
from crm.services.audit import audit_record
from parc.models import Asset, AssetStatus, Equipment
from tiers.models import Site, ThirdParty

COLUMNS = ("customer_code", "site_code", "serial", "hostname", "model", "active")
REQUIRED_COLUMNS = ("customer_code", "serial")
FORMATS = ("csv", "json")
_TRUE = {"1", "oui", "vrai", "true", "yes", "o", "y"}
_FALSE = {"0", "non", "faux", "false", "no", "n"}


class ImportFatalError(Exception):
    """The file cannot be imported at all: nothing is written."""


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    def summary(self) -> str:
        return _("%(created)d créé(s), %(updated)d mis à jour, %(errors)d erreur(s).") % {
            "created": self.created,
            "updated": self.updated,
            "errors": len(self.errors),
        }


def file_format(path: Path, fmt: str | None = None) -> str:
    chosen = (fmt or path.suffix.lstrip(".")).lower()
    if chosen not in FORMATS:
        raise ImportFatalError(
            _("Format de fichier inconnu : %(format)s (utilisez csv ou json, ou l'option --format).")
            % {"format": chosen or "?"}
        )
    return chosen


def rows_read(path: Path, fmt: str | None = None) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) of the file: CSV lines are numbered as in the file (header = 1),
    JSON objects from 1."""
    chosen = file_format(path, fmt)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFatalError(_("Fichier illisible : %(error)s") % {"error": exc}) from exc
    if chosen == "json":
        return _json_rows(text)
    return _csv_rows(text)


def _columns_check(columns) -> None:
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise ImportFatalError(
            _("Colonnes obligatoires absentes : %(columns)s.") % {"columns": ", ".join(missing)}
        )


def _csv_rows(text: str) -> list[tuple[int, dict[str, str]]]:
    first_line = text.splitlines()[0] if text else ""
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(text.splitlines(), delimiter=delimiter)
    columns = [name.strip().lower() for name in reader.fieldnames or []]
    _columns_check(columns)
    reader.fieldnames = columns
    rows = []
    for row in reader:
        values = {key: (value or "").strip() for key, value in row.items() if key in COLUMNS}
        if any(values.values()):
            rows.append((reader.line_num, values))
    return rows


def _json_rows(text: str) -> list[tuple[int, dict[str, str]]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFatalError(_("JSON invalide : %(error)s") % {"error": exc}) from exc
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ImportFatalError(_("Le fichier JSON doit contenir une liste d'objets."))
    _columns_check({key for item in data for key in item} if data else REQUIRED_COLUMNS)
    rows = []
    for number, item in enumerate(data, start=1):
        rows.append((number, {key: _text(item.get(key)) for key in COLUMNS}))
    return rows


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value).strip()


def _active(value: str) -> bool | None:
    lowered = value.lower()
    if lowered == "" or lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    return None


class _Sites:
    """The sites of the file's customers, found by address code (when one site uses it) or name."""

    def __init__(self, tenant: Company, customer_ids: set[int]) -> None:
        self.by_code: dict[tuple[int, str], list[Site]] = {}
        self.by_name: dict[tuple[int, str], list[Site]] = {}
        sites = Site.objects.filter(tenant=tenant, third_party_id__in=customer_ids).select_related("address")
        for site in sites:
            self.by_code.setdefault((site.third_party_id, site.address.code.lower()), []).append(site)
            self.by_name.setdefault((site.third_party_id, site.name.lower()), []).append(site)

    def find(self, customer_id: int, code: str) -> Site | str:
        key = (customer_id, code.lower())
        matches = self.by_code.get(key) or self.by_name.get(key) or []
        if len(matches) == 1:
            return matches[0]
        if not matches:
            return _("site %(code)s inconnu pour ce client") % {"code": code}
        return _("le code %(code)s désigne plusieurs sites de ce client : indiquez le nom du site") % {
            "code": code
        }


@transaction.atomic
def equipment_import(*, tenant: Company, actor, rows: list[tuple[int, dict[str, str]]]) -> ImportReport:
    """Create or update the equipment of ``rows`` (from ``rows_read``), matched on serial."""
    report = ImportReport()
    codes = {row.get("customer_code", "") for _line, row in rows}
    wanted = {variant for code in codes if code for variant in (code, code.upper())}
    customers = {tp.code.lower(): tp for tp in ThirdParty.objects.filter(tenant=tenant, code__in=wanted)}
    sites = _Sites(tenant, {tp.pk for tp in customers.values()})
    serials = {row.get("serial", "") for _line, row in rows} - {""}
    existing = {item.serial: item for item in Equipment.objects.filter(tenant=tenant, serial__in=serials)}
    assets: dict[tuple[int, str], Asset] = {}
    for asset in (
        Asset.objects.filter(tenant=tenant, serial__in=serials)
        .exclude(status=AssetStatus.REMOVED)
        .order_by("pk")
    ):
        assets.setdefault((asset.customer_id, asset.serial), asset)
    now = timezone.now()
    seen: dict[str, int] = {}
    to_create: list[Equipment] = []
    to_update: list[Equipment] = []
    for line, row in rows:
        serial = row.get("serial", "")
        code = row.get("customer_code", "")
        if not serial:
            report.errors.append((line, _("numéro de série manquant")))
            continue
        if serial in seen:
            report.errors.append(
                (line, _("numéro de série %(serial)s déjà présent ligne %(line)d") % {
                    "serial": serial, "line": seen[serial]
                })
            )  # fmt: skip
            continue
        customer = customers.get(code.lower()) if code else None
        if customer is None:
            reason = _("code client manquant") if not code else _("client %(code)s inconnu") % {"code": code}
            report.errors.append((line, reason))
            continue
        site = None
        if row.get("site_code"):
            found = sites.find(customer.pk, row["site_code"])
            if isinstance(found, str):
                report.errors.append((line, found))
                continue
            site = found
        active = _active(row.get("active", ""))
        if active is None:
            report.errors.append(
                (line, _("valeur « %(value)s » invalide pour active (oui/non)") % {"value": row["active"]})
            )
            continue
        if len(row.get("hostname", "")) > 100 or len(row.get("model", "")) > 100 or len(serial) > 60:
            report.errors.append(
                (line, _("valeur trop longue (série 60, nom d'hôte et modèle 100 caractères)"))
            )
            continue
        seen[serial] = line
        asset = assets.get((customer.pk, serial))
        item = existing.get(serial)
        if item is None:
            item = Equipment(tenant=tenant, serial=serial)
            to_create.append(item)
        else:
            to_update.append(item)
        item.customer = customer
        item.site = site
        item.business_line_id = asset.business_line_id if asset is not None else item.business_line_id
        item.asset = asset
        item.hostname = row.get("hostname", "")
        item.model = row.get("model", "")
        item.is_active = active
        item.last_seen_at = now
    Equipment.objects.bulk_create(to_create)
    Equipment.objects.bulk_update(
        to_update,
        ["customer", "site", "business_line", "asset", "hostname", "model", "is_active", "last_seen_at"],
    )
    report.created, report.updated = len(to_create), len(to_update)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="equipment.import",
        changes={"created": [None, report.created], "updated": [None, report.updated]},
        reason=report.summary(),
    )
    return report
