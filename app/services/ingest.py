"""Saving what one scrape run read: bookings upserted on (jail, booking key), a version per
distinct intake sheet, charges, agencies through the alias table, and releases.

Everything happens in the caller's transaction and costs a constant number of statements
whatever the roster's size: the jail's bookings are prefetched once, new ones are inserted
in bulk, changed ones updated in bulk, and every unchanged sighting is one UPDATE.

Releases are inferred only from a trustworthy roster read. A run that read the roster only
partly, parsed nobody (a layout change), or whose roster shrank by more than half since the
last read releases nobody: dropping people from the data because a page failed is the
error this guards against. A real halving is confirmed by the next run, which compares with
this one.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields
from datetime import datetime, time
from enum import Enum
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ARRAY, Integer, String, any_, bindparam, case, delete, func, insert, literal, select, update,
)

from ..extensions import db
from ..models import AgencyAlias, Booking, BookingVersion, Charge, Jail, ScrapeRun
from ..scrapers.records import BookingRecord, ChargeRecord, ScrapeResult
from .sql import dialect_insert

# BookingRecord fields copied onto the booking row as they are: those the bookings table
# has a column for. Release fields are handled apart (a roster sighting overrides them);
# the sheet itself goes to BookingVersion.
_HANDLED_APART = {"released_at", "released_on", "release_precision"}
BOOKING_FIELDS = tuple(f.name for f in fields(BookingRecord)
                       if f.name in Booking.__table__.columns and f.name not in _HANDLED_APART)
CHARGE_FIELDS = tuple(f.name for f in fields(ChargeRecord) if f.name in Charge.__table__.columns)


class ReleaseCheck(str, Enum):
    """Whether this run's roster could say who left, and if not, why."""

    INFERRED = "inferred"
    INCOMPLETE = "roster read incomplete; nobody released"
    EMPTY = "roster parsed zero bookings (layout change?); nobody released"
    SHRANK = "roster shrank by more than half since the last read; nobody released"


@dataclass
class IngestCounts:
    seen: int = 0              # distinct bookings on the roster this run
    new: int = 0               # bookings inserted
    changed: int = 0           # intake sheets that got a new version
    verified: int = 0          # seen and unchanged: only last_verified moved
    released: int = 0          # in custody before, released by this run
    returned: int = 0          # released before, back on the roster under the same key
    agencies_queued: int = 0   # raw agency spellings newly put in the curation queue
    release_check: ReleaseCheck = ReleaseCheck.INFERRED
    previous_roster: int | None = None   # what the shrink check compared with
    new_booking_ids: list[int] = field(default_factory=list)


def content_hash(normalized_text: str) -> str:
    return hashlib.sha256(normalized_text.encode("utf-8")).hexdigest()


# ---- SQL helpers ------------------------------------------------------------------------

def in_list(column, values, item_type=Integer):
    """``column IN values`` sent as ONE bound parameter however long the list is: an array
    on PostgreSQL, a JSON array unpacked by ``json_each`` on SQLite. Statement count and
    parameter limits stay the same for ten rows or a million."""
    values = list(values)
    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(item_type)))
    unpacked = func.json_each(json.dumps(values)).table_valued("value")
    return column.in_(select(unpacked.c.value))


# ---- agencies ---------------------------------------------------------------------------

