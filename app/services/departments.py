"""Departments and their job titles and units, as the command line creates them."""
from __future__ import annotations

from sqlalchemy import func, select

from ..extensions import db
from ..models import Department, Job, Unit
from ..models.officers import DEPARTMENT_STATES


class DepartmentError(ValueError):
    pass


def _text(value: str, what: str, column) -> str:
    value = (value or "").strip()
    if not value:
        raise DepartmentError(f"{what} must not be blank")
    limit = column.type.length
    if limit and len(value) > limit:
        raise DepartmentError(f"{what} is longer than {limit} characters")
    return value


def get_department(department_id: int) -> Department:
    department = db.session.get(Department, department_id)
    if department is None:
        raise DepartmentError(f"no department has id {department_id}")
    return department


def add_department(name: str, short_name: str, state: str, unique_internal_identifier_label: str | None = None,
                   *, user_id: int | None = None) -> Department:
    """A department; ``state`` is a US state, DC, or FA (a federal agency)."""
    name = _text(name, "the name", Department.name)
    short_name = _text(short_name, "the short name", Department.short_name)
    state = (state or "").strip().upper()
    if state not in DEPARTMENT_STATES:
        raise DepartmentError(f"{state!r} is not a state abbreviation, DC or FA")
    clash = db.session.execute(
        select(Department).where(Department.name == name, Department.state == state)).scalar_one_or_none()
    if clash is not None:
        raise DepartmentError(f"department {clash.display_name} already exists (id {clash.id})")
    department = Department(name=name, short_name=short_name, state=state,
                            unique_internal_identifier_label=(unique_internal_identifier_label or "").strip() or None,
                            created_by=user_id, last_updated_by=user_id)
    db.session.add(department)
    db.session.commit()
    return department


def add_job_title(department_id: int, title: str, is_sworn_officer: bool, order: int,
                  *, user_id: int | None = None) -> Job:
    """A job title (rank); ``order`` ranks it within the department, lowest first."""
    department = get_department(department_id)
    title = _text(title, "the job title", Job.job_title)
    clash = db.session.execute(select(Job).where(
        Job.department_id == department.id, func.lower(Job.job_title) == title.lower())).scalar_one_or_none()
    if clash is not None:
        raise DepartmentError(f"{department.display_name} already has the job title {clash.job_title!r}")
    job = Job(job_title=title, is_sworn_officer=is_sworn_officer, order=order, department_id=department.id,
              created_by=user_id, last_updated_by=user_id)
    db.session.add(job)
    db.session.commit()
    return job


def add_unit(department_id: int, name: str, *, user_id: int | None = None) -> Unit:
    department = get_department(department_id)
    name = _text(name, "the unit name", Unit.description)
    clash = db.session.execute(select(Unit).where(
        Unit.department_id == department.id, func.lower(Unit.description) == name.lower())).scalar_one_or_none()
    if clash is not None:
        raise DepartmentError(f"{department.display_name} already has the unit {clash.description!r} (id {clash.id})")
    unit = Unit(description=name, department_id=department.id, created_by=user_id, last_updated_by=user_id)
    db.session.add(unit)
    db.session.commit()
    return unit
