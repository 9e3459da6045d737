"""``migrate`` as the tables' owner (DATABASE_MIGRATE_URL) when the application logs in as a
role bound by row-level security (crm.rls, crm.services.db_roles)."""

from django.core.management.commands.migrate import Command as DjangoMigrate

from crm.services.db_roles import owner_connection


class Command(DjangoMigrate):
    def handle(self, *args, **options):
        with owner_connection(options["database"]):
            return super().handle(*args, **options)
