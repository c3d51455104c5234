"""Adams County (WordPress roster): the basic cassettes against EXPECTED.md, labels without
values, and a profile that does not show its booking number."""
from __future__ import annotations

from datetime import datetime

import pytest

from tests.scrapers.support import (
    OWN_CASSETTES, amount, assert_name, basic, by_key, changed_sheets, expected_rows, on_roster,
    parse_charges, replay,
)

CODE = "acdc"
RACES = {"B": "B", "W": "W", "H": "H"}
SITE = "http://www.adamscosheriff.org"


def day(text):
    return datetime.strptime(text, "%m/%d/%Y").date() if text else None


@pytest.mark.parametrize("moment", ["t0", "t1"])
def test_every_booking_as_expected(basic_runs, moment):
    result = basic_runs[moment]
    rows = expected_rows(CODE, moment)
    assert result.errors == [] and result.complete
    records = on_roster(result)
    assert set(records) == {row["bk (Booking Number)"] for row in rows}
    for row in rows:
        record = records[row["bk (Booking Number)"]]
        assert record.bk == record.booking_key and record.intake_number is None
        assert record.link == SITE + row["profile"]
        assert record.img_src == f"{SITE}/wp-content/uploads/inmates/{record.bk}.jpg"
        assert_name(record, row)
        assert record.sex_raw == row["sex"] and record.sex == row["sex"]
        assert record.race_raw == row["race"] and record.race == RACES[row["race"]]
        assert record.intake_age == (int(row["age"]) if row["age"] else None)
        assert record.arrested_on == day(row["arrest date"])
        assert record.booked_on == day(row["booking date"])
        assert record.booked_at is None and record.booking_date_precision == "date"
        assert record.address_line_1 == row["address"]
        assert record.agency_raw is None                          # Adams publishes none
        charges = [d for d, _ in parse_charges(row["charges"])]
        assert [c.description for c in record.charges] == charges and record.charge_1 == charges[0]
        assert record.bond_cash == amount(row["bond"])
        assert record.normalized_text.startswith("Full Name:\n" + row["name (raw)"])
        assert "Age:" not in record.normalized_text


def test_labels_without_values(basic_runs):
    records = by_key(basic_runs["t0"])
    dunbar = records["ACSO-19-002166"]
    assert dunbar.intake_age is None and dunbar.sex == "M"      # Age: empty, Gender: not taken for it
    minor = records["ACSO-19-002181"]
    assert minor.bond_cash is None and minor.charges[0].description == "PUBLIC DRUNK"
    assert records["ACSO-19-002160"].arrested_on is None         # no Arrest Date row


def test_only_a_real_change_changes_the_sheet(basic_runs):
    assert changed_sheets(basic_runs["t0"], basic_runs["t1"]) == {"ACSO-19-002184"}


def test_rows_are_known_by_their_profile_link(basic_runs):
    known = {record.link: key for key, record in on_roster(basic_runs["t0"]).items()}
    result = replay(CODE, basic(CODE, "t1"), known_keys=known, skip_detail=lambda link: True)
    # The two list pages, Lambert's new profile, and the list pages again: somebody left.
    assert result.complete and result.requests_sent == 2 + 1 + 2
    assert set(result.roster_keys) == set(on_roster(basic_runs["t1"]))


def test_a_profile_without_its_booking_number():
    moment = OWN_CASSETTES / CODE / "no_booking_number" / "t0"
    profile = f"{SITE}/inmate/ernest-minor-3/"
    blind = replay(CODE, moment)
    assert blind.errors == [f"{profile}: booking number: the profile shows none"]
    assert set(by_key(blind)) == {"ACSO-19-002187"} and not blind.complete

    informed = replay(CODE, moment, known_keys={profile: "ACSO-19-002181"})
    assert informed.complete and not by_key(informed)["ACSO-19-002181"].detail_complete
