"""``manage.py import_equipment``: CSV and JSON files, matched on serial, per-line errors with
French reasons, nothing written on a fatal error."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from django_scopes import scope

from parc.models import Equipment
from tests.parc.factories_assets import AssetFactory, EquipmentFactory, site_of
from tests.tiers.factories import ThirdPartyFactory

CSV_HEADER = "customer_code;site_code;serial;hostname;model;active\n"


@pytest.fixture
def customer(tenant):
    customer = ThirdPartyFactory(tenant=tenant, code="CLIMP01")
    site_of(customer, code="001", name="Siège")
    site_of(customer, code="002", name="Entrepôt Nord", is_main=False)
    return customer


def run(path, tenant, *extra):
    out, err = [], []

    class Sink:
        def __init__(self, lines):
            self.lines = lines

        def write(self, text):
            self.lines.append(text)

        def flush(self):
            pass

    call_command(
        "import_equipment", str(path), "--tenant", tenant.code, *extra, stdout=Sink(out), stderr=Sink(err)
    )
    return "".join(out), "".join(err)


def test_csv_import_creates_updates_links_assets_and_reports_bad_lines(tenant, customer, tmp_path):
    asset = AssetFactory(tenant=tenant, customer=customer, serial="SN-1")
    AssetFactory(tenant=tenant, serial="SN-2")  # same serial, another customer: not linked
    EquipmentFactory(tenant=tenant, customer=customer, serial="SN-3", hostname="ancien", is_active=True)
    path = tmp_path / "inventaire.csv"
    path.write_text(
        CSV_HEADER
        + "CLIMP01;001;SN-1;pc-accueil;OptiPlex;oui\n"
        + "CLIMP01;Entrepôt nord;SN-2;pc-stock;ThinkCentre;1\n"
        + "CLIMP01;;SN-3;pc-renomme;EliteDesk;non\n"
        + "C999999;001;SN-4;pc-x;X;oui\n"
        + "CLIMP01;007;SN-5;pc-y;Y;oui\n"
        + "CLIMP01;001;;pc-z;Z;oui\n"
        + "CLIMP01;001;SN-6;pc-w;W;peut-être\n"
        + "CLIMP01;001;SN-1;doublon;D;oui\n",
        encoding="utf-8",
    )

    out, err = run(path, tenant)

    assert out.strip() == "2 créé(s), 1 mis à jour, 5 erreur(s)."
    assert err.splitlines() == [
        "Ligne 5 : client C999999 inconnu",
        "Ligne 6 : site 007 inconnu pour ce client",
        "Ligne 7 : numéro de série manquant",
        "Ligne 8 : valeur « peut-être » invalide pour active (oui/non)",
        "Ligne 9 : numéro de série SN-1 déjà présent ligne 2",
    ]
    with scope(tenant=tenant):
        rows = {e.serial: e for e in Equipment.objects.filter(tenant=tenant).select_related("site")}
    assert set(rows) == {"SN-1", "SN-2", "SN-3"}
    assert (rows["SN-1"].asset_id, rows["SN-1"].site.name, rows["SN-1"].hostname) == (
        asset.pk,
        "Siège",
        "pc-accueil",
    )
    assert (rows["SN-2"].asset_id, rows["SN-2"].site.name) == (None, "Entrepôt Nord")
    assert (rows["SN-3"].hostname, rows["SN-3"].is_active, rows["SN-3"].site) == ("pc-renomme", False, None)


def test_json_import_by_format_option(tenant, customer, tmp_path):
    path = tmp_path / "inventaire.txt"
    path.write_text(
        json.dumps(
            [
                {
                    "customer_code": "CLIMP01",
                    "site_code": "002",
                    "serial": "J-1",
                    "hostname": "srv",
                    "active": True,
                },
                {"customer_code": "CLIMP01", "serial": "J-2", "active": "maybe"},
            ]
        ),
        encoding="utf-8",
    )

    out, err = run(path, tenant, "--format", "json")

    assert out.strip() == "1 créé(s), 0 mis à jour, 1 erreur(s)."
    assert err.strip() == "Ligne 2 : valeur « maybe » invalide pour active (oui/non)"
    with scope(tenant=tenant):
        assert Equipment.objects.get(tenant=tenant, serial="J-1").site.name == "Entrepôt Nord"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.csv", "customer_code;hostname\nCLIMP01;x\n", "Colonnes obligatoires absentes : serial."),
        ("a.json", "{not json", "JSON invalide"),
        ("a.json", '{"serial": "x"}', "Le fichier JSON doit contenir une liste d'objets."),
        ("a.xml", "<x/>", "Format de fichier inconnu : xml"),
    ],
)
def test_fatal_errors_write_nothing(tenant, customer, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")

    with pytest.raises(CommandError, match=message):
        run(path, tenant)

    with scope(tenant=tenant):
        assert not Equipment.objects.filter(tenant=tenant).exists()


def test_unknown_company_is_refused(db, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(CSV_HEADER, encoding="utf-8")

    with pytest.raises(CommandError, match="Société inconnue : nulle-part"):
        call_command("import_equipment", str(path), "--tenant", "nulle-part")
