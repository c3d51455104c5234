"""Jail dockets: the jails, every booking seen on them, each distinct version of an intake
sheet, charges, agencies, scrape runs, daily snapshots and intake-sheet documents."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import (
    JSON, Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint,
    func,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .officers import new_ocd_id
from .types import UTCDateTime, utcnow

CENTRAL = ZoneInfo("America/Chicago")
Money = Numeric(12, 2)


class Jail(db.Model):
    __tablename__ = "jails"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    county: Mapped[str] = mapped_column(String(100), nullable=False)
    state: Mapped[str] = mapped_column(String(2), nullable=False, default="MS", server_default="MS")
    ocd_id: Mapped[str] = mapped_column(
        String(80), unique=True, nullable=False, default=lambda: new_ocd_id("organization")
    )
    division_id: Mapped[str | None] = mapped_column(String(200))
    platform: Mapped[str | None] = mapped_column(String(50))
    docket_url: Mapped[str | None] = mapped_column(Text)
    timezone: Mapped[str] = mapped_column(String(64), nullable=False, default="America/Chicago",
                                          server_default="America/Chicago")
    scrape_started_on: Mapped[date | None] = mapped_column(Date)
    scrape_stopped_on: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True, server_default="1")
    # How many known, unchanged detail pages a steady-state run re-reads (None: all of them).
    detail_refresh_budget: Mapped[int | None] = mapped_column(Integer)

    bookings = relationship("Booking", back_populates="jail", passive_deletes=True)
    scrape_runs = relationship("ScrapeRun", back_populates="jail", passive_deletes=True)

    def __repr__(self) -> str:
        return f"<Jail {self.code}>"

    def __str__(self) -> str:
        return self.name


class Agency(db.Model):
    """A canonical law-enforcement agency (the seed's LEA code, e.g. ``MadisonCntySD``)."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(100), unique=True, nullable=False)
    name: Mapped[str | None] = mapped_column(String(255))

    def __repr__(self) -> str:
        return f"<Agency {self.code}>"

    def __str__(self) -> str:
        return self.code


class AgencyAlias(db.Model):
    """A raw agency spelling as one jail's docket prints it. ``agency_id`` NULL means the
    spelling is not mapped yet: it waits in the curation queue and the raw value is kept."""

    __tablename__ = "agency_aliases"
    __table_args__ = (UniqueConstraint("jail_id", "raw", name="uq_agency_aliases_jail_raw"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    jail_id: Mapped[int] = mapped_column(ForeignKey("jails.id", ondelete="CASCADE"), nullable=False)
    raw: Mapped[str] = mapped_column(String(255), nullable=False)
    # Prefix rules from the seed (``US MARSHAL...``) match any raw value starting with ``raw``.
    is_prefix: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default="0")
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id", ondelete="SET NULL"),
                                                  index=True)
    first_seen_at = mapped_column(UTCDateTime, default=utcnow)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, index=True)

    jail = relationship("Jail")
    agency = relationship("Agency")

    def __repr__(self) -> str:
        return f"<AgencyAlias {self.raw!r} -> {self.agency_id}>"


