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

Values follow ``values.py``: dates ``yyyy-mm-dd`` or ``mm/dd/yyyy``; suffix, gender and race
from their lists (gender ``Not Sure`` stores nothing). A blank cell never clears a stored
value; a blank date is simply unknown (OpenOversight's guide asks for no blank dates in a
present column, but an officer still serving has no resign date). Names, middle initial,
suffix and gender are updated when they differ. The static fields
(``unique_internal_identifier``, ``race``, ``employment_date``, ``birth_year``) are filled in
when empty (or a race of ``Not Sure``), but a different stored value is kept, with a
warning, unless ``update_static_fields``.

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

from operator import attrgetter

from sqlalchemy import bindparam, func, insert, select, update

from ..extensions import db
from ..models import Assignment, Department, Job, Officer, Salary, Unit
from ..models.officers import new_ocd_id
from .common import (
    NOT_SURE, NOT_SURE_JOB, OFFICER_FIELDS, Progress, all_or_nothing, cyclic_gc_paused,
    department_officer_ids, insert_officers, insert_rows, no_progress, rows_where_in, user_id_of,
)
from .csvfile import CsvTable, Source, read_csv, source_name
from .errors import ImportFailed
from .report import ImportReport
from .values import (
    BadValue, badge_key, memoised, parse_amount, parse_date, parse_gender, parse_race,
    parse_suffix, parse_true_false, parse_whole_number, same_amount, text_for,
)

# Static fields are set once; a roster fills them in but does not change them unless told to.
STATIC_FIELDS = ("unique_internal_identifier", "race", "employment_date", "birth_year")
ASSIGNMENT_FIELDS = ("star_no", "job_title", "unit_id", "start_date", "resign_date")
SALARY_FIELDS = ("salary", "salary_year", "salary_is_fiscal_year", "overtime_pay")
ROSTER_COLUMNS = ("department_id",) + OFFICER_FIELDS + ASSIGNMENT_FIELDS + SALARY_FIELDS
ALIASES = {"star_date": "start_date"}
REQUIRED_COLUMNS = ("department_id", "first_name", "last_name", "job_title")


def column_parsers() -> dict:
    """Each roster column's parser (a blank cell is None before any parser sees it)."""
    parse_day = memoised(parse_date)  # employment and start dates often repeat each other
    return {
        "department_id": parse_whole_number,
        "last_name": text_for(Officer.last_name), "first_name": text_for(Officer.first_name),
        "middle_initial": text_for(Officer.middle_initial), "suffix": parse_suffix,
        "gender": parse_gender, "race": parse_race,
        "unique_internal_identifier": text_for(Officer.unique_internal_identifier),
        "employment_date": parse_day, "birth_year": parse_whole_number,
        "star_no": text_for(Assignment.star_no), "job_title": text_for(Job.job_title),
        "unit_id": parse_whole_number, "start_date": parse_day, "resign_date": parse_day,
        "salary": parse_amount, "salary_year": parse_whole_number,
        "salary_is_fiscal_year": parse_true_false, "overtime_pay": parse_amount,
    }


class JobRecord:
    __slots__ = ("id", "title", "is_new")

    def __init__(self, id, title, is_new=False):
        self.id, self.title, self.is_new = id, title, is_new


