import random

from django.core.management.base import BaseCommand
from django.db import transaction

from crm.demo import DEMO_PASSWORD, SCALES, DemoContext, demo_registry


class Command(BaseCommand):
    help = "Load deterministic demo data (idempotent): companies, users of every role, and each app's data."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=SCALES, default="small")
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args, scale: str, seed: int, **options):
        # Deterministic pseudo-random demo data, not cryptography.
        rng = random.Random(seed)  # noqa: S311
        ctx = DemoContext(scale=scale, seed=seed, rng=rng, out=self.stdout.write)
        for label, step in demo_registry.steps():
            with transaction.atomic():
                step(ctx)
            self.stdout.write(f"  {label}: ok")
        self.stdout.write(self.style.SUCCESS(f"Données de démonstration prêtes (échelle {scale})."))
        self.stdout.write(f"Identifiants de démonstration (mot de passe commun : {DEMO_PASSWORD}) :")
        for company, login, role in ctx.credentials:
            self.stdout.write(f"  {login:<28} {role:<26} {company}")
