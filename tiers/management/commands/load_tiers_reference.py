from django.core.management.base import BaseCommand

from tiers.services.reference import tiers_reference_load


class Command(BaseCommand):
    help = (
        "Load the committed French postal codes and NAF rév. 2 codes from fixtures/; idempotent, "
        "rows are matched on (postal code, INSEE code, city) and on the NAF code."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database: str, **options):
        result = tiers_reference_load(using=database)
        self.stdout.write(
            self.style.SUCCESS(
                f"Référentiels des tiers à jour : {result.postal_codes} codes postaux, "
                f"{result.naf_codes} codes NAF."
            )
        )
