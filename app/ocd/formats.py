"""Value formats inside Open Civic Data JSON: fuzzy dates and pseudo-ids."""
from __future__ import annotations

import json
from datetime import date

from jsonschema import FormatChecker


def parse_fuzzy_date(value: str) -> tuple[date, int]:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` -> (first day it can mean, number of parts
    given). Raises ValueError for anything else, including days that do not exist."""
    parts = value.split("-")
    if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4 \
            or any(len(p) != 2 for p in parts[1:]):
        raise ValueError(f"{value!r} is not a date written YYYY, YYYY-MM or YYYY-MM-DD")
    numbers = [int(p) for p in parts] + [1] * (3 - len(parts))
    try:
        return date(*numbers), len(parts)
    except ValueError:
        raise ValueError(f"{value!r} is not a real date") from None


def parse_pseudo_id(value: str) -> dict[str, str]:
    """A pseudo-id (``~{"label": "Sergeant"}``) names an object by the fields it must have,
    for references to objects whose id the producer does not know."""
    try:
        fields = json.loads(value[1:])
    except json.JSONDecodeError as exc:
        raise ValueError(f"pseudo-id {value!r} is not ~ followed by a JSON object ({exc.msg})") from None
    if not isinstance(fields, dict) or not fields or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in fields.items()):
        raise ValueError(f"pseudo-id {value!r} must be ~ followed by a JSON object of strings")
    return fields


def pseudo_id(**fields: str) -> str:
    return "~" + json.dumps(fields, sort_keys=True, ensure_ascii=False)


def is_pseudo_id(value) -> bool:
    return isinstance(value, str) and value.startswith("~")


FORMATS = FormatChecker(formats=())


@FORMATS.checks("fuzzy-date", raises=ValueError)
def _check_fuzzy_date(value) -> bool:
    # Blank is allowed: pupa writes "" for a date nobody knows.
    if isinstance(value, str) and value:
        parse_fuzzy_date(value)
    return True


@FORMATS.checks("full-date", raises=ValueError)
def _check_full_date(value) -> bool:
    if isinstance(value, str) and parse_fuzzy_date(value)[1] != 3:
        raise ValueError(f"{value!r} is not a date written YYYY-MM-DD")
    return True


@FORMATS.checks("reference", raises=ValueError)
def _check_reference(value) -> bool:
    if is_pseudo_id(value):
        parse_pseudo_id(value)
    return True
