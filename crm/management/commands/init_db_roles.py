from django.core.management.base import BaseCommand

from crm.services.db_roles import db_roles_init, owner_connection


class Command(BaseCommand):
    help = (
        "Crée le rôle applicatif de la base (DATABASE_APP_ROLE, soumis à la sécurité par ligne) "
        "et lui accorde les droits sur les tables. À lancer après migrate, avec le propriétaire."
    )

    def handle(self, *args, **options):
        with owner_connection():
            for line in db_roles_init():
                self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Rôles de la base prêts."))
