"""The SIRENE interface (tiers/sirene.py) and the registry services (tiers/services/registry.py),
against a local HTTP server started by the test that answers like INSEE's API Sirene 3.11."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope

from crm.models import AuditEntry
from tests.factories import member
from tests.tiers.factories import AddressFactory
from tests.tiers.factories_sites_banks import CustomerFactory
from tiers.models import ThirdParty
from tiers.services.registry import registry_lookup, third_party_registry_plan, third_party_registry_update
from tiers.sirene import BACKENDS, InseeSirene, NotConfiguredSirene, SireneError, sirene

SIREN = "732829320"
SIRET = "73282932000074"
VAT = "FR44732829320"  # a French company needs one (tiers.validators.legal_ids_check)
NOT_CONFIGURED = "Le service SIRENE n'est pas configuré."


def establishment(**unit) -> dict:
    return {
        "header": {"statut": 200, "message": "ok"},
        "etablissement": {
            "siren": SIREN,
            "siret": SIRET,
            "uniteLegale": {
                "denominationUniteLegale": "SOCIETE GENERALE",
                "activitePrincipaleUniteLegale": "64.19Z",
                "nomUniteLegale": None,
                "prenom1UniteLegale": None,
                **unit,
            },
            "adresseEtablissement": {
                "numeroVoieEtablissement": "29",
                "typeVoieEtablissement": "BD",
                "libelleVoieEtablissement": "HAUSSMANN",
                "complementAdresseEtablissement": "BATIMENT A",
                "codePostalEtablissement": "75009",
                "libelleCommuneEtablissement": "PARIS",
            },
        },
    }


def legal_unit(**period) -> dict:
    return {
        "header": {"statut": 200, "message": "ok"},
        "uniteLegale": {
            "siren": SIREN,
            "prenom1UniteLegale": None,
            "periodesUniteLegale": [
                {
                    "denominationUniteLegale": "SOCIETE GENERALE",
                    "activitePrincipaleUniteLegale": "64.19Z",
                    **period,
                },
                {"denominationUniteLegale": "ANCIEN NOM", "activitePrincipaleUniteLegale": "65.1A"},
            ],
        },
    }


class FakeSirene:
    """A local HTTP server answering /siret/<n> and /siren/<n>; the test sets status, body, delay."""

    def __init__(self) -> None:
        self.answers = {
            "siret": (200, json.dumps(establishment()).encode()),
            "siren": (200, json.dumps(legal_unit()).encode()),
        }
        self.delay = 0.0
        self.requests: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                fake.requests.append(
                    {"path": self.path, "key": self.headers.get("X-INSEE-Api-Key-Integration")}
                )
                kind = self.path.strip("/").split("/")[-2] if self.path.count("/") >= 2 else ""
                status, body = fake.answers.get(kind, (404, b"{}"))
                if fake.delay:
                    time.sleep(fake.delay)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = False
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api-sirene/3.11"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, kind: str, document=None, *, status: int = 200, raw: bytes | None = None) -> None:
        self.answers[kind] = (status, raw if raw is not None else json.dumps(document).encode())


def sirene_server(settings):
    """Start a FakeSirene and point the settings at it (the body of the ``insee`` fixtures)."""
    fake = FakeSirene()
    fake.thread.start()
    settings.SIRENE_BACKEND = "insee"
    settings.SIRENE_BASE_URL = fake.url
    settings.SIRENE_TOKEN = "cle-de-test"
    settings.SIRENE_TIMEOUT = 2
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


@pytest.fixture
def insee(settings):
    yield from sirene_server(settings)


@pytest.fixture
def customer(tenant):
    """A customer with its SIRET and nothing else from the registry; its default address is empty."""
    record = CustomerFactory(tenant=tenant, name="SG", siret=SIRET, vat_number=VAT)
    AddressFactory(
        third_party=record, tenant=tenant, code="001", line1="", postal_code="", city="", subdivision=""
    )
    return record


# --- The interface --------------------------------------------------------------------------------


def test_sirene_not_configured_by_default(settings):
    settings.SIRENE_BACKEND = ""

    with pytest.raises(SireneError) as error:
        sirene().by_siret(SIRET)

    assert isinstance(sirene(), NotConfiguredSirene)
    assert error.value.message == NOT_CONFIGURED


def test_sirene_unknown_backend_or_missing_url_is_not_configured(settings):
    settings.SIRENE_BACKEND = "inconnu"
    assert isinstance(sirene(), NotConfiguredSirene)
    settings.SIRENE_BACKEND = "insee"
    settings.SIRENE_BASE_URL = ""
    with pytest.raises(SireneError, match=NOT_CONFIGURED):
        sirene().by_siren(SIREN)


def test_registry_names_both_backends():
    assert BACKENDS["not_configured"] is NotConfiguredSirene
    assert BACKENDS["insee"] is InseeSirene


def test_insee_siret_gives_name_naf_address_and_siren_with_the_api_key(insee):
    record = sirene().by_siret(SIRET)

    assert record.as_dict() == {
        "siren": SIREN,
        "siret": SIRET,
        "name": "SOCIETE GENERALE",
        "naf": "64.19Z",
        "line1": "29 BOULEVARD HAUSSMANN",
        "line2": "BATIMENT A",
        "postal_code": "75009",
        "city": "PARIS",
    }
    assert insee.requests == [{"path": f"/api-sirene/3.11/siret/{SIRET}", "key": "cle-de-test"}]


def test_insee_siren_gives_name_and_naf_of_the_current_period(insee):
    record = sirene().by_siren(SIREN)

    assert (record.siren, record.name, record.naf, record.line1, record.siret) == (
        SIREN,
        "SOCIETE GENERALE",
        "64.19Z",
        "",
        "",
    )
    assert insee.requests[0]["path"] == f"/api-sirene/3.11/siren/{SIREN}"


def test_insee_natural_person_is_named_by_last_and_first_name(insee):
    insee.answer(
        "siret",
        establishment(denominationUniteLegale=None, nomUniteLegale="MARTIN", prenom1UniteLegale="CLAIRE"),
    )

    assert sirene().by_siret(SIRET).name == "MARTIN Claire"


@pytest.mark.parametrize(
    ("kind", "status", "raw", "message"),
    [
        ("siret", 404, b"{}", "Aucun établissement trouvé pour ce SIRET."),
        ("siren", 404, b"{}", "Aucune entreprise trouvée pour ce SIREN."),
        ("siret", 500, b"{}", "Le service SIRENE a répondu par une erreur (HTTP 500)."),
        ("siret", 503, b"", "Le service SIRENE a répondu par une erreur (HTTP 503)."),
        ("siret", 401, b"{}", "Le service SIRENE refuse la clé d'accès configurée (HTTP 401)."),
        ("siret", 403, b"{}", "Les informations de cette entreprise ne sont pas diffusibles (HTTP 403)."),
        ("siret", 429, b"{}", "Trop d'appels au service SIRENE : réessayez dans une minute (HTTP 429)."),
        ("siret", 200, b"<html>pas du json</html>", "Réponse illisible du service SIRENE."),
        ("siret", 200, b'{"header": {}}', "Réponse illisible du service SIRENE."),
        ("siren", 200, b'{"uniteLegale": "?"}', "Réponse illisible du service SIRENE."),
    ],
)
def test_insee_bad_answers_give_a_french_message(insee, kind, status, raw, message):
    insee.answer(kind, status=status, raw=raw)

    with pytest.raises(SireneError) as error:
        sirene().by_siret(SIRET) if kind == "siret" else sirene().by_siren(SIREN)

    assert error.value.message == message


def test_insee_timeout_gives_a_french_message(insee, settings):
    settings.SIRENE_TIMEOUT = 0.2
    insee.delay = 1.0

    with pytest.raises(SireneError) as error:
        sirene().by_siret(SIRET)

    assert error.value.message == "Le service SIRENE ne répond pas (délai dépassé)."


def test_insee_unreachable_gives_a_french_message(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = server.server_address[1]
    server.server_close()
    settings.SIRENE_BACKEND = "insee"
    settings.SIRENE_BASE_URL = f"http://127.0.0.1:{port}"

    with pytest.raises(SireneError) as error:
        sirene().by_siren(SIREN)

    assert error.value.message == "Le service SIRENE est injoignable."


# --- registry_lookup (the create form's data) -----------------------------------------------------


def test_lookup_by_siret_fills_name_naf_siren_and_address(insee, db):
    assert registry_lookup(siret="732 829 320 00074") == {
        "name": "SOCIETE GENERALE",
        "naf": "64.19Z",
        "siren": SIREN,
        "line1": "29 BOULEVARD HAUSSMANN",
        "line2": "BATIMENT A",
        "postal_code": "75009",
        "city": "PARIS",
    }


def test_lookup_by_siren_fills_name_and_naf_only(insee, db):
    assert registry_lookup(siren=SIREN) == {"name": "SOCIETE GENERALE", "naf": "64.19Z"}


def test_lookup_normalises_the_naf_and_drops_an_unknown_one(insee, db):
    insee.answer("siren", legal_unit(activitePrincipaleUniteLegale="6201z"))
    assert registry_lookup(siren=SIREN)["naf"] == "62.01Z"
    insee.answer("siren", legal_unit(activitePrincipaleUniteLegale="72.2Z"))  # NAF rév. 1
    assert "naf" not in registry_lookup(siren=SIREN)


def test_lookup_refuses_an_invalid_number_without_calling_the_registry(insee, db):
    with pytest.raises(ValidationError) as error:
        registry_lookup(siret="73282932000075")

    assert error.value.message_dict == {
        "siret": ["SIRET invalide : la clé de contrôle de 73282932000075 est fausse."]
    }
    assert insee.requests == []


def test_lookup_without_a_number_is_refused(db):
    with pytest.raises(ValidationError) as error:
        registry_lookup()

    assert error.value.message_dict == {
        "siret": ["Renseignez le SIRET ou le SIREN pour interroger le registre."]
    }


def test_lookup_not_configured_gives_the_message(settings, db):
    settings.SIRENE_BACKEND = ""

    with pytest.raises(ValidationError) as error:
        registry_lookup(siren=SIREN)

    assert error.value.message_dict == {"siren": [NOT_CONFIGURED]}


# --- third_party_registry_update (service) --------------------------------------------------------


def test_update_by_siret_fills_every_empty_field_and_audits(insee, tenant, customer):
    actor = member(tenant, "Commercial")
    with scope(tenant=tenant):
        ThirdParty.objects.filter(pk=customer.pk).update(name="")

        plan = third_party_registry_update(tenant=tenant, actor=actor, third_party=customer)
        customer.refresh_from_db()
        address = customer.addresses.get()
        entry = AuditEntry.objects.get(action="third_party.registry_update")

    assert [(fill.model, fill.field) for fill in plan.fills] == [
        ("third_party", "name"),
        ("third_party", "naf"),
        ("third_party", "siren"),
        ("address", "line1"),
        ("address", "line2"),
        ("address", "postal_code"),
        ("address", "city"),
    ]
    assert (customer.name, customer.naf, customer.siren) == ("SOCIETE GENERALE", "64.19Z", SIREN)
    assert (address.line1, address.line2, address.postal_code, address.city) == (
        "29 BOULEVARD HAUSSMANN",
        "BATIMENT A",
        "75009",
        "PARIS",
    )
    assert entry.reason == f"SIRENE SIRET {SIRET}"
    assert entry.changes["address.city"] == ["", "PARIS"]


def test_update_keeps_every_filled_field(insee, tenant):
    record = CustomerFactory(
        tenant=tenant, name="Société Générale SA", siret=SIRET, naf="62.01Z", vat_number=VAT
    )
    AddressFactory(
        third_party=record,
        tenant=tenant,
        code="001",
        line1="1 rue Ailleurs",
        line2="",
        postal_code="69002",
        city="LYON",
    )

    with scope(tenant=tenant):
        plan = third_party_registry_update(tenant=tenant, actor=None, third_party=record)
        record.refresh_from_db()
        address = record.addresses.get()

    assert [fill.field for fill in plan.fills] == ["siren", "line2"]
    assert (record.name, record.naf, record.siren) == ("Société Générale SA", "62.01Z", SIREN)
    assert (address.line1, address.line2, address.postal_code, address.city) == (
        "1 rue Ailleurs",
        "BATIMENT A",
        "69002",
        "LYON",
    )


def test_update_by_siren_fills_name_and_naf_only(insee, tenant):
    record = CustomerFactory(tenant=tenant, siren=SIREN)
    AddressFactory(
        third_party=record, tenant=tenant, code="001", line1="", postal_code="", city="", subdivision=""
    )

    with scope(tenant=tenant):
        plan = third_party_registry_plan(tenant=tenant, third_party=record)

    assert [fill.field for fill in plan.fills] == ["naf"]  # the name is filled already
    assert insee.requests[0]["path"].endswith(f"/siren/{SIREN}")


def test_update_refused_when_nothing_is_empty(insee, tenant):
    record = CustomerFactory(tenant=tenant, siret=SIRET, siren=SIREN, naf="64.19Z")
    AddressFactory(third_party=record, tenant=tenant, code="001", line2="Bât. B")

    with scope(tenant=tenant):
        with pytest.raises(ValidationError) as error:
            third_party_registry_update(tenant=tenant, actor=None, third_party=record)
        assert not AuditEntry.objects.filter(action="third_party.registry_update").exists()

    assert error.value.messages == ["Aucun champ vide à compléter."]


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (404, "Aucun établissement trouvé pour ce SIRET."),
        (502, "Le service SIRENE a répondu par une erreur (HTTP 502)."),
    ],
)
def test_update_refused_on_a_registry_error_writes_nothing(insee, tenant, customer, status, message):
    insee.answer("siret", status=status, raw=b"{}")

    with scope(tenant=tenant):
        with pytest.raises(ValidationError) as error:
            third_party_registry_update(tenant=tenant, actor=None, third_party=customer)
        customer.refresh_from_db()

    assert error.value.message_dict == {"siret": [message]}
    assert customer.siren == ""


def test_update_not_configured_gives_the_message(settings, tenant, customer):
    settings.SIRENE_BACKEND = ""

    with scope(tenant=tenant), pytest.raises(ValidationError) as error:
        third_party_registry_update(tenant=tenant, actor=None, third_party=customer)

    assert error.value.messages == [NOT_CONFIGURED]
