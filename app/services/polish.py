"""Polish: the clean-up passes run every four hours over what the scrapes wrote.

Incremental: each pass looks only at bookings that changed since the last one. The
watermark (``pipeline_state['polish:changes']``) is on the data's own clock, the scrape
run's ``now`` that ingest stamps on ``last_changed_at`` and ``released_at``; a run commits
up to its time limit after that clock reads, so every pass looks back that far again.
Agency aliases changed since the last pass (``pipeline_state['polish:aliases']``, wall
clock) are re-applied to every booking with that raw spelling, so a new mapping also fixes
history.

Passes, in order:
1. re-derive stored bookings when a platform's parsing rules changed: the source of its
   scraper (and of the shared parsing code) is fingerprinted, and when the fingerprint
   differs from the last pass, every jail on that platform is re-read from its archived
   pages by ``app.services.scrape.reparse``;
2. re-apply changed agency aliases (set-based, per raw spelling);
3. split ``charge_1`` into statute and title where the scrape did not (spec §4.6);
4. refresh ``blurb``;
5. flag data problems for the admin: unmapped agency, booking date in the future,
   negative stay;
6. back-fill DocumentCloud text and page counts missing from finished documents.
"""
from __future__ import annotations

import hashlib
import logging
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import String, bindparam, func, or_, select, update
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import AgencyAlias, Booking, Document, Jail, PipelineState
from ..models.types import utcnow
from ..scrapers import fetch, parsing, records, standardize
from ..scrapers.platforms import PLATFORMS, base
from ..scrapers.standardize import split_statute
from . import documentcloud
from .ingest import AgencyMapper, in_list
from .scrape import reparse

log = logging.getLogger(__name__)

# How far back each pass looks again: a scrape's transaction may commit this long after its
# clock was read (its hard time limit).
LOOK_BACK = timedelta(minutes=25)
CHANGES_KEY = "polish:changes"
ALIASES_KEY = "polish:aliases"
DOCUMENT_BACKFILL_BATCH = 150
BATCH = 2000

UNMAPPED_AGENCY = "unmapped_agency"
FUTURE_BOOKING = "booking_date_in_future"
NEGATIVE_STAY = "negative_stay"


@dataclass
class PolishReport:
    reparsed: list[str] = field(default_factory=list)
    bookings: int = 0
    remapped: int = 0
    charges_split: int = 0
    blurbs: int = 0
    flagged: int = 0
    documents: int = 0

    def summary(self) -> str:
        reparsed = f"re-read {', '.join(self.reparsed)} with changed parsers; " if self.reparsed else ""
        return (f"{reparsed}polished {self.bookings} bookings: {self.remapped} agencies re-mapped, "
                f"{self.charges_split} charge_1 split, {self.blurbs} blurbs refreshed, "
                f"{self.flagged} with problems; {self.documents} DocumentCloud texts filled in")


def _state(key: str) -> datetime | None:
    row = db.session.get(PipelineState, key)
    return datetime.fromisoformat(row.value) if row is not None and row.value else None


def _set_state(key: str, value: datetime) -> None:
    db.session.merge(PipelineState(key=key, value=value.isoformat()))


def polish(now: datetime | None = None) -> PolishReport:
    now = now or utcnow()
    report = PolishReport()
    reparsed_ids = rederive_changed_parsers(report)
    remapped_ids = reapply_aliases(now, report)

    since = _state(CHANGES_KEY)
    changed = select(Booking.id)
    if since is not None:
        cutoff = since - LOOK_BACK
        changed = changed.where(or_(Booking.last_changed_at > cutoff, Booking.released_at > cutoff))
    ids = sorted(set(db.session.execute(changed).scalars()) | set(remapped_ids) | set(reparsed_ids))
    for start in range(0, len(ids), BATCH):
        _polish_bookings(ids[start:start + BATCH], now, report)

    newest = db.session.execute(select(func.max(Booking.last_changed_at))).scalar_one_or_none()
    if newest is not None:
        _set_state(CHANGES_KEY, max(newest, since) if since else newest)
    report.bookings = len(ids)
    report.documents = backfill_documentcloud()
    db.session.commit()
    return report


def parser_fingerprint(platform: str) -> str:
    """A hash of the code that turns a platform's pages into records."""
    modules = [sys.modules[PLATFORMS[platform].__module__], base, parsing, standardize, records, fetch]
    digest = hashlib.sha256()
    for module in modules:
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


def rederive_changed_parsers(report: PolishReport) -> list[int]:
    """Re-read every jail whose platform's parser changed since the last pass from its
    archived pages. The first pass only records the fingerprints. Returns the ids of the
    re-read jails' bookings (their blurbs and flags follow)."""
    jails = db.session.execute(select(Jail.code, Jail.platform).where(Jail.platform.in_(PLATFORMS))).all()
    ids: list[int] = []
    for platform in sorted({platform for _, platform in jails}):
        key = f"polish:parser:{platform}"
        current = parser_fingerprint(platform)
        stored = db.session.get(PipelineState, key)
        if stored is not None and stored.value != current:
            try:
                for code in sorted(code for code, p in jails if p == platform):
                    log.info("%s", reparse(code).summary())
                    report.reparsed.append(code)
                    ids += db.session.execute(select(Booking.id).join(Jail).where(Jail.code == code)).scalars()
            except Exception:  # noqa: BLE001 - the other passes go on; the next polish retries
                db.session.rollback()
                log.exception("re-reading the %s jails failed", platform)
                continue
        db.session.merge(PipelineState(key=key, value=current))
        db.session.commit()
    return ids


