"""Hinds County (classic ASP list): the basic cassettes against EXPECTED.md, ``//`` dates,
empty charge slots, and a header row made of plain cells."""
from __future__ import annotations

from datetime import datetime

import pytest

from tests.scrapers.support import (
    OWN_CASSETTES, assert_name, basic, by_key, changed_sheets, expected_rows, on_roster, parse_charges,
    replay,
)

CODE = "hcdc"
RACES = {"B": "B", "W": "W", "H": "H", "A": "AS"}
LIST = "http://www.co.hinds.ms.us/pgs/apps/inmate/"
CLASSES = {"F": "Felony", "M": "Misdemeanor"}


def day(text):
    return None if text in (None, "//") else datetime.strptime(text, "%m/%d/%Y").date()


@pytest.mark.parametrize("moment", ["t0", "t1"])
def test_every_booking_as_expected(basic_runs, moment):
    result = basic_runs[moment]
    rows = expected_rows(CODE, moment)
    assert result.errors == [] and result.complete and result.declared_count is None
    records = on_roster(result)
    assert set(records) == {row["bk (ID / Pin)"] for row in rows}
    for row in rows:
        record = records[row["bk (ID / Pin)"]]
        assert record.link == f"{LIST}inmate_detail.asp?ID={record.bk}"
        assert record.img_src == f"http://www.co.hinds.ms.us/pgs/inmatephotos/{record.bk}.jpg"
        assert_name(record, row)
        assert record.sex_raw == row["sex"] and record.sex == row["sex"]
        assert record.race_raw == row["race"] and record.race == RACES.get(row["race"])
        assert record.dob == day(row["DOB"])
        assert record.arrested_on == record.booked_on == day(row["arrest date"])
        assert record.booked_at is None                          # a date-only docket
        assert record.booking_date_precision == ("date" if record.booked_on else None)
        assert record.agency_raw == row["agency"]
        assert " / ".join(filter(None, (record.address_line_1, record.address_line_2))) == row["address"]
        expected = parse_charges(row["charges [F/M]"])
        assert [(c.description, c.classification) for c in record.charges] == [
            (d, CLASSES[x[0]]) for d, x in expected]
        assert 4 - len(record.charges) == int(row["empty slots"])
        assert record.charge_1 == expected[0][0]
        assert record.location == row["location"]
        assert record.height and record.weight and record.eyes and record.hair
        assert record.normalized_text.startswith("Name\n" + row["name (raw)"])
        assert "Disclaimer" not in record.normalized_text


def test_every_sheet_is_read_every_run(basic_runs):
    # The original read a Hinds sheet once, at first sight; here known bookings are re-read
    # (so Sanders' added charge is seen) unless the caller chooses to skip them.
    # Two list pages, every sheet, and the list pages again because somebody left.
    assert basic_runs["t1"].requests_sent == 2 + 13 + 2
    assert changed_sheets(basic_runs["t0"], basic_runs["t1"]) == {"612842"}
    assert len(by_key(basic_runs["t1"])["612842"].charges) == 3


def test_empty_race_is_not_the_next_label(basic_runs):
    tillman = by_key(basic_runs["t0"])["604433"]
    assert tillman.race_raw is None and tillman.race is None and tillman.height == "509"


def test_skipping_known_sheets():
    result = replay(CODE, basic(CODE, "t1"), skip_detail=lambda pin: pin != "612880")
    assert result.complete and result.requests_sent == 2 + 1
    assert [r.booking_key for r in result.records if r.detail_complete] == ["612880"]


def test_a_header_row_of_plain_cells():
    """A 7-cell header row without a link (it crashed the original) and a row with empty
    cells are read by their column labels."""
    result = replay(CODE, OWN_CASSETTES / CODE / "td_header" / "t0")
    assert result.errors == [] and result.complete
    assert set(by_key(result)) == {"612871", "598214"}
    assert by_key(result)["598214"].dob is None
