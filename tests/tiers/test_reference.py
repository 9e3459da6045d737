"""French postal codes and NAF codes: generated fixtures, loaded by the data migration, their
generator (parsing tested offline on tiny samples) and the demo's selector."""

from __future__ import annotations

import importlib.util
import io
import json
import sys
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tiers.models import NafCode, PostalCode
from tiers.services.reference import (
    PostalPlace,
    fixture_document,
    naf_code_rows,
    postal_code_rows,
    postal_codes_for,
    tiers_reference_after_flush,
    tiers_reference_load,
)

REPO = Path(settings.BASE_DIR)


def _generator():
    spec = importlib.util.spec_from_file_location(
        "generate_tiers_reference", REPO / "scripts" / "generate_tiers_reference.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


# --- The fixtures and the migration ---------------------------------------------------------------


def test_migration_loaded_every_postal_code_of_the_fixture(db):
    rows = postal_code_rows()

    assert len(rows) > 30_000
    assert PostalCode.objects.count() == len(rows)


def test_paris_and_lyon_postal_codes_are_loaded(db):
    paris = PostalCode.objects.get(postal_code="75001")
    lyon = PostalCode.objects.get(postal_code="69002")

    assert (paris.city, paris.city_search, paris.insee_code, paris.subdivision) == (
        "Paris",
        "paris",
        "75101",
        "75",
    )
    assert (lyon.city, lyon.insee_code, lyon.subdivision) == ("Lyon", "69382", "69")
    assert paris.country_code == "FR"


def test_postal_code_keeps_the_official_name_with_accents_and_a_searchable_form(db):
    row = PostalCode.objects.get(postal_code="01000", insee_code="01344")

    assert row.city == "Saint-Denis-lès-Bourg"
    assert row.city_search == "saint denis les bourg"


@pytest.mark.parametrize(
    ("postal_code", "insee_code", "subdivision"),
    [("20000", "2A004", "2A"), ("20200", "2B033", "2B"), ("97400", "97411", "974"), ("01000", "01053", "01")],
)
def test_subdivision_is_the_departement_of_the_commune(db, postal_code, insee_code, subdivision):
    row = PostalCode.objects.get(postal_code=postal_code, insee_code=insee_code)

    assert row.subdivision == subdivision


def test_migration_loaded_every_naf_subclass(db):
    codes = {row["code"] for row in naf_code_rows()}

    assert len(codes) == 732
    assert set(NafCode.objects.values_list("code", flat=True)) == codes


def test_naf_code_has_its_french_label(db):
    assert NafCode.objects.get(code="62.01Z").label == "Programmation informatique"


def test_fixtures_record_their_registry_packages_and_versions():
    postal = fixture_document("postal_codes_fr.json")
    naf = fixture_document("naf_rev2.json")

    assert postal["packages"] == {"codes-postaux": "4.1.2"}
    assert naf["packages"] == {"@socialgouv/codes-naf": "1.1.1"}
    assert postal["integrity"]["codes-postaux"].startswith("sha512-")
    assert postal["generated_by"] == naf["generated_by"] == "scripts/generate_tiers_reference.py"


def test_fixture_rows_are_sorted_and_unique():
    postal = fixture_document("postal_codes_fr.json")["rows"]
    naf = [row["code"] for row in fixture_document("naf_rev2.json")["rows"]]

    assert postal == sorted(postal)
    assert len({tuple(row) for row in postal}) == len(postal)
    assert naf == sorted(set(naf))


def test_load_command_is_idempotent(db):
    before = PostalCode.objects.count(), NafCode.objects.count()
    out = io.StringIO()

    call_command("load_tiers_reference", stdout=out)

    assert (PostalCode.objects.count(), NafCode.objects.count()) == before
    assert "codes postaux" in out.getvalue()


def test_load_updates_a_changed_row_in_place(db):
    PostalCode.objects.filter(postal_code="75001").update(subdivision="99", city_search="x")
    NafCode.objects.filter(code="62.01Z").update(label="Ancien libellé")

    tiers_reference_load()

    assert PostalCode.objects.get(postal_code="75001").subdivision == "75"
    assert PostalCode.objects.get(postal_code="75001").city_search == "paris"
    assert NafCode.objects.get(code="62.01Z").label == "Programmation informatique"


def test_after_flush_reloads_empty_tables(db):
    PostalCode.objects.all().delete()
    NafCode.objects.all().delete()

    tiers_reference_after_flush()

    assert PostalCode.objects.filter(postal_code="69002").exists()
    assert NafCode.objects.filter(code="62.01Z").exists()


# --- The generator, offline -----------------------------------------------------------------------

SAMPLE_POSTAL = [
    {
        "codePostal": "75001",
        "codeCommune": "75101",
        "nomCommune": "Paris 1er Arrondissement",
        "libelleAcheminement": "PARIS",
    },
    {
        "codePostal": "69002",
        "codeCommune": "69382",
        "nomCommune": "Lyon 2e Arrondissement",
        "libelleAcheminement": "LYON",
    },
    {
        "codePostal": "20000",
        "codeCommune": "2A004",
        "nomCommune": "Ajaccio",
        "libelleAcheminement": "AJACCIO",
    },
    {
        "codePostal": "97400",
        "codeCommune": "97411",
        "nomCommune": "Saint-Denis",
        "libelleAcheminement": "SAINT DENIS",
    },
    {
        "codePostal": "01000",
        "codeCommune": "01344",
        "nomCommune": "Saint-Denis-lès-Bourg",
        "libelleAcheminement": "ST DENIS LES BOURG",
    },
    {
        "codePostal": "01000",
        "codeCommune": "01344",
        "nomCommune": "Saint-Denis-lès-Bourg",
        "libelleAcheminement": "ST DENIS LES BOURG",
    },
]
SAMPLE_NAF = [
    {"id": "62", "label": "Programmation, conseil et autres activités informatiques"},
    {"id": "62.0", "label": "Programmation, conseil et autres activités informatiques"},
    {"id": "62.01", "label": "Programmation informatique"},
    {"id": "62.01Z", "label": "Programmation  informatique"},
    {"id": "01.11Z", "label": "Culture de céréales"},
]


def test_generator_turns_communes_into_sorted_rows_with_their_departement():
    generator = _generator()

    rows = generator.postal_rows(SAMPLE_POSTAL)

    assert rows == [
        ["01000", "01344", "Saint-Denis-lès-Bourg", "01"],
        ["20000", "2A004", "Ajaccio", "2A"],
        ["69002", "69382", "Lyon", "69"],
        ["75001", "75101", "Paris", "75"],
        ["97400", "97411", "Saint-Denis", "974"],
    ]


def test_generator_keeps_only_naf_subclasses_with_clean_labels():
    generator = _generator()

    rows = generator.naf_rows(SAMPLE_NAF)

    assert rows == [
        {"code": "01.11Z", "label": "Culture de céréales"},
        {"code": "62.01Z", "label": "Programmation informatique"},
    ]


def test_generator_refuses_an_unexpected_postal_entry():
    generator = _generator()

    with pytest.raises(generator.DataError):
        generator.postal_rows([{"codePostal": "7500", "codeCommune": "75101", "nomCommune": "Paris"}])


def _tarball(directory: Path, name: str, version: str, member: str, data) -> Path:
    path = directory / _generator().tarball_name(name, version)
    with tarfile.open(path, "w:gz") as archive:
        for member_name, payload in (
            ("package/package.json", {"name": name, "version": version}),
            (member, data),
        ):
            content = json.dumps(payload).encode()
            info = tarfile.TarInfo(member_name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return path


def test_generator_builds_both_fixtures_from_tarballs_without_network(tmp_path):
    generator = _generator()
    _tarball(tmp_path, *generator.POSTAL_PACKAGE, generator.POSTAL_MEMBER, SAMPLE_POSTAL)
    _tarball(tmp_path, *generator.NAF_PACKAGE, generator.NAF_MEMBER, SAMPLE_NAF)

    outputs = generator.build(tmp_path)

    postal = json.loads(outputs[generator.FIXTURES_DIR / "postal_codes_fr.json"])
    naf = json.loads(outputs[generator.FIXTURES_DIR / "naf_rev2.json"])
    assert postal["packages"] == {"codes-postaux": "4.1.2"}
    assert postal["columns"] == ["postal_code", "insee_code", "city", "subdivision"]
    assert postal["rows"][0] == ["01000", "01344", "Saint-Denis-lès-Bourg", "01"]
    assert naf["packages"] == {"@socialgouv/codes-naf": "1.1.1"}
    assert [row["code"] for row in naf["rows"]] == ["01.11Z", "62.01Z"]


def test_generator_refuses_a_tarball_of_another_version(tmp_path):
    generator = _generator()
    path = _tarball(tmp_path, "codes-postaux", "4.1.1", generator.POSTAL_MEMBER, SAMPLE_POSTAL)
    renamed = path.rename(tmp_path / generator.tarball_name(*generator.POSTAL_PACKAGE))

    with pytest.raises(generator.DataError, match=r"codes-postaux@4\.1\.1"):
        generator.read_json_member(renamed, generator.POSTAL_MEMBER, package=generator.POSTAL_PACKAGE)


def test_generator_names_tarballs_as_npm_pack_does():
    generator = _generator()

    assert generator.tarball_name("@socialgouv/codes-naf", "1.1.1") == "socialgouv-codes-naf-1.1.1.tgz"
    assert generator.tarball_name("codes-postaux", "4.1.2") == "codes-postaux-4.1.2.tgz"


# --- postal_codes_for (demo data) -----------------------------------------------------------------


def test_postal_codes_for_cities_gives_real_pairs_in_upper_case(db):
    places = postal_codes_for(cities=["Lyon"])

    assert PostalPlace(postal_code="69002", city="LYON", subdivision="69") in places
    assert {place.postal_code for place in places} == {f"6900{n}" for n in range(1, 10)}


def test_postal_codes_for_a_departement_with_a_limit(db):
    places = postal_codes_for(subdivisions=["2A"], limit=5)

    assert len(places) == 5
    assert all(place.subdivision == "2A" and place.postal_code.startswith("20") for place in places)


def test_postal_codes_for_an_unknown_code_gives_nothing(db):
    assert postal_codes_for(postal_codes=["00000"]) == []
