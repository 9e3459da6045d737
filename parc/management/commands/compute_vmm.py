"""``manage.py compute_vmm [--month YYYY-MM] [--tenant CODE] [--sync]``: start the VMM run of a
month (default: the month just ended) for one company or, without ``--tenant``, every active
company. Its chunks go to the Celery workers (in-process without REDIS_URL); ``--sync`` processes
them here, one after the other, and prints the rows written."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from crm.models import Company
from crm.services.tenant_binding import tenant_context
from parc.management.commands.import_equipment import company_find
from parc.services.vmm_runs import vmm_run_process, vmm_run_start
from parc.tasks import month_just_ended


def month_parse(value: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise CommandError(f"Mois invalide : {value} (format attendu AAAA-MM)") from None


class Command(BaseCommand):
    help = "Calcule les VMM (volumes mensuels moyens) d'un mois, pour une société ou toutes."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--month", help="Mois AAAA-MM (par défaut : le mois qui vient de se terminer).")
        parser.add_argument("--tenant", help="Code ou identifiant de la société (par défaut : toutes).")
        parser.add_argument("--sync", action="store_true", help="Calculer ici, sans passer par les workers.")

    def handle(self, *args, **options) -> None:
        month = month_parse(options["month"]) if options["month"] else month_just_ended()
        if options["tenant"]:
            companies = [company_find(options["tenant"])]
        else:
            # Cross-tenant maintenance: Company is the tenant table itself (not scoped); each
            # company's run happens inside its own scope below.
            companies = list(Company.objects.filter(is_active=True).order_by("pk"))
        refused = 0
        for company in companies:
            with tenant_context(company):
                try:
                    run = vmm_run_start(tenant=company, month=month, enqueue=not options["sync"])
                except ValidationError as refusal:
                    refused += 1
                    self.stderr.write(f"{company.code} : {' '.join(refusal.messages)}")
                    continue
                if options["sync"]:
                    run = vmm_run_process(run=run)
            self.stdout.write(
                f"{company.code} : VMM {month:%m/%Y}, tentative {run.attempt}, {run.asset_count} biens, "
                f"{run.chunk_count} lots, état {run.get_state_display()}, {run.rows_written} lignes écrites"
            )
        if refused == len(companies) and companies:
            raise CommandError("Aucun calcul lancé.")
