"""Fixtures for the Open Civic Data tests: a department worth exporting, a second database
to import it into, and a way to see every statement that writes."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event, select, text

from app import create_app
from app.extensions import db
from app.models import Assignment, Department, Job, Link, Officer, Unit
from tests.conftest import (
    TEST_DATABASE_URL, create_scratch_postgres_database, drop_scratch_postgres_database,
)

SOURCE = "https://oversight.example.org/"


def build_department(name="Springfield Police Department", state="MS", uii="E-1001") -> Department:
    """A department with the awkward cases an export has to carry: suffixes, no gender,
    an officer with no assignments, the same job held twice, open-ended assignments,
    badges with leading zeros, units, links, a job nobody holds."""
    department = Department(name=name, short_name="SPD", state=state,
                            unique_internal_identifier_label="Employee number")
    officer_job = Job(job_title="Police Officer", order=1, department=department)
    sergeant = Job(job_title="Sergeant", order=2, department=department)
    Job(job_title="Civilian Analyst", order=3, is_sworn_officer=False, department=department)
    patrol = Unit(description="Patrol", department=department)
    Unit(description="Traffic", department=department)

    jane = Officer(first_name="Jane", last_name="Doe", middle_initial="Q", gender="F", race="WHITE",
                   birth_year=1980, employment_date=date(2005, 1, 3), unique_internal_identifier=uii,
                   department=department)
    jane.assignments += [
        Assignment(job=officer_job, star_no="0042", start_date=date(2005, 1, 3),
                   resign_date=date(2011, 6, 30), unit=patrol),
        Assignment(job=sergeant, star_no="0042", start_date=date(2011, 7, 1)),
    ]
    jane.links += [Link(url="https://news.example.com/doe", title="Court ruling"),
                   Link(url="https://video.example.com/x", link_type="video")]
    sam = Officer(first_name="Samuel", last_name="Roe", suffix="Jr", gender="M", race="BLACK",
                  department=department)
    # The same job twice, with the same start: both assignments must survive a round trip.
    sam.assignments += [Assignment(job=officer_job, star_no="77", start_date=date(2019, 2, 1)),
                        Assignment(job=officer_job, star_no="77", start_date=date(2019, 2, 1))]
    lee = Officer(first_name="Lee", last_name="Moe", gender="Other", department=department)
    lee.assignments.append(Assignment(job=officer_job))  # no dates, no badge
    pat = Officer(first_name="Pat", last_name="Poe", department=department)  # no assignment
    nameless = Officer(gender="F", department=department)  # a row nobody has named yet
    db.session.add_all([department, jane, sam, lee, pat, nameless])
    db.session.commit()
    return department


@pytest.fixture
def department(app_ctx) -> Department:
    return build_department()


@pytest.fixture
def fresh_app(tmp_path):
    """A second, empty database (another SQLite file, or another PostgreSQL database)."""
    if TEST_DATABASE_URL:
        url = create_scratch_postgres_database("ocd_fresh")
    else:
        url = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    second = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "SECRET_KEY": "f" * 32,
                         "CELERY": {"broker_url": "memory://", "result_backend": "cache+memory://"}})
    with second.app_context():
        db.create_all()
    yield second
    with second.app_context():
        db.session.remove()
        db.engine.dispose()
    if TEST_DATABASE_URL:
        drop_scratch_postgres_database(url)


def read_tree(directory: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(Path(directory).iterdir())}


def write_json(directory: Path, name: str, data) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def pupa_directory(directory: Path) -> None:
    """A small directory as pupa writes it: bare uuid1 ids, every field present (blank when
    unknown), a jurisdiction file, a separate post, pseudo-ids between files."""
    sources = [{"url": "https://www.hattiesburgms.com/police/roster.pdf", "note": "roster"}]
    jurisdiction_id = "ocd-jurisdiction/country:us/state:ms/place:hattiesburg/government"
    write_json(directory, "jurisdiction_ocd-jurisdiction-country:us-state:ms-place:hattiesburg-government.json",
               {"_id": jurisdiction_id, "name": "Hattiesburg", "url": "https://www.hattiesburgms.com"})
    write_json(directory, "organization_6ab2f1a2-8e4b-11ee-b9d1-0242ac120002.json", {
        "_id": "6ab2f1a2-8e4b-11ee-b9d1-0242ac120002", "name": "Hattiesburg Police Department",
        "classification": "agency", "jurisdiction_id": jurisdiction_id, "parent_id": None,
        "founding_date": "", "dissolution_date": "", "image": "", "other_names": [],
        "identifiers": [], "contact_details": [{"type": "voice", "value": "601-544-7900", "note": "", "label": ""}],
        "links": [], "sources": sources, "extras": {},
    })
    write_json(directory, "post_7c11d9e4-8e4b-11ee-b9d1-0242ac120002.json", {
        "_id": "7c11d9e4-8e4b-11ee-b9d1-0242ac120002", "label": "Patrol Officer", "role": "officer",
        "organization_id": "~{\"classification\": \"agency\"}", "division_id": None, "start_date": "",
        "end_date": "", "maximum_memberships": 1, "contact_details": [], "links": [], "sources": sources,
        "extras": {},
    })
    person = {"given_name": "", "family_name": "", "gender": "", "birth_date": "", "death_date": "",
              "image": "", "summary": "", "biography": "", "national_identity": "", "other_names": [],
              "contact_details": [], "links": [], "sources": sources, "extras": {}}
    write_json(directory, "person_8d5e0b6c-8e4b-11ee-b9d1-0242ac120002.json", {
        **person, "_id": "8d5e0b6c-8e4b-11ee-b9d1-0242ac120002", "name": "Marcus T. Hale",
        "gender": "Male", "birth_date": "1979-04-02",
        "identifiers": [{"scheme": "badge_number", "identifier": "311"},
                        {"scheme": "hattiesburg-employee", "identifier": "H-77"}],
        "contact_details": [{"type": "email", "value": "mhale@example.gov", "note": "", "label": ""}],
    })
    write_json(directory, "person_9e6f1c7d-8e4b-11ee-b9d1-0242ac120002.json", {
        **person, "_id": "9e6f1c7d-8e4b-11ee-b9d1-0242ac120002", "name": "Rosa Lind",
        "given_name": "Rosa", "family_name": "Lind", "gender": "female",
        "identifiers": [{"scheme": "badge_number", "identifier": "412"}],
    })
    membership = {"person_name": "", "on_behalf_of_id": None, "label": "", "role": "member",
                  "contact_details": [], "links": [], "sources": sources, "extras": {}}
    write_json(directory, "membership_a1.json", {
        **membership, "person_id": "8d5e0b6c-8e4b-11ee-b9d1-0242ac120002",
        "organization_id": "6ab2f1a2-8e4b-11ee-b9d1-0242ac120002",
        "post_id": "7c11d9e4-8e4b-11ee-b9d1-0242ac120002", "start_date": "2012-06", "end_date": "",
        "extras": {"badge_number": "311"},
    })
    write_json(directory, "membership_a2.json", {
        **membership, "person_id": "9e6f1c7d-8e4b-11ee-b9d1-0242ac120002",
        "organization_id": "~{\"name\": \"Hattiesburg Police Department\"}",
        "post_id": "~{\"label\": \"Detective\", \"organization__classification\": \"agency\"}",
        "start_date": "2018-01-15", "end_date": "2023",
    })
    write_json(directory, "membership_a3.json", {
        **membership, "person_id": "9e6f1c7d-8e4b-11ee-b9d1-0242ac120002",
        "organization_id": "6ab2f1a2-8e4b-11ee-b9d1-0242ac120002", "post_id": None,
        "start_date": "2015-03-01", "end_date": "2018-01-14",
    })


OFFICER_TABLES = ("departments", "jobs", "unit_types", "officers", "assignments", "links", "officer_links")


def dump() -> dict[str, list]:
    """Every row of the officer tables, audit timestamps included."""
    rows = {}
    for table in OFFICER_TABLES:
        result = db.session.execute(text(f"SELECT * FROM {table}"))
        rows[table] = sorted(tuple(map(repr, row)) for row in result)
    return rows


class WriteRecorder:
    """Every INSERT, UPDATE and DELETE the engine sends while active."""

    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().split(None, 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}:
            self.statements.append(statement)


@pytest.fixture
def record_writes():
    """``record_writes()`` starts recording on the engine of the current app context."""
    listening = []

    def start() -> WriteRecorder:
        recorder = WriteRecorder()
        event.listen(db.engine, "before_cursor_execute", recorder)
        listening.append((db.engine, recorder))
        return recorder

    yield start
    for engine, recorder in listening:
        event.remove(engine, "before_cursor_execute", recorder)


def officers_by_name() -> dict[str, Officer]:
    return {o.full_name(): o for o in db.session.scalars(select(Officer))}