class OfficerRecord:
    """An officer as the import sees it: stored values, then the file's changes applied.
    The report names a new record and shows its values through ``label`` and ``values``,
    called when the report is shown: by then with the id it was given and its final values
    (later rows of the file may have completed it)."""

    __slots__ = OFFICER_FIELDS + ("id", "department_id", "assignments", "salaries", "is_new")

    def __init__(self, id, department_id, last_name=None, first_name=None, middle_initial=None, suffix=None,
                 gender=None, unique_internal_identifier=None, race=None, employment_date=None,
                 birth_year=None, is_new=False):
        self.id, self.department_id, self.is_new = id, department_id, is_new
        self.last_name, self.first_name, self.middle_initial = last_name, first_name, middle_initial
        self.suffix, self.gender, self.unique_internal_identifier = suffix, gender, unique_internal_identifier
        self.race, self.employment_date, self.birth_year = race, employment_date, birth_year
        self.assignments: list[AssignmentRecord] = []
        self.salaries: list[SalaryRecord] = []

    def values(self) -> dict:
        return {name: getattr(self, name) for name in OFFICER_FIELDS}

    def label(self) -> str:
        name = Officer.full_name(self)
        text = f"#{self.id} {name!r}" if self.id is not None else repr(name)
        if self.unique_internal_identifier:
            text += f" ({self.unique_internal_identifier})"
        return text

    def name_key(self) -> tuple[str, str]:
        return ((self.first_name or "").casefold(), (self.last_name or "").casefold())


class AssignmentRecord:
    __slots__ = ("id", "officer", "job", "star_no", "unit_id", "start_date", "resign_date", "is_new")

    def __init__(self, id, officer, job, star_no, unit_id, start_date, resign_date, is_new=False):
        self.id, self.officer, self.job, self.star_no = id, officer, job, star_no
        self.unit_id, self.start_date, self.resign_date, self.is_new = unit_id, start_date, resign_date, is_new

    def values(self) -> dict:
        return {"job_title": self.job.title, "star_no": self.star_no, "unit_id": self.unit_id,
                "start_date": self.start_date, "resign_date": self.resign_date}

    def label(self) -> str:
        return f"{'#' + str(self.id) + ' ' if self.id is not None else ''}of {self.officer.label()}"


class SalaryRecord:
    __slots__ = ("id", "officer", "salary", "overtime_pay", "year", "is_fiscal_year", "is_new")

    def __init__(self, id, officer, salary, overtime_pay, year, is_fiscal_year, is_new=False):
        self.id, self.officer, self.salary, self.overtime_pay = id, officer, salary, overtime_pay
        self.year, self.is_fiscal_year, self.is_new = year, is_fiscal_year, is_new

    def values(self) -> dict:
        return {"salary": self.salary, "overtime_pay": self.overtime_pay}

    def label(self) -> str:
        return f"{'FY' if self.is_fiscal_year else ''}{self.year} of {self.officer.label()}"


