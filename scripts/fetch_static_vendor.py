"""Download the browser libraries the project uses but does not commit (no vendored libraries):
Leaflet, for the synthèse's map, from the npm registry tarball, checked against the sha512
integrity the registry publishes for that version, then extracted into static/vendor/ (gitignored).

    python scripts/fetch_static_vendor.py            # fetch what is missing
    python scripts/fetch_static_vendor.py --force    # fetch again

Only the standard library is used, so ``make install`` and the Dockerfile can run it before
anything else. Without network access it fails with a clear message; the synthèse then shows a
message instead of the map.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import sys
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor"
REGISTRY = "https://registry.npmjs.org"
TIMEOUT = 30


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    target: str  # folder under static/vendor/
    # Paths inside the tarball's dist/ folder to keep (a folder keeps everything under it).
    keep: tuple[str, ...]

    @property
    def tarball(self) -> str:
        return f"{REGISTRY}/{self.name}/-/{self.name}-{self.version}.tgz"


PACKAGES = (Package("leaflet", "1.9.4", "leaflet", ("leaflet.js", "leaflet.css", "images/")),)


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=TIMEOUT) as response:  # noqa: S310 (https constant)
        return response.read()


def expected_integrity(package: Package) -> str:
    """The ``sha512-…`` integrity of the version, from the registry's metadata."""
    metadata = json.loads(_get(f"{REGISTRY}/{package.name}/{package.version}"))
    integrity = metadata["dist"]["integrity"]
    if not integrity.startswith("sha512-"):
        raise SystemExit(f"{package.name}: unexpected integrity {integrity!r}")
    return integrity


def integrity_of(content: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(content).digest()).decode()


def extract(package: Package, content: bytes, destination: Path) -> list[Path]:
    written = []
    with tarfile.open(fileobj=io.BytesIO(content), mode="r:gz") as archive:
        for member in archive.getmembers():
            if not member.isfile() or not member.name.startswith("package/dist/"):
                continue
            relative = member.name.removeprefix("package/dist/")
            if ".." in Path(relative).parts:
                continue
            if not any(
                relative == keep or (keep.endswith("/") and relative.startswith(keep))
                for keep in package.keep
            ):
                continue
            target = destination / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            source = archive.extractfile(member)
            if source is None:
                continue
            target.write_bytes(source.read())
            written.append(target)
    return written


def fetch(package: Package, *, force: bool = False) -> None:
    destination = VENDOR / package.target
    marker = destination / ".version"
    if not force and marker.exists() and marker.read_text().strip() == package.version:
        print(f"{package.name}@{package.version}: déjà présent ({destination.relative_to(ROOT)})")
        return
    expected = expected_integrity(package)
    content = _get(package.tarball)
    actual = integrity_of(content)
    if actual != expected:
        raise SystemExit(f"{package.name}@{package.version}: intégrité invalide ({actual} ≠ {expected})")
    written = extract(package, content, destination)
    marker.write_text(package.version + "\n")
    print(f"{package.name}@{package.version}: {len(written)} fichiers dans {destination.relative_to(ROOT)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="télécharger même si déjà présent")
    args = parser.parse_args(argv)
    try:
        for package in PACKAGES:
            fetch(package, force=args.force)
    except OSError as error:
        print(f"Téléchargement impossible ({error}) : la carte de la synthèse sera remplacée par un message.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
