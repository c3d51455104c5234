"""Finding a department by name, and giving it a division."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Department
from .ids import county_division_id, place_division_id


def find_department(name: str, state: str | None = None) -> Department:
    """The one department called ``name`` (in ``state``); LookupError if none or several."""
    query = select(Department).where(Department.name == name)
    if state is not None:
        query = query.where(Department.state == state.upper())
    found = db.session.scalars(query).all()
    if not found:
        where = f" in {state.upper()}" if state else ""
        raise LookupError(f"no department is named {name!r}{where}")
    if len(found) > 1:
        states = ", ".join(sorted(d.state or "(none)" for d in found))
        raise LookupError(f"{len(found)} departments are named {name!r} (states {states}); give --state")
    return found[0]


def set_division(department: Department, division_id: str | None = None, *,
                 county: str | None = None, place: str | None = None) -> str:
    """Give ``department`` a division: an explicit id, or its state's county or place of
    that name. Returns the id set; ValueError if it is not a division id."""
    if county:
        division_id = county_division_id(county, department.state)
    elif place:
        division_id = place_division_id(place, department.state)
    department.division_id = division_id
    db.session.commit()
    return department.division_id
