"""One scrape of one jail, start to finish: a run row, a fetcher whose every page goes to
the archive, the jail's scraper, the ingest in one transaction, and the run's report.

``run_scrape`` never raises for a failing site: a roster that will not load, a layout
that yields nobody, or a parser that crashes all end as a run whose outcome is "failed",
with the reason in ``error_text`` and in the log.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import or_, select, update

from ..extensions import db
from ..models import Booking, Jail, ScrapeRun
from ..models.types import utcnow
from ..scrapers.fetch import CassetteFetcher, Fetcher, HttpFetcher
from ..scrapers.jails import get as declared_jail
from ..scrapers.platforms import get_scraper
from ..scrapers.records import ScrapeResult
from .archive import ArchiveFetcher, PageArchive, archived_runs
from .ingest import (
    IngestCounts, ReleaseCheck, RepairCounts, TrustedRead, ingest, release_check, repair,
    repair_releases,
)

log = logging.getLogger(__name__)

# error_text keeps this many problems; the count in ``errors`` is always the full one.
MAX_ERROR_LINES = 200

# The longest a scrape may run: the worker's hard time limit for the scrape task. A run
# still marked "running" after that was cut off (its worker died) and will never finish.
SCRAPE_TIME_LIMIT_SECONDS = 25 * 60


class UnknownJail(LookupError):
    pass


@dataclass
class ScrapeOutcome:
    run_id: int
    jail_code: str
    outcome: str                      # "success" | "incomplete" | "failed"
    seen: int = 0
    new: int = 0
    changed: int = 0
    released: int = 0
    errors: int = 0
    new_booking_ids: list[int] = field(default_factory=list)
    as_of: datetime | None = None
    pages_fetched: int = 0
    requests_sent: int = 0
    error_text: str | None = None

    @property
    def ok(self) -> bool:
        """The run completed (an incomplete roster read is still a completed run)."""
        return self.outcome != "failed"

    def summary(self) -> str:
        line = (f"{self.jail_code}: {self.outcome} as of {self.as_of.isoformat() if self.as_of else '?'}"
                f" - pages {self.pages_fetched}, requests {self.requests_sent}, seen {self.seen},"
                f" new {self.new}, changed {self.changed}, released {self.released},"
                f" errors {self.errors} (run {self.run_id})")
        if self.error_text:
            line += "\n  " + "\n  ".join(self.error_text.splitlines()[:10])
        return line


def _jail_and_scraper(jail_code: str):
    """The jail's row and its scraper: it must be both declared and seeded."""
    jail = db.session.scalar(select(Jail).where(Jail.code == jail_code))
    if jail is None:
        known = ", ".join(db.session.scalars(select(Jail.code).order_by(Jail.code))) or "none"
        raise UnknownJail(f"no jail {jail_code!r} in the database (known: {known}); run `flask seed`")
    try:
        declaration = declared_jail(jail_code)
    except KeyError as exc:
        raise UnknownJail(exc.args[0]) from None
    return jail, get_scraper(declaration)


def _known_in_custody(jail: Jail, list_id_field: str) -> dict[str, tuple[str, datetime | None, datetime | None]]:
    """list id -> (booking key, when its sheet was last read, booking time), for everyone
    in custody."""
    list_id = getattr(Booking, list_id_field)
    rows = db.session.execute(
        select(list_id, Booking.booking_key, Booking.detail_fetched_at, Booking.booked_at)
        .where(Booking.jail_id == jail.id, Booking.in_custody, list_id.is_not(None))
    )
    return {row[0]: (row[1], row[2], row[3]) for row in rows}


def detail_skipper(budget: int | None, known: dict[str, tuple[str, datetime | None, datetime | None]]):
    """``skip_detail`` for a run: with a refresh budget, only that many known bookings have
    their sheet re-read - those read longest ago (or never; ties by list id) - and the rest
    are taken from the roster row. A chosen booking that has left the roster leaves its turn
    unused. New people are always read. No budget: every sheet is read."""
    if budget is None:
        return None
    oldest_first = sorted(known, key=lambda list_id: (known[list_id][1] is not None,
                                                      known[list_id][1] or datetime.min, list_id))
    skipped = frozenset(oldest_first[max(budget, 0):])
    return skipped.__contains__


