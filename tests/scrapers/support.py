"""Helpers for the scraper tests: replaying a cassette through a jail's scraper, and reading
the ground truth each shared cassette's EXPECTED.md states."""
from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from app.scrapers.fetch import CassetteFetcher
from app.scrapers.jails import get
from app.scrapers.platforms import get_scraper
from app.scrapers.records import ScrapeResult
from tests.conftest import SHARED

DOCKETS = SHARED / "dockets"
OWN_CASSETTES = Path(__file__).parent / "cassettes"
CENTRAL = ZoneInfo("America/Chicago")


def replay(code: str, moment_dir: Path, **scrape_args) -> ScrapeResult:
    """Scrape jail ``code`` from one cassette moment, as of its capture time."""
    fetcher = CassetteFetcher(moment_dir)
    return get_scraper(get(code)).scrape(fetcher, now=fetcher.captured_at, **scrape_args)


def basic(code: str, moment: str) -> Path:
    return DOCKETS / code / "basic" / moment


def by_key(result: ScrapeResult) -> dict:
    return {record.booking_key: record for record in result.records}


def on_roster(result: ScrapeResult) -> dict:
    return {record.booking_key: record for record in result.records if record.booking_key in result.roster_keys}


def known_keys_after(code: str, result: ScrapeResult) -> dict[str, str]:
    """What ingest would pass as ``known_keys`` after ``result``: every booking on the roster,
    by the list id its scraper names."""
    field = get_scraper(get(code)).list_id_field
    return {getattr(record, field): record.booking_key for record in on_roster(result).values()}


# ---- EXPECTED.md ----------------------------------------------------------------------------

def expected_rows(code: str, moment: str) -> list[dict[str, str | None]]:
    """The rows of the table under ``## <moment>`` in the jail's EXPECTED.md, as
    header -> cell. ``—`` and parenthesised notes such as ``(no Age:)`` read as None."""
    text = (DOCKETS / code / "basic" / "EXPECTED.md").read_text(encoding="utf-8")
    section = text.split(f"\n## {moment}\n", 1)[1].split("\n## ", 1)[0]
    table = [line for line in section.splitlines() if line.startswith("|")]
    header = _cells(table[0])
    return [dict(zip(header, map(_value, _cells(line)))) for line in table[2:]]


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _value(cell: str) -> str | None:
    if cell in ("—", "") or (cell.startswith("(") and cell.endswith(")")):
        return None
    return cell


def parse_charges(cell: str | None) -> list[tuple[str, list[str]]]:
    """``A [x, y]; B`` -> [("A", ["x", "y"]), ("B", [])]."""
    if not cell:
        return []
    charges = []
    for part in cell.split("; "):
        found = re.match(r"^(.*?) \[(.*)\]$", part)
        if found:
            charges.append((found.group(1), found.group(2).split(", ")))
        else:
            charges.append((part, []))
    return charges


def amount(text: str | None) -> Decimal | None:
    """``$ 1,000.00``, ``1,000.00``, ``bond 500.00`` -> Decimal; ``no bond`` and notes -> None."""
    if text is None:
        return None
    found = re.search(r"\d[\d,]*\.\d\d", text)
    return Decimal(found.group(0).replace(",", "")) if found else None


def local(text: str, fmt: str) -> datetime:
    """A wall-clock time in Central time, as the aware datetime it means."""
    return datetime.strptime(text, fmt).replace(tzinfo=CENTRAL)


def assert_name(record, row: dict, *, raw_column: str | None = "name (raw)") -> None:
    """Name parts as the page reads them, capitalised properly (not left upper-case)."""
    if raw_column:
        assert record.name_raw == row[raw_column]
    for part, column in (("first_name", "first"), ("middle_name", "middle"),
                         ("last_name", "last"), ("suffix", "suffix")):
        value = getattr(record, part)
        expected = row[column]
        if expected is None:
            assert value is None, (part, value)
            continue
        assert value is not None and value.upper() == expected.upper(), (part, value, expected)
        if part in ("first_name", "last_name"):
            assert value != value.upper() and value[0].isupper(), f"{part} {value!r} is not capitalised"
