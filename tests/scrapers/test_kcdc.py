"""Kemper County (roster.php template): the basic cassettes against EXPECTED.md, the release
date its profiles publish, and photos and profiles that are not where they should be."""
from __future__ import annotations

import pytest

from tests.scrapers.support import (
    OWN_CASSETTES, basic, by_key, changed_sheets, check_published_release, check_sheriff_moment,
    expected_rows, replay,
)

CODE = "kcdc"
RACES = {"African American": "B", "Caucasian": "W", "Hispanic": "H", "Native American": "AI"}
SITE = "https://www.kempercountysheriff.com/"


@pytest.mark.parametrize("moment", ["t0", "t1"])
def test_every_booking_as_expected(basic_runs, moment):
    check_sheriff_moment(basic_runs[moment], expected_rows(CODE, moment), RACES, SITE,
                         agency=False, address=True)
    for record in basic_runs[moment].records:
        if record.booking_key in basic_runs[moment].roster_keys:
            assert record.agency_raw is None          # Kemper publishes no agency
            assert record.img_src == f"{SITE}templates/kempercountysheriff.com/images/inmates/{record.bk}.jpg"


def test_the_roster_is_read_once_per_page_and_person(basic_runs):
    # Two list pages (the bare roster.php is page 1; its link to grp=10 is not read again)
    # and one profile per person although every card links twice.
    assert basic_runs["t0"].requests_sent == 2 + 12


def test_a_released_profile_gives_the_release_date(basic_runs):
    check_published_release(basic_runs["t1"], "KCSO20JBN000132", "05-12-2020 - 2:41 pm")
    # The list pages, every profile, the list pages again (somebody left), the leaver's profile.
    assert basic_runs["t1"].requests_sent == 2 + 12 + 2 + 1


def test_only_a_real_change_changes_the_sheet(basic_runs):
    assert changed_sheets(basic_runs["t0"], basic_runs["t1"]) == {"KCSO20JBN000213"}
    tadlock = by_key(basic_runs["t1"])["KCSO20JBN000213"]
    assert [c.description for c in tadlock.charges][-1] == "DRIVING WHILE LICENSE SUSPENDED"


def test_without_known_bookings_no_profile_is_looked_up():
    result = replay(CODE, basic(CODE, "t1"))
    assert result.roster_keys == set(by_key(result)) and result.requests_sent == 14


def test_an_image_without_src_and_a_profile_without_its_container():
    moment = OWN_CASSETTES / CODE / "odd_profiles" / "t0"
    result = replay(CODE, moment)
    assert result.errors == [
        f"{SITE}roster_view.php?booking_num=KCSO20JBN000213: profile: the page has no #cms-content"]
    records = by_key(result)
    gowan = records["KCSO20JBN000214"]
    assert gowan.detail_complete and gowan.img_src is None and gowan.name_raw == "TERRELL JAMAL GOWAN"
    # Kemper's key is the link's booking_num, so the unreadable profile still keeps its booking.
    assert not records["KCSO20JBN000213"].detail_complete
    assert result.complete
