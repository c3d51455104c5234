"""Reads a cassette's ``EXPECTED.md``: the roster tables of each moment, as dicts keyed by
the table's column headers (``—`` and notes such as ``(no Age:)`` read as None)."""
from __future__ import annotations

import re
from pathlib import Path

_SECTION = re.compile(r"^## (t\d+)\s*$")
_ABSENT = re.compile(r"^(—|\(no .*\))$")


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def rosters(expected_md: Path) -> dict[str, list[dict[str, str | None]]]:
    """{"t0": [row, ...], "t1": [...]} from the tables under ``## t0`` / ``## t1``."""
    moments: dict[str, list[dict]] = {}
    moment = header = None
    for line in expected_md.read_text(encoding="utf-8").splitlines():
        if found := _SECTION.match(line):
            moment, header = found.group(1), None
            moments[moment] = []
            continue
        if line.startswith("## "):
            moment = header = None
            continue
        if moment is None or not line.startswith("|"):
            continue
        cells = _cells(line)
        if header is None:
            header = cells
        elif not set("".join(cells)) <= set("-: "):
            moments[moment].append({name: (None if _ABSENT.match(value) else value)
                                    for name, value in zip(header, cells)})
    return moments


def column(row: dict, prefix: str) -> str | None:
    """The value of the first column whose header starts with ``prefix``."""
    for name, value in row.items():
        if name.startswith(prefix):
            return value
    raise KeyError(f"no column starting {prefix!r} in {list(row)}")