class Booking(db.Model):
    """One booking (an intake) on one jail's docket, upserted on (jail, booking_key)."""

    __tablename__ = "bookings"
    __table_args__ = (
        UniqueConstraint("jail_id", "booking_key", name="uq_bookings_jail_booking_key"),
        Index("ix_bookings_jail_released", "jail_id", "released_at"),
        Index("ix_bookings_jail_booked_on", "jail_id", "booked_on"),
        Index("ix_bookings_name", "last_name", "first_name"),
        # What the back-office bookings list sorts, filters and looks up by.
        Index("ix_bookings_booking_key", "booking_key"),
        Index("ix_bookings_released_at", "released_at"),
        Index("ix_bookings_agency_booked_on", "agency_id", "booked_on"),
        Index("ix_bookings_jail_agency_raw", "jail_id", "agency_raw", "agency_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    jail_id: Mapped[int] = mapped_column(ForeignKey("jails.id", ondelete="CASCADE"), nullable=False)
    # The stable key the spec names per jail: intake number for mcdc/prcdf/lcdc, else bk.
    booking_key: Mapped[str] = mapped_column(String(100), nullable=False)
    bk: Mapped[str | None] = mapped_column(String(100), index=True)
    intake_number: Mapped[str | None] = mapped_column(String(100), index=True)
    intake_case_number: Mapped[str | None] = mapped_column(String(100))
    link: Mapped[str | None] = mapped_column(Text)
    img_src: Mapped[str | None] = mapped_column(Text)

    name_raw: Mapped[str | None] = mapped_column(String(255))
    first_name: Mapped[str | None] = mapped_column(String(120))
    middle_name: Mapped[str | None] = mapped_column(String(120))
    last_name: Mapped[str | None] = mapped_column(String(120))
    suffix: Mapped[str | None] = mapped_column(String(20))
    sex: Mapped[str | None] = mapped_column(String(1), index=True)
    sex_raw: Mapped[str | None] = mapped_column(String(50))
    race: Mapped[str | None] = mapped_column(String(10), index=True)
    race_raw: Mapped[str | None] = mapped_column(String(100))
    dob: Mapped[date | None] = mapped_column(Date)
    intake_age: Mapped[int | None] = mapped_column(Integer)
    glasses: Mapped[str | None] = mapped_column(String(50))
    address_line_1: Mapped[str | None] = mapped_column(String(255))
    address_line_2: Mapped[str | None] = mapped_column(String(255))
    height: Mapped[str | None] = mapped_column(String(50))
    weight: Mapped[str | None] = mapped_column(String(50))
    eyes: Mapped[str | None] = mapped_column(String(50))
    hair: Mapped[str | None] = mapped_column(String(50))

    agency_raw: Mapped[str | None] = mapped_column(String(255))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id", ondelete="SET NULL"),
                                                  index=True)

    # DOI. ``booked_on`` is the jail-local date and always set when the docket gives one;
    # ``booked_at`` only when the docket gives a time too (precision "datetime").
    booked_at = mapped_column(UTCDateTime, index=True)
    booked_on: Mapped[date | None] = mapped_column(Date, index=True)
    booking_date_precision: Mapped[str | None] = mapped_column(String(8))
    arrested_on: Mapped[date | None] = mapped_column(Date)          # DOA
    offense_on: Mapped[date | None] = mapped_column(Date)           # DOO
    scheduled_release_on: Mapped[date | None] = mapped_column(Date)  # SDOR

    # DOR. Either the docket published it (``release_published``) or a complete roster read
    # stopped showing the booking, in which case it is that run's time.
    released_at = mapped_column(UTCDateTime)
    released_on: Mapped[date | None] = mapped_column(Date)
    release_precision: Mapped[str | None] = mapped_column(String(8))
    release_published: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False,
                                                    server_default="0")
    released_by_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("scrape_runs.id", ondelete="SET NULL")
    )

    charge_1: Mapped[str | None] = mapped_column(Text)
    charge_1_statute: Mapped[str | None] = mapped_column(String(255))
    charge_1_title: Mapped[str | None] = mapped_column(Text)
    bond_written = mapped_column(Money)
    bond_cash = mapped_column(Money)
    fine_amount = mapped_column(Money)
    # Where the docket shows them: the housing unit (Hinds), and whether bond may be posted
    # (Jackson prints "Bondable"; its other bookings are stored as False).
    location: Mapped[str | None] = mapped_column(String(200))
    bondable: Mapped[bool | None] = mapped_column(Boolean)

    initial_scrape = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    last_verified = mapped_column(UTCDateTime, nullable=False, default=utcnow, index=True)
    # When the intake sheet last changed (new version); polish works incrementally from it.
    last_changed_at = mapped_column(UTCDateTime, nullable=False, default=utcnow, index=True)
    detail_fetched_at = mapped_column(UTCDateTime)
    polished_at = mapped_column(UTCDateTime)
    blurb: Mapped[str | None] = mapped_column(Text)
    # Data problems found by polish, e.g. ["unmapped_agency", "negative_stay"].
    problems = mapped_column(JSON)

    jail = relationship("Jail", back_populates="bookings")
    agency = relationship("Agency")
    charges = relationship("Charge", back_populates="booking", order_by="Charge.position",
                           passive_deletes=True, cascade="all, delete-orphan")
    versions = relationship("BookingVersion", back_populates="booking",
                            order_by="BookingVersion.fetched_at", passive_deletes=True)
    document = relationship("Document", back_populates="booking", uselist=False,
                            passive_deletes=True)

    # ---- the seed's computed fields -------------------------------------------------
    @hybrid_property
    def in_custody(self) -> bool:
        return self.released_at is None

    @in_custody.inplace.expression
    @classmethod
    def _in_custody_expression(cls):
        return cls.released_at.is_(None)

    @property
    def LEA(self) -> str | None:
        return self.agency.code if self.agency is not None else self.agency_raw

    @property
    def UID(self) -> str:
        code = self.jail.code if self.jail is not None else ""
        bk = self.bk or ""
        if code == "ccdc":
            return bk
        if code == "jcadc":
            return bk.lower().replace("c0", "c_0")
        intake = self.intake_number or ""
        if len(bk) == 12 and len(intake) == 18:
            padded = intake.replace(" - ", "_").replace("BK", "")
        elif len(bk) == 12:
            padded = bk.replace("BK", "") + "_xxx"
        else:
            padded = bk.rjust(10, "0")
        return f"{code}_{padded}"

    @property
    def uid_for_humans(self) -> str:
        name = " ".join(p for p in (self.first_name, self.middle_name, self.last_name, self.suffix) if p)
        jail = self.jail.code if self.jail is not None else "?"
        return f"{name or 'Unknown'} ({jail} {self.intake_number or self.bk or self.booking_key})"

    def _stay_end(self) -> datetime | None:
        return self.released_at or self.last_verified

    @property
    def hours_incarcerated(self) -> float | None:
        """From intake to release (or to the last sighting while still held).

        A date-only docket counts from the start of its booking day, local time; no
        11:59 pm is invented, so no negative stays to patch over."""
        end = self._stay_end()
        if end is None:
            return None
        if self.booked_at is not None:
            start = self.booked_at
        elif self.booked_on is not None:
            start = datetime.combine(self.booked_on, datetime.min.time(), CENTRAL)
        else:
            return None
        return round((end - start).total_seconds() / 3600, 2)

    @property
    def days_incarcerated(self) -> float | None:
        hours = self.hours_incarcerated
        return None if hours is None else round(hours / 24, 2)

    @property
    def age_at_arrest(self) -> int | None:
        if self.dob is None or self.booked_on is None:
            return None
        b, d = self.booked_on, self.dob
        return b.year - d.year - ((b.month, b.day) < (d.month, d.day))

    @property
    def AGE(self) -> int | None:
        """As the seed has it: the age the docket printed at intake; for a docket that
        prints only a date of birth (hcdc), the age today."""
        if self.intake_age is not None or self.dob is None:
            return self.intake_age
        today = datetime.now(CENTRAL).date()
        return today.year - self.dob.year - ((today.month, today.day) < (self.dob.month, self.dob.day))

    @property
    def hours_since_verification(self) -> float | None:
        if self.last_verified is None:
            return None
        return (datetime.now(timezone.utc) - self.last_verified).total_seconds() / 3600

    @property
    def status(self) -> int:
        """4 (seen in the last 12 h) down to 0 (not seen for over 30 days)."""
        hours = self.hours_since_verification
        if hours is None:
            return 0
        for bound, value in ((12, 4), (24, 3), (7 * 24, 2), (30 * 24, 1)):
            if hours < bound:
                return value
        return 0

    @property
    def status_verbose(self) -> str:
        return {4: "✔✔✔✔", 3: "✔✔✔", 2: "✔✔", 1: "✔", 0: "❌"}[self.status]

    @property
    def total_admissions_filter(self) -> bool:
        started = self.jail.scrape_started_on if self.jail is not None else None
        return bool(started and self.booked_on and self.booked_on >= started)

    def compose_blurb(self) -> str:
        """A one-sentence human summary, refreshed by polish into ``blurb``."""
        name = " ".join(p for p in (self.first_name, self.last_name) if p) or "An unnamed person"
        jail = self.jail.name if self.jail is not None else "jail"
        when = self.booked_on.strftime("%B %-d, %Y") if self.booked_on else "an unknown date"
        by = f" by {self.LEA}" if self.LEA else ""
        charges = [c.description for c in self.charges if c.description] or (
            [self.charge_1] if self.charge_1 else [])
        what = f" on {len(charges)} charge{'s' if len(charges) != 1 else ''}" if charges else ""
        tail = f", first: {charges[0]}" if charges else ""
        status = (" and was released" if self.released_at else " and is still held")
        return f"{name} was booked into {jail} on {when}{by}{what}{tail}{status}."

    def __repr__(self) -> str:
        return f"<Booking {self.jail_id}:{self.booking_key}>"

    def __str__(self) -> str:
        return self.uid_for_humans


