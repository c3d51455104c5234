"""Daily snapshots: counts by jail-local day, upserts, the legacy sheets and the CLI."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import DailySnapshot
from app.services import snapshot
from app.services.snapshot import LegacyImportError, compute_day, import_legacy, local_day_bounds

from .conftest import make_booking, make_jail

CHICAGO = ZoneInfo("America/Chicago")
UTC = timezone.utc


def chicago(*args) -> datetime:
    return datetime(*args, tzinfo=CHICAGO).astimezone(UTC)


def rows() -> dict:
    return {(s.jail.code, s.day): (s.admissions, s.population, s.source)
            for s in db.session.execute(select(DailySnapshot)).scalars()}


def test_local_days_change_length_with_the_clocks():
    start, end = local_day_bounds(date(2019, 11, 3), CHICAGO)   # CDT -> CST
    assert (start, end - start) == (datetime(2019, 11, 3, 5, tzinfo=UTC), timedelta(hours=25))
    start, end = local_day_bounds(date(2019, 3, 10), CHICAGO)   # CST -> CDT
    assert (start, end - start) == (datetime(2019, 3, 10, 6, tzinfo=UTC), timedelta(hours=23))


@pytest.fixture
def docket(app_ctx):
    """mcdc around 2019-11-05 (CST, UTC-6), plus lcdc to check counts stay per jail."""
    read = chicago(2019, 10, 1)
    mcdc, lcdc = make_jail("mcdc", read_since=read), make_jail("lcdc", read_since=read)
    seen = chicago(2019, 11, 6, 9)
    late = dict(last_verified=seen)
    # 23:30 on the 4th in Chicago is already the 5th in UTC: an admission of the 4th.
    make_booking(mcdc, "late-on-4th", booked_at=chicago(2019, 11, 4, 23, 30), booked_on=date(2019, 11, 4), **late)
    make_booking(mcdc, "just-after-midnight", booked_at=chicago(2019, 11, 5, 0, 30), booked_on=date(2019, 11, 5), **late)
    make_booking(mcdc, "date-only-5th", booked_on=date(2019, 11, 5), booking_date_precision="date", **late)
    make_booking(mcdc, "released-on-5th", booked_on=date(2019, 11, 1), released_at=chicago(2019, 11, 5, 10), **late)
    make_booking(mcdc, "released-before-5th", booked_on=date(2019, 11, 1), released_at=chicago(2019, 11, 4, 23), **late)
    make_booking(mcdc, "held-throughout", booked_on=date(2019, 11, 1), **late)
    make_booking(mcdc, "booked-6th", booked_at=chicago(2019, 11, 6, 1), booked_on=date(2019, 11, 6), **late)
    make_booking(mcdc, "lost-sight-3rd", booked_on=date(2019, 11, 1), last_verified=chicago(2019, 11, 3, 12))
    make_booking(mcdc, "no-date-at-all", initial_scrape=chicago(2019, 11, 5, 8), **late)
    make_booking(lcdc, "lee-5th", booked_on=date(2019, 11, 5), **late)
    db.session.commit()
    return mcdc, lcdc


def test_counts_use_jail_local_day_boundaries(docket):
    assert compute_day(date(2019, 11, 5)) == 2
    assert rows()[("mcdc", date(2019, 11, 5))] == (2, 6, "computed")
    assert rows()[("lcdc", date(2019, 11, 5))] == (1, 1, "computed")
    compute_day(date(2019, 11, 4))
    # the 4th: the late booking; in custody: it, and the three booked on the 1st still seen.
    assert rows()[("mcdc", date(2019, 11, 4))] == (1, 4, "computed")


def test_recomputing_a_day_updates_its_row(docket):
    mcdc, _ = docket
    compute_day(date(2019, 11, 5))
    make_booking(mcdc, "found-later", booked_on=date(2019, 11, 5), last_verified=chicago(2019, 11, 6))
    db.session.commit()
    compute_day(date(2019, 11, 5))
    assert rows()[("mcdc", date(2019, 11, 5))] == (3, 7, "computed")
    assert db.session.query(DailySnapshot).count() == 2


def test_computing_never_overwrites_legacy_history(docket):
    mcdc, _ = docket
    db.session.add(DailySnapshot(jail_id=mcdc.id, day=date(2019, 11, 5), admissions=9, population=99,
                                 source="legacy"))
    db.session.commit()
    compute_day(date(2019, 11, 5))
    assert rows()[("mcdc", date(2019, 11, 5))] == (9, 99, "legacy")


def test_jails_not_scraped_that_day_get_no_row(app_ctx):
    make_jail("prcdf", read_since=chicago(2019, 1, 1))        # stopped 2020-12-22
    make_jail("jcadc", read_since=chicago(2019, 12, 2, 9))    # first read 2019-12-02
    make_jail("kcdc", active=False, read_since=chicago(2019, 1, 1))   # switched off
    make_jail("mcdc")                                         # never read
    db.session.commit()
    for day in (date(2019, 11, 5), date(2019, 12, 2), date(2021, 1, 5)):
        compute_day(day)
    assert set(rows()) == {("prcdf", date(2019, 11, 5)), ("prcdf", date(2019, 12, 2)),
                           ("jcadc", date(2019, 12, 2)), ("jcadc", date(2021, 1, 5))}


def test_daily_job_computes_yesterday_and_fills_missed_days(app_ctx):
    make_jail("mcdc", read_since=chicago(2024, 1, 1))
    db.session.commit()
    now = chicago(2024, 3, 12, 5, 30)            # 05:30 in Chicago: yesterday is the 11th
    assert snapshot.catch_up(now) == 7           # nothing yet: the last week
    assert min(day for _, day in rows()) == date(2024, 3, 5)
    db.session.execute(DailySnapshot.__table__.delete().where(DailySnapshot.day >= date(2024, 3, 9)))
    db.session.commit()
    assert snapshot.catch_up(now) == 3           # the 9th, 10th and 11th
    assert snapshot.catch_up(now) == 1           # up to date: yesterday again
    assert max(day for _, day in rows()) == date(2024, 3, 11)


# ---- legacy sheets ------------------------------------------------------------------------

@pytest.fixture
def all_jails(app_ctx):
    from app.scrapers.jails import JAILS
    for declaration in JAILS:
        make_jail(declaration.code)
    db.session.commit()


def test_import_legacy_sheets(all_jails, shared_dir):
    data = shared_dir / "data"
    report = import_legacy(data / "daily_admits.csv", data / "daily_pop.csv")
    table = rows()
    assert table[("mcdc", date(2018, 9, 6))] == (4, 402, "legacy")
    assert table[("prcdf", date(2018, 9, 6))] == (0, 98, "legacy")
    assert ("hcdc", date(2018, 9, 6)) not in table           # empty cell: not scraped yet
    assert report.days == 909 and report.rows_written == len(table)
    assert report.per_jail["mcdc"] == 909
    again = import_legacy(data / "daily_admits.csv", data / "daily_pop.csv")
    assert again.rows_written == report.rows_written and rows() == table


BAD_SHEETS = [
    ("date,Madison\n2018-09-06,4\n2018-09-07,four\n", ":3:2: 'four' is not a whole number"),
    ("date,Madison\n2018-09-06,-1\n", ":2:2: '-1' is not a whole number"),
    ("date,Madison,Atlantis\n2018-09-06,4,1\n", ":1:3: column 'Atlantis' is not the county"),
    ("day,Madison\n2018-09-06,4\n", ":1:1: the first column must be 'date'"),
    ("date,Madison\n09/06/2018,4\n", ":2:1: '09/06/2018' is not a date"),
]


def test_import_legacy_refuses_bad_sheets_whole(all_jails, tmp_path, shared_dir):
    for n, (content, message) in enumerate(BAD_SHEETS):
        bad = tmp_path / f"admits-{n}.csv"
        bad.write_text(content)
        with pytest.raises(LegacyImportError) as error:
            import_legacy(bad, shared_dir / "data" / "daily_pop.csv")
        assert f"{bad}{message}" in str(error.value)
        db.session.rollback()
        assert rows() == {}


def test_import_legacy_needs_the_jails(app_ctx, shared_dir):
    make_jail("mcdc")
    db.session.commit()
    with pytest.raises(LegacyImportError, match="jails .*prcdf.* do not exist yet"):
        import_legacy(shared_dir / "data" / "daily_admits.csv", None)
    db.session.rollback()
    assert rows() == {}


# ---- the command line ------------------------------------------------------------------------

def test_cli_backfills_a_range(docket, runner):
    result = runner.invoke(args=["snapshot", "--from", "2019-11-04", "--to", "2019-11-06"])
    assert result.exit_code == 0, result.output
    assert "6 jail-days written for 3 day(s)" in result.output
    assert rows()[("mcdc", date(2019, 11, 5))] == (2, 6, "computed")


def test_cli_usage_errors_exit_2(app_ctx, runner):
    for args in (["snapshot", "--from", "2019-11-06", "--to", "2019-11-04"],
                 ["snapshot", "--to", "2019-11-04"],
                 ["snapshot", "--from", "yesterday"],
                 ["snapshot", "import-legacy"],
                 ["snapshot", "--from", "2019-11-04", "import-legacy", "--admissions", "x.csv"]):
        assert runner.invoke(args=args).exit_code == 2, args


def test_cli_import_legacy(all_jails, runner, shared_dir, tmp_path):
    data = shared_dir / "data"
    result = runner.invoke(args=["snapshot", "import-legacy", "--admissions", str(data / "daily_admits.csv"),
                                 "--population", str(data / "daily_pop.csv")])
    assert result.exit_code == 0, result.output
    assert "909 days" in result.output
    bad = tmp_path / "pop.csv"
    bad.write_text("date,Madison\n2018-09-06,x\n")
    result = runner.invoke(args=["snapshot", "import-legacy", "--population", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:2:2" in result.output
