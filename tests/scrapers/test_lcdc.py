"""Lee County (TCSI's ASP.NET roster): the basic cassettes against EXPECTED.md, and a sheet
that does not say which booking it is."""
from __future__ import annotations

from datetime import datetime

import pytest

from tests.scrapers.support import (
    OWN_CASSETTES, amount, assert_name, by_key, expected_rows, local, on_roster, parse_charges, replay,
)

CODE = "lcdc"
RACES = {"Caucasian": "W", "African American": "B", "Hispanic": "H", "Asian": "AS", "Native American": "AI"}
ROSTER = "https://tcsi-roster.azurewebsites.net/"


@pytest.mark.parametrize("moment", ["t0", "t1"])
def test_every_booking_as_expected(basic_runs, moment):
    result = basic_runs[moment]
    rows = expected_rows(CODE, moment)
    assert result.errors == [] and result.complete and result.declared_count == len(rows)
    records = on_roster(result)
    assert set(records) == {row["intake_number"] for row in rows}
    for row in rows:
        record = records[row["intake_number"]]
        assert record.bk == row["bk (iid)"] and record.intake_number == f"{row['bk (iid)']}_{int(row['Booking # (count)']):02d}"
        assert record.link == f"{ROSTER}InmateInfo.aspx?i=26&code=Lee&type=roster&iid={row['bk (iid)']}"
        assert_name(record, row)
        assert record.sex_raw == row["sex"] and record.sex == row["sex"][0]
        assert record.race_raw == row["race"] and record.race == RACES[row["race"]]
        assert record.dob == (datetime.strptime(row["DOB"], "%m/%d/%Y").date() if row["DOB"] else None)
        assert record.intake_age == int(row["age"])
        assert record.booked_at == local(row["booking date"], "%m/%d/%Y %I:%M %p")
        assert record.booking_date_precision == "datetime"
        assert record.agency_raw == row["agency"]
        scheduled = row["sched. release"]
        assert record.scheduled_release_on == (
            None if scheduled == "N/A" else datetime.strptime(scheduled, "%m/%d/%Y").date())
        expected = parse_charges(row["charges [court, bond, fine]"])
        assert [(c.description, c.court, c.bond, c.fine) for c in record.charges] == [
            (d, x[0], amount(x[1]), amount(x[2])) for d, x in expected]
        assert record.charge_1 == expected[0][0]
        bond, fine = row["total bond / fine"].split(" / ")
        assert (record.bond_cash, record.fine_amount) == (amount(bond), amount(fine))
        assert record.glasses and record.height and record.weight and record.hair and record.eyes
        assert record.img_src is None                     # Lee posts no photos
        assert record.normalized_text.startswith("Name\n" + row["name (raw)"])
        assert "Powered by" not in record.normalized_text and "\nAge\n" not in record.normalized_text


def test_the_sheets_own_irregularities(basic_runs):
    records = by_key(basic_runs["t0"])
    collins = records["283244_01"]
    assert collins.charges[1].description == "SPEEDING, 20 OVER" and collins.charges[1].fine is None
    assert records["283150_01"].dob is None                  # no Birthdate row
    assert records["241877_12"].intake_number == "241877_12"  # two digits already: no padding


def test_only_a_real_change_changes_the_sheet(basic_runs):
    t0, t1 = on_roster(basic_runs["t0"]), on_roster(basic_runs["t1"])
    changed = {key for key in set(t0) & set(t1) if t0[key].normalized_text != t1[key].normalized_text}
    assert changed == {"283238_01"}
    assert t1["283238_01"].charge_1 == "POSSESSION OF MARIJUANA"       # lblOffense unchanged
    assert len(t1["283238_01"].charges) == 2 and t1["283238_01"].bond_cash == amount("1,000.00")


def test_a_sheet_without_its_booking_count():
    """Without lblBookingNumber the key cannot be formed: the record is rejected, and only a
    caller who knows the person's current booking keeps it in view."""
    moment = OWN_CASSETTES / CODE / "no_count" / "t0"
    blind = replay(CODE, moment)
    sheet = f"{ROSTER}InmateInfo.aspx?i=26&code=Lee&type=roster&iid=270516"
    assert blind.errors == [f"{sheet}: booking #: the sheet shows no booking count"]
    assert set(by_key(blind)) == {"283201_03"} and not blind.complete

    informed = replay(CODE, moment, known_keys={"270516": "270516_02"})
    assert informed.complete and not by_key(informed)["270516_02"].detail_complete
