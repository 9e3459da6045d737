from django.core.management.base import BaseCommand, CommandError

from crm.models import Company
from crm.services.tenant_binding import tenant_context
from synthese.cti import cti_token_rotate


class Command(BaseCommand):
    help = (
        "Create or renew the telephony webhook token of a company (synthese:cti_incoming). The plain "
        "token is printed once; only its hash is stored, the previous token stops working."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="code de la société")

    def handle(self, *args, tenant: str, **options):
        company = Company.objects.filter(code=tenant).first()
        if company is None:
            raise CommandError(f"Société inconnue : {tenant}")
        with tenant_context(company):
            token = cti_token_rotate(tenant=company, actor=None)
        self.stdout.write(token)
