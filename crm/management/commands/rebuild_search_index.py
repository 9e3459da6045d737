import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from crm.models import Company
from crm.search import search_index_rebuild
from crm.services.tenant_binding import tenant_context


class Command(BaseCommand):
    help = (
        "Rebuild the quick-search index of every company (or of --tenant CODE), one transaction per "
        "company. Needed after writes that send no signal (bulk inserts, QuerySet.update, raw SQL)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tenant", help="code de la société (par défaut : toutes)")

    def handle(self, *args, tenant: str | None = None, **options):
        # Cross-tenant maintenance: the companies one after the other, each rebuilt in its own
        # transaction inside its own tenant context (row-level security binds it like any work).
        companies = Company.objects.order_by("code")
        if tenant:
            companies = companies.filter(code=tenant)
            if not companies.exists():
                raise CommandError(f"Société inconnue : {tenant}")
        for company in companies:
            started = time.perf_counter()
            self.stdout.write(f"{company.code} :")
            with transaction.atomic(), tenant_context(company):
                counts = search_index_rebuild(tenant_id=company.pk, out=self.stdout.write)
            self.stdout.write(f"  {sum(counts.values())} entrées en {time.perf_counter() - started:.1f} s")
        self.stdout.write(self.style.SUCCESS("Index de recherche reconstruit."))
