"""Roster import (``flask bulk-add-officers`` and the admin's web upload).

A roster CSV has one row per officer (or per officer and assignment, for a history) and
may span several departments. Each row finds its officer or creates one, then adds or
completes an assignment and a salary. The whole file is read, checked and planned in
memory against the departments' data, loaded once; only then is anything written, with
bulk statements, in one transaction. A bad row stops the import before any write.

Columns (headers are case-insensitive, spaces count as ``_``; other columns are ignored
and reported): ``department_id, unique_internal_identifier, first_name, last_name,
middle_initial, suffix, gender, race, employment_date, birth_year, star_no, job_title,
unit_id, start_date`` (or ``star_date``) ``, resign_date, salary, salary_year,
salary_is_fiscal_year, overtime_pay``. Required: ``department_id``, ``first_name``,
``last_name``, ``job_title`` and, unless matching by name, ``star_no`` or
``unique_internal_identifier``.

Finding the officer, within the row's department:

* by ``unique_internal_identifier`` when the cell is filled (identifiers are unique across
  all departments, so one owned by another department's officer is an error); failing
  that, by ``star_no`` with the same first and last name, among officers with no
  identifier yet;
* otherwise by ``star_no`` with the same first and last name (names compared ignoring
  case; ``1234``, ``01234`` and ``1234.0`` are the same badge);
* with ``update_by_name``, by first and last name alone; two officers of that name are an
  error.

A blank cell never clears a stored value. Names, middle initial, suffix and gender are
updated when they differ. The static fields (``unique_internal_identifier``, ``race``,
``employment_date``, ``birth_year``) are filled in when empty (or a race of ``Not Sure``),
but a different stored value is kept, with a warning, unless ``update_static_fields``.

A row's assignment (any of ``star_no, job_title, unit_id, start_date, resign_date``
filled) is matched against the officer's assignments: blank cells match anything, stored
blanks (and a stored ``Not Sure`` title) are filled in, and any other difference makes a
new assignment. ``job_title`` must be one of the department's titles as written, or
``Not Sure`` (created on first use); a blank title means ``Not Sure``. A row's salary
(``salary`` and ``salary_year`` both filled) updates the officer's salary for that year
and kind of year (``salary_is_fiscal_year``: true/false, blank means calendar) or adds one;
a blank ``overtime_pay`` leaves stored overtime alone.

Re-importing the same file changes nothing and writes nothing.
"""
from __future__ import annotations

from typing import Callable, Iterable

from flask import current_app
from sqlalchemy import insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..models import Assignment, Department, Job, Officer, Salary, Unit
from ..models.types import utcnow
from .csvfile import CsvTable, Source, read_csv, source_name
from .errors import ImportFailed
from .report import ImportReport
from .values import (
    BadValue, badge_key, memoised, parse_amount, parse_date, parse_gender, parse_race,
    parse_suffix, parse_true_false, parse_whole_number, same_amount, text_for,
)

NOT_SURE = "Not Sure"
FREE_FIELDS = ("last_name", "first_name", "middle_initial", "suffix", "gender")
STATIC_FIELDS = ("unique_internal_identifier", "race", "employment_date", "birth_year")
OFFICER_FIELDS = FREE_FIELDS + STATIC_FIELDS
ASSIGNMENT_FIELDS = ("star_no", "job_title", "unit_id", "start_date", "resign_date")
SALARY_FIELDS = ("salary", "salary_year", "salary_is_fiscal_year", "overtime_pay")
ROSTER_COLUMNS = ("department_id",) + OFFICER_FIELDS + ASSIGNMENT_FIELDS + SALARY_FIELDS
ALIASES = {"star_date": "start_date"}
REQUIRED_COLUMNS = ("department_id", "first_name", "last_name", "job_title")

# Chunk size for IN (...) lists: below SQLite's and PostgreSQL's bound-parameter limits.
IN_CHUNK = 30_000