def reapply_aliases(now: datetime, report: PolishReport) -> list[int]:
    """Map every booking whose raw agency spelling an alias changed since the last pass.
    Returns the ids of bookings whose agency changed."""
    since = _state(ALIASES_KEY)
    changed = select(AgencyAlias.jail_id, AgencyAlias.raw, AgencyAlias.is_prefix)
    if since is not None:
        changed = changed.where(AgencyAlias.updated_at > since - LOOK_BACK)
    by_jail: dict[int, list[tuple[str, bool]]] = {}
    for jail_id, raw, is_prefix in db.session.execute(changed):
        by_jail.setdefault(jail_id, []).append((raw, is_prefix))

    remapped: list[int] = []
    for jail_id, aliases in by_jail.items():
        mapper = AgencyMapper(jail_id)   # the same rule ingest maps by: exact, then longest prefix
        raws = db.session.execute(
            select(Booking.agency_raw).distinct()
            .where(Booking.jail_id == jail_id, Booking.agency_raw.is_not(None))
        ).scalars().all()
        touched = [raw for raw in raws
                   if any(raw.startswith(alias) if is_prefix else raw == alias for alias, is_prefix in aliases)]
        mapping = [{"jail": jail_id, "raw": raw, "agency": mapper.agency_id(raw)} for raw in touched]
        if not mapping:
            continue
        stale = (Booking.jail_id == bindparam("jail"), Booking.agency_raw == bindparam("raw"),
                 Booking.agency_id.is_distinct_from(bindparam("agency")))
        # The bookings about to change, in one query (not one per spelling).
        agency_for = {row["raw"]: row["agency"] for row in mapping}
        remapped.extend(booking_id for booking_id, raw, agency_id in db.session.execute(
            select(Booking.id, Booking.agency_raw, Booking.agency_id)
            .where(Booking.jail_id == jail_id, in_list(Booking.agency_raw, agency_for, String)))
            if agency_id != agency_for[raw])
        db.session.connection().execute(
            update(Booking).where(*stale).values(agency_id=bindparam("agency")), mapping)
    _set_state(ALIASES_KEY, now)
    report.remapped = len(remapped)
    return remapped


def problems_of(booking: Booking, now: datetime) -> list[str]:
    problems = []
    if booking.agency_raw and booking.agency_raw.strip() and booking.agency_id is None:
        problems.append(UNMAPPED_AGENCY)
    today = now.astimezone(ZoneInfo(booking.jail.timezone)).date()
    if (booking.booked_at is not None and booking.booked_at > now) or (
            booking.booked_on is not None and booking.booked_on > today):
        problems.append(FUTURE_BOOKING)
    hours = booking.hours_incarcerated
    if booking.released_at is not None and hours is not None and hours < 0:
        problems.append(NEGATIVE_STAY)
    return problems


def _polish_bookings(ids: list[int], now: datetime, report: PolishReport) -> None:
    bookings = db.session.execute(
        select(Booking).where(in_list(Booking.id, ids))
        .options(selectinload(Booking.jail), selectinload(Booking.agency),
                 selectinload(Booking.charges))
    ).scalars().all()
    rows = []
    for booking in bookings:
        values = {"id": booking.id, "polished_at": now}
        if booking.charge_1 and not booking.charge_1_statute:
            statute, title = split_statute(booking.charge_1)
            if statute:
                values.update(charge_1_statute=statute, charge_1_title=title)
                report.charges_split += 1
        blurb = booking.compose_blurb()
        if blurb != booking.blurb:
            values["blurb"] = blurb
            report.blurbs += 1
        problems = problems_of(booking, now) or None
        if problems != booking.problems:
            values["problems"] = problems
        report.flagged += bool(problems)
        rows.append(values)
    for booking in bookings:   # keep memory flat over many batches
        db.session.expunge(booking)
    # Plain dicts keyed by primary key: one executemany UPDATE per set of columns.
    for columns in {tuple(sorted(row)) for row in rows}:
        same = [row for row in rows if tuple(sorted(row)) == columns]
        db.session.execute(update(Booking), same)


def backfill_documentcloud(limit: int = DOCUMENT_BACKFILL_BATCH) -> int:
    """Text and page counts for finished documents that lack them (DocumentCloud had not
    finished extracting text when the upload task wrote back). Skipped without credentials;
    a network failure ends the pass early and the next pass tries again."""
    if not documentcloud.is_configured():
        return 0
    documents = db.session.execute(
        select(Document).where(Document.dc_id.is_not(None), Document.status == "success",
                               or_(Document.full_text.is_(None), Document.pages.is_(None)))
        .order_by(Document.id).limit(limit)
    ).scalars().all()
    if not documents:
        return 0
    filled = 0
    try:
        client = documentcloud.build_client()
        for document in documents:
            remote = client.documents.get(int(document.dc_id))
            document.pages = remote.page_count
            document.full_text = documentcloud.without_blank_lines(remote.full_text)
            filled += 1
    except Exception as exc:  # noqa: BLE001 - polish goes on; the next pass retries
        log.warning("DocumentCloud back-fill stopped after %s documents: %s", filled, exc)
    return filled
