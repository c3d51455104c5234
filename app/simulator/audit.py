"""Checking what Oversight saved against the simulator's ground truth.

The scrape runs recorded times on the wall clock; ``to_sim`` turns them into simulated
instants (see clock.SimClock). A run's window is [start, finish] in simulated time; the site
may change while a run reads it, so what happens inside a window is never held against it.

* lost: a booking held throughout the window of a successful run (the roster was read
  completely) that is not in the database;
* duplicated: a second database booking for a real booking (a key the site never showed,
  matching a real booking's person and day);
* unknown: a database booking matching nothing that was ever booked;
* wrongly released: a release inferred by a run that ended while the person was still held
  (judged on every release ever recorded, including ones a later run took back);
* releases missed: a person who left before the last successful run started, still shown
  as held;
* detection delay: first sighting minus booking, inferred release minus true release.
"""
from __future__ import annotations

import statistics
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import Booking, Jail, ScrapeRun
from .farm import Farm
from .population import local_date


@dataclass(frozen=True)
class ReleaseEvent:
    """A release as the database showed it at some point (it may be taken back later)."""

    jail_code: str
    booking_key: str
    released_at: datetime
    run_id: int | None
    published: bool


class ReleaseWatch:
    """Polls the database while the system runs and keeps every release it ever shows: a
    wrong release that a later run takes back leaves no trace in the final state."""

    def __init__(self, app, interval: float = 0.3):
        self.app = app
        self.interval = interval
        self.events: dict[tuple[str, str, datetime], ReleaseEvent] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="release-watch", daemon=True)

    def start(self) -> ReleaseWatch:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        with self.app.app_context():
            self.poll()

    def _watch(self) -> None:
        with self.app.app_context():
            while not self._stop.is_set():
                self.poll()
                db.session.remove()
                time.sleep(self.interval)

    def poll(self) -> None:
        for event in releases_now():
            self.events.setdefault((event.jail_code, event.booking_key, event.released_at), event)


def releases_now() -> list[ReleaseEvent]:
    """Every release the database shows at this moment."""
    return [ReleaseEvent(*row) for row in db.session.execute(
        select(Jail.code, Booking.booking_key, Booking.released_at, Booking.released_by_run_id,
               Booking.release_published)
        .join(Jail).where(Booking.released_at.is_not(None)))]


@dataclass
class JailAudit:
    code: str
    runs: int = 0
    successful_runs: int = 0
    runs_by_outcome: dict[str, int] = field(default_factory=dict)
    must_be_seen: int = 0
    in_database: int = 0
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    wrongly_released: list[str] = field(default_factory=list)
    releases_missed: list[str] = field(default_factory=list)
    booking_delays: list[timedelta] = field(default_factory=list)
    release_delays: list[timedelta] = field(default_factory=list)
    requests_sent: int = 0


@dataclass
class Audit:
    jails: dict[str, JailAudit]

    def total(self, name: str) -> int:
        return sum(len(getattr(j, name)) if isinstance(getattr(j, name), list) else getattr(j, name)
                   for j in self.jails.values())

    def delays(self, name: str) -> list[timedelta]:
        return [d for j in self.jails.values() for d in getattr(j, name)]

    @property
    def clean(self) -> bool:
        return not any(self.total(name) for name in ("lost", "duplicated", "unknown", "wrongly_released"))


def describe_delays(delays: list[timedelta]) -> str:
    if not delays:
        return "none measured"
    minutes = [d.total_seconds() / 60 for d in delays]
    return f"mean {statistics.mean(minutes):.0f} min, max {max(minutes):.0f} min (n={len(minutes)})"


def audit(farm: Farm, to_sim, *, releases: list[ReleaseEvent] | None = None) -> Audit:
    """Compare the database with the farm's ground truth, jail by jail."""
    result = {}
    released_events = releases if releases is not None else releases_now()
    for code, jail in farm.jails.items():
        report = JailAudit(code)
        runs = db.session.execute(
            select(ScrapeRun.id, ScrapeRun.outcome, ScrapeRun.started_at, ScrapeRun.finished_at,
                   ScrapeRun.requests_sent)
            .join(Jail).where(Jail.code == code, ScrapeRun.finished_at.is_not(None))
            .order_by(ScrapeRun.started_at)).all()
        if not runs:
            result[code] = report
            continue
        windows = {run.id: (to_sim(run.started_at), to_sim(run.finished_at)) for run in runs}
        good = [windows[run.id] for run in runs if run.outcome == "success"]
        for run in runs:
            report.runs_by_outcome[run.outcome] = report.runs_by_outcome.get(run.outcome, 0) + 1
        report.runs, report.successful_runs = len(runs), len(good)
        report.requests_sent = sum(run.requests_sent for run in runs)
        population = jail.population
        end = max(finish for _, finish in windows.values())
        truth = {b.key: b for b in population.bookings_until(end)}
        saved = {row.booking_key: row for row in db.session.execute(
            select(Booking.booking_key, Booking.first_name, Booking.last_name, Booking.booked_on,
                   Booking.initial_scrape, Booking.released_at, Booking.release_published)
            .join(Jail).where(Jail.code == code))}
        report.in_database = len(saved)

        must = {key for key, b in truth.items()
                if any(b.booked_at <= start and b.released_at > finish for start, finish in good)}
        report.must_be_seen = len(must)
        report.lost = sorted(must - set(saved))

        by_person_day = {}
        for b in truth.values():
            for day in (local_date(b.booked_at), b.arrested_on):
                by_person_day.setdefault((b.person.first.upper(), b.person.last.upper(), day), b)
        for key, row in saved.items():
            if key in truth:
                continue
            match = by_person_day.get(((row.first_name or "").upper(), (row.last_name or "").upper(),
                                       row.booked_on))
            (report.duplicated if match is not None else report.unknown).append(key)

        for event in released_events:
            if event.jail_code != code or event.published or event.booking_key not in truth:
                continue
            booking = truth[event.booking_key]
            run_end = windows.get(event.run_id, (None, to_sim(event.released_at)))[1]
            if booking.released_at > run_end:
                report.wrongly_released.append(event.booking_key)
            else:
                report.release_delays.append(to_sim(event.released_at) - booking.released_at)
        report.wrongly_released = sorted(set(report.wrongly_released))

        last_start = good[-1][0] if good else None
        for key, row in saved.items():
            booking = truth.get(key)
            if booking is None:
                continue
            if booking.booked_at >= farm.start:
                report.booking_delays.append(to_sim(row.initial_scrape) - booking.booked_at)
            if last_start is not None and row.released_at is None and booking.released_at < last_start:
                report.releases_missed.append(key)
        result[code] = report
    return Audit(result)