class DepartmentData:
    """One department's officers (with their assignments and salaries when the file has
    such columns), titles and units: one query per table. The name and badge indexes are
    built on first use; a file that finds every officer by identifier never needs them."""

    def __init__(self, department: Department):
        self.department = department
        self.id = department.id  # a plain int: reading the mapped attribute per row costs
        self.officers: list[OfficerRecord] = []
        self._by_name: dict[tuple[str, str], list[OfficerRecord]] | None = None
        self._by_badge: dict[tuple[str, str, str], list[OfficerRecord]] | None = None
        self.jobs: dict[str, JobRecord] = {}
        self.unit_ids: set[int] = set()
        self.without_uid = 0  # officers with no identifier: the only ones a new identifier may join

    def load(self, uid_owner: dict, *, assignments: bool, salaries: bool) -> None:
        dept_id = self.id
        session = db.session
        officers, assignments_, salaries_ = Officer.__table__.c, Assignment.__table__.c, Salary.__table__.c
        columns = [officers[name] for name in OFFICER_FIELDS]
        by_id: dict[int, OfficerRecord] = {}
        # .all() fetches in one call; iterating the result would fetch row by row.
        for row in session.execute(select(officers.id, *columns).where(officers.department_id == dept_id)).all():
            officer = by_id[row[0]] = OfficerRecord(row[0], dept_id, *row[1:])
            self.officers.append(officer)
            if officer.unique_internal_identifier:
                uid_owner[officer.unique_internal_identifier] = officer
            else:
                self.without_uid += 1
        for job_id, title in session.execute(select(Job.id, Job.job_title).where(Job.department_id == dept_id)):
            self.jobs[title] = JobRecord(job_id, title)
        self.unit_ids = set(session.execute(select(Unit.id).where(Unit.department_id == dept_id)).scalars())
        in_department = department_officer_ids(dept_id)
        if assignments:
            jobs_by_id = {job.id: job for job in self.jobs.values()}
            for assignment_id, officer_id, job_id, star_no, unit_id, start_date, resign_date in session.execute(
                select(assignments_.id, assignments_.officer_id, assignments_.job_id, assignments_.star_no,
                       assignments_.unit_id, assignments_.start_date, assignments_.resign_date)
                .where(assignments_.officer_id.in_(in_department)).order_by(assignments_.id)
            ).all():
                officer = by_id[officer_id]
                officer.assignments.append(AssignmentRecord(assignment_id, officer, jobs_by_id.get(job_id), star_no,
                                                            unit_id, start_date, resign_date))
        if salaries:
            for salary_id, officer_id, amount, overtime, year, fiscal in session.execute(
                select(salaries_.id, salaries_.officer_id, salaries_.salary, salaries_.overtime_pay,
                       salaries_.year, salaries_.is_fiscal_year)
                .where(salaries_.officer_id.in_(in_department)).order_by(salaries_.id)
            ).all():
                officer = by_id[officer_id]
                officer.salaries.append(SalaryRecord(salary_id, officer, amount, overtime, year, fiscal))

    @property
    def by_name(self) -> dict[tuple[str, str], list[OfficerRecord]]:
        if self._by_name is None:
            self._by_name = {}
            for officer in self.officers:
                self._by_name.setdefault(officer.name_key(), []).append(officer)
        return self._by_name

    @property
    def by_badge(self) -> dict[tuple[str, str, str], list[OfficerRecord]]:
        if self._by_badge is None:
            self._by_badge = {}
            for officer in self.officers:
                for assignment in officer.assignments:
                    self._index_badge(officer, assignment.star_no)
        return self._by_badge

    def _index_badge(self, officer: OfficerRecord, star_no: str | None) -> None:
        key = badge_key(star_no)
        if key is not None:
            owners = self._by_badge.setdefault(officer.name_key() + (key,), [])
            if officer not in owners:
                owners.append(officer)

    def add_officer(self, officer: OfficerRecord, uid_owner: dict) -> None:
        self.officers.append(officer)
        if self._by_name is not None:
            self._by_name.setdefault(officer.name_key(), []).append(officer)
        if officer.unique_internal_identifier:
            uid_owner[officer.unique_internal_identifier] = officer
        else:
            self.without_uid += 1

    def add_assignment(self, assignment: AssignmentRecord) -> None:
        assignment.officer.assignments.append(assignment)
        self.badge_changed(assignment)

    def badge_changed(self, assignment: AssignmentRecord) -> None:
        if self._by_badge is not None:
            self._index_badge(assignment.officer, assignment.star_no)

    def rename(self, officer: OfficerRecord, old_key: tuple[str, str]) -> None:
        """Keep the indexes right when a row changes an officer's name."""
        new_key = officer.name_key()
        if new_key == old_key:
            return
        if self._by_name is not None:
            self._by_name[old_key].remove(officer)
            self._by_name.setdefault(new_key, []).append(officer)
        if self._by_badge is not None:
            for assignment in officer.assignments:
                key = badge_key(assignment.star_no)
                if key is not None:
                    owners = self._by_badge.get(old_key + (key,), [])
                    if officer in owners:
                        owners.remove(officer)
                    self._index_badge(officer, assignment.star_no)

    def job(self, title: str) -> JobRecord | None:
        """The department's job with exactly this title (an unknown one is refused by the
        caller; Not Sure is RosterImport.not_sure_job's)."""
        return self.jobs.get(title)


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
        self.report = ImportReport(dry_run=dry_run)
        self._where_line, self._where = None, ""
        self.columns: dict[str, list] = {}
        self.lines: list[int] = []  # the line each row starts on
        self.department_texts: tuple[str, ...] = ()  # department_id cells as written
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

    def where(self, line: int) -> str:
        """Where a row is, for the report (asked for several times per row; made once)."""
        if line != self._where_line:
            self._where_line, self._where = line, f"{self.table.filename} line {line}"
        return self._where


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

    def parse_columns(self) -> None:
        """Parse every column, each distinct cell once (rosters repeat titles, dates and
        years over thousands of rows). Of several bad cells, the earliest is reported."""
        rows = self.table.rows
        self.lines = [line for line, _ in rows]
        # With no rows, one empty column per header cell (ignored ones included: positions
        # count them).
        by_column = list(zip(*[cells for _, cells in rows])) or [()] * (max(self.table.positions.values()) + 1)
        self.department_texts = by_column[self.table.positions["department_id"]]
        first_error = None
        for order, (name, parser) in enumerate(column_parsers().items()):
            position = self.table.positions.get(name)
            if position is None:
                continue
            texts = by_column[position]
            distinct = set(texts)
            distinct.discard("")
            try:
                if isinstance(parser, text_for) and max(map(len, distinct), default=0) <= parser.limit:
                    self.columns[name] = [text or None for text in texts]  # plain text, all short enough
                    continue
                parsed = dict(zip(distinct, map(parser, distinct)))
            except BadValue:
                error = self.first_bad_cell(texts, distinct, parser, order, name)
                if first_error is None or error[:2] < first_error[:2]:
                    first_error = error
                continue
            parsed[""] = None
            self.columns[name] = list(map(parsed.__getitem__, texts))
        if first_error is not None:
            index, _, name, text, message = first_error
            raise self.fail(message, rows[index][0], name, text)
        self.table.rows = []  # every cell is parsed now; free the text of the whole file

    @staticmethod
    def first_bad_cell(texts, distinct, parser, order, name):
        bad = {}
        for text in distinct:
            try:
                parser(text)
            except BadValue as exc:
                bad[text] = str(exc)
        index = next(i for i, text in enumerate(texts) if text in bad)
        return index, order, name, texts[index], bad[texts[index]]

    def load_departments(self) -> None:
        """Check every department_id, then load each department's data once."""
        lines = self.lines
        wanted: dict[int, int] = {}
        for index, dept_id in enumerate(self.columns["department_id"]):
            if dept_id is None:
                raise self.fail("department_id is required", lines[index], "department_id", "")
            if dept_id not in wanted:
                if self.only_department_id is not None and dept_id != self.only_department_id:
                    raise self.fail(f"this import may only change department {self.only_department_id}",
                                    lines[index], "department_id", self.department_texts[index])
                wanted[dept_id] = index
        found = {d.id: d for d in db.session.execute(
            select(Department).where(Department.id.in_(list(wanted)))).scalars()}
        with_assignments = any(self.table.has(c) for c in ASSIGNMENT_FIELDS)
        with_salaries = any(self.table.has(c) for c in SALARY_FIELDS)
        for dept_id, index in wanted.items():
            if dept_id not in found:
                raise self.fail(f"no department has id {dept_id}", lines[index], "department_id",
                                self.department_texts[index])
            data = self.departments[dept_id] = DepartmentData(found[dept_id])
            data.load(self.uid_owner, assignments=with_assignments, salaries=with_salaries)
        self.load_foreign_identifiers()

    def load_foreign_identifiers(self) -> None:
        """Identifiers are unique across departments: find the file's identifiers that
        belong to officers of departments outside the file, so a clash is a clear error."""
        uids = self.columns.get("unique_internal_identifier")
        if uids is None:
            return
        unknown = {uid for uid in uids if uid is not None and uid not in self.uid_owner}
        for uid, officer_id, dept_id in rows_where_in(
                Officer, ("unique_internal_identifier", "id", "department_id"), "unique_internal_identifier", unknown):
            self.uid_owner[uid] = (officer_id, dept_id)

    # -- planning ---------------------------------------------------------------------

    def plan(self) -> None:
        lines = self.lines
        count = len(lines)
        columns = self.columns
        blank = [None] * count
        present = [name for name in OFFICER_FIELDS if name in columns]
        officer_rows = list(zip(*(columns[name] for name in present)))
        stored = attrgetter(*present)
        departments = self.departments
        dept_ids = columns["department_id"]
        first_names, last_names = columns["first_name"], columns["last_name"]
        uids = columns.get("unique_internal_identifier", blank)
        stars = columns.get("star_no", blank)
        titles, units, starts, resigns = (columns.get(name, blank)
                                          for name in ("job_title", "unit_id", "start_date", "resign_date"))
        salaries, years, fiscals, overtimes = (columns.get(name, blank) for name in SALARY_FIELDS)
        with_assignments = any(name in columns for name in ASSIGNMENT_FIELDS)
        with_salaries = any(name in columns for name in SALARY_FIELDS)
        for index in self.progress(range(count), count, f"Checking {self.table.filename}"):
            line = lines[index]
            if first_names[index] is None or last_names[index] is None:
                name = "first_name" if first_names[index] is None else "last_name"
                raise self.fail(f"{name} is required", line, name, "")
            data = departments[dept_ids[index]]
            row = officer_rows[index]
            star_no = stars[index]
            officer = self.find_officer(data, first_names[index], last_names[index], uids[index], star_no, line)
            if officer is None:
                if self.no_create:
                    self.report.skipped("officer", repr(f"{first_names[index]} {last_names[index]}"),
                                        self.where(line), "not in the database, and creating officers is turned off")
                    continue
                officer = self.create_officer(data, dict(zip(present, row)), line)
            else:
                if not officer.is_new:
                    self.matched_officers.add(officer)
                if row != stored(officer):  # the common case, a row matching the database, is quick
                    self.update_officer(data, officer, {n: v for n, v in zip(present, row) if v is not None}, line)
            if with_assignments:
                self.plan_assignment(data, officer, line, star_no, titles[index], units[index], starts[index],
                                     resigns[index])
            if with_salaries:
                self.plan_salary(officer, line, salaries[index], years[index], fiscals[index], overtimes[index])
        report = self.report
        report.unchanged("officer", len(self.matched_officers - self.changed_officers.keys()))
        report.unchanged("assignment", len(self.matched_assignments - self.changed_assignments.keys()))
        report.unchanged("salary", len(self.matched_salaries - self.changed_salaries.keys()))

    def find_officer(self, data: DepartmentData, first: str, last: str, uid: str | None, star_no: str | None,
                     line: int):
        if self.update_by_name:
            found = data.by_name.get((first.casefold(), last.casefold()), [])
            if len(found) > 1:
                raise self.fail(
                    f"{len(found)} officers of department {data.id} are named {first} {last} (ids "
                    f"{', '.join(str(o.id) for o in found if o.id)}); match by star_no or "
                    f"unique_internal_identifier instead", line, "last_name", last)
            return found[0] if found else None
        if uid is not None:
            owner = self.uid_owner.get(uid)
            if owner is not None:
                if isinstance(owner, tuple):
                    raise self.fail(f"already identifies officer {owner[0]} of department {owner[1]}",
                                    line, "unique_internal_identifier", uid)
                if owner.department_id != data.id:
                    raise self.fail(f"already identifies officer {owner.label()} of department "
                                    f"{owner.department_id}", line, "unique_internal_identifier", uid)
                return owner
        key = None if uid is not None and not data.without_uid else badge_key(star_no)
        if key is None:
            if uid is not None:
                return None  # a new identifier, and no officer without one it could belong to
            raise self.fail("a badge number (star_no) or a unique_internal_identifier is needed to "
                            "find the officer", line, "star_no", "")
        found = data.by_badge.get((first.casefold(), last.casefold(), key), [])
        if uid is not None:
            # The identifier is new: only an officer without one can be this officer.
            found = [o for o in found if not o.unique_internal_identifier]
        if len(found) > 1:
            raise self.fail(f"{len(found)} officers named {first} {last} have badge {star_no}",
                            line, "star_no", star_no)
        return found[0] if found else None

    def create_officer(self, data: DepartmentData, values: dict, line: int) -> OfficerRecord:
        values = {name: value for name, value in values.items() if value is not None}
        officer = OfficerRecord(None, data.id, is_new=True, **values)
        data.add_officer(officer, self.uid_owner)
        self.new_officers.append(officer)
        self.report.created("officer", officer.label, self.where(line), officer.values)
        return officer

    def update_officer(self, data: DepartmentData, officer: OfficerRecord, values: dict, line: int) -> None:
        diffs = None
        for name, new in values.items():
            old = getattr(officer, name)
            if new == old:
                continue
            if name in STATIC_FIELDS and old is not None and not (name == "race" and old == NOT_SURE):
                if not self.update_static_fields:
                    self.report.warnings.append(
                        f"{self.where(line)}: officer {officer.label()} keeps {name} {old!s}; the file says "
                        f"{new!s} (static field; allow with --update-static-fields)")
                    continue
            if diffs is None:
                diffs = {}
            diffs[name] = (old, new)
        if diffs is None:
            return
        if "unique_internal_identifier" in diffs:
            uid = values["unique_internal_identifier"]
            owner = self.uid_owner.get(uid)
            if owner is not None and owner is not officer:
                shown = owner[0] if isinstance(owner, tuple) else owner.label()
                raise self.fail(f"already identifies officer {shown}", line, "unique_internal_identifier", uid)
            if officer.unique_internal_identifier:
                self.uid_owner.pop(officer.unique_internal_identifier, None)
            else:
                data.without_uid -= 1
            self.uid_owner[uid] = officer
        old_key = officer.name_key()
        for name, (_, new) in diffs.items():
            setattr(officer, name, new)
        data.rename(officer, old_key)
        self.record_changes("officer", officer, diffs, self.changed_officers, line)

    def record_changes(self, kind, record, diffs, changed: dict, line: int) -> None:
        """A change to a stored record is an update. A record this file creates is written
        once, with its final values, and reported as created with them."""
        if not record.is_new:
            changed.setdefault(record, set()).update(diffs)
            self.report.updated(kind, record.label(), self.where(line), diffs)

    def plan_assignment(self, data, officer, line, star_no, title, unit_id, start_date, resign_date) -> None:
        if not (title or star_no or unit_id is not None or start_date or resign_date):
            return
        job = None
        if title and title != NOT_SURE:  # Not Sure is unknown: it matches any stored title
            job = data.job(title)
            if job is None:
                near = [t for t in data.jobs if t.casefold() == title.casefold()]
                hint = f" (did you mean {near[0]!r}?)" if near else ""
                raise self.fail(f"department {data.id} has no job title {title!r}{hint}; "
                                f"add it with `flask add-job-title` or use {NOT_SURE!r}",
                                line, "job_title", title)
        if unit_id is not None and unit_id not in data.unit_ids:
            raise self.fail(f"department {data.id} has no unit with id {unit_id}",
                            line, "unit_id", str(unit_id))
        if start_date and resign_date and resign_date < start_date:
            raise self.fail(f"resign_date is before start_date {start_date.isoformat()}",
                            line, "resign_date", resign_date.isoformat())

        best, best_fills = None, None
        key = None  # the badge compared as spreadsheets write it, worked out only if needed
        for assignment in officer.assignments:
            fills = {}
            if job is not None and assignment.job is not job:
                if assignment.job is not None and assignment.job.title != NOT_SURE:
                    continue
                fills["job"] = (assignment.job, job)
            if star_no is not None and assignment.star_no != star_no:
                key = key or badge_key(star_no)
                if badge_key(assignment.star_no) != key:
                    if assignment.star_no:
                        continue
                    fills["star_no"] = (assignment.star_no, star_no)
            if unit_id is not None and unit_id != assignment.unit_id:
                if assignment.unit_id is not None:
                    continue
                fills["unit_id"] = (None, unit_id)
            if start_date is not None and start_date != assignment.start_date:
                if assignment.start_date is not None:
                    continue
                fills["start_date"] = (None, start_date)
            if resign_date is not None and resign_date != assignment.resign_date:
                if assignment.resign_date is not None:
                    continue
                fills["resign_date"] = (None, resign_date)
            if best is None or len(fills) < len(best_fills):
                best, best_fills = assignment, fills
                if not fills:
                    break
        if best is not None:
            if not best.is_new:
                self.matched_assignments.add(best)
            if best_fills:
                self.fill_assignment(data, best, best_fills, line)
            return
        job = job or self.not_sure_job(data, line)
        assignment = AssignmentRecord(None, officer, job, star_no, unit_id, start_date, resign_date, is_new=True)
        data.add_assignment(assignment)
        self.new_assignments.append(assignment)
        self.report.created("assignment", assignment.label, self.where(line), assignment.values)

    def not_sure_job(self, data: DepartmentData, line: int) -> JobRecord:
        """The department's Not Sure title, created (once) on first use."""
        job = data.job(NOT_SURE)
        if job is None:
            job = data.jobs[NOT_SURE] = JobRecord(None, NOT_SURE, is_new=True)
            self.new_jobs.append((data, job))
            self.report.created("job", repr(job.title), self.where(line), {"department_id": data.id})
        return job

    def fill_assignment(self, data, assignment, fills, line) -> None:
        for name, (_, new) in fills.items():
            setattr(assignment, name, new)
        if "star_no" in fills:
            data.badge_changed(assignment)
        shown = {("job_title" if name == "job" else name):
                 ((old.title if old else None, new.title) if name == "job" else (old, new))
                 for name, (old, new) in fills.items()}
        if not assignment.is_new:
            self.changed_assignments.setdefault(assignment, set()).update(fills)
            self.report.updated("assignment", assignment.label(), self.where(line), shown)

    def plan_salary(self, officer, line, amount, year, fiscal, overtime) -> None:
        if amount is None and year is None:
            if overtime is not None or fiscal is not None:
                column = "overtime_pay" if overtime is not None else "salary_is_fiscal_year"
                raise self.fail("salary and salary_year are needed with it", line, column,
                                str(overtime if overtime is not None else fiscal).lower())
            return
        if amount is None or year is None:
            missing, given = ("salary", "salary_year") if amount is None else ("salary_year", "salary")
            raise self.fail(f"{missing} is needed with {given}", line, missing, "")
        fiscal = bool(fiscal)
        same_year = [s for s in officer.salaries if s.year == year and s.is_fiscal_year == fiscal]
        for salary in same_year:
            if same_amount(salary.salary, amount) and (overtime is None or same_amount(salary.overtime_pay, overtime)):
                if not salary.is_new:
                    self.matched_salaries.add(salary)
                return
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
            self.record_changes("salary", salary, diffs, self.changed_salaries, line)
            return
        salary = SalaryRecord(None, officer, amount, overtime, year, fiscal, is_new=True)
        officer.salaries.append(salary)
        self.new_salaries.append(salary)
        self.report.created("salary", salary.label, self.where(line), salary.values)

    # -- the whole import ---------------------------------------------------------------

    def run(self) -> None:
        all_or_nothing(self._plan_and_write, what=f"roster import of {self.table.filename}",
                       file=self.table.filename)

    def _plan_and_write(self) -> ImportReport:
        self.check_columns()
        self.parse_columns()
        self.load_departments()
        self.plan()
        if not self.dry_run and self.report.has_changes:
            self.write()
        return self.report

    def release(self) -> None:
        """Unlink officers from their assignments and salaries so that, when the import is
        dropped, reference counting frees it at once; the cycle collector would otherwise
        walk every record when it resumes."""
        for data in self.departments.values():
            for officer in data.officers:
                officer.assignments = officer.salaries = ()

    # -- writing ----------------------------------------------------------------------

    def write(self) -> None:
        """Everything planned, in a few bulk statements: new rows through the driver's
        fastest path (``insert_rows``), changed rows as one UPDATE per set of columns.
        Timestamps come from the database's clock (the columns' server defaults)."""
        user = self.user_id

        if self.new_jobs:
            ids = insert_returning_ids(Job, [
                {**NOT_SURE_JOB, "department_id": data.id, "created_by": user, "last_updated_by": user}
                for data, job in self.new_jobs], key=("department_id", "job_title"))
            for data, job in self.new_jobs:
                job.id = ids[(data.id, job.title)]

        if self.new_officers:
            officer_values = attrgetter(*OFFICER_FIELDS)   # in the order the columns are named
            ocd_ids = [new_ocd_id("person") for _ in self.new_officers]
            ids = insert_officers(("department_id", "ocd_id", "created_by", "last_updated_by") + OFFICER_FIELDS, [
                (o.department_id, ocd_id, user, user) + officer_values(o)
                for o, ocd_id in zip(self.new_officers, ocd_ids)], ocd_ids)
            for officer, officer_id in zip(self.new_officers, ids):
                officer.id = officer_id
        update_by_id(Officer, [{"row_id": o.id, **{n: getattr(o, n) for n in fields}, "last_updated_by": user}
                               for o, fields in self.changed_officers.items()])

        if self.new_assignments:
            insert_rows(Assignment, ("officer_id", "job_id", "star_no", "unit_id", "start_date", "resign_date",
                                     "created_by", "last_updated_by"), [
                (a.officer.id, a.job.id, a.star_no, a.unit_id, a.start_date, a.resign_date, user, user)
                for a in self.new_assignments])
        update_by_id(Assignment, [
            {"row_id": a.id, **{("job_id" if n == "job" else n): (a.job.id if n == "job" else getattr(a, n))
                                for n in fields}, "last_updated_by": user}
            for a, fields in self.changed_assignments.items()])

        if self.new_salaries:
            insert_rows(Salary, ("officer_id", "salary", "overtime_pay", "year", "is_fiscal_year", "created_by",
                                 "last_updated_by"), [
                (s.officer.id, s.salary, s.overtime_pay, s.year, s.is_fiscal_year, user, user)
                for s in self.new_salaries])
        update_by_id(Salary, [{"row_id": s.id, **{n: getattr(s, n) for n in fields}, "last_updated_by": user}
                              for s, fields in self.changed_salaries.items()])


