"""What a scraper yields: plain, validated records of one booking as its docket shows it.

Parsers fill the raw fields exactly as the page prints them (``*_raw``) and the typed fields
they can read with certainty. Standardisation (names, sex, race, money, dates) happens in
``app.scrapers.standardize``; agencies are mapped at ingest through the database alias table.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


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
    """Everything one run of one jail's scraper produced."""

    records: list[BookingRecord] = field(default_factory=list)
    # The roster was read end to end (every list page fetched, row count as declared).
    # Releases are inferred only from complete reads.
    complete: bool = False
    declared_count: int | None = None      # what the site says its roster holds, if it says
    roster_keys: set[str] = field(default_factory=set)   # every key on the roster this run
    errors: list[str] = field(default_factory=list)      # "URL: field: reason", one per problem
    pages_fetched: int = 0
    requests_sent: int = 0