class AgencyMapper:
    """Maps a jail's raw agency spellings through ``agency_aliases``: an exact spelling
    first, then prefix rules (longest prefix wins). Spellings nobody has mapped are queued
    (``agency_id`` NULL) so a curator can map them; the raw value stays on the booking."""

    def __init__(self, jail_id: int):
        self.jail_id = jail_id
        self.exact: dict[str, int | None] = {}
        self.prefixes: list[tuple[str, int]] = []
        rows = db.session.execute(
            select(AgencyAlias.raw, AgencyAlias.is_prefix, AgencyAlias.agency_id)
            .where(AgencyAlias.jail_id == jail_id)
        )
        for raw, is_prefix, agency_id in rows:
            if is_prefix:
                if agency_id is not None:
                    self.prefixes.append((raw, agency_id))
            else:
                self.exact[raw] = agency_id
        self.prefixes.sort(key=lambda rule: len(rule[0]), reverse=True)
        self.queue: dict[str, None] = {}

    def agency_id(self, raw: str | None) -> int | None:
        if raw is None or not raw.strip():
            return None
        if self.exact.get(raw) is not None:
            return self.exact[raw]
        for prefix, agency_id in self.prefixes:
            if raw.startswith(prefix):
                return agency_id
        if raw not in self.exact:
            self.queue[raw] = None
        return None

    def flush_queue(self, now: datetime) -> int:
        if not self.queue:
            return 0
        # first_seen_at on the docket's clock; updated_at keeps its wall-clock default
        rows = [{"jail_id": self.jail_id, "raw": raw, "is_prefix": False, "agency_id": None,
                 "first_seen_at": now} for raw in self.queue]
        # Another run may queue the same spelling at the same time: the first one wins.
        db.session.execute(dialect_insert(AgencyAlias).on_conflict_do_nothing(), rows)
        for raw in self.queue:
            self.exact[raw] = None
        queued, self.queue = len(self.queue), {}
        return queued


# ---- the ingest -------------------------------------------------------------------------

@dataclass
class _Known:
    id: int
    link: str | None
    img_src: str | None
    released_at: datetime | None
    release_published: bool
    latest_hash: str | None


