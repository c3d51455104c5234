"""Fixtures and helpers for the ingest tests: a jail row, hand-built records, replays through
the CLI, and a statement counter."""
from __future__ import annotations

import json
import re
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from app.extensions import db
from app.models import Booking, BookingVersion, Charge, Jail, ScrapeRun
from app.scrapers.records import BookingRecord, ChargeRecord, ScrapeResult

CASSETTES = Path(__file__).parent / "cassettes"
T0 = datetime(2019, 11, 5, 20, 15, tzinfo=timezone.utc)
HOUR = timedelta(hours=1)


def record(key: str, *, charges=("SIMPLE ASSAULT",), text_extra: str = "", **overrides) -> BookingRecord:
    """A complete record of booking ``key``; its sheet text follows its charges so a new
    charge is a changed sheet."""
    values = dict(
        booking_key=key, bk=key, link=f"https://jail.example/view?bk={key}",
        name_raw=f"DOE, {key}", first_name=key.title(), last_name="Doe", sex="M", race="W",
        booked_on=date(2019, 11, 1), booking_date_precision="date", agency_raw="CITY PD",
        charges=[ChargeRecord(description=c) for c in charges],
        charge_1=charges[0] if charges else None,
        raw_html=f"<div>{key}</div>",
        normalized_text=f"{key}\n" + "\n".join(charges) + text_extra,
    )
    values.update(overrides)
    return BookingRecord(**values)


def roster(*records: BookingRecord, complete: bool = True, **extra) -> ScrapeResult:
    return ScrapeResult(records=list(records), complete=complete,
                        roster_keys={r.booking_key for r in records if r.released_on is None
                                     and r.released_at is None},
                        **extra)


def start_run(jail: Jail, now: datetime) -> ScrapeRun:
    run = ScrapeRun(jail_id=jail.id, as_of=now, started_at=now)
    db.session.add(run)
    db.session.flush()
    return run


def finish_run(run: ScrapeRun, counts, outcome: str = "success") -> None:
    run.seen, run.new, run.changed, run.released = counts.seen, counts.new, counts.changed, counts.released
    run.outcome = outcome
    db.session.commit()


def held_keys(jail) -> set[str]:
    return set(db.session.scalars(select(Booking.booking_key).where(Booking.jail_id == jail.id,
                                                                    Booking.in_custody)))


def bookings(jail) -> dict[str, Booking]:
    return {b.booking_key: b for b in db.session.scalars(select(Booking).where(Booking.jail_id == jail.id))}


def versions(booking) -> int:
    return db.session.scalar(select(func.count()).where(BookingVersion.booking_id == booking.id))


def replay(runner, code, moment, *extra):
    """``flask scrape <code> --replay <moment>``; the test's session sees its results after."""
    db.session.rollback()            # no read transaction held open while the command writes
    result = runner.invoke(args=["scrape", code, "--replay", str(moment), *extra])
    db.session.expire_all()
    return result


def captured_at(moment) -> datetime:
    return datetime.fromisoformat(json.loads((moment / "index.json").read_text())["captured_at"])


def snapshot(jail):
    """Everything stored about a jail's bookings except the sighting times."""
    moving = {"last_verified", "detail_fetched_at"}
    rows = []
    for booking in db.session.scalars(select(Booking).where(Booking.jail_id == jail.id).order_by(Booking.id)):
        rows.append(({c.name: getattr(booking, c.name) for c in Booking.__table__.columns if c.name not in moving},
                     [(c.position, c.description, c.bond) for c in booking.charges]))
    version_ids = db.session.scalars(select(BookingVersion.id).join(Booking).where(Booking.jail_id == jail.id)).all()
    charges = db.session.scalars(select(Charge.id).join(Booking).where(Booking.jail_id == jail.id)).all()
    return rows, sorted(version_ids), sorted(charges)


@pytest.fixture
def jail(app_ctx):
    jail = Jail(code="tjail", name="Test County Jail", county="Test", platform="test",
                docket_url="https://jail.example/roster", scrape_started_on=date(2019, 1, 1))
    db.session.add(jail)
    db.session.commit()
    return jail


@pytest.fixture
def seeded(app_ctx):
    """The declared jails, agencies and aliases, as ``flask seed`` loads them."""
    from app.services.reference import seed_reference_data

    seed_reference_data()


WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


@contextmanager
def count_writes():
    """Counts write statements sent to the database (an executemany counts once: it is one
    statement sent with many parameter sets)."""
    seen: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        if WRITE.match(statement):
            seen.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listener)
