"""The rules Open Civic Data ids follow on the models, installed once when ``app.ocd`` is
imported (``create_app`` does so):

* an ``ocd_id`` is minted on insert and never changes afterwards: another system may hold it;
* a division id is well formed when set;
* every jail gets its county's division and every department its state's when inserted
  without one (a department may be given a county or place division instead).
"""
from __future__ import annotations

from sqlalchemy import event, inspect

from ..models import Department, Jail, Officer
from .ids import check_division_id, county_division_id, state_division_id


class OcdIdChangeError(ValueError):
    """Somebody tried to replace an OCD id that was already stored."""


def _refuse_changes(target, value, oldvalue, initiator):
    # Objects not yet in the database may be given the id another producer minted.
    if inspect(target).has_identity and isinstance(oldvalue, str) and value != oldvalue:
        raise OcdIdChangeError(
            f"{type(target).__name__} {oldvalue}: OCD ids never change once minted"
        )
    return value


def _well_formed_division(target, value, oldvalue, initiator):
    return None if value in (None, "") else check_division_id(value)


def _default_jail_division(mapper, connection, jail):
    if not jail.division_id:
        jail.division_id = county_division_id(jail.county, jail.state or "MS")


def _default_department_division(mapper, connection, department):
    if not department.division_id:
        department.division_id = state_division_id(department.state)


for model in (Department, Jail, Officer):
    event.listen(model.ocd_id, "set", _refuse_changes, active_history=True, retval=True)
for model in (Department, Jail):
    event.listen(model.division_id, "set", _well_formed_division, retval=True)
event.listen(Jail, "before_insert", _default_jail_division)
event.listen(Department, "before_insert", _default_department_division)
