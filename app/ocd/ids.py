"""Open Civic Data identifiers: what a well-formed id looks like and which division a jail
or a department belongs to.

The id formats are read from the JSON Schemas (``schemas/common.json``) so the schemas and
this module can never disagree. People and organizations get ``ocd-person/<uuid4>`` and
``ocd-organization/<uuid4>`` ids minted once (``app.models.officers.new_ocd_id``); division ids
are never minted, only looked up or derived by the OCDEP 2 rules.
"""
from __future__ import annotations

import csv
import json
import re
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCHEMA_DIR = HERE / "schemas"
US = "ocd-division/country:us"


def _pattern(name: str) -> re.Pattern:
    common = json.loads((SCHEMA_DIR / "common.json").read_text())
    return re.compile(common["$defs"][name]["pattern"])


PERSON_ID = _pattern("person_id")
ORGANIZATION_ID = _pattern("organization_id")
DIVISION_ID = _pattern("division_id")


def is_person_id(value) -> bool:
    return isinstance(value, str) and PERSON_ID.fullmatch(value) is not None


def is_organization_id(value) -> bool:
    return isinstance(value, str) and ORGANIZATION_ID.fullmatch(value) is not None


def check_division_id(value: str) -> str:
    """Return ``value`` if it is a well-formed division id, else raise ValueError."""
    if not isinstance(value, str) or DIVISION_ID.fullmatch(value) is None:
        raise ValueError(
            f"{value!r} is not an OCD division id "
            "(ocd-division/country:us/state:ms/county:madison, lowercase, no spaces)"
        )
    return value


def type_id(name: str) -> str:
    """A division ``type_id`` from a place name, by OCDEP 2: lowercase, spaces become ``_``,
    any character other than letters, digits and ``. _ ~ -`` becomes ``~``."""
    lowered = name.strip().lower().replace(" ", "_")
    return re.sub(r"[^a-z0-9._~-]", "~", lowered)


@lru_cache(maxsize=1)
def known_divisions() -> dict[str, str]:
    """The division ids Oversight vouches for (the state and the counties whose jails it
    scrapes), id -> name, from ``divisions.csv`` (a copy of rows of the ocd-division-ids
    master list)."""
    with open(HERE / "divisions.csv", newline="", encoding="utf-8") as handle:
        return {row["id"]: row["name"] for row in csv.DictReader(handle)}


def state_division_id(state: str | None) -> str | None:
    """The division of a department's two-letter ``state`` (``FA``, a federal agency, is the
    country; DC is a district, not a state)."""
    if not state:
        return None
    code = state.strip().upper()
    if code == "FA":
        return US
    if code == "DC":
        return f"{US}/district:dc"
    return f"{US}/state:{code.lower()}"


def _parent(state: str | None) -> str:
    if not state or state.strip().upper() in ("FA", "DC"):
        raise ValueError(f"counties and places lie in a state; {state or 'no state'!r} is not one")
    return state_division_id(state)


def county_division_id(county: str, state: str = "MS") -> str:
    """The division of a county: the known id when the master list has it, otherwise the
    one OCDEP 2 derives from the name."""
    parent = _parent(state)
    wanted = f"{county.strip()} County".lower()
    for division_id, name in known_divisions().items():
        if division_id.startswith(f"{parent}/county:") and name.lower() == wanted:
            return division_id
    return f"{parent}/county:{type_id(county)}"


def place_division_id(place: str, state: str = "MS") -> str:
    """The division of a city or town (a peer of the county, not its child)."""
    return f"{_parent(state)}/place:{type_id(place)}"


def division_from_jurisdiction(jurisdiction_id: str) -> str:
    """``ocd-jurisdiction/<path>/<classification>`` -> ``ocd-division/<path>`` (OCDEP 3)."""
    path = jurisdiction_id.removeprefix("ocd-jurisdiction/").rsplit("/", 1)[0]
    return f"ocd-division/{path}"


def state_of_division(division_id: str | None) -> str | None:
    """The two-letter state a US division lies in, or None if it names none."""
    if not division_id or not division_id.startswith(US):
        return None
    for part in division_id.split("/")[2:]:
        kind, _, value = part.partition(":")
        if kind == "state" and len(value) == 2:
            return value.upper()
        if kind == "district" and value == "dc":
            return "DC"
    return None
