"""Jones County (roster.php template): the basic cassettes against EXPECTED.md, its long
profile booking numbers, placeholder photos, and a layout change that shows nobody."""
from __future__ import annotations

import pytest

from tests.scrapers.support import (
    OWN_CASSETTES, by_key, changed_sheets, check_published_release, check_sheriff_moment,
    expected_rows, on_roster, replay,
)

CODE = "jcdc"
RACES = {"B": "B", "W": "W", "H": "H", "I": "AI"}
SITE = "https://www.jonesso.com/"


@pytest.mark.parametrize("moment", ["t0", "t1"])
def test_every_booking_as_expected(basic_runs, moment):
    rows = expected_rows(CODE, moment)
    check_sheriff_moment(basic_runs[moment], rows, RACES, SITE)
    records = on_roster(basic_runs[moment])
    for row in rows:
        assert row["Booking # (profile)"] in records[row["bk"]].normalized_text


def test_placeholder_photos_and_missing_rows(basic_runs):
    records = by_key(basic_runs["t0"])
    assert records["14534"].img_src is None                       # "Image Not Availble"
    assert records["14531"].img_src == f"{SITE}templates/jonesso.com/images/inmates/14531.jpg"
    assert records["14493"].intake_age is None
    assert records["14527"].agency_raw is None
    assert records["14102"].agency_raw == "LA police"


def test_a_released_profile_gives_the_release_date(basic_runs):
    check_published_release(basic_runs["t1"], "14167", "05-12-2020 - 2:53 pm")


def test_only_a_real_change_changes_the_sheet(basic_runs):
    assert changed_sheets(basic_runs["t0"], basic_runs["t1"]) == {"14537"}


def test_a_layout_change_that_shows_nobody_is_never_a_complete_read():
    result = replay(CODE, OWN_CASSETTES / CODE / "layout_changed" / "t0", known_keys={"14531": "14531"})
    assert result.records == [] and not result.complete
    assert result.errors == [f"{SITE}roster.php: roster: no bookings found (has the layout changed?)"]
    assert result.requests_sent == 1        # and nobody's profile is looked up for a release