Progress = Callable[[Iterable, int, str], Iterable]


def no_progress(items: Iterable, length: int, label: str) -> Iterable:
    return items


def _officer_parsers():
    return {
        "last_name": text_for(Officer.last_name), "first_name": text_for(Officer.first_name),
        "middle_initial": text_for(Officer.middle_initial),
        "suffix": parse_suffix, "gender": parse_gender, "race": parse_race,
        "unique_internal_identifier": text_for(Officer.unique_internal_identifier),
        "employment_date": memoised(parse_date), "birth_year": memoised(parse_whole_number),
    }


class JobRecord:
    __slots__ = ("id", "title", "is_new")

    def __init__(self, id, title, is_new=False):
        self.id, self.title, self.is_new = id, title, is_new


class OfficerRecord:
    """An officer as the import sees it: stored values, then the file's changes applied."""

    __slots__ = OFFICER_FIELDS + ("id", "department_id", "assignments", "salaries", "is_new", "shown")

    def __init__(self, id, department_id, is_new=False, **values):
        self.id, self.department_id, self.is_new = id, department_id, is_new
        self.shown = None  # for a new officer: the values its report line shows
        for name in OFFICER_FIELDS:
            setattr(self, name, values.get(name))
        self.assignments: list[AssignmentRecord] = []
        self.salaries: list[SalaryRecord] = []

    def label(self) -> str:
        name = Officer.full_name(self)
        text = f"#{self.id} {name!r}" if self.id is not None else repr(name)
        if self.unique_internal_identifier:
            text += f" ({self.unique_internal_identifier})"
        return text

    def name_key(self) -> tuple[str, str]:
        return ((self.first_name or "").casefold(), (self.last_name or "").casefold())


class AssignmentRecord:
    __slots__ = ("id", "officer", "job", "star_no", "unit_id", "start_date", "resign_date", "is_new", "shown")

    def __init__(self, id, officer, job, star_no, unit_id, start_date, resign_date, is_new=False):
        self.id, self.officer, self.job, self.star_no = id, officer, job, star_no
        self.unit_id, self.start_date, self.resign_date, self.is_new = unit_id, start_date, resign_date, is_new
        self.shown = None


class SalaryRecord:
    __slots__ = ("id", "officer", "salary", "overtime_pay", "year", "is_fiscal_year", "is_new", "shown")

    def __init__(self, id, officer, salary, overtime_pay, year, is_fiscal_year, is_new=False):
        self.id, self.officer, self.salary, self.overtime_pay = id, officer, salary, overtime_pay
        self.year, self.is_fiscal_year, self.is_new = year, is_fiscal_year, is_new
        self.shown = None


