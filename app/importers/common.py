"""What the importers and the export share: the Not Sure title, progress reporting,
chunked IN lists, and which records belong to a department."""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, Sequence

from flask import current_app

from sqlalchemy import Select, func, or_, select, text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..models import Incident, Link, Officer, incident_links, officer_links
from .errors import ImportFailed
from .report import ImportReport

NOT_SURE = "Not Sure"
# An officer's own columns, in the order a roster and the records use them.
OFFICER_FIELDS = ("last_name", "first_name", "middle_initial", "suffix", "gender", "unique_internal_identifier",
                  "race", "employment_date", "birth_year")
# The title a row without one gets, created in a department on first use the way a new
# department's default title is: first in rank order.
NOT_SURE_JOB = {"job_title": NOT_SURE, "order": 0, "is_sworn_officer": True}

# Longest IN (...) list sent at once: below SQLite's and PostgreSQL's bound-parameter limits.
IN_CHUNK = 30_000

# progress(items, length, label) -> items, e.g. wrapped in a progress bar.
Progress = Callable[[Iterable, int, str], Iterable]


def no_progress(items: Iterable, length: int, label: str) -> Iterable:
    return items


def chunks(values: Sequence, size: int = IN_CHUNK) -> Iterator[Sequence]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


@contextmanager
def cyclic_gc_paused():
    """Planning makes a few objects per row and frees none until the end, so Python's cycle
    collector would rescan the growing heap again and again (half the run time on a large
    roster). Reference counting still frees memory meanwhile."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# Plain table columns (not the mapped classes' attributes) keep these subqueries from making
# a query an ORM query, whose row handling costs more on large loads.
def department_officer_ids(department_id: int) -> Select:
    officers = Officer.__table__.c
    return select(officers.id).where(officers.department_id == department_id)


def department_incident_ids(department_id: int) -> Select:
    incidents = Incident.__table__.c
    return select(incidents.id).where(incidents.department_id == department_id)


def department_links(department_id: int):
    """A condition on links: attached to one of the department's officers or incidents
    (links have no department of their own)."""
    return or_(
        Link.id.in_(select(officer_links.c.link_id)
                    .where(officer_links.c.officer_id.in_(department_officer_ids(department_id)))),
        Link.id.in_(select(incident_links.c.link_id)
                    .where(incident_links.c.incident_id.in_(department_incident_ids(department_id)))),
    )


def insert_rows(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert many rows at the driver's speed: binary COPY on PostgreSQL, one executemany on
    SQLite (values converted as SQLAlchemy would store them). Columns left out take their
    server defaults (the timestamps)."""
    connection = db.session.connection()
    dialect = connection.dialect
    table = model.__table__
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(name) for name in columns)
    if dialect.name == "postgresql":
        driver = connection.connection.driver_connection
        with driver.cursor() as cursor:
            # Binary COPY (less for the server to parse) needs each column's type: ask for them.
            cursor.execute(f"SELECT {names} FROM {quote(table.name)} LIMIT 0")
            types = [column.type_code for column in cursor.description]
            with cursor.copy(f"COPY {quote(table.name)} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(types)
                for row in rows:
                    copy.write_row(row)
        return
    processors = [(i, table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
                  for i, name in enumerate(columns)]
    processors = [(i, convert) for i, convert in processors if convert is not None]
    if processors:
        by_column = list(zip(*rows))
        for i, convert in processors:  # e.g. dates to SQLite's text; each distinct value once
            converted = {value: convert(value) for value in set(by_column[i]) if value is not None}
            converted[None] = None
            by_column[i] = list(map(converted.__getitem__, by_column[i]))
        rows = list(zip(*by_column))
    placeholders = ", ".join("?" for _ in columns)
    connection.exec_driver_sql(f"INSERT INTO {quote(table.name)} ({names}) VALUES ({placeholders})", rows)


def rows_where_in(model, columns: tuple[str, ...], key: str, values) -> list[tuple]:
    """The rows whose ``key`` column is one of ``values``, for lists of many thousands:
    one array parameter on PostgreSQL, chunked lists on SQLite, written as driver SQL
    because building the statement value by value costs more than running it."""
    connection = db.session.connection()
    quote = connection.dialect.identifier_preparer.quote
    select_from = f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(model.__table__.name)}"
    if connection.dialect.name == "postgresql":
        return [tuple(row) for row in connection.exec_driver_sql(
            f"{select_from} WHERE {quote(key)} = ANY(%s)", (list(values),))]
    found = []
    for chunk in chunks(values):
        placeholders = ", ".join("?" * len(chunk))
        found.extend(tuple(row) for row in connection.exec_driver_sql(
            f"{select_from} WHERE {quote(key)} IN ({placeholders})", tuple(chunk)))
    return found


def insert_officers(columns: tuple[str, ...], rows: list[tuple], ocd_ids: list[str]) -> list[int]:
    """Insert new officers, each row carrying the ocd_id minted for it, and return their
    ids, in order."""
    connection = db.session.connection()
    officers = Officer.__table__.c
    if connection.dialect.name == "postgresql":
        # Take the ids from the sequence first (safe beside other writers), then copy.
        ids = connection.execute(
            text("SELECT nextval(pg_get_serial_sequence('officers', 'id')) FROM generate_series(1, :count)"),
            {"count": len(rows)}).scalars().all()
        insert_rows(Officer, ("id",) + columns, [(officer_id,) + row for officer_id, row in zip(ids, rows)])
        return ids
    # SQLite gives a new row the highest id plus one, so the new rows are those above the
    # highest id before the insert (any other writer's rows there are simply not looked up).
    highest_before = db.session.execute(select(func.max(officers.id))).scalar() or 0
    insert_rows(Officer, columns, rows)
    found = dict(db.session.execute(select(officers.ocd_id, officers.id).where(officers.id > highest_before)).all())
    return [found[ocd_id] for ocd_id in ocd_ids]


def all_or_nothing(work: Callable[[], ImportReport], *, what: str, file: str | None = None) -> ImportReport:
    """Run ``work`` (it plans, and writes unless it is a dry run, in the session) and end the
    transaction: a dry run or a run with nothing to change is rolled back, anything else
    committed. A refusal rolls everything back; so does a database error, which becomes an
    ImportFailed saying nothing was changed (logged as ``what`` failed)."""
    try:
        report = work()
        if report.dry_run or not report.has_changes:
            db.session.rollback()
            return report
        db.session.commit()
    except ImportFailed:
        db.session.rollback()
        raise
    except SQLAlchemyError as exc:
        db.session.rollback()
        current_app.logger.exception("%s failed while writing", what)
        raise ImportFailed(f"could not be written, nothing was changed: {exc.__class__.__name__}: "
                           f"{getattr(exc, 'orig', exc)}", file=file) from exc
    report.committed = True
    return report


def user_id_of(user) -> int | None:
    """The id of whoever imports: a User, an id, or None (the command line)."""
    return getattr(user, "id", user)
