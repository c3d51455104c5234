"""Who may do what in the back office — the one place these rules live.

Administrators may do everything. An area coordinator curates exactly one department
(``User.ac_department_id``): every record they can list, count, open, export, pick in a form
or change is tied to that department. Each officer-side model says here how it is tied to a
department, both as SQL (to scope queries) and for an object in memory (to check a record
that is about to be saved, before the database has seen it).

Rules for a coordinator:
* see and change a record only when it is tied to their department;
* create a record only when it is tied to their department and nothing else;
* delete a record only when it is tied to their department and nothing else (a link also
  shown on another department's officer stays for that department's people to decide).
"""
from __future__ import annotations

from sqlalchemy import false, select

from ..models import (
    Assignment, Department, Description, Incident, Job, Link, Note, Officer, Salary, Unit,
)


def is_admin(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_administrator)


def is_coordinator(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active
                and user.is_area_coordinator and user.ac_department_id is not None
                and not user.is_administrator)


def may_enter_back_office(user) -> bool:
    return is_admin(user) or is_coordinator(user)


def department_of_user(user) -> int | None:
    """The department a coordinator is limited to; None for an administrator (no limit)."""
    return None if is_admin(user) else user.ac_department_id


# ---- how each model is tied to departments ---------------------------------------------

def _officer_ids_in(department_id):
    return select(Officer.id).where(Officer.department_id == department_id)


_DIRECT = (Officer, Incident, Unit, Job)
_THROUGH_OFFICER = {Assignment: "base_officer", Salary: "officer", Note: "officer",
                    Description: "officer"}


def department_criterion(model, department_id):
    """SQL: rows of ``model`` tied to ``department_id``."""
    if model is Department:
        return Department.id == department_id
    if model in _DIRECT:
        return model.department_id == department_id
    if model in _THROUGH_OFFICER:
        return model.officer_id.in_(_officer_ids_in(department_id))
    if model is Link:
        return Link.officers.any(Officer.department_id == department_id) | Link.incidents.any(
            Incident.department_id == department_id)
    raise LookupError(f"{model.__name__} has no department rule")


def _department_id(obj) -> int | None:
    department = getattr(obj, "department", None)
    return department.id if department is not None else obj.department_id


def departments_of(obj) -> set[int | None]:
    """In memory: the departments ``obj`` is tied to (None for a missing one)."""
    if isinstance(obj, Department):
        return {obj.id}
    if isinstance(obj, _DIRECT):
        return {_department_id(obj)}
    relation = _THROUGH_OFFICER.get(type(obj))
    if relation is not None:
        officer = getattr(obj, relation)
        return {_department_id(officer) if officer is not None else None}
    if isinstance(obj, Link):
        return {_department_id(o) for o in obj.officers} | {_department_id(i) for i in obj.incidents}
    raise LookupError(f"{type(obj).__name__} has no department rule")


def scope_query(query, model, user):
    """Limit an ORM query on ``model`` to what ``user`` may see."""
    if is_admin(user):
        return query
    if not is_coordinator(user):
        return query.filter(false())
    return query.filter(department_criterion(model, user.ac_department_id))


def may_see(user, obj) -> bool:
    if is_admin(user):
        return True
    return is_coordinator(user) and user.ac_department_id in departments_of(obj)


def may_create(user, obj) -> bool:
    if is_admin(user):
        return True
    return is_coordinator(user) and departments_of(obj) == {user.ac_department_id}


may_change = may_see
may_delete = may_create
