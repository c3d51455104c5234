"""Madison County (ICURRENT.HTM export): the basic cassettes against EXPECTED.md, and the
export's weak points - reused slot URLs, missing slots, rows without links."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from app.scrapers.fetch import CassetteFetcher
from app.scrapers.jails import get
from app.scrapers.platforms import get_scraper
from tests.scrapers.support import (
    OWN_CASSETTES, amount, basic, by_key, check_icurrent_moment, expected_rows, on_roster, replay,
)

CODE = "mcdc"
RACES = {"BLACK": "B", "WHITE": "W", "HISPANIC": "H", "ASIAN IS": "AS"}
COURTS = {"CIRCUIT CO": "CIRCUIT COURT", "JUSTICE CO": "JUSTICE COURT", "OTHER COUR": "OTHER COURT"}


SLOTS = "http://mydcstraining.com/agencyinfo/MS/4360/inmate/"


@pytest.mark.parametrize("moment", ["t0", "t1"])
def test_every_booking_as_expected(basic_runs, moment):
    check_icurrent_moment(basic_runs[moment], expected_rows(CODE, moment), RACES, COURTS, SLOTS)


def test_the_sheets_own_irregularities(basic_runs):
    records = by_key(basic_runs["t0"])
    assert records["BK0000009875 - 002"].offense_on is None                 # 00/00/0000
    assert records["BK0000011872 - 002"].offense_on == date(2019, 11, 5)
    assert records["BK0000011872 - 002"].intake_case_number == "19-011245"
    castillo = records["BK0000012921 - 001"]
    assert (castillo.charge_1_statute, castillo.charge_1_title) == ("8 U.S.C. 1325", "UNLAWFUL ENTRY")
    young = records["BK0000008112 - 003"]
    assert young.charge_1 == "HLD Other AgencyHold for other Agency"
    assert (young.charge_1_statute, young.charge_1_title) == (None, None)
    duckworth = records["BK0000012950 - 001"]
    assert (duckworth.charge_1_statute, duckworth.charge_1_title) == ("63-11-30(1)(a)", "DUI 1ST OFFENSE")
    assert duckworth.charges[1].statute == "63-3-1213" and duckworth.charges[1].bond is None


def test_a_reused_slot_never_merges_two_people(basic_runs):
    t0, t1 = on_roster(basic_runs["t0"]), on_roster(basic_runs["t1"])
    # ICUD0002.HTM showed Breland-Foster at t0 and Castillo at t1: two bookings, two keys.
    assert t0["BK0000012944 - 001"].link == t1["BK0000012921 - 001"].link == SLOTS + "ICUD0002.HTM"
    assert "BK0000012944 - 001" not in t1
    # Castillo moved slots but is the same booking with the same sheet.
    assert t0["BK0000012921 - 001"].link != t1["BK0000012921 - 001"].link
    assert t0["BK0000012921 - 001"].normalized_text == t1["BK0000012921 - 001"].normalized_text


def test_only_a_real_change_changes_the_sheet(basic_runs):
    t0, t1 = on_roster(basic_runs["t0"]), on_roster(basic_runs["t1"])
    changed = {key for key in set(t0) & set(t1) if t0[key].normalized_text != t1[key].normalized_text}
    assert changed == {"BK0000010233 - 002"}            # Pickens: resisting arrest added
    assert len(t1["BK0000010233 - 002"].charges) == 3
    assert t1["BK0000010233 - 002"].bond_written == amount("1,300.00")


# ---- own cassettes ------------------------------------------------------------------------

def test_a_slot_that_vanished_between_roster_and_sheet():
    """The roster lists three people; slot 2's sheet is gone (404) by the time it is read."""
    moment = OWN_CASSETTES / CODE / "slot_gone" / "t0"
    blind = replay(CODE, moment)
    assert [e.split(": ")[1] for e in blind.errors] == ["detail page"]
    assert blind.errors[0].startswith(SLOTS + "ICUD0002.HTM: detail page: 404")
    assert set(on_roster(blind)) == {"BK0000011872 - 002", "BK0000012921 - 001"}
    # Without knowing who is in custody, slot 2 could hide anyone: no releases from this run.
    assert not blind.complete

    informed = replay(CODE, moment, known_keys={"BK0000012944": "BK0000012944 - 001"})
    assert informed.complete
    kept = by_key(informed)["BK0000012944 - 001"]
    assert not kept.detail_complete and kept.bk == "BK0000012944" and kept.name_raw is None


