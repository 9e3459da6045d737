from django.core.management.base import BaseCommand

from crm.services.reference import reference_data_load


class Command(BaseCommand):
    help = (
        "Load the committed reference data (countries and their rules, currencies) from fixtures/; "
        "idempotent, rows are matched on their ISO code."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database: str, **options):
        result = reference_data_load(using=database)
        self.stdout.write(
            self.style.SUCCESS(
                f"Données de référence à jour : {result.countries} pays, {result.currencies} devises."
            )
        )
        stale = (
            ("Pays absents des fichiers de référence, conservés", result.stale_countries),
            ("Devises absentes des fichiers de référence, conservées", result.stale_currencies),
        )
        for message, codes in stale:
            if codes:
                self.stdout.write(self.style.WARNING(f"{message} : {', '.join(codes)}"))