class DepartmentData:
    """One department's officers, assignments, salaries, titles and units, loaded with one
    query per table and indexed for matching."""

    def __init__(self, department: Department):
        self.department = department
        self.officers: list[OfficerRecord] = []
        self.by_name: dict[tuple[str, str], list[OfficerRecord]] = {}
        self.by_badge: dict[tuple[str, str, str], list[OfficerRecord]] = {}
        self.jobs: dict[str, JobRecord] = {}
        self.unit_ids: set[int] = set()

    def load(self, uid_owner: dict) -> None:
        dept_id = self.department.id
        session = db.session
        columns = [getattr(Officer, name) for name in OFFICER_FIELDS]
        by_id: dict[int, OfficerRecord] = {}
        for row in session.execute(select(Officer.id, *columns).where(Officer.department_id == dept_id)):
            officer = OfficerRecord(row[0], dept_id, **dict(zip(OFFICER_FIELDS, row[1:])))
            by_id[officer.id] = officer
            self.add_officer(officer, uid_owner)
        for job_id, title in session.execute(select(Job.id, Job.job_title).where(Job.department_id == dept_id)):
            self.jobs[title] = JobRecord(job_id, title)
        jobs_by_id = {job.id: job for job in self.jobs.values()}
        self.unit_ids = set(session.execute(select(Unit.id).where(Unit.department_id == dept_id)).scalars())
        in_department = select(Officer.id).where(Officer.department_id == dept_id)
        for row in session.execute(
            select(Assignment.id, Assignment.officer_id, Assignment.job_id, Assignment.star_no,
                   Assignment.unit_id, Assignment.start_date, Assignment.resign_date)
            .where(Assignment.officer_id.in_(in_department)).order_by(Assignment.id)
        ):
            officer = by_id[row[1]]
            self.add_assignment(AssignmentRecord(row[0], officer, jobs_by_id.get(row[2]), *row[3:]))
        for row in session.execute(
            select(Salary.id, Salary.officer_id, Salary.salary, Salary.overtime_pay, Salary.year,
                   Salary.is_fiscal_year)
            .where(Salary.officer_id.in_(in_department)).order_by(Salary.id)
        ):
            officer = by_id[row[1]]
            officer.salaries.append(SalaryRecord(row[0], officer, *row[2:]))

    def add_officer(self, officer: OfficerRecord, uid_owner: dict) -> None:
        self.officers.append(officer)
        self.by_name.setdefault(officer.name_key(), []).append(officer)
        if officer.unique_internal_identifier:
            uid_owner[officer.unique_internal_identifier] = officer

    def add_assignment(self, assignment: AssignmentRecord) -> None:
        officer = assignment.officer
        officer.assignments.append(assignment)
        self.index_badge(officer, assignment.star_no)

    def index_badge(self, officer: OfficerRecord, star_no: str | None) -> None:
        key = badge_key(star_no)
        if key is not None:
            owners = self.by_badge.setdefault(officer.name_key() + (key,), [])
            if officer not in owners:
                owners.append(officer)

    def rename(self, officer: OfficerRecord, old_key: tuple[str, str]) -> None:
        """Keep the name indexes right when a row changes an officer's name."""
        new_key = officer.name_key()
        if new_key == old_key:
            return
        self.by_name[old_key].remove(officer)
        self.by_name.setdefault(new_key, []).append(officer)
        for assignment in officer.assignments:
            key = badge_key(assignment.star_no)
            if key is not None:
                owners = self.by_badge.get(old_key + (key,), [])
                if officer in owners:
                    owners.remove(officer)
                self.index_badge(officer, assignment.star_no)

    def job(self, title: str | None) -> JobRecord:
        """The department's job with exactly this title; blank means Not Sure, which is
        created on first use. Any other unknown title is refused by the caller."""
        title = title or NOT_SURE
        job = self.jobs.get(title)
        if job is None and title == NOT_SURE:
            job = self.jobs[title] = JobRecord(None, NOT_SURE, is_new=True)
        return job


