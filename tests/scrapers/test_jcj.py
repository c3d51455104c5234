"""Jasper County (WordPress cards, no detail pages): the basic cassettes against EXPECTED.md,
the release dates of its 48-hour page, and a card that cannot be keyed."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from tests.scrapers.support import (
    OWN_CASSETTES, assert_name, by_key, changed_sheets, expected_rows, on_roster, parse_charges, replay,
)

CODE = "jcj"
RACES = {"Black": "B", "White": "W", "Hispanic": "H"}
ROSTER = "http://jasperso.com/inmate-roster/"
RELEASES = "http://jasperso.com/48-hour-release/"


@pytest.mark.parametrize("moment", ["t0", "t1"])
def test_every_booking_as_expected(basic_runs, moment):
    result = basic_runs[moment]
    rows = expected_rows(CODE, moment)
    assert result.errors == [] and result.complete
    records = on_roster(result)
    assert set(records) == {row["bk = intake_number (Arrest #)"] for row in rows}
    for row in rows:
        record = records[row["bk = intake_number (Arrest #)"]]
        assert record.bk == record.intake_number == record.booking_key
        assert record.link == ROSTER
        assert record.img_src.startswith("http://jasperso.com/wp-content/uploads/")
        assert record.img_src.endswith(f"/{record.bk}.jpg")
        assert_name(record, row)
        assert record.sex_raw == row["sex"] and record.sex == row["sex"][0]
        assert record.race_raw == row["race"] and record.race == RACES[row["race"]]
        assert record.intake_age == (int(row["age"]) if row["age"] else None)
        arrested = datetime.strptime(row["arrest date"], "%m/%d/%Y").date()
        assert record.booked_on == record.arrested_on == arrested
        assert record.booked_at is None and record.booking_date_precision == "date"
        assert record.agency_raw == row["agency"]
        assert [c.description for c in record.charges] == [d for d, _ in parse_charges(row["charges"])]
        assert record.released_on is None
        assert record.raw_html.startswith('<div class="col-sm-4 inmate">')
        assert ("Age:" in record.raw_html) == (row["age"] is not None)     # the card as printed
        assert record.normalized_text.startswith(row["name (raw)"]) and "Age:" not in record.normalized_text


def released(result):
    return {r.booking_key: r.released_on for r in result.records if r.booking_key not in result.roster_keys}


def test_the_48_hour_page_gives_release_dates(basic_runs):
    assert released(basic_runs["t0"]) == {"13521": date(2019, 11, 4), "13516": date(2019, 11, 3)}
    assert released(basic_runs["t1"]) == {"13525": date(2019, 11, 5), "13521": date(2019, 11, 4),
                                          "13516": date(2019, 11, 3)}
    mcdonald = by_key(basic_runs["t1"])["13525"]
    assert mcdonald.release_precision == "date" and mcdonald.released_at is None
    assert mcdonald.link == RELEASES and mcdonald.booked_on == date(2019, 11, 4)
    assert mcdonald.name_raw == "MCDONALD, KAYLEE ANN"


def test_a_comma_inside_a_charge_is_one_charge(basic_runs):
    graham = by_key(basic_runs["t0"])["13514"]
    assert [c.description for c in graham.charges] == [
        "POSSESSION OF METHAMPHETAMINE", "POSSESSION OF PARAPHERNALIA, MISD"]


def test_only_a_real_change_changes_the_card(basic_runs):
    assert changed_sheets(basic_runs["t0"], basic_runs["t1"]) == {"13527"}


def test_a_card_without_its_arrest_number_and_a_failing_release_page():
    result = replay(CODE, OWN_CASSETTES / CODE / "bad_card" / "t0")
    assert result.errors == [
        f"{RELEASES}: release page: 500 Internal Server Error",
        f"{ROSTER}: arrest #: the card shows none",
    ]
    assert set(by_key(result)) == {"13527"}
    assert not result.complete          # the unkeyed card could be anyone already in custody
