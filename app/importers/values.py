"""Cell parsers shared by the importers: one documented rule per kind of value.

Each parser takes a stripped, non-blank cell and returns the value to store, or raises
``BadValue`` saying what was expected; the caller adds the file, line and column.

* dates: ``yyyy-mm-dd``, ``mm/dd/yyyy`` or ``mm-dd-yyyy`` (month and day may be one digit);
* times: ``HH:MM:SS`` or ``HH:MM``, 24-hour;
* whole numbers: digits, or a number with a zero fraction such as ``1984.0`` (spreadsheets
  write integers that way);
* amounts (salary, overtime): a non-negative decimal number, e.g. ``51234.50``;
* true/false: ``true false t f yes no y n 1 0`` in any case;
* choices (gender, race, suffix, link type): the stored value or its label in any case;
  ``Not Sure`` as a gender stores nothing (NULL), because the column allows only M, F, Other.
"""
from __future__ import annotations

import math
import re
from datetime import date, time
from typing import Callable, TypeVar

from ..models.officers import LINK_CHOICES, RACE_CHOICES, SUFFIX_CHOICES

T = TypeVar("T")


class BadValue(ValueError):
    """A cell that is not what its column needs; the message says what would be."""


_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_US_DATE = re.compile(r"(\d{1,2})([/-])(\d{1,2})\2(\d{4})")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
_DIGITS = re.compile(r"\d+(?:\.0*)?")


def parse_date(text: str) -> date:
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return date.fromisoformat(text)  # the common case, at C speed
        except ValueError:
            pass  # e.g. 2005-02-30: the general path below says what is wrong
    match = _ISO_DATE.fullmatch(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _US_DATE.fullmatch(text)
        if not match:
            raise BadValue("not a date; use yyyy-mm-dd or mm/dd/yyyy")
        month, day, year = int(match.group(1)), int(match.group(3)), int(match.group(4))
    try:
        return date(year, month, day)
    except ValueError:
        raise BadValue("not a calendar date") from None


def parse_time(text: str) -> time:
    match = _TIME.fullmatch(text)
    if not match:
        raise BadValue("not a time; use HH:MM:SS (24-hour)")
    try:
        return time(int(match.group(1)), int(match.group(2)), int(match.group(3) or 0))
    except ValueError:
        raise BadValue("not a time of day") from None


def parse_whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        raise BadValue("not a whole number") from None
    if not math.isfinite(number) or not number.is_integer():
        raise BadValue("not a whole number")
    return int(number)


def parse_amount(text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise BadValue("not a number; write digits with an optional decimal point, e.g. 51234.50") from None
    if 0 <= number < math.inf:
        return number
    if number < 0:
        raise BadValue("must not be negative")
    raise BadValue("not a number")


_TRUE = frozenset({"true", "t", "yes", "y", "1"})
_FALSE = frozenset({"false", "f", "no", "n", "0"})


def parse_true_false(text: str) -> bool:
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise BadValue("not true or false")


_FISCAL = frozenset({"true", "t", "yes", "y"})


def parse_fiscal_flag(text: str) -> bool:
    """OpenOversight's documented rule for ``is_fiscal_year``: true, t, yes and y mean a
    fiscal year; anything else means a calendar year."""
    return text.lower() in _FISCAL


class Choice:
    """A closed list of values, matched case-insensitively against value or label."""

    def __init__(self, name: str, pairs, *, means_unknown=()):
        self.name = name
        self._lookup: dict[str, str | None] = {}
        shown = []
        for value, label in pairs:
            if not value:
                continue
            self._lookup[value.lower()] = value
            self._lookup[label.lower()] = value
            shown.append(value)
        for word in means_unknown:
            self._lookup[word.lower()] = None
        self.allowed = ", ".join(shown)

    def add_synonyms(self, value: str, *words: str) -> "Choice":
        for word in words:
            self._lookup[word.lower()] = value
        return self

    def __call__(self, text: str) -> str | None:
        try:
            return self._lookup[text.lower()]
        except KeyError:
            raise BadValue(f"not a {self.name}; use one of: {self.allowed}") from None


parse_gender = Choice(
    "gender", (("M", "Male"), ("F", "Female"), ("Other", "Other")), means_unknown=("Not Sure",),
).add_synonyms("M", "man").add_synonyms("F", "woman").add_synonyms("Other", "nonbinary", "non-binary")
parse_race = Choice("race", RACE_CHOICES)
parse_suffix = Choice("suffix", SUFFIX_CHOICES).add_synonyms("Jr", "jr.").add_synonyms("Sr", "sr.")
parse_link_type = Choice("link type", LINK_CHOICES)


def memoised(parser: Callable[[str], T]) -> Callable[[str], T]:
    """The same parser, remembering answers: roster columns repeat a few values (dates,
    titles, years) across many thousands of rows."""
    seen: dict[str, T] = {}

    def parse(text: str) -> T:
        try:
            return seen[text]
        except KeyError:
            value = seen[text] = parser(text)
            return value

    return parse


def badge_key(star_no: str | None) -> str | None:
    """Badge numbers are stored as written, but compared the way spreadsheets mangle
    them: ``01234``, ``1234`` and ``1234.0`` are the same badge."""
    if star_no is None:
        return None
    star_no = star_no.strip()
    if not star_no:
        return None
    if _DIGITS.fullmatch(star_no):
        return str(int(star_no.split(".")[0]))
    return star_no


def same_amount(stored: float | None, given: float | None) -> bool:
    """Money compared to the cent, as the source data is."""
    if stored == given:
        return True
    if stored is None or given is None:
        return False
    return round(stored, 2) == round(given, 2)


class text_for:
    """Text stored as written, refused when longer than the column allows (PostgreSQL
    would refuse it at the end; better to say which cell now)."""

    def __init__(self, column):
        self.limit = getattr(column.type, "length", None)

    def __call__(self, text: str) -> str:
        if self.limit is not None and len(text) > self.limit:
            raise BadValue(f"longer than {self.limit} characters")
        return text