def _build_fetcher(replay_dir, archive: PageArchive) -> Fetcher:
    if replay_dir is not None:
        return CassetteFetcher(replay_dir, on_page=archive)
    config = current_app.config
    # A compressed schedule (tests, the demo, the soak run against the docket simulator)
    # compresses a scrape's own waits too: the per-host spacing and the retry backoff.
    speedup = max(1, config.get("SCHEDULE_SPEEDUP", 1))
    return HttpFetcher(user_agent=config["SCRAPE_USER_AGENT"], timeout=config["SCRAPE_TIMEOUT"],
                       min_interval_per_host=1.0 / speedup, backoff=1.0 / speedup, on_page=archive)


def _attach_archive(fetcher: Fetcher, archive: PageArchive) -> None:
    """A fetcher handed in keeps its own hook; the archive sees every page as well."""
    previous = fetcher.on_page
    if previous is None:
        fetcher.on_page = archive
        return

    def both(page):
        archive(page)
        previous(page)

    fetcher.on_page = both


def _error_text(lines: list[str]) -> str | None:
    if not lines:
        return None
    kept = lines[:MAX_ERROR_LINES]
    if len(lines) > len(kept):
        kept.append(f"... and {len(lines) - len(kept)} more")
    return "\n".join(kept)


def close_abandoned_runs(jail_id: int) -> int:
    """Mark runs of this jail that can no longer be alive as failed, so scrape health shows
    the interruption instead of a run that seems to go on forever."""
    cutoff = utcnow() - timedelta(seconds=SCRAPE_TIME_LIMIT_SECONDS)
    closed = db.session.execute(
        update(ScrapeRun)
        .where(ScrapeRun.jail_id == jail_id, ScrapeRun.outcome == "running",
               ScrapeRun.started_at < cutoff)
        .values(outcome="failed", finished_at=utcnow(),
                error_text="interrupted: the run stopped before it finished (worker lost)")
    ).rowcount
    db.session.commit()
    return closed


def run_scrape(jail_code: str, *, replay_dir: str | Path | None = None, now: datetime | None = None,
               fetcher: Fetcher | None = None) -> ScrapeOutcome:
    """Scrape one jail now (or replay a cassette moment, as of its capture time unless
    ``now`` is given) and save what it shows."""
    jail, scraper = _jail_and_scraper(jail_code)
    archive = PageArchive(current_app.config["ARCHIVE_DIR"], jail.id)
    if fetcher is None:
        fetcher = _build_fetcher(replay_dir, archive)
    else:
        _attach_archive(fetcher, archive)
    if now is None:
        now = getattr(fetcher, "captured_at", None) or utcnow()
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")

    close_abandoned_runs(jail.id)
    run = ScrapeRun(jail_id=jail.id, started_at=utcnow(), as_of=now, outcome="running",
                    replay_source=str(replay_dir) if replay_dir is not None else None)
    db.session.add(run)
    db.session.commit()
    archive.run_id = run.id
    outcome = ScrapeOutcome(run_id=run.id, jail_code=jail.code, outcome="failed", as_of=now)

    known = _known_in_custody(jail, scraper.list_id_field)
    fatal: str | None = None
    result: ScrapeResult | None = None
    counts: IngestCounts | None = None
    try:
        result = scraper.scrape(fetcher, now=now,
                                skip_detail=detail_skipper(jail.detail_refresh_budget, known),
                                known_keys={list_id: key for list_id, (key, _, _) in known.items()},
                                known_booked={list_id: booked for list_id, (_, _, booked) in known.items()})
    except Exception as exc:  # noqa: BLE001 - a broken site or parser fails the run, not the caller
        log.exception("scrape of %s crashed", jail.code)
        fatal = f"scrape crashed: {type(exc).__name__}: {exc}"

    # The archive is kept whatever happens next: it is what a fixed parser will re-read.
    archive.save()
    db.session.commit()

    if result is not None:
        try:
            counts = ingest(jail, result, run=run, now=now)
        except Exception as exc:  # noqa: BLE001 - recorded on the run; nothing half-saved
            db.session.rollback()
            log.exception("ingest of %s failed", jail.code)
            fatal = f"ingest failed: {type(exc).__name__}: {exc}"
        else:
            if counts.release_check is ReleaseCheck.EMPTY:
                # A roster that parses to nobody is a layout change until proven otherwise:
                # the run fails and saves nothing.
                db.session.rollback()
                fatal, counts = counts.release_check.value, None

    problems = list(result.errors) if result is not None else []
    if fatal is not None:
        log.error("scrape of %s failed: %s", jail.code, fatal)
        problems.insert(0, fatal)
    else:
        outcome.outcome = "success" if counts.release_check is ReleaseCheck.INFERRED else "incomplete"
        if outcome.outcome == "incomplete":
            problems.insert(0, counts.release_check.value)
        outcome.seen, outcome.new, outcome.changed = counts.seen, counts.new, counts.changed
        outcome.released, outcome.new_booking_ids = counts.released, counts.new_booking_ids
    outcome.errors = (len(result.errors) if result is not None else 0) + (fatal is not None)

    run = db.session.get(ScrapeRun, outcome.run_id)
    outcome.pages_fetched, outcome.requests_sent = fetcher.pages_fetched, fetcher.requests_sent
    outcome.error_text = _error_text(problems)
    run.finished_at = utcnow()
    run.outcome = outcome.outcome
    run.pages_fetched, run.requests_sent = outcome.pages_fetched, outcome.requests_sent
    run.roster_declared = result.declared_count if result is not None else None
    run.seen, run.new, run.changed, run.released = outcome.seen, outcome.new, outcome.changed, outcome.released
    run.errors, run.error_text = outcome.errors, outcome.error_text
    db.session.commit()
    return outcome