def test_a_row_without_a_link_and_a_roster_without_a_header():
    """An anchor with no href; no <th> header row (the spec's cell positions apply)."""
    moment = OWN_CASSETTES / CODE / "no_href" / "t0"
    result = replay(CODE, moment, known_keys={"BK0000012944": "BK0000012944 - 001"})
    assert result.errors == [f"{SLOTS}ICURRENT.HTM: link: no page to read for 'BK0000012944'"]
    assert result.complete and result.declared_count == 2
    records = by_key(result)
    assert records["BK0000011872 - 002"].detail_complete
    assert records["BK0000011872 - 002"].charge_1 == "97-3-7(2)AGGRAVATED ASSAULT"
    assert not records["BK0000012944 - 001"].detail_complete


def test_a_steady_state_run_reads_only_new_sheets(basic_runs):
    """With the bookings in custody known, unchanged rows are taken from the roster alone."""
    known = {record.bk: key for key, record in on_roster(basic_runs["t0"]).items()}
    result = replay(CODE, basic(CODE, "t1"), known_keys=known, skip_detail=lambda bk: bk in known)
    assert result.complete and result.errors == []
    # The roster, Moffett's new sheet, and the roster again: somebody left.
    assert result.requests_sent == 3
    full = [r for r in result.records if r.detail_complete]
    assert [r.booking_key for r in full] == ["BK0000012960 - 001"]
    assert {r.booking_key for r in result.records} == set(on_roster(basic_runs["t1"]))
    # A skipped row still says which slot the person sits in now.
    for record in result.records:
        full = on_roster(basic_runs["t1"])[record.booking_key]
        assert (record.link, record.img_src) == (full.link, full.img_src)


class SlotsMovedOn(CassetteFetcher):
    """t1 as recorded, except that slot 1's sheet is slot 2's when it is first asked for:
    the roster changed between the list and the sheets, and slot 1 showed the person listed
    second for a while."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.moved_on = True

    def _exchange(self, method, url, data):
        if not url.endswith("ICUD0001.HTM") or not self.moved_on:
            return super()._exchange(method, url, data)
        self.moved_on = False
        return replace(super()._exchange(method, url.replace("ICUD0001", "ICUD0002"), data), url=url)


def test_a_slot_showing_somebody_else_keeps_the_listed_person_in_custody(basic_runs):
    known = {record.bk: key for key, record in on_roster(basic_runs["t0"]).items()}
    listed_first = "BK0000011872 - 002"      # on ICUD0001 at t0 and t1
    assert listed_first in known.values()
    site = SlotsMovedOn(basic(CODE, "t1"))
    result = get_scraper(get(CODE)).scrape(site, now=site.captured_at, known_keys=known)
    # Read as slot 1's, the sheet would have pushed its own person out of this read, and
    # ingest would have released them.
    assert listed_first in result.roster_keys and result.complete
    assert not by_key(result)[listed_first].detail_complete
    assert any("ICUD0001.HTM: intake_number: the slot now shows BK0000012921 - 001, not BK0000011872" in line
               for line in result.errors)


def test_a_new_person_whose_slot_had_moved_on_is_read_from_the_fresher_roster(basic_runs):
    listed_first = "BK0000011872 - 002"
    known = {record.bk: key for key, record in on_roster(basic_runs["t0"]).items() if key != listed_first}
    site = SlotsMovedOn(basic(CODE, "t1"))
    result = get_scraper(get(CODE)).scrape(site, now=site.captured_at, known_keys=known)
    # Somebody left, so the roster was read again, and slot 1's sheet with it.
    assert result.complete and listed_first in result.roster_keys
    assert by_key(result)[listed_first].detail_complete


def test_a_rebooking_under_a_known_bk_is_read_whatever_the_refresh_budget_says(basic_runs):
    held = on_roster(basic_runs["t0"])
    known = {record.bk: key for key, record in held.items()}
    booked = {record.bk: record.booked_at for record in held.values()}
    skip_all = dict(skip_detail=lambda bk: True, known_keys=known)
    # The rows show the same intake times as the sheets: nothing known is read again.
    steady = replay(CODE, basic(CODE, "t1"), known_booked=booked, **skip_all)
    assert steady.requests_sent == 3 and [r.booking_key for r in steady.records if r.detail_complete] == [
        "BK0000012960 - 001"]
    # Stored as booked a month earlier: the row's time says this is a new booking of that bk.
    earlier = dict(booked, BK0000011872=booked["BK0000011872"] - timedelta(days=30))
    rebooked = replay(CODE, basic(CODE, "t1"), known_booked=earlier, **skip_all)
    assert rebooked.requests_sent == 4
    assert by_key(rebooked)["BK0000011872 - 002"].detail_complete
