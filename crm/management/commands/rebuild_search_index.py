import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_scopes import scopes_disabled

from crm.models import Company
from crm.search import search_index_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the quick-search index of every company (or of --tenant CODE), one transaction per "
        "company. Needed after writes that send no signal (bulk inserts, QuerySet.update, raw SQL)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tenant", help="code de la société (par défaut : toutes)")

    def handle(self, *args, tenant: str | None = None, **options):
        # Cross-tenant maintenance: no request scope exists here; each company is rebuilt with an
        # explicit tenant_id filter in every statement (crm.search.search_index_rebuild).
        with scopes_disabled():
            companies = Company.objects.order_by("code")
            if tenant:
                companies = companies.filter(code=tenant)
                if not companies.exists():
                    raise CommandError(f"Société inconnue : {tenant}")
            for company in companies:
                started = time.perf_counter()
                self.stdout.write(f"{company.code} :")
                with transaction.atomic():
                    counts = search_index_rebuild(tenant_id=company.pk, out=self.stdout.write)
                self.stdout.write(
                    f"  {sum(counts.values())} entrées en {time.perf_counter() - started:.1f} s"
                )
        self.stdout.write(self.style.SUCCESS("Index de recherche reconstruit."))
