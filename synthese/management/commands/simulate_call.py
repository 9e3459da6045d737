import json
import urllib.error
import urllib.request

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from crm.models import Company
from crm.services.tenant_binding import tenant_context
from synthese.cti import incoming_call_notify


class Command(BaseCommand):
    help = (
        "Simulate an incoming call for demos and tests: the called user's open tab shows the caller. "
        "Without --url the call goes through the same service as the webhook; with --url (the running "
        "server's root, e.g. http://127.0.0.1:8000) and --token, it is POSTed to synthese:cti_incoming."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="code de la société")
        parser.add_argument("--user", required=True, help="identifiant ou e-mail de l'utilisateur appelé")
        parser.add_argument("--number", required=True, help="numéro de l'appelant")
        parser.add_argument("--url", help="racine du serveur à appeler par HTTP (sinon : appel direct)")
        parser.add_argument("--token", help="jeton de téléphonie de la société (avec --url)")

    def handle(self, *args, tenant: str, user: str, number: str, url=None, token=None, **options):
        if url:
            self._post(url, token, user, number)
            return
        company = Company.objects.filter(code=tenant).first()
        if company is None:
            raise CommandError(f"Société inconnue : {tenant}")
        with tenant_context(company):
            try:
                notification = incoming_call_notify(tenant=company, called_user=user, caller_number=number)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
        self._report(notification.customer_id is not None, notification.url)

    def _post(self, root: str, token: str | None, user: str, number: str) -> None:
        if not token:
            raise CommandError("--token est obligatoire avec --url.")
        request = urllib.request.Request(  # noqa: S310 (the operator's own server URL)
            root.rstrip("/") + reverse("synthese:cti_incoming"),
            data=json.dumps({"called_user": user, "caller_number": number}).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            raise CommandError(
                f"Le serveur a refusé l'appel ({exc.code}) : {exc.read().decode()[:300]}"
            ) from exc
        except urllib.error.URLError as exc:
            raise CommandError(f"Serveur injoignable : {exc.reason}") from exc
        self._report(answer.get("known", False), answer.get("url", ""))

    def _report(self, known: bool, detail: str) -> None:
        if known:
            self.stdout.write(self.style.SUCCESS(f"Appel signalé : {detail}"))
        else:
            self.stdout.write(self.style.WARNING("Appel signalé : numéro inconnu."))
