"""Pure functions that turn what a docket prints into typed, standard values.

Nothing here touches the network or the database. Functions that can meet a malformed value
raise ``ValueError`` with a short reason; the scraper framework turns that into a rejected
record naming the page and the field. An empty value is not malformed: it gives None.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timezone, tzinfo
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from nameparser import HumanName
from nameparser.config import Constants

# Values dockets print for "nothing here".
_BLANKS = frozenset({"", "//", "00/00/0000", "N/A", "NA", "NONE", "-", "--"})

# Dockets hold names, never titles: with nameparser's defaults "PRINCE JAMES WILLIAMS"
# would lose his first name to a title.
_DOCKET_NAMES = Constants(titles=set(), first_name_titles=set())


def clean(value: str | None) -> str:
    """Whitespace collapsed (no-break spaces included) and trimmed; None becomes ''."""
    return " ".join(value.split()) if value else ""


def blank(value: str | None) -> bool:
    return clean(value).upper() in _BLANKS


# ---- names ---------------------------------------------------------------------------

class NameParts(NamedTuple):
    first: str | None
    middle: str | None
    last: str | None
    suffix: str | None


def _parts(name: HumanName) -> NameParts:
    name.capitalize(force=True)
    return NameParts(*(part or None for part in (name.first, name.middle, name.last, name.suffix)))


def parse_name(raw: str | None) -> NameParts:
    """``LAST, FIRST MIDDLE SUFFIX`` or ``FIRST MIDDLE LAST SUFFIX``, properly capitalised
    (``MCGEE-PEARSON`` becomes ``McGee-Pearson``)."""
    if blank(raw):
        return NameParts(None, None, None, None)
    return _parts(HumanName(clean(raw), constants=_DOCKET_NAMES))


def name_from_parts(first: str | None, middle: str | None, last: str | None,
                    suffix: str | None) -> NameParts:
    """For dockets that print the parts separately: capitalised the same way."""
    name = HumanName(constants=_DOCKET_NAMES)
    name.first, name.middle, name.last, name.suffix = (clean(p) for p in (first, middle, last, suffix))
    return _parts(name)


# ---- sex and race --------------------------------------------------------------------

def sex_code(raw: str | None) -> str | None:
    """M or F from ``Male``/``Female``/``M``/``F`` in any case; None for anything else."""
    value = clean(raw).upper()
    if value in {"M", "MALE"}:
        return "M"
    if value in {"F", "FEMALE"}:
        return "F"
    return None


# Every spelling the eleven dockets use (spec §3.2), and the plain words a new docket is
# likely to use. Native American / Indian is AI everywhere (the original mixed NA and AI).
RACE_CODES: Mapping[str, str] = {
    **dict.fromkeys(["B", "BLACK", "AFRICAN AMERICAN", "BLACK OR AFRICAN AMERICAN"], "B"),
    **dict.fromkeys(["W", "WHITE", "CAUCASIAN"], "W"),
    **dict.fromkeys(["H", "HISPANIC", "LATINO", "HISPANIC OR LATINO"], "H"),
    # "ASIAN IS" is mcdc's 8-character cut; a single "A" is Asian on hcdc and jcadc.
    **dict.fromkeys(["A", "AS", "ASIAN", "ASIAN IS"], "AS"),
    # "AMERICAN" is mcdc's cut of AMERICAN INDIAN, "INDIAN (NA" ccdc's, "I" jcdc's letter.
    **dict.fromkeys(["I", "AI", "INDIAN", "AMERICAN", "AMERICAN INDIAN", "NATIVE AMERICAN",
                     "INDIAN (NA", "AMERICAN INDIAN OR ALASKA NATIVE", "ALASKA NATIVE"], "AI"),
    **dict.fromkeys(["NHPI", "NATIVE HAW", "NATIVE HAWAIIAN", "PACIFIC ISLANDER",
                     "NATIVE HAWAIIAN OR PACIFIC ISLANDER", "NATIVE HAWAIIAN/PACIFIC ISLANDER"], "NHPI"),
    **dict.fromkeys(["O", "OTHER"], "O"),
    **dict.fromkeys(["U", "UNKNOWN", "UNK", "NOT AVAILABLE"], "U"),
}


def race_code(raw: str | None, overrides: Mapping[str, str] | None = None) -> str | None:
    """The seed's race code (W B H AS AI NHPI O U) for a docket's spelling, or None when the
    spelling is unknown (the raw value is kept beside it). ``overrides`` (upper-case keys)
    let one jail read a letter differently."""
    value = clean(raw).upper()
    if not value:
        return None
    if overrides and value in overrides:
        return overrides[value]
    return RACE_CODES.get(value)


# ---- numbers and money -----------------------------------------------------------------

def money(raw: str | None) -> Decimal | None:
    """``$ 1,000.00`` (no-break space and all), ``$1,000.00`` or ``1,000.00`` as a Decimal."""
    if blank(raw):
        return None
    value = clean(raw).replace("$", "").replace(",", "").replace(" ", "")
    if not value:
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"not an amount of money: {clean(raw)!r}") from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"not an amount of money: {clean(raw)!r}")
    return amount


def whole_number(raw: str | None) -> int | None:
    if blank(raw):
        return None
    value = clean(raw)
    if not value.isdigit():
        raise ValueError(f"not a whole number: {value!r}")
    return int(value)


# ---- dates and times -------------------------------------------------------------------

def parse_date(raw: str | None, formats: Iterable[str] = ("%m/%d/%Y",)) -> date | None:
    """A date in one of ``formats``; None for the blanks dockets print (``//``,
    ``00/00/0000``, ``N/A``); ValueError for an impossible or unreadable one."""
    if blank(raw):
        return None
    value = clean(raw)
    for fmt in formats:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"not a possible date: {value!r}")


def parse_local_datetime(raw: str | None, formats: Iterable[str], tz: tzinfo) -> datetime | None:
    """A wall-clock time in the jail's zone, as an aware UTC datetime."""
    if blank(raw):
        return None
    value = clean(raw)
    for fmt in formats:
        try:
            local = datetime.strptime(value, fmt)
        except ValueError:
            continue
        return local.replace(tzinfo=tz).astimezone(timezone.utc)
    raise ValueError(f"not a possible date and time: {value!r}")


