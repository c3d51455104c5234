"""Every jail through its recorded ``basic`` story, ``flask scrape <jail> --replay t0`` then
``t1``, checked against the cassette's EXPECTED.md: who is held, who was booked, who was
released (and when), whose sheet changed, and that nobody is stored twice."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AgencyAlias, FetchedPage, Jail, ScrapeRun
from app.scrapers.jails import BY_CODE
from app.scrapers.platforms import PLATFORMS

from .conftest import bookings, captured_at, held_keys, replay, versions
from .expected import column, rosters


@dataclass(frozen=True)
class Story:
    key_column: str                 # the EXPECTED.md column holding the booking key
    booked: tuple[str, ...]         # new at t1
    released: str                   # gone at t1
    changed: str                    # a charge added at t1
    published: datetime | date | None = None   # the release time/date the docket shows, if any


def _cdt(hour, minute):
    """A May 2020 afternoon in Central Daylight Time, as UTC."""
    return datetime(2020, 5, 12, hour + 5, minute, tzinfo=timezone.utc)


STORIES = {
    "mcdc": Story("intake_number", ("BK0000012960 - 001",), "BK0000012944 - 001", "BK0000010233 - 002"),
    "prcdf": Story("intake_number", ("BK0000009934 - 001",), "BK0000009930 - 001", "BK0000008045 - 002"),
    "lcdc": Story("intake_number", ("283263_01",), "270516_02", "283238_01"),
    "jcdc": Story("bk", ("14543",), "14167", "14537", _cdt(14, 53)),
    "hcdc": Story("bk", ("612880", "612877"), "612860", "612842"),
    "kcdc": Story("bk", ("KCSO20JBN000215",), "KCSO20JBN000132", "KCSO20JBN000213", _cdt(14, 41)),
    "tcdc": Story("bk", ("2020000533",), "2020000391", "2020000530", _cdt(14, 44)),
    "acdc": Story("bk", ("ACSO-19-002189",), "ACSO-19-002073", "ACSO-19-002184"),
    "ccdc": Story("bk", ("CCSO0000038570",), "CCSO0000038559", "CCSO0000038561", _cdt(14, 55)),
    "jcj": Story("bk", ("13529",), "13525", "13527", date(2019, 11, 5)),
    "jcadc": Story("bk", ("NJCADC0061276",), "NJCADC0061249", "NJCADC0061271"),
}
# Released before t0 and shown only on jcj's 48-hour page: stored, with the docket's dates.
JCJ_RELEASED_BEFORE = {"13521": date(2019, 11, 4), "13516": date(2019, 11, 3)}


def check_people(jail, expected_rows, story):
    """Keys and the person as EXPECTED.md lists them (names compared without case, since
    the scrapers capitalise them properly)."""
    stored = bookings(jail)
    for row in expected_rows:
        key = column(row, story.key_column)
        booking = stored[key]
        assert booking.bk == column(row, "bk"), key
        for part in ("first", "middle", "last", "suffix"):
            want = column(row, part)
            got = getattr(booking, f"{part}_name" if part != "suffix" else "suffix")
            assert (got or "").upper() == (want or "").upper(), (key, part, got, want)
        if "agency" in row:
            assert booking.agency_raw == row["agency"], key
        if "location" in row:                       # Hinds' housing unit
            assert booking.location == (row["location"] or None), key
        if "Bondable" in row:                       # Jackson's "Bondable" line
            assert booking.bondable is (row["Bondable"] == "yes"), key


@pytest.mark.parametrize("code", sorted(STORIES))
def test_basic_story(code, runner, app_ctx, seeded, shared_dir):
    if BY_CODE[code].platform not in PLATFORMS:
        pytest.skip(f"no scraper for the {BY_CODE[code].platform} platform yet")
    story = STORIES[code]
    base = shared_dir / "dockets" / code / "basic"
    expected = rosters(base / "EXPECTED.md")
    t0, t1 = base / "t0", base / "t1"
    jail = db.session.scalar(select(Jail).where(Jail.code == code))

    result = replay(runner, code, t0)
    assert result.exit_code == 0, result.output
    assert f"{code}: success" in result.output
    t0_keys = {column(row, story.key_column) for row in expected["t0"]}
    assert held_keys(jail) == t0_keys
    check_people(jail, expected["t0"], story)
    for booking in bookings(jail).values():
        assert booking.initial_scrape == booking.last_verified == captured_at(t0)
        assert versions(booking) == 1

    result = replay(runner, code, t1)
    assert result.exit_code == 0, result.output
    t1_keys = {column(row, story.key_column) for row in expected["t1"]}
    assert held_keys(jail) == t1_keys
    check_people(jail, expected["t1"], story)
    assert t1_keys - t0_keys == set(story.booked) and t0_keys - t1_keys == {story.released}

    now = captured_at(t1)
    stored = bookings(jail)
    extra = set(JCJ_RELEASED_BEFORE) if code == "jcj" else set()
    assert set(stored) == t0_keys | t1_keys | extra          # reshuffles made no duplicates
    for key in story.booked:
        assert stored[key].initial_scrape == now and stored[key].in_custody
    for key in t1_keys:
        assert stored[key].last_verified == now
    gone = stored[story.released]
    assert not gone.in_custody
    # seen last on the roster at t0, unless its release page was read at t1
    assert gone.last_verified == (captured_at(t0) if story.published is None else now)
    if story.published is None:
        assert (gone.released_at, gone.release_published, gone.release_precision) == (now, False, "datetime")
    elif isinstance(story.published, datetime):
        assert (gone.released_at, gone.release_published, gone.release_precision) == (
            story.published, True, "datetime")
    else:
        assert (gone.released_on, gone.release_published, gone.release_precision) == (
            story.published, True, "date")
    changed = stored[story.changed]
    assert versions(changed) == 2 and changed.last_changed_at == now
    assert changed.initial_scrape == captured_at(t0)
    unchanged = t0_keys & t1_keys - {story.changed}
    assert all(versions(stored[key]) == 1 for key in unchanged)
    for key, released_on in (JCJ_RELEASED_BEFORE.items() if code == "jcj" else ()):
        assert not stored[key].in_custody and stored[key].released_on == released_on

    runs = db.session.scalars(select(ScrapeRun).where(ScrapeRun.jail_id == jail.id)
                              .order_by(ScrapeRun.id)).all()
    assert [run.outcome for run in runs] == ["success", "success"]
    assert [run.as_of for run in runs] == [captured_at(t0), now]
    # a release page showing the release date is a new version of that sheet, too
    sheets_changed = 1 if story.published is None else 2
    assert (runs[1].seen, runs[1].new, runs[1].changed, runs[1].released) == (
        len(t1_keys), len(story.booked), sheets_changed, 1)
    assert runs[0].seen == len(t0_keys) and runs[0].replay_source == str(t0)
    assert runs[0].requests_sent == db.session.scalar(
        select(func.count()).where(FetchedPage.scrape_run_id == runs[0].id))
    assert 0 < runs[0].pages_fetched <= runs[0].requests_sent


def test_agencies_are_mapped_and_unknown_spellings_queued(runner, app_ctx, seeded, shared_dir):
    for code in ("mcdc", "jcadc"):
        result = replay(runner, code, shared_dir / "dockets" / code / "basic" / "t0")
        assert result.exit_code == 0, result.output
    mcdc, jcadc = (db.session.scalar(select(Jail).where(Jail.code == c)) for c in ("mcdc", "jcadc"))

    stored = bookings(mcdc)
    assert stored["BK0000011872 - 002"].LEA == "CantonPD"          # exact spelling
    assert stored["BK0000012950 - 001"].LEA == "MHP"               # a shared group
    assert all(b.agency_id is not None for b in stored.values())

    stored = bookings(jcadc)
    mapped = {b.agency_raw: b.LEA for b in stored.values() if b.agency_id is not None}
    assert mapped == {"MSATTGEN": "AG"}
    kept_raw = {b.agency_raw for b in stored.values() if b.agency_id is None}
    assert {b.LEA for b in stored.values() if b.agency_id is None} == kept_raw
    queued = set(db.session.scalars(select(AgencyAlias.raw).where(AgencyAlias.jail_id == jcadc.id,
                                                                  AgencyAlias.agency_id.is_(None))))
    assert queued == kept_raw and {"JCSO", "PPD"} <= queued
