"""Clay County (roster.php template, older table layout): the basic cassettes against
EXPECTED.md, its cut-down race values, and a roster shorter than it says."""
from __future__ import annotations

import pytest

from tests.scrapers.support import (
    OWN_CASSETTES, by_key, changed_sheets, check_published_release, check_sheriff_moment,
    expected_rows, replay,
)

CODE = "ccdc"
RACES = {"BLACK": "B", "WHITE": "W", "Native Haw": "NHPI", "INDIAN (NA": "AI", "UNKNOWN": "U"}
SITE = "http://www.claysheriffms.org/"


@pytest.mark.parametrize("moment", ["t0", "t1"])
def test_every_booking_as_expected(basic_runs, moment):
    check_sheriff_moment(basic_runs[moment], expected_rows(CODE, moment), RACES, SITE)


def test_the_profile_is_found_by_its_id_and_an_empty_charge_cell_is_no_charge(basic_runs):
    floyd = by_key(basic_runs["t0"])["CCSO0000038493"]
    assert floyd.charges == [] and floyd.charge_1 is None and floyd.bond_cash is not None
    assert floyd.img_src == f"{SITE}templates/claysheriffms.org/images/inmates/CCSO0000038493.jpg"


def test_a_released_profile_gives_the_release_date(basic_runs):
    check_published_release(basic_runs["t1"], "CCSO0000038559", "05-12-2020 - 2:55 pm")


def test_only_a_real_change_changes_the_sheet(basic_runs):
    assert changed_sheets(basic_runs["t0"], basic_runs["t1"]) == {"CCSO0000038561"}


def test_fewer_rows_than_the_roster_declares_is_an_incomplete_read():
    result = replay(CODE, OWN_CASSETTES / CODE / "count_short" / "t0")
    assert result.declared_count == 3 and len(result.roster_keys) == 2
    assert result.errors == [f"{SITE}roster.php?grp=10: roster: the site declares 3 bookings but 2 rows were read"]
    assert not result.complete