class RosterImport:
    def __init__(self, table: CsvTable, *, no_create, update_by_name, update_static_fields,
                 dry_run, user_id, only_department_id, progress: Progress):
        self.table = table
        self.no_create = no_create
        self.update_by_name = update_by_name
        self.update_static_fields = update_static_fields
        self.dry_run = dry_run
        self.user_id = user_id
        self.only_department_id = only_department_id
        self.progress = progress
        self.parse_badge = text_for(Assignment.star_no)
        self.parse_title = text_for(Job.job_title)
        self.report = ImportReport(dry_run=dry_run)
        self.departments: dict[int, DepartmentData] = {}
        # Identifier -> officer: a loaded OfficerRecord, or (id, department id) for an
        # officer of a department this file does not touch.
        self.uid_owner: dict[str, object] = {}
        self.new_jobs: list[tuple[DepartmentData, JobRecord]] = []
        self.new_officers: list[OfficerRecord] = []
        self.new_assignments: list[AssignmentRecord] = []
        self.new_salaries: list[SalaryRecord] = []
        self.changed_officers: dict[OfficerRecord, set[str]] = {}
        self.changed_assignments: dict[AssignmentRecord, set[str]] = {}
        self.changed_salaries: dict[SalaryRecord, set[str]] = {}
        self.matched_officers: set[OfficerRecord] = set()
        self.matched_assignments: set[AssignmentRecord] = set()
        self.matched_salaries: set[SalaryRecord] = set()

    # -- checking the file ------------------------------------------------------------

    def fail(self, message, line=None, column=None, value=None) -> ImportFailed:
        return self.table.error(message, line=line, column=column, value=value)

    def check_columns(self) -> None:
        table = self.table
        for column in REQUIRED_COLUMNS:
            if not table.has(column):
                raise self.fail(f"missing required column {column!r}", line=1)
        if not self.update_by_name and not (table.has("star_no") or table.has("unique_internal_identifier")):
            raise self.fail("needs a star_no or a unique_internal_identifier column to find officers "
                            "(or match by name)", line=1)
        if table.unknown:
            self.report.warnings.append(
                f"{table.filename}: ignored column(s) {', '.join(repr(c) for c in table.unknown)}")

    def parse(self, parser, cells, column: str, line: int):
        """The parsed cell, or None when blank or the column is absent."""
        position = self.table.positions.get(column)
        if position is None:
            return None
        text = cells[position]
        if not text:
            return None
        try:
            return parser(text)
        except BadValue as exc:
            raise self.fail(str(exc), line, column, text) from None

    def load_departments(self) -> None:
        """Check every department_id first, then load each department's data once."""
        parse_id = memoised(parse_whole_number)
        wanted: dict[int, int] = {}
        for line, cells in self.table.rows:
            dept_id = self.parse(parse_id, cells, "department_id", line)
            if dept_id is None:
                raise self.fail("department_id is required", line, "department_id", "")
            if self.only_department_id is not None and dept_id != self.only_department_id:
                raise self.fail(f"this import may only change department {self.only_department_id}",
                                line, "department_id", cells[self.table.positions["department_id"]])
            wanted.setdefault(dept_id, line)
        found = {d.id: d for d in db.session.execute(
            select(Department).where(Department.id.in_(list(wanted)))).scalars()}
        for dept_id, line in wanted.items():
            if dept_id not in found:
                raise self.fail(f"no department has id {dept_id}", line, "department_id", str(dept_id))
            data = self.departments[dept_id] = DepartmentData(found[dept_id])
            data.load(self.uid_owner)
        self.load_foreign_identifiers()

    def load_foreign_identifiers(self) -> None:
        """Identifiers are unique across departments: find the file's identifiers that
        belong to officers of departments outside the file, so a clash is a clear error."""
        if not self.table.has("unique_internal_identifier"):
            return
        position = self.table.positions["unique_internal_identifier"]
        unknown = list({cells[position] for _, cells in self.table.rows
                        if cells[position] and cells[position] not in self.uid_owner})
        for start in range(0, len(unknown), IN_CHUNK):
            chunk = unknown[start:start + IN_CHUNK]
            for uid, officer_id, dept_id in db.session.execute(
                select(Officer.unique_internal_identifier, Officer.id, Officer.department_id)
                .where(Officer.unique_internal_identifier.in_(chunk))
            ):
                self.uid_owner[uid] = (officer_id, dept_id)

    # -- planning ---------------------------------------------------------------------

    def plan(self) -> None:
        table = self.table
        parsers = _officer_parsers()
        officer_columns = [(name, parsers[name]) for name in OFFICER_FIELDS if table.has(name)]
        parse_id = memoised(parse_whole_number)
        parse_day = memoised(parse_date)
        parse_money = memoised(parse_amount)
        parse_flag = memoised(parse_true_false)
        has_assignment_columns = any(table.has(c) for c in ASSIGNMENT_FIELDS)
        has_salary_columns = any(table.has(c) for c in SALARY_FIELDS)
        rows = self.progress(table.rows, len(table.rows), f"Checking {table.filename}")
        for line, cells in rows:
            data = self.departments[self.parse(parse_id, cells, "department_id", line)]
            values = {}
            for name, parser in officer_columns:
                value = self.parse(parser, cells, name, line)
                if value is not None:
                    values[name] = value
            for name in ("first_name", "last_name"):
                if name not in values:
                    raise self.fail(f"{name} is required", line, name, "")
            where = f"{table.filename} line {line}"
            star_no = self.parse(self.parse_badge, cells, "star_no", line)
            officer = self.find_officer(data, values, star_no, line)
            if officer is None:
                if self.no_create:
                    self.report.skipped("officer", repr(f"{values['first_name']} {values['last_name']}"),
                                        where, "not in the database, and creating officers is turned off")
                    continue
                officer = self.create_officer(data, values, where, line)
            else:
                self.update_officer(data, officer, values, where, line)
            if has_assignment_columns:
                self.plan_assignment(data, officer, cells, line, where, star_no, parse_id, parse_day)
            if has_salary_columns:
                self.plan_salary(officer, cells, line, where, parse_id, parse_money, parse_flag)
        report = self.report
        report.unchanged("officer", len(self.matched_officers - self.changed_officers.keys()))
        report.unchanged("assignment", len(self.matched_assignments - self.changed_assignments.keys()))
        report.unchanged("salary", len(self.matched_salaries - self.changed_salaries.keys()))

    def find_officer(self, data: DepartmentData, values: dict, star_no: str | None, line: int):
        name_key = (values["first_name"].casefold(), values["last_name"].casefold())
        if self.update_by_name:
            found = data.by_name.get(name_key, [])
            if len(found) > 1:
                raise self.fail(
                    f"{len(found)} officers of department {data.department.id} are named "
                    f"{values['first_name']} {values['last_name']} (ids "
                    f"{', '.join(str(o.id) for o in found if o.id)}); match by star_no or "
                    f"unique_internal_identifier instead", line, "last_name", values["last_name"])
            return found[0] if found else None
        uid = values.get("unique_internal_identifier")
        if uid:
            owner = self.uid_owner.get(uid)
            if isinstance(owner, tuple):
                raise self.fail(f"already identifies officer {owner[0]} of department {owner[1]}",
                                line, "unique_internal_identifier", uid)
            if owner is not None:
                if owner.department_id != data.department.id:
                    raise self.fail(
                        f"already identifies officer {owner.label()} of department {owner.department_id}",
                        line, "unique_internal_identifier", uid)
                return owner
        key = badge_key(star_no)
        if key is None:
            if uid:
                return None
            raise self.fail("a badge number (star_no) or a unique_internal_identifier is needed to "
                            "find the officer", line, "star_no", "")
        found = data.by_badge.get(name_key + (key,), [])
        if uid:
            # The identifier is new: only an officer without one can be this officer.
            found = [o for o in found if not o.unique_internal_identifier]
        if len(found) > 1:
            raise self.fail(f"{len(found)} officers named {values['first_name']} {values['last_name']} "
                            f"have badge {star_no}", line, "star_no", star_no)
        return found[0] if found else None

    def create_officer(self, data: DepartmentData, values: dict, where: str, line: int) -> OfficerRecord:
        officer = OfficerRecord(None, data.department.id, is_new=True, **values)
        data.add_officer(officer, self.uid_owner)
        self.new_officers.append(officer)
        officer.shown = values
        self.report.created("officer", officer.label(), where, values)
        return officer

    def update_officer(self, data: DepartmentData, officer: OfficerRecord, values: dict,
                       where: str, line: int) -> None:
        if not officer.is_new:
            self.matched_officers.add(officer)
        diffs = {}
        for name, new in values.items():
            old = getattr(officer, name)
            if new == old:
                continue
            if name in STATIC_FIELDS and old is not None and not (name == "race" and old == NOT_SURE):
                if not self.update_static_fields:
                    self.report.warnings.append(
                        f"{where}: officer {officer.label()} keeps {name} {old!s}; the file says "
                        f"{new!s} (static field; allow with --update-static-fields)")
                    continue
            diffs[name] = (old, new)
        if not diffs:
            return
        if "unique_internal_identifier" in diffs:
            uid = values["unique_internal_identifier"]
            owner = self.uid_owner.get(uid)
            if owner is not None and owner is not officer:
                shown = owner[0] if isinstance(owner, tuple) else owner.label()
                raise self.fail(f"already identifies officer {shown}", line, "unique_internal_identifier", uid)
            old_uid = officer.unique_internal_identifier
            if old_uid:
                self.uid_owner.pop(old_uid, None)
            self.uid_owner[uid] = officer
        old_key = officer.name_key()
        for name, (_, new) in diffs.items():
            setattr(officer, name, new)
        data.rename(officer, old_key)
        self.record_changes("officer", officer, diffs, self.changed_officers, officer.label(), where)

    def record_changes(self, kind, record, diffs, changed: dict, label: str, where: str) -> None:
        """A change to a stored record is an update; to one this file creates, it is
        folded into the creation (it is written once, with its final values)."""
        if record.is_new:
            record.shown.update({name: new for name, (_, new) in diffs.items()})
            return
        changed.setdefault(record, set()).update(diffs)
        self.report.updated(kind, label, where, diffs)

    def plan_assignment(self, data, officer, cells, line, where, star_no, parse_id, parse_day) -> None:
        title = self.parse(self.parse_title, cells, "job_title", line)
        unit_id = self.parse(parse_id, cells, "unit_id", line)
        start_date = self.parse(parse_day, cells, "start_date", line)
        resign_date = self.parse(parse_day, cells, "resign_date", line)
        if not (title or star_no or unit_id is not None or start_date or resign_date):
            return
        job = None
        if title and title != NOT_SURE:  # Not Sure is unknown: it matches any stored title
            job = data.job(title)
            if job is None:
                near = [t for t in data.jobs if t.casefold() == title.casefold()]
                hint = f" (did you mean {near[0]!r}?)" if near else ""
                raise self.fail(f"department {data.department.id} has no job title {title!r}{hint}; "
                                f"add it with `flask add-job-title` or use {NOT_SURE!r}",
                                line, "job_title", title)
        if unit_id is not None and unit_id not in data.unit_ids:
            raise self.fail(f"department {data.department.id} has no unit with id {unit_id}",
                            line, "unit_id", str(unit_id))
        if start_date and resign_date and resign_date < start_date:
            raise self.fail(f"resign_date is before start_date {start_date.isoformat()}",
                            line, "resign_date", resign_date.isoformat())

        wanted = {"star_no": star_no, "unit_id": unit_id, "start_date": start_date, "resign_date": resign_date}
        key = badge_key(star_no)
        best, best_fills = None, None
        for assignment in officer.assignments:
            fills = {}
            if job is not None and assignment.job is not job:
                if assignment.job is not None and assignment.job.title != NOT_SURE:
                    continue
                fills["job"] = (assignment.job, job)
            if key is not None and badge_key(assignment.star_no) != key:
                if assignment.star_no:
                    continue
                fills["star_no"] = (assignment.star_no, star_no)
            mismatch = False
            for name in ("unit_id", "start_date", "resign_date"):
                new = wanted[name]
                old = getattr(assignment, name)
                if new is not None and new != old:
                    if old is not None:
                        mismatch = True
                        break
                    fills[name] = (old, new)
            if mismatch:
                continue
            if best is None or len(fills) < len(best_fills):
                best, best_fills = assignment, fills
                if not fills:
                    break
        if best is not None:
            if not best.is_new:
                self.matched_assignments.add(best)
            if best_fills:
                self.fill_assignment(data, best, best_fills, where)
            return
        job = job or self.not_sure_job(data, where)
        assignment = AssignmentRecord(None, officer, job, star_no, unit_id, start_date, resign_date, is_new=True)
        data.add_assignment(assignment)
        self.new_assignments.append(assignment)
        assignment.shown = {"job_title": job.title, "star_no": star_no, "unit_id": unit_id,
                            "start_date": start_date, "resign_date": resign_date}
        self.report.created("assignment", f"of {officer.label()}", where, assignment.shown)

    def not_sure_job(self, data: DepartmentData, where: str) -> JobRecord:
        job = data.job(None)
        if job.is_new and job.id is None and all(job is not j for _, j in self.new_jobs):
            self.new_jobs.append((data, job))
            self.report.created("job", repr(job.title), where, {"department_id": data.department.id})
        return job

    def fill_assignment(self, data, assignment, fills, where) -> None:
        for name, (_, new) in fills.items():
            setattr(assignment, name, new)
        if "star_no" in fills:
            data.index_badge(assignment.officer, assignment.star_no)
        shown = {("job_title" if name == "job" else name):
                 ((old.title if old else None, new.title) if name == "job" else (old, new))
                 for name, (old, new) in fills.items()}
        if not assignment.is_new:
            self.changed_assignments.setdefault(assignment, set()).update(fills)
            self.report.updated("assignment", f"#{assignment.id} of {assignment.officer.label()}", where, shown)
        else:
            assignment.shown.update({name: new for name, (_, new) in shown.items()})

    def plan_salary(self, officer, cells, line, where, parse_id, parse_money, parse_flag) -> None:
        amount = self.parse(parse_money, cells, "salary", line)
        year = self.parse(parse_id, cells, "salary_year", line)
        fiscal = self.parse(parse_flag, cells, "salary_is_fiscal_year", line)
        overtime = self.parse(parse_money, cells, "overtime_pay", line)
        if amount is None and year is None:
            if overtime is not None or fiscal is not None:
                column = "overtime_pay" if overtime is not None else "salary_is_fiscal_year"
                raise self.fail("salary and salary_year are needed with it", line, column,
                                cells[self.table.positions[column]])
            return
        if amount is None or year is None:
            missing = "salary" if amount is None else "salary_year"
            raise self.fail(f"{missing} is needed with "
                            f"{'salary_year' if missing == 'salary' else 'salary'}", line, missing, "")
        fiscal = bool(fiscal)
        same_year = [s for s in officer.salaries if s.year == year and s.is_fiscal_year == fiscal]
        for salary in same_year:
            if same_amount(salary.salary, amount) and (overtime is None or same_amount(salary.overtime_pay, overtime)):
                if not salary.is_new:
                    self.matched_salaries.add(salary)
                return
        label_year = f"FY{year}" if fiscal else str(year)
        if same_year:
            salary = same_year[0]
            diffs = {}
            if not same_amount(salary.salary, amount):
                diffs["salary"] = (salary.salary, amount)
            if overtime is not None and not same_amount(salary.overtime_pay, overtime):
                diffs["overtime_pay"] = (salary.overtime_pay, overtime)
            for name, (_, new) in diffs.items():
                setattr(salary, name, new)
            if not salary.is_new:
                self.matched_salaries.add(salary)
            self.record_changes("salary", salary, diffs, self.changed_salaries,
                                f"{label_year} of {officer.label()}", where)
            return
        salary = SalaryRecord(None, officer, amount, overtime, year, fiscal, is_new=True)
        officer.salaries.append(salary)
        self.new_salaries.append(salary)
        salary.shown = {"salary": amount, "overtime_pay": overtime}
        self.report.created("salary", f"{label_year} of {officer.label()}", where, salary.shown)

    # -- writing ----------------------------------------------------------------------

    def write(self) -> None:
        session = db.session
        now = utcnow()
        created = {"created_by": self.user_id, "last_updated_by": self.user_id,
                   "created_at": now, "last_updated_at": now}
        touched = {"last_updated_by": self.user_id, "last_updated_at": now}

        if self.new_jobs:
            ids = session.execute(
                insert(Job).returning(Job.id, sort_by_parameter_order=True),
                [{"job_title": job.title, "order": 0, "is_sworn_officer": True,
                  "department_id": data.department.id, **created} for data, job in self.new_jobs],
            ).scalars().all()
            for (_, job), job_id in zip(self.new_jobs, ids):
                job.id = job_id

        if self.new_officers:
            ids = session.execute(
                insert(Officer).returning(Officer.id, sort_by_parameter_order=True),
                [{"department_id": o.department_id, **{n: getattr(o, n) for n in OFFICER_FIELDS}, **created}
                 for o in self.new_officers],
            ).scalars().all()
            for officer, officer_id in zip(self.new_officers, ids):
                officer.id = officer_id
        if self.changed_officers:
            session.execute(update(Officer), [
                {"id": o.id, **{n: getattr(o, n) for n in fields}, **touched}
                for o, fields in self.changed_officers.items()])

        if self.new_assignments:
            session.execute(insert(Assignment), [
                {"officer_id": a.officer.id, "job_id": a.job.id, "star_no": a.star_no, "unit_id": a.unit_id,
                 "start_date": a.start_date, "resign_date": a.resign_date, **created}
                for a in self.new_assignments])
        if self.changed_assignments:
            session.execute(update(Assignment), [
                {"id": a.id, **{("job_id" if n == "job" else n): (a.job.id if n == "job" else getattr(a, n))
                                for n in fields}, **touched}
                for a, fields in self.changed_assignments.items()])

        if self.new_salaries:
            session.execute(insert(Salary), [
                {"officer_id": s.officer.id, "salary": s.salary, "overtime_pay": s.overtime_pay,
                 "year": s.year, "is_fiscal_year": s.is_fiscal_year, **created}
                for s in self.new_salaries])
        if self.changed_salaries:
            session.execute(update(Salary), [
                {"id": s.id, **{n: getattr(s, n) for n in fields}, **touched}
                for s, fields in self.changed_salaries.items()])


