"""Permission matrix entries of the tiers URLs: merged from one ``matrix_<area>.py`` module per area
(lists, third_parties, addresses, contacts) so each area keeps its own entries; see tests/matrix.py."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

ENTRIES: dict = {}
EXCLUDED: dict = {}

for _info in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda info: info.name):
    if not _info.name.startswith("matrix_"):
        continue
    _module = importlib.import_module(f"tests.tiers.{_info.name}")
    for _target, _source in ((ENTRIES, "ENTRIES"), (EXCLUDED, "EXCLUDED")):
        for _key, _value in getattr(_module, _source, {}).items():
            if _key in ENTRIES or _key in EXCLUDED:
                raise ValueError(f"tests.tiers.{_info.name}.{_source}: {_key!r} is already in the matrix")
            _target[_key] = _value