def insert_returning_ids(model, rows: list[dict], key: tuple[str, ...]) -> dict[tuple, int]:
    """Insert a few rows; return each new id by the rows' unique ``key`` columns."""
    table = model.__table__
    statement = insert(table).returning(table.c.id, *(table.c[k] for k in key))
    return {tuple(row[1:]): row[0] for row in db.session.execute(statement, rows)}


def update_by_id(model, rows: list[dict]) -> None:
    """``UPDATE ... WHERE id = :row_id`` as one executemany per set of changed columns."""
    table = model.__table__
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(row)), []).append(row)
    for columns, group in groups.items():
        statement = (update(table).where(table.c.id == bindparam("row_id"))
                     .values({**{name: bindparam(name) for name in columns if name != "row_id"},
                              "last_updated_at": func.now()}))
        db.session.execute(statement, group)


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
    with cyclic_gc_paused():
        table = read_csv(source, filename=source_name(source, filename), columns=ROSTER_COLUMNS,
                         aliases=ALIASES, unknown="ignore")
        job = RosterImport(table, no_create=no_create, update_by_name=update_by_name,
                           update_static_fields=update_static_fields, dry_run=dry_run,
                           user_id=user_id_of(user), only_department_id=only_department_id,
                           progress=progress)
        try:
            job.run()
        finally:
            report = job.report
            job.release()
            del job  # freed now, while the cycle collector is still paused
    return report
