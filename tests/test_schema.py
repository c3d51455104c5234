"""The schema: migrations match the models, and the constraints hold on this backend."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import Column, inspect, text
from sqlalchemy.exc import IntegrityError

from app import create_app
from app.extensions import db
from app.models import (
    Assignment, Booking, DailySnapshot, Department, Jail, Job, Note, Officer, Salary, User,
)
from tests.conftest import (
    TEST_DATABASE_URL, create_scratch_postgres_database, drop_scratch_postgres_database,
)

EXPECTED_TABLES = {
    "departments", "jobs", "unit_types", "officers", "assignments", "salaries", "incidents",
    "locations", "license_plates", "links", "notes", "descriptions", "users", "officer_links",
    "officer_incidents", "incident_links", "incident_license_plates", "jails", "bookings",
    "booking_versions", "charges", "agencies", "agency_aliases", "scrape_runs",
    "daily_snapshots", "documents", "fetched_pages", "leases", "pipeline_state",
}


@pytest.fixture
def empty_database_url(tmp_path):
    """A database with nothing in it, for running migrations from scratch."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    url = create_scratch_postgres_database("migrations")
    yield url
    drop_scratch_postgres_database(url)


def _migrated_app(url):
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "SECRET_KEY": "k" * 32})


# SQLite cannot reflect expression indexes (lower(name)), so autogenerate skips them there
# with a warning; they are compared on PostgreSQL, and checked by name on SQLite below.
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_upgrade_creates_every_table_and_matches_the_models(empty_database_url):
    app = _migrated_app(empty_database_url)
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert EXPECTED_TABLES <= tables
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
            if db.engine.dialect.name == "sqlite":
                expression_indexes = {
                    index.name for table in db.metadata.tables.values() for index in table.indexes
                    if any(not isinstance(expr, Column) for expr in index.expressions)}
                created = set(conn.execute(text(
                    "SELECT name FROM sqlite_master WHERE type = 'index'")).scalars())
                assert expression_indexes and expression_indexes <= created
        assert differences == []
        db.engine.dispose()


def test_upgrade_downgrade_upgrade(empty_database_url):
    app = _migrated_app(empty_database_url)
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        remaining = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert remaining == set()
        upgrade()
        assert EXPECTED_TABLES <= set(inspect(db.engine).get_table_names())
        db.engine.dispose()


def _department(name="Springfield PD", state="IL"):
    dept = Department(name=name, short_name="SPD", state=state)
    db.session.add(dept)
    db.session.flush()
    return dept


def _rejects(obj):
    db.session.add(obj)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_gender_check(app_ctx):
    dept = _department()
    db.session.add(Officer(first_name="A", last_name="B", gender="M", department_id=dept.id))
    db.session.commit()
    _rejects(Officer(first_name="C", last_name="D", gender="U", department_id=dept.id))


def test_unique_internal_identifier_is_global(app_ctx):
    one, two = _department("One PD"), _department("Two PD")
    db.session.add(Officer(last_name="A", unique_internal_identifier="X1", department_id=one.id))
    db.session.commit()
    _rejects(Officer(last_name="B", unique_internal_identifier="X1", department_id=two.id))


def test_department_name_state_unique(app_ctx):
    _department("Same PD", "MS")
    _department("Same PD", "AL")  # another state is fine
    db.session.commit()
    _rejects(Department(name="Same PD", short_name="S", state="MS"))


def test_job_title_unique_per_department(app_ctx):
    one, two = _department("One PD"), _department("Two PD")
    db.session.add_all([Job(job_title="Officer", order=1, department_id=one.id),
                        Job(job_title="Officer", order=1, department_id=two.id)])
    db.session.commit()
    _rejects(Job(job_title="Officer", order=2, department_id=one.id))


def test_deleting_an_officer_cascades_in_the_database(app_ctx):
    dept = _department()
    job = Job(job_title="Officer", order=1, department_id=dept.id)
    officer = Officer(last_name="Smith", department=dept)
    db.session.add_all([job, officer])
    db.session.flush()
    db.session.add_all([
        Assignment(officer_id=officer.id, job_id=job.id, star_no="12"),
        Salary(officer_id=officer.id, salary=1.5, year=2020, is_fiscal_year=False),
        Note(officer_id=officer.id, text_contents="private"),
    ])
    db.session.commit()
    # Plain SQL, as another client of the database would: the database itself cascades.
    db.session.execute(text("DELETE FROM officers WHERE id = :id"), {"id": officer.id})
    db.session.commit()
    for model in (Assignment, Salary, Note):
        assert db.session.scalar(db.select(db.func.count()).select_from(model)) == 0


def test_booking_key_unique_per_jail(app_ctx):
    jail = Jail(code="mcdc", name="Madison County Detention Center", county="Madison")
    other = Jail(code="hcdc", name="Hinds County Detention Center", county="Hinds")
    db.session.add_all([jail, other])
    db.session.flush()
    now = datetime.now(timezone.utc)
    db.session.add_all([Booking(jail_id=jail.id, booking_key="K1", initial_scrape=now, last_verified=now),
                        Booking(jail_id=other.id, booking_key="K1", initial_scrape=now, last_verified=now)])
    db.session.commit()
    _rejects(Booking(jail_id=jail.id, booking_key="K1", initial_scrape=now, last_verified=now))


def test_snapshot_unique_per_jail_and_day(app_ctx):
    jail = Jail(code="mcdc", name="Madison", county="Madison")
    db.session.add(jail)
    db.session.flush()
    db.session.add(DailySnapshot(jail_id=jail.id, day=datetime(2020, 1, 1).date(), admissions=3))
    db.session.commit()
    _rejects(DailySnapshot(jail_id=jail.id, day=datetime(2020, 1, 1).date(), admissions=4))


def test_timestamps_come_back_aware_utc(app_ctx):
    jail = Jail(code="mcdc", name="Madison", county="Madison")
    db.session.add(jail)
    db.session.flush()
    central = timezone(timedelta(hours=-6))
    seen = datetime(2019, 11, 5, 14, 15, tzinfo=central)
    booking = Booking(jail_id=jail.id, booking_key="K", initial_scrape=seen, last_verified=seen)
    db.session.add(booking)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Booking, booking.id)
    assert stored.last_verified == seen
    assert stored.last_verified.utcoffset() == timedelta(0)
    assert stored.last_verified.hour == 20


def test_naive_timestamps_are_refused(app_ctx):
    jail = Jail(code="mcdc", name="Madison", county="Madison")
    db.session.add(jail)
    db.session.flush()
    naive = datetime(2019, 11, 5, 14, 15)
    db.session.add(Booking(jail_id=jail.id, booking_key="K", initial_scrape=naive, last_verified=naive))
    with pytest.raises(Exception, match="naive datetime"):
        db.session.flush()
    db.session.rollback()


def test_user_password_is_hashed(app_ctx):
    user = User(username="ac", email="ac@example.org")
    user.password = "s3cret-pass"
    db.session.add(user)
    db.session.commit()
    assert "s3cret-pass" not in user.password_hash
    assert user.verify_password("s3cret-pass")
    assert not user.verify_password("wrong")