# Name search in the back office is by prefix of the lower-cased name (see app/admin/search.py).
Index("ix_bookings_lower_last_name", func.lower(Booking.last_name))
Index("ix_bookings_lower_first_name", func.lower(Booking.first_name))


class BookingVersion(db.Model):
    """One distinct version of an intake sheet as fetched, kept forever."""

    __tablename__ = "booking_versions"
    __table_args__ = (Index("ix_booking_versions_booking_fetched", "booking_id", "fetched_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"),
                                            nullable=False)
    fetched_at = mapped_column(UTCDateTime, nullable=False)
    source_url: Mapped[str | None] = mapped_column(Text)
    raw_html: Mapped[str | None] = mapped_column(Text)
    # Text with volatile parts (a ticking age, footers) removed; versions differ only when it does.
    normalized_text: Mapped[str] = mapped_column(Text, nullable=False)
    content_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    scrape_run_id: Mapped[int | None] = mapped_column(ForeignKey("scrape_runs.id", ondelete="SET NULL"))

    booking = relationship("Booking", back_populates="versions")

    def __repr__(self) -> str:
        return f"<BookingVersion {self.booking_id} {self.content_hash[:8]}>"


class Charge(db.Model):
    __tablename__ = "charges"
    __table_args__ = (UniqueConstraint("booking_id", "position", name="uq_charges_booking_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"),
                                            nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    statute: Mapped[str | None] = mapped_column(String(255))
    title: Mapped[str | None] = mapped_column(Text)
    court: Mapped[str | None] = mapped_column(String(100))
    bond = mapped_column(Money)
    fine = mapped_column(Money)
    classification: Mapped[str | None] = mapped_column(String(50))

    booking = relationship("Booking", back_populates="charges")

    def __repr__(self) -> str:
        return f"<Charge {self.booking_id}#{self.position}: {self.description}>"


class ScrapeRun(db.Model):
    """One scrape of one jail: what it fetched, saw, added, changed and released."""

    __tablename__ = "scrape_runs"
    __table_args__ = (Index("ix_scrape_runs_jail_started", "jail_id", "started_at"),)

    OUTCOMES = ("running", "success", "incomplete", "failed")

    id: Mapped[int] = mapped_column(primary_key=True)
    jail_id: Mapped[int] = mapped_column(ForeignKey("jails.id", ondelete="CASCADE"), nullable=False)
    started_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    finished_at = mapped_column(UTCDateTime)
    # The run's clock: last_verified of what it saw (a replay runs as of its capture time).
    as_of = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    outcome: Mapped[str] = mapped_column(String(20), nullable=False, default="running")
    replay_source: Mapped[str | None] = mapped_column(Text)
    pages_fetched: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    requests_sent: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    roster_declared: Mapped[int | None] = mapped_column(Integer)
    seen: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    new: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    changed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    released: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    errors: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    error_text: Mapped[str | None] = mapped_column(Text)

    jail = relationship("Jail", back_populates="scrape_runs")

    def __repr__(self) -> str:
        return f"<ScrapeRun {self.id} jail={self.jail_id} {self.outcome}>"


class FetchedPage(db.Model):
    """Index of the raw-page archive: every page a scrape fetched, with its capture time.
    Bodies live content-addressed under ``ARCHIVE_DIR`` (identical pages are stored once)."""

    __tablename__ = "fetched_pages"
    __table_args__ = (Index("ix_fetched_pages_jail_fetched", "jail_id", "fetched_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    jail_id: Mapped[int] = mapped_column(ForeignKey("jails.id", ondelete="CASCADE"), nullable=False)
    scrape_run_id: Mapped[int | None] = mapped_column(ForeignKey("scrape_runs.id", ondelete="CASCADE"),
                                                      index=True)
    method: Mapped[str] = mapped_column(String(10), nullable=False, default="GET")
    url: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[int | None] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(200))
    sha256: Mapped[str | None] = mapped_column(String(64))
    fetched_at = mapped_column(UTCDateTime, nullable=False)


class DailySnapshot(db.Model):
    __tablename__ = "daily_snapshots"
    __table_args__ = (UniqueConstraint("jail_id", "day", name="uq_daily_snapshots_jail_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    jail_id: Mapped[int] = mapped_column(ForeignKey("jails.id", ondelete="CASCADE"), nullable=False)
    day: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    admissions: Mapped[int | None] = mapped_column(Integer)
    population: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(20), nullable=False, default="computed")
    computed_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    jail = relationship("Jail")


class Document(db.Model):
    """The PDF of a booking's first intake-sheet version and its DocumentCloud record."""

    __tablename__ = "documents"

    STATUSES = ("pending", "rendered", "not_configured", "uploading", "processing", "success",
                "error", "nofile", "failed")

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"),
                                            nullable=False, unique=True)
    version_id: Mapped[int | None] = mapped_column(ForeignKey("booking_versions.id", ondelete="SET NULL"))
    path: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64))
    rendered_at = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="pending", index=True)
    title: Mapped[str | None] = mapped_column(String(255))
    dc_id: Mapped[str | None] = mapped_column(String(50), index=True)
    access: Mapped[str | None] = mapped_column(String(20))
    pages: Mapped[int | None] = mapped_column(Integer)
    full_text: Mapped[str | None] = mapped_column(Text)
    canonical_url: Mapped[str | None] = mapped_column(Text)
    pdf_url: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    uploaded_at = mapped_column(UTCDateTime)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    booking = relationship("Booking", back_populates="document")
    version = relationship("BookingVersion")


class Lease(db.Model):
    """A named, expiring lock held in the database (used when Redis is not configured)."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200), nullable=False)
    expires_at = mapped_column(UTCDateTime, nullable=False)


class PipelineState(db.Model):
    """Small named values the periodic jobs keep between runs (e.g. polish's watermark)."""

    __tablename__ = "pipeline_state"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str | None] = mapped_column(Text)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