def _prefetch(jail_id: int, keys: set[str]) -> tuple[dict[str, _Known], set[str]]:
    """Every booking of the jail in custody, plus any other booking whose key this run saw
    (a released person back on the roster). Returns (by key, keys in custody)."""
    latest_hash = (
        select(BookingVersion.content_hash)
        .where(BookingVersion.booking_id == Booking.id)
        .order_by(BookingVersion.fetched_at.desc(), BookingVersion.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    columns = (Booking.booking_key, Booking.id, Booking.link, Booking.img_src,
               Booking.released_at, Booking.release_published, latest_hash)
    known: dict[str, _Known] = {}
    for key, *rest in db.session.execute(
        select(*columns).where(Booking.jail_id == jail_id, Booking.released_at.is_(None))
    ):
        known[key] = _Known(*rest)
    in_custody = set(known)
    others = keys - in_custody
    if others:
        for key, *rest in db.session.execute(
            select(*columns).where(Booking.jail_id == jail_id,
                                   in_list(Booking.booking_key, others, String))
        ):
            known[key] = _Known(*rest)
    return known, in_custody


def _previous_roster_size(jail_id: int, run_id: int | None) -> int | None:
    """How many the last roster read before this run showed."""
    query = (select(ScrapeRun.seen)
             .where(ScrapeRun.jail_id == jail_id, ScrapeRun.seen > 0,
                    ScrapeRun.outcome.in_(("success", "incomplete")))
             .order_by(ScrapeRun.id.desc()).limit(1))
    if run_id is not None:
        query = query.where(ScrapeRun.id < run_id)
    return db.session.execute(query).scalar_one_or_none()


def _dedupe(records: list[BookingRecord]) -> dict[str, BookingRecord]:
    """One record per key. A roster that shifts between page fetches, or a card linking its
    profile twice, can show a person twice; a full read beats a roster-row-only one."""
    by_key: dict[str, BookingRecord] = {}
    for record in records:
        held = by_key.get(record.booking_key)
        if held is None or (record.detail_complete and not held.detail_complete):
            by_key[record.booking_key] = record
    return by_key


def bulk_insert(model):
    """An ORM bulk INSERT that sends every row with the same columns: by default a None
    leaves its column out of that row, which splits the batch into one statement per
    distinct pattern of empty fields."""
    return insert(model).execution_options(render_nulls=True)


def _published_release(record: BookingRecord, tz: ZoneInfo):
    """(released_at, released_on, precision) when the docket itself publishes a release.

    A date-only release is placed at the start of its local day (the same rule the length
    of stay uses for date-only bookings), but never before the booking itself."""
    if record.released_at is not None:
        at = record.released_at
        return at, record.released_on or at.astimezone(tz).date(), record.release_precision or "datetime"
    if record.released_on is not None:
        at = datetime.combine(record.released_on, time.min, tz)
        if record.booked_at is not None and record.booked_at > at:
            at = record.booked_at
        return at, record.released_on, "date"
    return None


def _booking_values(record: BookingRecord, agencies: AgencyMapper) -> dict:
    values = {name: getattr(record, name) for name in BOOKING_FIELDS}
    values["agency_id"] = agencies.agency_id(record.agency_raw)
    return values


def _charge_rows(booking_id: int, record: BookingRecord) -> list[dict]:
    return [{"booking_id": booking_id, "position": position,
             **{name: getattr(charge, name) for name in CHARGE_FIELDS}}
            for position, charge in enumerate(record.charges, start=1)]


def _version_row(booking_id: int, record: BookingRecord, run_id: int | None, now: datetime) -> dict:
    return {"booking_id": booking_id, "fetched_at": now, "source_url": record.link,
            "raw_html": record.raw_html, "normalized_text": record.normalized_text,
            "content_hash": content_hash(record.normalized_text), "scrape_run_id": run_id}


@dataclass
class _Read:
    """One run's records, split the way every save needs them."""

    records: dict[str, BookingRecord]       # one per key
    releases: dict[str, tuple]              # key -> published (released_at, released_on, precision)
    roster: set[str]                        # keys on the roster: in custody


def _read(result: ScrapeResult, tz: ZoneInfo) -> _Read:
    records = _dedupe(result.records)
    releases = {key: rel for key, record in records.items()
                if key not in result.roster_keys
                and (rel := _published_release(record, tz)) is not None}
    # On the roster means in custody, whatever a release page says.
    roster = set(result.roster_keys) | (set(records) - set(releases))
    return _Read(records, releases, roster)


def _new_booking_values(jail: Jail, record: BookingRecord, read: _Read, agencies: AgencyMapper,
                        run_id: int | None, now: datetime) -> dict:
    values = _booking_values(record, agencies)
    values.update(jail_id=jail.id, initial_scrape=now, last_verified=now, last_changed_at=now,
                  detail_fetched_at=now if record.detail_complete else None)
    release = read.releases.get(record.booking_key)
    if release is not None:
        values.update(released_at=release[0], released_on=release[1], release_precision=release[2],
                      release_published=True, released_by_run_id=run_id)
    return values


def _insert_bookings(inserts: list[tuple[BookingRecord, dict]], run_id: int | None,
                     now: datetime) -> dict[str, int]:
    """New bookings with their first versions and charges, in bulk; returns key -> id."""
    # Inserted without RETURNING and looked up after: a plain executemany is several times
    # faster on PostgreSQL than the multi-row statements RETURNING needs.
    db.session.execute(bulk_insert(Booking), [values for _, values in inserts])
    jail_id = inserts[0][1]["jail_id"]
    ids = dict(db.session.execute(
        select(Booking.booking_key, Booking.id).where(
            Booking.jail_id == jail_id,
            in_list(Booking.booking_key, [record.booking_key for record, _ in inserts], String))).all())
    versions = [_version_row(ids[record.booking_key], record, run_id, now)
                for record, _ in inserts if record.normalized_text is not None]
    charges = [row for record, _ in inserts for row in _charge_rows(ids[record.booking_key], record)]
    if versions:
        db.session.execute(bulk_insert(BookingVersion), versions)
    if charges:
        db.session.execute(bulk_insert(Charge), charges)
    return ids


def _rewrite_sheets(updates: list[tuple[int, BookingRecord, dict]]) -> None:
    """Fresh fields and charges for bookings whose sheet was read anew, in bulk."""
    db.session.execute(update(Booking), [values for _, _, values in updates])
    db.session.execute(delete(Charge).where(in_list(Charge.booking_id, [booking_id for booking_id, _, _ in updates])))
    charges = [row for booking_id, record, _ in updates for row in _charge_rows(booking_id, record)]
    if charges:
        db.session.execute(bulk_insert(Charge), charges)


def _typed(moment: datetime, column):
    """``moment`` as a SQL value of ``column``'s type, so it is stored as UTC like any other
    (inside CASE the column's type is not applied by itself)."""
    return literal(moment, column.type)


def _later_of(column, moment: datetime):
    """SQL: ``column`` moved forward to ``moment``, never back."""
    return case((column < _typed(moment, column), _typed(moment, column)), else_=column)


def _earlier_of(column, moment: datetime):
    """SQL: ``column`` moved back to ``moment``, never forward."""
    return case((column > _typed(moment, column), _typed(moment, column)), else_=column)


def _publish_releases(read: _Read, ids: dict[str, int], already_published: set[str],
                      run_id: int | None) -> None:
    """Releases the docket publishes (jcj's 48-hour page) for bookings already stored."""
    published = [{"id": ids[key], "released_at": at, "released_on": on, "release_precision": precision,
                  "release_published": True, "released_by_run_id": run_id}
                 for key, (at, on, precision) in read.releases.items()
                 if key in ids and key not in already_published]
    if published:
        db.session.execute(update(Booking), published)


def ingest(jail: Jail, result: ScrapeResult, *, run: ScrapeRun | None, now: datetime) -> IngestCounts:
    """Save one run's records of ``jail`` as of ``now`` (the run's clock) in the current
    transaction; the caller commits. Returns what changed."""
    if now.tzinfo is None:
        raise ValueError("ingest needs an aware 'now' (the run's clock)")
    tz = ZoneInfo(jail.timezone)
    run_id = run.id if run is not None else None
    counts = IngestCounts()

    read = _read(result, tz)
    records, roster = read.records, read.roster
    counts.seen = len(roster)
    known, in_custody = _prefetch(jail.id, roster | set(records))
    agencies = AgencyMapper(jail.id)

    inserts: list[tuple[BookingRecord, dict]] = []
    updates: list[tuple[int, BookingRecord, dict]] = []
    moved_links: list[dict] = []
    for key, record in records.items():
        existing = known.get(key)
        if existing is None:
            inserts.append((record, _new_booking_values(jail, record, read, agencies, run_id, now)))
            continue
        changed = (record.detail_complete and record.normalized_text is not None
                   and content_hash(record.normalized_text) != existing.latest_hash)
        if changed:
            values = _booking_values(record, agencies)
            values.update(id=existing.id, last_changed_at=now)
            updates.append((existing.id, record, values))
        elif (record.detail_complete or record.link_is_slot) and (
                record.link != existing.link or record.img_src != existing.img_src):
            # Slot-based pages (mcdc/prcdf) move people between URLs without any change
            # to their sheet; the booking points at where it is shown now. A roster-only
            # sighting elsewhere carries no photo, and that must not erase the stored one.
            if record.link is not None:
                moved_links.append({"id": existing.id, "link": record.link,
                                    "img_src": record.img_src or existing.img_src})

    if inserts:
        ids = _insert_bookings(inserts, run_id, now)
        counts.new = len(inserts)
        counts.new_booking_ids = [ids[record.booking_key] for record, _ in inserts]
    # Changed intake sheets: a new version, fresh fields, charges replaced.
    if updates:
        _rewrite_sheets(updates)
        db.session.execute(bulk_insert(BookingVersion),
                           [_version_row(booking_id, record, run_id, now) for booking_id, record, _ in updates])
        counts.changed = len(updates)
    if moved_links:
        db.session.execute(update(Booking), moved_links)

    # Every existing booking seen this run: ONE statement moves last_verified (and the
    # detail-read time for those whose sheet was read), and brings back into custody
    # anyone released earlier who is on the roster again.
    seen_ids = [known[key].id for key in (roster | set(records)) if key in known]
    read_ids = [known[key].id for key, record in records.items()
                if key in known and record.detail_complete]
    # A release recorded as of a later moment than this read (an overlapping run, or a
    # replay of an older recording) is newer news than this roster; it stands.
    back_ids = [known[key].id for key in roster
                if key in known and known[key].released_at is not None and known[key].released_at <= now]
    if seen_ids:
        back = in_list(Booking.id, back_ids)
        db.session.execute(
            update(Booking)
            .where(in_list(Booking.id, seen_ids))
            .values(
                # never back in time: an overlapping run as of a later moment may have been first
                last_verified=_later_of(Booking.last_verified, now),
                detail_fetched_at=case((in_list(Booking.id, read_ids), _typed(now, Booking.detail_fetched_at)),
                                       else_=Booking.detail_fetched_at),
                released_at=case((back, None), else_=Booking.released_at),
                released_on=case((back, None), else_=Booking.released_on),
                release_precision=case((back, None), else_=Booking.release_precision),
                release_published=case((back, False), else_=Booking.release_published),
                released_by_run_id=case((back, None), else_=Booking.released_by_run_id),
            )
            .execution_options(synchronize_session=False)
        )
    counts.returned = len(back_ids)
    counts.verified = len(seen_ids) - counts.changed

    _publish_releases(read, {key: k.id for key, k in known.items()},
                      {key for key, k in known.items() if k.release_published}, run_id)
    counts.released += sum(1 for key in read.releases if key in in_custody)

    # Releases inferred from who is missing from the roster.
    counts.release_check, counts.previous_roster = release_check(jail.id, run_id, result, counts.seen,
                                                                  len(in_custody))
    if counts.release_check is ReleaseCheck.INFERRED:
        gone = [known[key].id for key in in_custody - roster - set(read.releases)]
        if gone:
            # Somebody a run as of a later moment has seen (an overlapping run, or a replay
            # of an older recording) was there after this roster was read: not released.
            counts.released += db.session.execute(
                update(Booking)
                .where(in_list(Booking.id, gone), Booking.last_verified <= now)
                .values(released_at=now, released_on=now.astimezone(tz).date(),
                        release_precision="datetime", release_published=False,
                        released_by_run_id=run_id)
                .execution_options(synchronize_session=False)
            ).rowcount

    counts.agencies_queued = agencies.flush_queue(now)
    return counts


def release_check(jail_id: int, run_id: int | None, result: ScrapeResult, seen: int,
                   in_custody: int) -> tuple[ReleaseCheck, int | None]:
    if seen == 0:
        return ReleaseCheck.EMPTY, None
    if not result.complete:
        return ReleaseCheck.INCOMPLETE, None
    previous = _previous_roster_size(jail_id, run_id)
    if previous is None:
        previous = in_custody
    if seen * 2 < previous:
        return ReleaseCheck.SHRANK, previous
    return ReleaseCheck.INFERRED, previous


# ---- re-reading archived runs (flask scrape reparse) --------------------------------------

@dataclass
class RepairCounts:
    runs: int = 0
    added: int = 0                 # bookings the archive shows that were never stored
    reread: int = 0                # sheets whose fields and charges were read again
    versions_added: int = 0        # sheet changes the earlier parser missed
    versions_renormalized: int = 0  # stored versions whose normalised text is now read differently
    releases_corrected: int = 0


def repair(jail: Jail, result: ScrapeResult, *, run: ScrapeRun, counts: RepairCounts) -> set[str]:
    """Apply today's reading of one archived run, as of that run's clock, in the current
    transaction. Runs are repaired oldest first, so each booking ends with the fields of its
    latest archived sheet. Sighting times only widen (first seen no later, last seen no
    earlier); a stored version from this run is re-read in place; a sheet change the earlier
    parser missed becomes a version at this run. Returns the keys on this run's roster."""
    now, tz = run.as_of, ZoneInfo(jail.timezone)
    read = _read(result, tz)
    keys = read.roster | set(read.records)
    known = {key: (booking_id, published) for key, booking_id, published in db.session.execute(
        select(Booking.booking_key, Booking.id, Booking.release_published)
        .where(Booking.jail_id == jail.id, in_list(Booking.booking_key, keys, String)))}
    ids = {key: booking_id for key, (booking_id, _) in known.items()}
    agencies = AgencyMapper(jail.id)

    inserts = [(record, _new_booking_values(jail, record, read, agencies, run.id, now))
               for key, record in read.records.items() if key not in known]
    if inserts:
        ids.update(_insert_bookings(inserts, run.id, now))
        counts.added += len(inserts)

    sheets = {ids[key]: record for key, record in read.records.items()
              if key in known and record.detail_complete and record.normalized_text is not None}
    if sheets:
        updates = []
        for booking_id, record in sheets.items():
            values = _booking_values(record, agencies)
            values["id"] = booking_id
            updates.append((booking_id, record, values))
        _rewrite_sheets(updates)
        counts.reread += len(updates)
        _repair_versions(sheets, run, counts)

    existing = [ids[key] for key in keys if key in known]
    if existing:
        db.session.execute(
            update(Booking).where(in_list(Booking.id, existing))
            .values(initial_scrape=_earlier_of(Booking.initial_scrape, now),
                    last_verified=_later_of(Booking.last_verified, now))
            .execution_options(synchronize_session=False)
        )
    _publish_releases(read, ids, {key for key, (_, published) in known.items() if published}, run.id)
    agencies.flush_queue(now)
    counts.runs += 1
    return read.roster


def _repair_versions(sheets: dict[int, BookingRecord], run: ScrapeRun, counts: RepairCounts) -> None:
    now = run.as_of
    own = dict(db.session.execute(
        select(BookingVersion.booking_id, BookingVersion.id)
        .where(BookingVersion.scrape_run_id == run.id, in_list(BookingVersion.booking_id, sheets))).all())
    earlier = (select(BookingVersion.content_hash)
               .where(BookingVersion.booking_id == Booking.id, BookingVersion.fetched_at < now)
               .order_by(BookingVersion.fetched_at.desc(), BookingVersion.id.desc())
               .limit(1).scalar_subquery())
    before = dict(db.session.execute(
        select(Booking.id, earlier).where(in_list(Booking.id, [i for i in sheets if i not in own]))).all())
    rewritten = [{"id": own[booking_id], "raw_html": record.raw_html,
                  "normalized_text": record.normalized_text,
                  "content_hash": content_hash(record.normalized_text)}
                 for booking_id, record in sheets.items() if booking_id in own]
    missed = [_version_row(booking_id, record, run.id, now) for booking_id, record in sheets.items()
              if booking_id not in own and content_hash(record.normalized_text) != before.get(booking_id)]
    if rewritten:
        db.session.execute(update(BookingVersion), rewritten)
        counts.versions_renormalized += len(rewritten)
    if missed:
        db.session.execute(bulk_insert(BookingVersion), missed)
        db.session.execute(
            update(Booking).where(in_list(Booking.id, [row["booking_id"] for row in missed]))
            .values(last_changed_at=_later_of(Booking.last_changed_at, now))
            .execution_options(synchronize_session=False)
        )
        counts.versions_added += len(missed)


@dataclass
class TrustedRead:
    """An archived run whose re-read roster may say who left (see ``ReleaseCheck``)."""

    run_id: int
    as_of: datetime
    roster: set[str]


def repair_releases(jail: Jail, last_seen: dict[str, datetime], trusted: list[TrustedRead],
                    counts: RepairCounts) -> None:
    """Re-infer the releases of bookings the re-read archive shows: released at the first
    trustworthy read after their last sighting; held if none came (unless the stored release,
    from a run the archive lacks, is later than that sighting). Published releases stand."""
    trusted = sorted(trusted, key=lambda t: t.as_of)
    tz = ZoneInfo(jail.timezone)
    fixes = []
    for booking_id, key, released_at, run_id in db.session.execute(
        select(Booking.id, Booking.booking_key, Booking.released_at, Booking.released_by_run_id)
        .where(Booking.jail_id == jail.id, Booking.release_published.is_(False),
               in_list(Booking.booking_key, last_seen, String))
    ):
        seen = last_seen[key]
        after = next((t for t in trusted if t.as_of > seen and key not in t.roster), None)
        if after is not None:
            wanted = (after.as_of, after.run_id)
        elif released_at is not None and released_at > seen:
            continue
        else:
            wanted = (None, None)
        if (released_at, run_id) != wanted:
            at, by = wanted
            fixes.append({"id": booking_id, "released_at": at, "released_by_run_id": by,
                          "released_on": at.astimezone(tz).date() if at else None,
                          "release_precision": "datetime" if at else None})
    if fixes:
        db.session.execute(update(Booking), fixes)
        counts.releases_corrected += len(fixes)
