"""Pearl River County (the same ICURRENT.HTM export as Madison): the basic cassettes against
EXPECTED.md, including the stray ``ã`` its export leaves after some charges."""
from __future__ import annotations

import pytest

from tests.scrapers.support import amount, by_key, check_icurrent_moment, expected_rows, on_roster

CODE = "prcdf"
RACES = {"BLACK": "B", "WHITE": "W", "HISPANIC": "H", "INDIAN": "AI"}
COURTS = {"CIRCUIT CO": "CIRCUIT COURT", "JUSTICE CO": "JUSTICE COURT", "OTHER AGEN": "OTHER AGENCY"}
SLOTS = "http://mydcstraining.com/agencyinfo/MS/0055/inmate/"


@pytest.mark.parametrize("moment", ["t0", "t1"])
def test_every_booking_as_expected(basic_runs, moment):
    check_icurrent_moment(basic_runs[moment], expected_rows(CODE, moment), RACES, COURTS, SLOTS)


def test_the_stray_character_ends_the_charge(basic_runs):
    martinez = by_key(basic_runs["t0"])["BK0000009925 - 001"]
    assert martinez.charge_1 == "97-17-41GRAND LARCENY"
    assert (martinez.charge_1_statute, martinez.charge_1_title) == ("97-17-41", "GRAND LARCENY")
    assert martinez.charges[0].description == "97-17-41GRAND LARCENY"


def test_holds_carry_no_statute(basic_runs):
    records = by_key(basic_runs["t0"])
    for key, charge in (("BK0000007219 - 002", "DRUGDRUG COURT"), ("BK0000003390 - 005", "HOLDHOLD")):
        assert records[key].charge_1 == charge and records[key].charge_1_statute is None
    assert records["BK0000006652 - 004"].offense_on is None            # 00/00/0000
    assert records["BK0000009930 - 001"].charges[0].court == "PICAYUNE M"  # not a known cut: as printed


def test_only_a_real_change_changes_the_sheet(basic_runs):
    t0, t1 = on_roster(basic_runs["t0"]), on_roster(basic_runs["t1"])
    changed = {key for key in set(t0) & set(t1) if t0[key].normalized_text != t1[key].normalized_text}
    assert changed == {"BK0000008045 - 002"}
    assert t1["BK0000008045 - 002"].bond_written == amount("1,500.00")
