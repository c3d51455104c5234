"""Tunica County (roster.php template): the basic cassettes against EXPECTED.md, the release
date its profiles publish, a list page that fails, and a paging bar that skips pages."""
from __future__ import annotations

import shutil

import pytest

from tests.scrapers.support import (
    OWN_CASSETTES, by_key, changed_sheets, check_published_release, check_sheriff_moment,
    expected_rows, on_roster, replay,
)

CODE = "tcdc"
RACES = {"B": "B", "W": "W", "H": "H"}
SITE = "https://www.tunicamssheriff.com/"


@pytest.mark.parametrize("moment", ["t0", "t1"])
def test_every_booking_as_expected(basic_runs, moment):
    check_sheriff_moment(basic_runs[moment], expected_rows(CODE, moment), RACES, SITE)


def test_blank_race_and_duplicate_links(basic_runs):
    hankins = by_key(basic_runs["t0"])["2020000391"]
    assert hankins.race_raw is None and hankins.race is None
    assert hankins.agency_raw == "TCSO"                   # the next label is not taken for the race
    assert basic_runs["t0"].requests_sent == 2 + 12        # each card's two links read once


def test_a_released_profile_gives_the_release_date(basic_runs):
    check_published_release(basic_runs["t1"], "2020000391", "05-12-2020 - 2:44 pm")


def test_only_a_real_change_changes_the_sheet(basic_runs):
    assert changed_sheets(basic_runs["t0"], basic_runs["t1"]) == {"2020000530"}


def test_a_list_page_that_fails_leaves_the_roster_incomplete():
    result = replay(CODE, OWN_CASSETTES / CODE / "page_fails" / "t0")
    assert result.errors == [f"{SITE}roster.php?grp=20: roster page: 500 Internal Server Error"]
    assert not result.complete                            # so nobody may be released from it
    assert len(on_roster(result)) == 10 and result.declared_count == 12


def test_every_page_up_to_the_last_is_read_when_the_paging_bar_skips_some():
    result = replay(CODE, OWN_CASSETTES / CODE / "paging_window" / "t0")
    assert result.errors == [] and result.complete
    assert set(on_roster(result)) == {"2020000531", "2020000530", "2020000528"}


def test_an_absurd_page_number_is_not_followed(tmp_path):
    moment = tmp_path / "t0"
    shutil.copytree(OWN_CASSETTES / CODE / "paging_window" / "t0", moment)
    first = moment / "pages" / "roster_grp10.html"
    first.write_text(first.read_text().replace("grp=30", "grp=999999990"))
    result = replay(CODE, moment)
    # Neither the bogus page nor the millions before it are asked for; the pages page 1 no
    # longer links to go unread, and the declared count tells.
    assert result.requests_sent == 2
    assert result.errors == [f"{SITE}roster.php?grp=10: roster: the site declares 3 bookings but 1 rows were read"]
    assert not result.complete
