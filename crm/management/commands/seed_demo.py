from django.core.management.base import BaseCommand, CommandError

from crm.demo import DEMO_PASSWORD, SCALES, demo_run


class Command(BaseCommand):
    help = (
        "Load deterministic demo data (idempotent): companies, users of every role and licence, "
        "and each app's data, sized by --scale (see crm/demo.py)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=SCALES, default="small")
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args, scale: str, seed: int, **options):
        try:
            ctx = demo_run(scale=scale, seed=seed, out=self.stdout.write)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(f"Données de démonstration prêtes (échelle {scale}, graine {seed}).")
        )
        self.stdout.write(f"Identifiants de démonstration (mot de passe commun : {DEMO_PASSWORD}) :")
        for company, login, role in ctx.credentials:
            self.stdout.write(f"  {login:<28} {role:<26} {company}")
