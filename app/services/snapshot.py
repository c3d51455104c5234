"""Daily figures per jail: admissions (people booked that jail-local day) and population
(people in custody at any time that day).

Both are counted in SQL, with the day's boundaries computed explicitly in the jail's time
zone (America/Chicago: a day is 23 or 25 hours long when the clocks change), and upserted
on (jail, day), so recomputing a day is always safe.

Rows imported from the legacy spreadsheets (``source = "legacy"``) are history this system
cannot recompute (it holds no bookings from before it started), so computing a day never
overwrites them.
"""
from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, literal, or_, select

from ..extensions import db
from ..models import Booking, DailySnapshot, Jail, ScrapeRun
from ..models.types import utcnow
from ..scrapers.jails import JAILS
from .sql import dialect_insert

COMPUTED = "computed"
LEGACY = "legacy"


def local_day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants at which ``day`` starts and ends in ``tz``."""
    start = datetime.combine(day, time.min, tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def previous_local_day(now: datetime, tz: ZoneInfo = ZoneInfo("America/Chicago")) -> date:
    return now.astimezone(tz).date() - timedelta(days=1)


def _jails_scraped_on(day: date, end: datetime):
    """Jails whose docket this system was reading on ``day``: read at least once before the
    day ended, and not stopped or switched off. Any other jail gets no row, as in the legacy
    sheets, rather than a misleading zero (its history comes from ``import_legacy``)."""
    read_by_then = (select(ScrapeRun.id)
                    .where(ScrapeRun.jail_id == Jail.id, ScrapeRun.outcome.in_(("success", "incomplete")),
                           ScrapeRun.as_of < end)
                    .exists())
    return and_(
        read_by_then,
        or_(Jail.scrape_stopped_on.is_(None), Jail.scrape_stopped_on >= day),
        or_(Jail.active.is_(True), Jail.scrape_stopped_on.is_not(None)),
    )


def _counts_for(day: date, start: datetime, end: datetime):
    """(admissions, population) for one jail, as correlated scalar subqueries."""
    admitted = or_(
        and_(Booking.booked_at >= start, Booking.booked_at < end),
        and_(Booking.booked_at.is_(None), Booking.booked_on == day),
    )
    # In by the end of the day: the booking time when the docket gives one, else its date,
    # else (a docket with no date at all) when we first saw the person.
    arrived = case(
        (Booking.booked_at.is_not(None), Booking.booked_at < end),
        (Booking.booked_on.is_not(None), Booking.booked_on <= day),
        else_=Booking.initial_scrape < end,
    )
    # Still there at the start of the day: released later, or not released and seen since.
    stayed = or_(
        Booking.released_at >= start,
        and_(Booking.released_at.is_(None), Booking.last_verified >= start),
    )
    admissions = (select(func.count()).select_from(Booking)
                  .where(Booking.jail_id == Jail.id, admitted).scalar_subquery())
    population = (select(func.count()).select_from(Booking)
                  .where(Booking.jail_id == Jail.id, arrived, stayed).scalar_subquery())
    return admissions, population


def compute_day(day: date, *, jail_ids: list[int] | None = None) -> int:
    """Count and upsert ``day`` for every jail scraped that day (or only ``jail_ids``).
    Returns the number of jails written; legacy rows are left as they are."""
    written = 0
    zones = db.session.execute(select(Jail.timezone).distinct()).scalars().all()
    for zone in zones:
        start, end = local_day_bounds(day, ZoneInfo(zone))
        admissions, population = _counts_for(day, start, end)
        jails = select(
            Jail.id, literal(day).label("day"), admissions, population,
            literal(COMPUTED).label("source"), literal(utcnow(), DailySnapshot.computed_at.type),
        ).where(Jail.timezone == zone, _jails_scraped_on(day, end))
        if jail_ids is not None:
            jails = jails.where(Jail.id.in_(jail_ids))
        insert = dialect_insert(DailySnapshot)
        statement = insert.from_select(
            ["jail_id", "day", "admissions", "population", "source", "computed_at"], jails
        ).on_conflict_do_update(
            index_elements=["jail_id", "day"],
            set_={"admissions": insert.excluded.admissions,
                  "population": insert.excluded.population,
                  "computed_at": insert.excluded.computed_at},
            where=DailySnapshot.source == COMPUTED,
        ).returning(DailySnapshot.jail_id)
        written += len(db.session.execute(statement).all())
    db.session.commit()
    return written


def compute_range(first: date, last: date) -> int:
    """Back-fill every day from ``first`` to ``last`` inclusive; returns rows written."""
    if last < first:
        raise ValueError(f"--to {last} is before --from {first}")
    written, day = 0, first
    while day <= last:
        written += compute_day(day)
        day += timedelta(days=1)
    return written


def catch_up(now: datetime, *, tz: ZoneInfo = ZoneInfo("America/Chicago"), max_days: int = 7) -> int:
    """The daily job: compute yesterday (jail-local) and any day missed since the last
    computed snapshot, at most ``max_days`` back. Returns rows written."""
    yesterday = previous_local_day(now, tz)
    last = db.session.execute(
        select(func.max(DailySnapshot.day)).where(DailySnapshot.source == COMPUTED,
                                                  DailySnapshot.day <= yesterday)
    ).scalar_one_or_none()
    first = yesterday - timedelta(days=max_days - 1)
    if last is not None and last + timedelta(days=1) > first:
        first = min(last + timedelta(days=1), yesterday)
    return compute_range(first, yesterday)


# ---- the legacy spreadsheets ----------------------------------------------------------------

class LegacyImportError(ValueError):
    """A legacy CSV could not be imported; the message names the file, line and column.
    Nothing was written."""


@dataclass
class LegacyImportReport:
    rows_written: int = 0
    days: int = 0
    per_jail: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        jails = ", ".join(f"{code} {n}" for code, n in sorted(self.per_jail.items()))
        return f"{self.rows_written} daily rows over {self.days} days ({jails})"


def _read_legacy_csv(path: Path, counties: dict[str, str]) -> dict[tuple[str, date], int]:
    """{(jail code, day): count} from one legacy sheet (``date,<County>,<County>,...``)."""
    values: dict[tuple[str, date], int] = {}
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise LegacyImportError(f"{path}: cannot read: {exc.strerror}") from None
    with handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if not header or header[0].strip().lower() != "date":
            raise LegacyImportError(f"{path}:1:1: the first column must be 'date'")
        columns = []
        for number, name in enumerate(header[1:], start=2):
            code = counties.get(name.strip())
            if code is None:
                raise LegacyImportError(
                    f"{path}:1:{number}: column {name!r} is not the county of any declared jail")
            columns.append((number, code))
        for row in reader:
            line = reader.line_num
            if not row:
                continue
            try:
                day = date.fromisoformat(row[0].strip())
            except ValueError:
                raise LegacyImportError(f"{path}:{line}:1: {row[0]!r} is not a date (YYYY-MM-DD)") from None
            for number, code in columns:
                cell = row[number - 1].strip() if number - 1 < len(row) else ""
                if cell == "":
                    continue  # the jail was not scraped yet
                if not cell.isdigit():
                    raise LegacyImportError(
                        f"{path}:{line}:{number}: {cell!r} is not a whole number of people")
                values[(code, day)] = int(cell)
    return values


def import_legacy(admissions_csv: Path | None, population_csv: Path | None) -> LegacyImportReport:
    """Load the legacy daily sheets (e.g. ``shared/data/daily_admits.csv`` and
    ``daily_pop.csv``): all of it or, on any error, none of it. The sheets are the record
    for their days: an imported day replaces a computed one."""
    counties = {jail.county: jail.code for jail in JAILS}
    admissions = _read_legacy_csv(Path(admissions_csv), counties) if admissions_csv else {}
    population = _read_legacy_csv(Path(population_csv), counties) if population_csv else {}
    keys = sorted(set(admissions) | set(population))
    jail_ids = dict(db.session.execute(
        select(Jail.code, Jail.id).where(Jail.code.in_({code for code, _ in keys}))).all())
    missing = sorted({code for code, _ in keys} - set(jail_ids))
    if missing:
        raise LegacyImportError(
            f"jails {', '.join(missing)} do not exist yet; create them first (flask seed)")

    now = utcnow()
    rows = [{"jail_id": jail_ids[code], "day": day, "admissions": admissions.get((code, day)),
             "population": population.get((code, day)), "source": LEGACY, "computed_at": now}
            for code, day in keys]
    report = LegacyImportReport(rows_written=len(rows), days=len({day for _, day in keys}))
    per_jail: dict[str, int] = defaultdict(int)
    for code, _ in keys:
        per_jail[code] += 1
    report.per_jail = dict(per_jail)
    if rows:
        insert = dialect_insert(DailySnapshot)
        statement = insert.on_conflict_do_update(
            index_elements=["jail_id", "day"],
            set_={"admissions": insert.excluded.admissions,
                  "population": insert.excluded.population,
                  "source": insert.excluded.source,
                  "computed_at": insert.excluded.computed_at},
        )
        db.session.execute(statement, rows)
    db.session.commit()
    return report
