"""``manage.py import_equipment FILE --tenant <company code or id> [--format csv|json]``: create or
update the company's equipment from an inventory file (see parc.services.equipment)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from crm.models import Company
from crm.services.tenant_binding import tenant_context
from parc.services.equipment import FORMATS, ImportFatalError, equipment_import, rows_read


def company_find(value: str) -> Company:
    company = Company.objects.filter(code=value).first()
    if company is None and value.isdigit():
        company = Company.objects.filter(pk=int(value)).first()
    if company is None:
        raise CommandError(f"Société inconnue : {value}")
    return company


class Command(BaseCommand):
    help = "Importe les équipements d'un outil d'inventaire (CSV ou JSON), rapprochés par n° de série."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="Fichier CSV ou JSON.")
        parser.add_argument("--tenant", required=True, help="Code ou identifiant de la société.")
        parser.add_argument(
            "--format", choices=FORMATS, help="Format du fichier (par défaut : son extension)."
        )

    def handle(self, *args, **options) -> None:
        company = company_find(options["tenant"])
        try:
            rows = rows_read(Path(options["file"]), options.get("format"))
            with tenant_context(company):
                report = equipment_import(tenant=company, actor=None, rows=rows)
        except ImportFatalError as exc:
            raise CommandError(str(exc)) from exc
        for line, reason in report.errors:
            self.stderr.write(f"Ligne {line} : {reason}")
        self.stdout.write(report.summary())