@dataclass
class ReparseReport:
    jail_code: str
    counts: RepairCounts
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        c = self.counts
        line = (f"{self.jail_code}: re-read {c.runs} archived runs - bookings added {c.added}, "
                f"sheets re-read {c.reread}, versions added {c.versions_added}, "
                f"versions re-normalised {c.versions_renormalized}, releases corrected {c.releases_corrected}, "
                f"problems {len(self.errors)}")
        if self.errors:
            line += "\n  " + "\n  ".join(self.errors[:10])
        return line


def _held_before(jail: Jail, run: ScrapeRun, list_id_field: str) -> dict[str, str]:
    """list id -> booking key of the bookings held when ``run`` started, as far as the
    database knows: first seen earlier, and not released by an earlier run."""
    list_id = getattr(Booking, list_id_field)
    rows = db.session.execute(
        select(list_id, Booking.booking_key).where(
            Booking.jail_id == jail.id, list_id.is_not(None), Booking.initial_scrape < run.as_of,
            or_(Booking.released_at.is_(None), Booking.released_at >= run.as_of,
                Booking.released_by_run_id >= run.id))
    )
    return dict(rows.all())


def reparse(jail_code: str) -> ReparseReport:
    """Re-run today's parser over every archived page of a jail, oldest run first, and
    repair what is stored from it, in one transaction: a parser fix repairs history."""
    jail, scraper = _jail_and_scraper(jail_code)
    root = current_app.config["ARCHIVE_DIR"]
    report = ReparseReport(jail.code, RepairCounts())
    last_seen: dict[str, datetime] = {}
    trusted: list[TrustedRead] = []
    for run_id, pages in archived_runs(jail.id):
        run = db.session.get(ScrapeRun, run_id)
        fetcher = ArchiveFetcher(root, pages, captured_at=run.as_of)
        try:
            result = scraper.scrape(fetcher, now=run.as_of,
                                    known_keys=_held_before(jail, run, scraper.list_id_field))
        except Exception as exc:  # noqa: BLE001 - one unreadable run must not stop the repair
            log.exception("re-reading run %s of %s crashed", run.id, jail.code)
            report.errors.append(f"run {run.id}: {type(exc).__name__}: {exc}")
            continue
        report.errors += [f"run {run.id}: {error}" for error in result.errors]
        roster = repair(jail, result, run=run, counts=report.counts)
        last_seen.update(dict.fromkeys(roster, run.as_of))
        check, _ = release_check(jail.id, run.id, result, len(roster), 0)
        if check is ReleaseCheck.INFERRED:
            trusted.append(TrustedRead(run.id, run.as_of, roster))
    repair_releases(jail, last_seen, trusted, report.counts)
    db.session.commit()
    return report
