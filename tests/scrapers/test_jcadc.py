"""Jackson County (JSON API and detail fragments): the basic cassettes against EXPECTED.md -
all pages including the partial last one, and every field of the detail fragment read during
the scrape - and a list page cut off mid-answer."""
from __future__ import annotations

from datetime import datetime

import pytest

from tests.scrapers.support import (
    OWN_CASSETTES, amount, assert_name, by_key, changed_sheets, expected_rows, on_roster, parse_charges,
    replay,
)

CODE = "jcadc"
RACES = {"Black": "B", "White": "W", "Hispanic": "H", "Asian": "AS", "NOT AVAILABLE": "U"}
API = "https://services.co.jackson.ms.us/jaildocket/"


@pytest.mark.parametrize("moment", ["t0", "t1"])
def test_every_booking_as_expected(basic_runs, moment):
    result = basic_runs[moment]
    rows = expected_rows(CODE, moment)
    assert result.errors == [] and result.complete and result.declared_count == 17 == len(rows)
    records = on_roster(result)
    assert set(records) == {row["bk (Book_Number)"] for row in rows}
    for row in rows:
        record = records[row["bk (Book_Number)"]]
        assert record.intake_number == row["intake_number (ID_Number)"]
        assert record.link == f"{API}inmate/_inmatedetails.php?id={record.intake_number}"
        assert record.img_src == f"{API}inmate/{record.intake_number}.jpg"
        assert_name(record, dict(row, first=row["first (Name_First_MI)"]), raw_column=None)
        assert record.sex_raw == row["sex"] and record.sex == row["sex"][0]
        assert record.race_raw == row["race"] and record.race == RACES[row["race"]]
        assert record.intake_age == int(row["age"])
        assert record.booked_on == datetime.strptime(row["BookDate"], "%m/%d/%Y").date()
        assert record.booked_at is None and record.booking_date_precision == "date"
        assert record.arrested_on == datetime.strptime(row["ArrestDate"], "%m/%d/%Y").date()
        assert record.agency_raw == row["agency"]
        expected = parse_charges(row["charges [class, bond]"])
        assert [(c.description, c.classification, c.bond) for c in record.charges] == [
            (d, x[0], amount(x[1])) for d, x in expected]
        assert record.charge_1 == expected[0][0]
        assert record.bondable == (row["Bondable"] == "yes")
        assert record.height and record.weight and record.eyes
        assert "Years Old" not in record.normalized_text and "Victim Notification" not in record.normalized_text


def test_the_partial_last_page_is_read(basic_runs):
    result = basic_runs["t0"]
    assert result.requests_sent == 1 + 2 + 17           # count, ceil(17/15) list pages, 17 fragments
    assert {"NJCADC0060511", "NJCADC0059876"} <= result.roster_keys


def test_names_come_from_the_json_fields(basic_runs):
    rivers = by_key(basic_runs["t0"])["NJCADC0061268"]
    assert (rivers.first_name, rivers.middle_name, rivers.last_name) == ("Mary Jo", None, "Rivers")
    assert rivers.name_raw == "MARY JO RIVERS"
    necaise = by_key(basic_runs["t0"])["NJCADC0061273"]
    assert necaise.suffix == "Jr"
    assert (necaise.height, necaise.weight, necaise.eyes) == ("6 Ft. 1 In.", "229", "Blue")


def test_only_a_real_change_changes_the_sheet(basic_runs):
    assert changed_sheets(basic_runs["t0"], basic_runs["t1"]) == {"NJCADC0061271"}


def test_a_list_page_cut_off_mid_answer():
    result = replay(CODE, OWN_CASSETTES / CODE / "truncated_list" / "t0")
    page = f"{API}_inmateList.php?Function=list&Page=2&Order=BookDesc&Search=0"
    assert len(result.errors) == 1 and result.errors[0].startswith(f"{page}: roster page: unreadable: JSONDecodeError")
    assert not result.complete and len(result.roster_keys) == 15