def _user_id(user) -> int | None:
    return getattr(user, "id", user)


def import_roster(source: Source, *, filename: str = "upload.csv", no_create: bool = False,
                  update_by_name: bool = False, update_static_fields: bool = False,
                  dry_run: bool = False, user=None, only_department_id: int | None = None,
                  progress: Progress = no_progress) -> ImportReport:
    """Import a roster CSV (a path, or a text or binary stream named ``filename``).

    All or nothing: on bad input raises ``ImportFailed`` naming the file, line, column and
    value, with the database untouched. ``user`` (a User or an id, or None) is stamped as
    creator and last editor. ``only_department_id`` refuses rows of other departments.
    ``dry_run`` plans and reports without writing. ``progress(items, length, label)`` may
    wrap the row loop (the command line shows a bar on a terminal)."""
    table = read_csv(source, filename=source_name(source, filename), columns=ROSTER_COLUMNS,
                     aliases=ALIASES, unknown="ignore")
    job = RosterImport(table, no_create=no_create, update_by_name=update_by_name,
                       update_static_fields=update_static_fields, dry_run=dry_run,
                       user_id=_user_id(user), only_department_id=only_department_id,
                       progress=progress)
    try:
        job.check_columns()
        job.load_departments()
        job.plan()
        if dry_run or not job.report.has_changes:
            db.session.rollback()
            return job.report
        job.write()
        db.session.commit()
    except ImportFailed:
        db.session.rollback()
        raise
    except SQLAlchemyError as exc:
        db.session.rollback()
        current_app.logger.exception("roster import of %s failed while writing", table.filename)
        raise ImportFailed(f"could not be written, nothing was changed: {exc.__class__.__name__}: "
                           f"{getattr(exc, 'orig', exc)}", file=table.filename) from exc
    job.report.committed = True
    return job.report
