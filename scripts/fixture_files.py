"""The end shared by the fixture generators (generate_reference_data.py,
generate_tiers_reference.py): compare the generated texts with the committed files, or write them."""

from __future__ import annotations

import sys
from pathlib import Path

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"


def outputs_write_or_check(outputs: dict[Path, str], *, check: bool) -> int:
    """With ``check``: list the files whose text differs (exit status 1 when any), writing nothing;
    else write every file. Returns the exit status."""
    stale = [
        path
        for path, text in outputs.items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    if check:
        for path in stale:
            print(f"out of date: {path.name}", file=sys.stderr)
        return 1 if stale else 0
    FIXTURES_DIR.mkdir(exist_ok=True)
    for path, text in outputs.items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.name}")
    return 0
