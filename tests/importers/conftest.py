"""Fixtures for the officer import tests: a department with titles and a unit, an
administrator, CSV files written on the fly, a counter of write statements and a snapshot
of every officer-side table."""
from __future__ import annotations

import textwrap
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select, text

from app.extensions import db
from app.models import Department, Job, Unit, User

OFFICER_TABLES = (
    "departments", "jobs", "unit_types", "officers", "assignments", "salaries", "incidents",
    "locations", "license_plates", "links", "officer_links", "officer_incidents", "incident_links",
    "incident_license_plates",
)


@pytest.fixture
def write_csv(tmp_path):
    """write_csv(text, name="roster.csv") -> path; the text is dedented."""
    def write(content: str, name: str = "roster.csv", encoding: str = "utf-8") -> str:
        path = tmp_path / name
        path.write_bytes(textwrap.dedent(content).lstrip("\n").encode(encoding))
        return str(path)
    return write


@pytest.fixture
def department(app_ctx):
    """Springfield PD (IL): titles Officer < Sergeant < Captain, one unit."""
    dept = Department(name="Springfield Police Department", short_name="SPD", state="IL")
    db.session.add(dept)
    db.session.flush()
    for order, title in enumerate(("Officer", "Sergeant", "Captain"), start=1):
        db.session.add(Job(job_title=title, order=order, is_sworn_officer=True, department_id=dept.id))
    db.session.add(Unit(description="Patrol", department_id=dept.id))
    db.session.commit()
    return dept.id


@pytest.fixture
def other_department(app_ctx):
    dept = Department(name="Shelbyville Police Department", short_name="ShPD", state="IL")
    db.session.add(dept)
    db.session.flush()
    db.session.add(Job(job_title="Officer", order=1, department_id=dept.id))
    db.session.add(Unit(description="Harbor", department_id=dept.id))
    db.session.commit()
    return dept.id


@pytest.fixture
def admin(app_ctx):
    """An administrator's id. No password: imports only need someone to stamp, and hashing
    one costs more than the rest of most tests."""
    user = User(email="admin@example.org", username="admin", is_administrator=True)
    db.session.add(user)
    db.session.commit()
    return user.id


@pytest.fixture
def unit_id(department):
    return db.session.execute(select(Unit.id).where(Unit.department_id == department)).scalar_one()


class WriteCounter:
    def __init__(self):
        self.statements: list[str] = []

    @property
    def writes(self) -> list[str]:
        return [s for s in self.statements if s.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE")]


@pytest.fixture
def count_writes(app_ctx):
    """``with count_writes() as counter:`` records every statement sent through SQLAlchemy.
    (New rows on PostgreSQL arrive by COPY, which it does not see: tests that need "nothing
    written" compare a ``snapshot`` too.)"""
    @contextmanager
    def counting():
        counter = WriteCounter()

        def record(conn, cursor, statement, parameters, context, executemany):
            counter.statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
    return counting


@pytest.fixture
def snapshot(app_ctx):
    """snapshot() -> every row of every officer-side table, for before/after comparisons."""
    def take() -> dict:
        db.session.expire_all()
        with db.engine.connect() as conn:
            return {table: sorted(tuple(map(repr, row)) for row in conn.execute(text(f'SELECT * FROM "{table}"')))
                    for table in OFFICER_TABLES}
    return take
