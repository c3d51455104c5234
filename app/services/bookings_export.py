"""Every booking as CSV or JSON Lines, keyed by the field names of the original dataset.

Rows are streamed from the database in batches, so exporting a million bookings needs no
more memory than exporting a hundred.

Formats: dates are ISO 8601 — a plain date (``2019-11-05``) where the docket gives only a
date, otherwise a datetime with its UTC offset in the jail's time zone
(``2019-11-05T03:22:00-06:00``). Money is a decimal string (``1500.00``). In JSON Lines
``charges`` is a list of objects; in CSV it is the dataset's one-line list (charges joined
with ``", "``, a charge that itself holds ``", "`` wrapped in double quotes). Several values
in one cell (``bond_ammounts``, ``fine_ammounts``) are joined with newlines, as in the
dataset (the misspellings are the dataset's field names).
"""
from __future__ import annotations

import csv
import json
from datetime import date, datetime
from decimal import Decimal
from typing import TextIO
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Booking, Jail

FIELDS = (
    "UID", "uid_for_humans", "jail", "bk", "intake_number", "intake_case_number", "link",
    "first_name", "middle_name", "last_name", "suffix", "sex", "race", "DOB", "intake_age", "AGE",
    "DOI", "DOA", "DOO", "DOR", "SDOR", "initial_scrape", "last_verified", "status_verbose",
    "hours_incarcerated", "days_incarcerated", "LEA", "charge_1", "charge_1_statute",
    "charge_1_title", "charges", "total_charges", "charge_classifications", "courts",
    "intake_bond_written", "intake_bond_cash", "bond_ammounts", "intake_fine_ammount",
    "fine_ammounts", "img_src", "dc_id", "PDF", "dc_canonical_url", "blurb",
    "total_admissions_filter", "in_custody",
)
FORMATS = ("csv", "jsonl")
BATCH = 1000
CHARGE_KEYS = ("description", "statute", "title", "court", "bond", "fine", "classification")


class ExportError(ValueError):
    pass


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _when(at: datetime | None, on: date | None, precision: str | None, tz: ZoneInfo):
    """The docket's own precision: a datetime when it gave a time, else its date."""
    if at is not None and precision != "date":
        return at.astimezone(tz)
    return on


def charge_list(descriptions) -> str:
    """The dataset's one-line charge list."""
    return ", ".join(f'"{d}"' if ", " in d else d for d in descriptions)


def export_row(booking: Booking) -> dict:
    """One booking as the dataset's fields, with Python values (dates, Decimals, lists)."""
    tz = ZoneInfo(booking.jail.timezone)
    charges = list(booking.charges)
    document = booking.document
    return {
        "UID": booking.UID,
        "uid_for_humans": booking.uid_for_humans,
        "jail": booking.jail.code,
        "bk": booking.bk,
        "intake_number": booking.intake_number,
        "intake_case_number": booking.intake_case_number,
        "link": booking.link,
        "first_name": booking.first_name,
        "middle_name": booking.middle_name,
        "last_name": booking.last_name,
        "suffix": booking.suffix,
        "sex": booking.sex,
        "race": booking.race,
        "DOB": booking.dob,
        "intake_age": booking.intake_age,
        "AGE": booking.AGE,
        "DOI": _when(booking.booked_at, booking.booked_on, booking.booking_date_precision, tz),
        "DOA": booking.arrested_on,
        "DOO": booking.offense_on,
        "DOR": _when(booking.released_at, booking.released_on, booking.release_precision, tz),
        "SDOR": booking.scheduled_release_on,
        "initial_scrape": booking.initial_scrape.astimezone(tz),
        "last_verified": booking.last_verified.astimezone(tz),
        "status_verbose": booking.status_verbose,
        "hours_incarcerated": booking.hours_incarcerated,
        "days_incarcerated": booking.days_incarcerated,
        "LEA": booking.LEA,
        "charge_1": booking.charge_1,
        "charge_1_statute": booking.charge_1_statute,
        "charge_1_title": booking.charge_1_title,
        "charges": [{key: getattr(c, key) for key in CHARGE_KEYS} for c in charges],
        "total_charges": len(charges),
        "charge_classifications": ", ".join(c.classification for c in charges if c.classification) or None,
        "courts": ", ".join(c.court for c in charges if c.court) or None,
        "intake_bond_written": booking.bond_written,
        "intake_bond_cash": booking.bond_cash,
        "bond_ammounts": "\n".join(_money(c.bond) for c in charges if c.bond is not None) or None,
        "intake_fine_ammount": booking.fine_amount,
        "fine_ammounts": "\n".join(_money(c.fine) for c in charges if c.fine is not None) or None,
        "img_src": booking.img_src,
        "dc_id": document.dc_id if document else None,
        "PDF": document.pdf_url if document else None,
        "dc_canonical_url": document.canonical_url if document else None,
        "blurb": booking.blurb or booking.compose_blurb(),
        "total_admissions_filter": booking.total_admissions_filter,
        "in_custody": booking.in_custody,
    }


def _plain(value):
    """A value as JSON wants it."""
    if isinstance(value, Decimal):
        return _money(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [{k: _plain(v) for k, v in item.items()} for item in value]
    return value


def _cell(value) -> str:
    """A value as a CSV cell: empty for none, lower-case booleans."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (Decimal, date, datetime)):
        return _plain(value)
    return str(value)


def iter_bookings(jail_code: str | None = None):
    """Every booking (of one jail), in batches of ``BATCH``; each batch loads its jails,
    agencies, charges and documents in one query apiece rather than one per row."""
    query = (select(Booking)
             .options(selectinload(Booking.jail), selectinload(Booking.agency),
                      selectinload(Booking.charges), selectinload(Booking.document))
             .order_by(Booking.jail_id, Booking.id)
             .execution_options(yield_per=BATCH))
    if jail_code is not None:
        jail_id = db.session.scalar(select(Jail.id).where(Jail.code == jail_code))
        if jail_id is None:
            known = ", ".join(db.session.scalars(select(Jail.code).order_by(Jail.code))) or "none"
            raise ExportError(f"unknown jail {jail_code!r}; known: {known}")
        query = query.where(Booking.jail_id == jail_id)
    return db.session.scalars(query)


def export_bookings(out: TextIO, fmt: str, jail_code: str | None = None) -> int:
    """Write every booking (of one jail) to ``out``; returns how many."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    count = 0
    if fmt == "csv":
        bookings = iter_bookings(jail_code)
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(FIELDS)
        for booking in bookings:
            row = export_row(booking)
            row["charges"] = charge_list(c["description"] for c in row["charges"] if c["description"])
            writer.writerow([_cell(row[name]) for name in FIELDS])
            count += 1
    else:
        for booking in iter_bookings(jail_code):
            row = export_row(booking)
            out.write(json.dumps({name: _plain(row[name]) for name in FIELDS}, ensure_ascii=False))
            out.write("\n")
            count += 1
    return count
