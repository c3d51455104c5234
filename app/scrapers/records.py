"""What a scraper yields: plain, validated records of one booking as its docket shows it.

Parsers fill the raw fields exactly as the page prints them (``*_raw``) and the typed fields
they can read with certainty. Standardisation (names, sex, race, money, dates) happens in
``app.scrapers.standardize``; agencies are mapped at ingest through the database alias table.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

# The codes ``race`` and ``sex`` may take (the seed's; NHPI where a docket says Native
# Hawaiian / Pacific Islander).
RACE_CODES = ("W", "B", "H", "AS", "AI", "NHPI", "O", "U")
SEX_CODES = ("M", "F")
OLDEST_PLAUSIBLE = date(1900, 1, 1)


class RecordRejected(ValueError):
    """A parsed record failed validation; the message says which field and why. The run
    goes on without it."""


@dataclass
class ChargeRecord:
    description: str | None = None
    statute: str | None = None
    title: str | None = None
    court: str | None = None
    bond: Decimal | None = None
    fine: Decimal | None = None
    classification: str | None = None


@dataclass
class BookingRecord:
    # Identity. ``booking_key`` is the stable key the spec names for the jail (intake
    # number for mcdc/prcdf/lcdc, otherwise bk) and is what ingest upserts on.
    booking_key: str
    bk: str | None = None
    intake_number: str | None = None
    intake_case_number: str | None = None
    link: str | None = None                # the page this record was read from
    img_src: str | None = None
    # mcdc/prcdf: ``link`` and ``img_src`` are numbered slots the site hands to whoever sits
    # at that row of the roster now; an hour later they may show somebody else.
    link_is_slot: bool = False

    # Person, raw as printed and standardised.
    name_raw: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    suffix: str | None = None
    sex_raw: str | None = None
    sex: str | None = None                 # M / F / None
    race_raw: str | None = None
    race: str | None = None                # W B H AS AI NHPI O U / None
    dob: date | None = None
    intake_age: int | None = None
    glasses: str | None = None
    address_line_1: str | None = None
    address_line_2: str | None = None
    height: str | None = None
    weight: str | None = None
    eyes: str | None = None
    hair: str | None = None
    location: str | None = None            # housing unit, where the docket shows it (hcdc)
    bondable: bool | None = None           # jcadc prints "Bondable" when bond may be posted

    agency_raw: str | None = None          # mapped to an Agency at ingest

    # Dates. A date-only docket gives ``booked_on`` and precision "date"; one with a time
    # also gives the aware ``booked_at`` and precision "datetime". Nothing is invented.
    booked_at: datetime | None = None
    booked_on: date | None = None
    booking_date_precision: str | None = None
    arrested_on: date | None = None
    offense_on: date | None = None
    scheduled_release_on: date | None = None
    released_at: datetime | None = None    # only when the docket itself publishes a release
    released_on: date | None = None
    release_precision: str | None = None

    charges: list[ChargeRecord] = field(default_factory=list)
    charge_1: str | None = None
    charge_1_statute: str | None = None
    charge_1_title: str | None = None
    bond_written: Decimal | None = None
    bond_cash: Decimal | None = None
    fine_amount: Decimal | None = None

    # The intake sheet itself: kept as a version when its normalised text changes.
    raw_html: str | None = None
    normalized_text: str | None = None
    # False when only the roster row was read (e.g. the detail page failed this run, or the
    # refresh budget skipped it): ingest then moves last_verified but changes no fields.
    detail_complete: bool = True


@dataclass
class ScrapeResult:
    """Everything one run of one jail's scraper produced.

    ``records`` holds one record per booking key: first everyone on the roster (their keys are
    ``roster_keys``; a record with ``detail_complete=False`` is someone whose page was skipped
    or failed), then the bookings the docket itself shows as released - jcj's 48-hour page, a
    roster.php profile that now prints its release date - which are not in ``roster_keys`` and
    carry ``released_on`` (and ``released_at`` when the docket gives a time)."""

    records: list[BookingRecord] = field(default_factory=list)
    # The roster was read end to end (every list page fetched, row count as declared).
    # Releases are inferred only from complete reads.
    complete: bool = False
    declared_count: int | None = None      # what the site says its roster holds, if it says
    roster_keys: set[str] = field(default_factory=set)   # every key on the roster this run
    errors: list[str] = field(default_factory=list)      # "URL: field: reason", one per problem
    pages_fetched: int = 0
    requests_sent: int = 0


def validate(record: BookingRecord, *, now: datetime, tz: ZoneInfo) -> BookingRecord:
    """Check a parsed record before it leaves the scraper; raise ``RecordRejected``
    ("field: reason") for anything ingest must not store. ``now`` is the run's clock and
    ``tz`` the jail's zone (what "today" means for its dates)."""
    if not (record.booking_key or "").strip():
        raise RecordRejected("booking_key: missing (the page shows no booking number)")
    if len(record.booking_key) > 100:
        raise RecordRejected(f"booking_key: longer than 100 characters: {record.booking_key[:40]!r}...")
    if record.sex is not None and record.sex not in SEX_CODES:
        raise RecordRejected(f"sex: {record.sex!r} is not one of {', '.join(SEX_CODES)}")
    if record.race is not None and record.race not in RACE_CODES:
        raise RecordRejected(f"race: {record.race!r} is not one of {', '.join(RACE_CODES)}")
    today = now.astimezone(tz).date()
    # A docket's clock may run a little ahead of ours; a day of slack, no more.
    latest = today + timedelta(days=1)
    for name in ("dob", "booked_on", "arrested_on", "offense_on", "released_on"):
        value = getattr(record, name)
        if value is not None and not OLDEST_PLAUSIBLE <= value <= latest:
            raise RecordRejected(f"{name}: impossible date {value.isoformat()} (run date {today.isoformat()})")
    if record.dob is not None and record.booked_on is not None and record.dob > record.booked_on:
        raise RecordRejected(f"dob: {record.dob.isoformat()} is after the booking date {record.booked_on.isoformat()}")
    for name in ("booked_at", "released_at"):
        value = getattr(record, name)
        if value is None:
            continue
        if value.tzinfo is None:
            raise RecordRejected(f"{name}: naive datetime (times must be timezone-aware)")
        if value > now + timedelta(days=1):
            raise RecordRejected(f"{name}: {value.isoformat()} is in the future")
    _check_precision(record.booked_at, record.booked_on, record.booking_date_precision, "booking_date_precision")
    _check_precision(record.released_at, record.released_on, record.release_precision, "release_precision")
    if record.intake_age is not None and not 0 <= record.intake_age <= 125:
        raise RecordRejected(f"intake_age: impossible age {record.intake_age}")
    amounts = [("bond_written", record.bond_written), ("bond_cash", record.bond_cash),
               ("fine_amount", record.fine_amount)]
    for number, charge in enumerate(record.charges, start=1):
        amounts += [(f"charge {number} bond", charge.bond), (f"charge {number} fine", charge.fine)]
    for name, amount in amounts:
        if amount is not None and amount < 0:
            raise RecordRejected(f"{name}: negative amount {amount}")
    return record


def _check_precision(at: datetime | None, on: date | None, precision: str | None, name: str) -> None:
    expected = "datetime" if at is not None else "date" if on is not None else None
    if precision != expected:
        raise RecordRejected(f"{name}: {precision!r} does not match the values given (expected {expected!r})")
