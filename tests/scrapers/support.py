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


def check_icurrent_moment(result, rows, races, courts, slot_root):
    """Every row of an ICURRENT EXPECTED.md table (shared with Pearl River)."""
    assert result.errors == []
    assert result.complete and result.declared_count == len(rows)
    records = on_roster(result)
    assert set(records) == {row["intake_number"] for row in rows}
    for row in rows:
        record = records[row["intake_number"]]
        assert record.bk == row["bk"] and record.intake_number == row["intake_number"]
        assert record.link == slot_root + row["slot"] and record.link_is_slot
        assert record.img_src == slot_root + row["slot"].replace("ICUD", "ICUP").replace(".HTM", ".jpg")
        assert_name(record, row)
        assert record.sex_raw == row["sex"] and record.sex == row["sex"]
        assert record.race_raw == row["race"] and record.race == races[row["race"]]
        assert record.dob == datetime.strptime(row["DOB"], "%m/%d/%Y").date()
        assert record.intake_age == int(row["age"])
        assert record.booked_at == local(row["intake date/time"], "%m/%d/%Y %H:%M")
        assert record.booked_on == datetime.strptime(row["intake date/time"], "%m/%d/%Y %H:%M").date()
        assert record.booking_date_precision == "datetime"
        assert record.agency_raw == row["agency"]
        expected = parse_charges(row["charges [court, bond]"])
        assert [c.description for c in record.charges] == [d.split("\u00e3")[0] for d, _ in expected]
        assert [c.court for c in record.charges] == [courts.get(x[0], x[0]) for _, x in expected]
        assert [c.bond for c in record.charges] == [amount(x[1]) for _, x in expected]
        for charge in record.charges:
            if charge.statute and not charge.statute.startswith("8 U.S.C."):
                assert charge.statute + charge.title == charge.description
        assert record.charge_1 == record.charges[0].description
        written, cash = row["written / cash bond"].split(" / ")
        assert (record.bond_written, record.bond_cash) == (amount(written), amount(cash))
        assert record.address_line_1 and record.height and record.weight and record.hair and record.eyes
        assert "INTAKE #:" in record.raw_html
        assert record.normalized_text.startswith("Name:\n" + row["name (raw)"])
        assert "AGE:" not in record.normalized_text          # the age ticks; it is not compared
        assert record.detail_complete


def check_sheriff_moment(result, rows, races, profile_root, *, agency=True, address=False):
    """Every row of a roster.php EXPECTED.md table (Kemper, Tunica, Clay, Jones)."""
    assert result.errors == []
    assert result.complete and result.declared_count == len(rows)
    records = on_roster(result)
    assert set(records) == {row["bk"] for row in rows}
    for row in rows:
        record = records[row["bk"]]
        assert record.bk == row["bk"] and record.intake_number is None
        assert record.link == f"{profile_root}roster_view.php?booking_num={row['bk']}"
        assert_name(record, row)
        assert record.sex_raw == row["sex"] and record.sex == row["sex"][0]
        assert record.race_raw == row["race"]
        assert record.race == (races[row["race"]] if row["race"] else None)
        assert record.intake_age == (int(row["age"]) if row["age"] else None)
        assert record.booked_at == local(row["booking date"], "%m-%d-%Y - %I:%M %p")
        assert record.booked_on == record.booked_at.astimezone(CENTRAL).date()
        assert record.booking_date_precision == "datetime"
        if agency:
            assert record.agency_raw == row["agency"]
        if address:
            assert record.address_line_1 == row["address"]
        charges = [d for d, _ in parse_charges(row["charges"])]
        assert [c.description for c in record.charges] == charges
        assert record.charge_1 == (charges[0] if charges else None)
        assert record.bond_cash == amount(row["bond"])
        assert record.released_at is None
        assert record.normalized_text.startswith(row["name (raw)"] + "\n")
        assert "Note:" not in record.normalized_text and "Age:" not in record.normalized_text
        assert record.detail_complete


def check_published_release(result, key, released):
    """A booking gone from the roster whose profile shows its release date."""
    assert key not in result.roster_keys
    record = by_key(result)[key]
    assert record.released_at == local(released, "%m-%d-%Y - %I:%M %p")
    assert record.released_on == record.released_at.astimezone(CENTRAL).date()
    assert record.release_precision == "datetime"
    assert [r.booking_key for r in result.records if r.booking_key not in result.roster_keys] == [key]


def changed_sheets(t0, t1) -> set[str]:
    a, b = on_roster(t0), on_roster(t1)
    return {key for key in set(a) & set(b) if a[key].normalized_text != b[key].normalized_text}