class DocketTime(NamedTuple):
    at: datetime | None       # aware UTC, only when the docket gives a time
    on: date | None           # the jail-local date
    precision: str | None     # "datetime", "date" or None


def docket_time(raw: str | None, tz: tzinfo, *, datetime_formats: Iterable[str] = (),
                date_formats: Iterable[str] = ()) -> DocketTime:
    """A booking or release time with its precision. A date-only value keeps its date; no
    time of day is invented for it."""
    if blank(raw):
        return DocketTime(None, None, None)
    datetime_formats, date_formats = tuple(datetime_formats), tuple(date_formats)
    if not datetime_formats:
        return DocketTime(None, parse_date(raw, date_formats), "date")
    try:
        at = parse_local_datetime(raw, datetime_formats, tz)
    except ValueError as no_time:
        if not date_formats:
            raise
        try:
            return DocketTime(None, parse_date(raw, date_formats), "date")
        except ValueError:
            raise no_time from None
    return DocketTime(at, at.astimezone(tz).date(), "datetime")


# ---- charges ---------------------------------------------------------------------------

# Mississippi code sections glued to their titles (mcdc/prcdf): the statute ends at the
# first ``)`` or digit that runs straight into a capital letter.
_AFTER_PAREN = re.compile(r"\)(?=[A-Z])")
_AFTER_DIGIT = re.compile(r"\d(?=[A-Z])")
_STATUTE = re.compile(r"^\d[0-9A-Za-z().\-]*$")
# A federal illegal-entry charge the Madison export prints with its code doubled and the
# wrong title number; the statute is 8 U.S.C. 1325 (spec §2.1).
_SPECIAL_STATUTES = {"18USC132518USC1325": ("8 U.S.C. 1325", "UNLAWFUL ENTRY")}


def split_statute(charge: str | None) -> tuple[str | None, str | None]:
    """``63-11-30(1)(a)DUI 1ST`` -> (``63-11-30(1)(a)``, ``DUI 1ST``); (None, None) when the
    charge carries no statute (``HOLDHOLD``, ``DRUGDRUG COURT``, plain titles)."""
    text = clean(charge)
    for prefix, parts in _SPECIAL_STATUTES.items():
        if text.startswith(prefix):
            return parts
    match = _AFTER_PAREN.search(text) or _AFTER_DIGIT.search(text)
    if match is None:
        return None, None
    statute, title = text[:match.end()], text[match.end():].strip()
    if not _STATUTE.match(statute) or not title:
        return None, None
    return statute, title


def cut_at(value: str | None, marker: str | None) -> str:
    """``value`` up to ``marker`` (prcdf's stray ``ã`` ends a charge), cleaned."""
    text = value or ""
    if marker and marker in text:
        text = text[:text.index(marker)]
    return clean(text)
