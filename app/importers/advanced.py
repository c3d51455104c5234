"""Department import (``flask advanced-csv-import``): up to five CSVs that are the source
of truth for one department's officers, assignments, salaries, incidents and links.

Every file has an ``id`` column: blank makes a new record; a number updates that record,
which must belong to the department; in the officers and incidents files, ``#name`` makes a
new record that later files refer to by the same ``#name`` (``officer_ids`` such as
``123|#C1|1627``). Files are processed in the order officers, assignments, salaries,
incidents, links.

On update every column present overwrites the stored value, blank cells included; a column
left out of the file leaves the stored value (or the associations) alone. Lists of ids
(``officer_ids``, ``incident_ids``) replace the record's associations with this
department's officers and incidents, leaving those with other departments' records alone.
``created_by`` and ``last_updated_by`` apply to new records (blank means the importing
user); an updated record is stamped with the importing user.

``force_create`` (development only, refused in production) mirrors another instance's
download: a numeric id creates the record with that id, first deleting a record of this
department with the same id (and, through the database's cascades, its children); an id
used by another department's record is an error. PostgreSQL's id sequences are moved past
the imported ids before the commit.

Everything is checked before anything is committed; a failure raises ``ImportFailed``
naming the file, line, column and value, and leaves the database as it was.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import make_transient_to_detached, selectinload

from ..extensions import db
from ..models.officers import new_ocd_id
from ..models import (
    Assignment, Department, Incident, Job, LicensePlate, Link, Location, Officer, Salary, Unit, User,
)
from .common import (
    NOT_SURE, NOT_SURE_JOB, OFFICER_FIELDS, Progress, all_or_nothing, chunks, cyclic_gc_paused,
    department_links, department_officer_ids, insert_officers, insert_rows, no_progress, rows_where_in,
    user_id_of,
)
from .csvfile import CsvTable, Source, read_csv, source_name
from .errors import ImportFailed
from .report import ImportReport
from .values import (
    BadValue, memoised, parse_amount, parse_date, parse_fiscal_flag, parse_gender,
    parse_link_type, parse_race, parse_suffix, parse_time, parse_whole_number, same_amount,
    text_for,
)


@dataclass(frozen=True)
class FileFormat:
    """The columns of one import file. ``columns`` (required first) is also the order the
    export writes; ``ignored`` are accepted and unused (OpenOversight's downloads carry
    them); ``aliases`` are other accepted names."""

    kind: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    ignored: tuple[str, ...] = ()
    aliases: dict = field(default_factory=dict)

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


ADDRESS_FIELDS = ("street_name", "cross_street1", "cross_street2", "city", "state", "zip_code")
AUDIT_ALIASES = {"creator_id": "created_by", "last_updated_id": "last_updated_by"}

OFFICERS = FileFormat(
    "officers", ("id", "department_name"),
    ("department_state", "last_name", "first_name", "middle_initial", "suffix", "race", "gender",
     "employment_date", "birth_year", "unique_internal_identifier"),
    ignored=("badge_number", "star_no", "job_title", "most_recent_salary", "last_employment_date",
             "last_employment_notice", "created_by", "last_updated_by"),
    aliases={"unique_identifier": "unique_internal_identifier"},
)
ASSIGNMENTS = FileFormat(
    "assignments", ("id", "officer_id", "job_title"),
    ("star_no", "unit_id", "start_date", "resign_date"),
    ignored=("officer_unique_identifier", "unit_description", "created_by", "last_updated_by"),
    aliases={"badge_number": "star_no", "end_date": "resign_date", "star_date": "start_date"},
)
SALARIES = FileFormat(
    "salaries", ("id", "officer_id", "salary", "year"), ("overtime_pay", "is_fiscal_year"),
    ignored=("first_name", "last_name", "created_by", "last_updated_by"),
)
INCIDENTS = FileFormat(
    "incidents", ("id", "department_name"),
    ("department_state", "date", "time", "report_number", "description") + ADDRESS_FIELDS
    + ("license_plates", "officer_ids", "created_by", "last_updated_by"),
    aliases=AUDIT_ALIASES,
)
LINKS = FileFormat(
    "links", ("id", "url"),
    ("title", "link_type", "description", "author", "created_by", "officer_ids", "incident_ids"),
    aliases={**AUDIT_ALIASES, "incidents_ids": "incident_ids"},
)
FORMATS = {f.kind: f for f in (OFFICERS, ASSIGNMENTS, SALARIES, INCIDENTS, LINKS)}
ORDER = ("officers", "assignments", "salaries", "incidents", "links")
MODELS = {"officers": Officer, "assignments": Assignment, "salaries": Salary,
          "incidents": Incident, "links": Link}
KIND_OF = {"officers": "officer", "assignments": "assignment", "salaries": "salary",
           "incidents": "incident", "links": "link"}


def _same(old, new) -> bool:
    if old in (None, "") and new in (None, ""):
        return True
    if isinstance(old, float) or isinstance(new, float):
        return same_amount(old, new)
    return old == new


class DepartmentImport:
    def __init__(self, department: Department, tables: dict[str, CsvTable], *, force_create: bool,
                 dry_run: bool, user_id: int | None, progress: Progress):
        self.department = department
        self.tables = tables
        self.force_create = force_create
        self.user_id = user_id
        self.progress = progress
        self.report = ImportReport(dry_run=dry_run)
        self.session = db.session
        self.officers: dict[int, Officer] = {}
        self.officer_refs: dict[str, Officer] = {}
        self.incidents: dict[int, Incident] = {}
        self.incident_refs: dict[str, Incident] = {}
        self.ref_of: dict[int, str] = {}  # id(new object) -> its #reference, for reports
        self.given_ids: dict[int, int] = {}  # id(new object) -> the id the database gave it
        self.orm_created: list = []  # new incidents and links, written by the session's flush
        self.replaced: dict[str, set[int]] = {kind: set() for kind in ORDER}
        self.next_free_id: dict[str, int] = {}
        self.known_users: set[int] = set()

    # -- helpers ----------------------------------------------------------------------

    def cell_value(self, table: CsvTable, cells, line: int, column: str, parser, *, required=False):
        """The parsed cell: None when blank (an error when ``required``)."""
        text_ = cells[table.positions[column]]
        if not text_:
            if required:
                raise table.error(f"{column} must not be blank", line=line, column=column, value="")
            return None
        try:
            return parser(text_)
        except BadValue as exc:
            raise table.error(str(exc), line=line, column=column, value=text_) from None

    def present(self, table: CsvTable, parsers: dict) -> list[tuple[str, object]]:
        return [(name, parser) for name, parser in parsers.items() if table.has(name)]

    def check_department(self, table: CsvTable, cells, line: int) -> None:
        for column, expected in (("department_name", self.department.name),
                                 ("department_state", self.department.state)):
            if table.has(column):
                given = cells[table.positions[column]]
                if given != expected:
                    raise table.error(f"does not match the department being imported ({expected!r})",
                                      line=line, column=column, value=given)

    def row_id(self, table: CsvTable, cells, line: int, refs: dict | None):
        """(numeric id or None, #reference or None) of a row."""
        raw = cells[table.positions["id"]]
        if not raw:
            return None, None
        if raw.startswith("#"):
            if refs is None:
                raise table.error("only officers and incidents take #references; leave id blank for a "
                                  "new record", line=line, column="id", value=raw)
            if len(raw) == 1:
                raise table.error("a #reference needs a name after the #", line=line, column="id", value=raw)
            if raw in refs:
                raise table.error("this #reference is used by an earlier row", line=line, column="id", value=raw)
            return None, raw
        try:
            return parse_whole_number(raw), None
        except BadValue:
            raise table.error("id must be blank, a number or a #reference", line=line, column="id",
                              value=raw) from None

    def resolve_ids(self, table: CsvTable, cells, line: int, column: str, by_id: dict, refs: dict,
                    noun: str) -> list:
        """The records named by a ``|``-separated list of ids and #references."""
        raw = cells[table.positions[column]]
        found, seen = [], set()
        for token in (t.strip() for t in raw.split("|")):
            if not token:
                continue
            record = self.lookup(token, by_id, refs)
            if record is None:
                raise table.error(f"{token!r} is not an id of this department's {noun} or a #reference "
                                  f"made in this import", line=line, column=column, value=raw)
            if id(record) not in seen:
                seen.add(id(record))
                found.append(record)
        return found

    @staticmethod
    def lookup(token: str, by_id: dict, refs: dict):
        if token.startswith("#"):
            return refs.get(token)
        try:
            return by_id.get(parse_whole_number(token))
        except BadValue:
            return None

    def officer(self, table: CsvTable, cells, line: int) -> Officer:
        raw = cells[table.positions["officer_id"]]
        if not raw:
            raise table.error("officer_id must not be blank", line=line, column="officer_id", value="")
        officer = self.lookup(raw, self.officers, self.officer_refs)
        if officer is None:
            raise table.error(f"no officer of {self.department.name} has this id, and no row of the "
                              f"officers file has this #reference", line=line, column="officer_id", value=raw)
        return officer

    def key(self, record) -> str:
        """How a report names a record: its #reference if this import made one, else its id."""
        ref = self.ref_of.get(id(record))
        if ref is not None:
            return ref
        return str(record.id) if record.id is not None else "(new)"

    def where(self, table: CsvTable, line: int) -> str:
        return f"{table.filename} line {line}"

    def new_id(self, kind: str, record_id: int | None) -> int | None:
        """The id a new record gets: the file's under force_create, or one after every id in
        the files (so a fresh record never takes an id a later row names); otherwise the
        database's choice (None)."""
        if record_id is None and self.force_create:
            record_id = self.next_free_id[kind]
            self.next_free_id[kind] += 1
        return record_id

    def new_record(self, kind: str, model, record_id, ref, refs, **values):
        """A new incident or link, left to the ORM (they have associations to write)."""
        record = model(**values)
        record_id = self.new_id(kind, record_id)
        if record_id is not None:
            record.id = record_id
            self.forget_stale(model, record_id)
        self.session.add(record)
        self.orm_created.append(record)
        self.remember_ref(record, ref, refs)
        return record

    def remember_ref(self, record, ref: str | None, refs: dict) -> None:
        if ref is not None:
            refs[ref] = record
            self.ref_of[id(record)] = ref

    def report_new(self, file_kind: str, record, ref, table, line, values) -> None:
        """Report a new record, named when the report is shown: by then with the id it was
        given (kept aside, since a dry run's rollback takes the record away)."""
        record_id = record.id

        def label():
            given = record_id or self.given_ids.get(id(record))
            return ref or (f"id {given}" if given is not None else "(new)")
        kind = KIND_OF[file_kind]
        if record_id is not None and record_id in self.replaced[file_kind]:
            self.report.replaced(kind, label, self.where(table, line), values)
        else:
            self.report.created(kind, label, self.where(table, line), values)

    def update(self, kind: str, record, values: dict, table, line, extra_diffs=None) -> None:
        diffs = {}
        for name, new in values.items():
            old = getattr(record, name)
            if not _same(old, new):
                diffs[name] = (old, new)
                setattr(record, name, new)
        if extra_diffs:
            diffs.update(extra_diffs)
        if diffs:
            record.last_updated_by = self.user_id
            self.report.updated(kind, f"id {record.id}", self.where(table, line), diffs)
        else:
            self.report.unchanged(kind)

    def existing(self, table, line, record_id, lookup: dict, kind: str):
        record = lookup.get(record_id)
        if record is None and not self.force_create:
            raise table.error(f"no {kind} of {self.department.name} has this id (leave id blank to "
                              f"create one)", line=line, column="id", value=str(record_id))
        return record

    def load_users(self, table: CsvTable) -> None:
        """Which of the user ids in the file's audit columns exist (one query)."""
        wanted = set()
        for column in ("created_by", "last_updated_by"):
            if table.has(column):
                for _, cells in table.rows:
                    try:
                        wanted.add(parse_whole_number(cells[table.positions[column]]))
                    except BadValue:
                        pass  # blank, or reported with its line when the row is reached
        for chunk in chunks(wanted):
            self.known_users.update(self.session.execute(select(User.id).where(User.id.in_(chunk))).scalars())

    def audit_user(self, table, cells, line, column) -> int | None:
        """created_by / last_updated_by of a new record: a user id, blank meaning the importer."""
        if not table.has(column):
            return self.user_id
        user_id = self.cell_value(table, cells, line, column, parse_whole_number)
        if user_id is None:
            return self.user_id
        if user_id not in self.known_users:
            raise table.error("no user has this id", line=line, column=column, value=str(user_id))
        return user_id

    # -- force_create ------------------------------------------------------------------

    def numeric_ids(self, kind: str) -> dict[int, int]:
        """id -> line of every numeric id in a file."""
        table = self.tables.get(kind)
        ids = {}
        if table is None:
            return ids
        position = table.positions["id"]
        for line, cells in table.rows:
            raw = cells[position]
            if raw and not raw.startswith("#"):
                try:
                    ids.setdefault(parse_whole_number(raw), line)
                except BadValue:
                    pass  # reported with its line when the row is processed
        return ids

    def owned_elsewhere(self, kind: str, ids: list[int]) -> set[int]:
        """Of ``ids``, those used by records that are not this department's. (Each check is
        a plain lookup by id, then set arithmetic: SQLite plans an id list combined with a
        membership subquery badly.)"""
        dept = self.department.id
        model = MODELS[kind]
        if kind in ("officers", "incidents"):
            owner, ours = model.department_id, {dept}
        elif kind in ("assignments", "salaries"):
            owner, ours = model.officer_id, set(self.session.execute(department_officer_ids(dept)).scalars())
        else:
            owner, ours = Link.id, set(self.session.execute(select(Link.id).where(department_links(dept))).scalars())
        found, own = set(), set()
        for chunk in chunks(ids):
            for record_id, owned_by in self.session.execute(select(model.id, owner).where(model.id.in_(chunk))):
                found.add(record_id)
                if owned_by in ours:
                    own.add(record_id)
        self.replaced[kind] = own
        return found - own

    def clear_forced_ids(self) -> None:
        """Delete this department's records whose ids the files re-create (children go with
        them through ON DELETE CASCADE), after refusing ids owned by other departments."""
        per_kind = {kind: self.numeric_ids(kind) for kind in ORDER}
        for kind in ORDER:
            ids = per_kind[kind]
            if not ids:
                continue
            elsewhere = self.owned_elsewhere(kind, list(ids))
            if elsewhere:
                first = min(elsewhere, key=ids.get)
                raise self.tables[kind].error(
                    f"id {first} is taken by another department's {KIND_OF[kind]}; "
                    f"--force-create only replaces {self.department.name}'s own records",
                    line=ids[first], column="id", value=str(first))
        for kind in reversed(ORDER):
            if self.replaced[kind]:
                model = MODELS[kind]
                for chunk in chunks(self.replaced[kind]):
                    self.session.execute(delete(model).where(model.id.in_(chunk)),
                                         execution_options={"synchronize_session": False})

        for kind in ORDER:
            model = MODELS[kind]
            stored_max = self.session.execute(select(func.max(model.id))).scalar() or 0
            self.next_free_id[kind] = max([stored_max, *per_kind[kind]]) + 1

    def fix_sequences(self) -> None:
        """Explicit ids do not move PostgreSQL's sequences; move them past the highest id."""
        if self.session.get_bind().dialect.name != "postgresql":
            return
        for kind in ORDER:
            table = MODELS[kind].__tablename__
            self.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"))

    # -- officers ----------------------------------------------------------------------

    def load_officers(self) -> None:
        for officer in self.session.execute(
                select(Officer).where(Officer.department_id == self.department.id)).scalars():
            self.officers[officer.id] = officer

    def import_officers(self, table: CsvTable) -> None:
        parsers = {
            "last_name": text_for(Officer.last_name), "first_name": text_for(Officer.first_name),
            "middle_initial": text_for(Officer.middle_initial), "suffix": parse_suffix,
            "race": parse_race, "gender": parse_gender, "employment_date": memoised(parse_date),
            "birth_year": memoised(parse_whole_number),
            "unique_internal_identifier": text_for(Officer.unique_internal_identifier),
        }
        columns = self.present(table, parsers)
        uid_owner = self.identifier_owners(table)
        new_officers: list[Officer] = []
        for line, cells in self.progress(table.rows, len(table.rows), f"Checking {table.filename}"):
            self.check_department(table, cells, line)
            record_id, ref = self.row_id(table, cells, line, self.officer_refs)
            values = {name: self.cell_value(table, cells, line, name, parser) for name, parser in columns}
            officer = None
            if record_id is not None:
                officer = self.existing(table, line, record_id, self.officers, "officer")
            uid = values.get("unique_internal_identifier")
            if uid:
                owner = uid_owner.get(uid)
                if owner is not None and owner is not officer and owner != record_id:
                    shown = (f"officer #{owner}" if isinstance(owner, int)
                             else f"officer {self.key(owner)} ({owner.full_name()})")
                    raise table.error(f"already identifies {shown}", line=line,
                                      column="unique_internal_identifier", value=uid)
            if officer is None:
                officer = Officer(id=self.new_id("officers", record_id), department_id=self.department.id,
                                  created_by=self.user_id, last_updated_by=self.user_id, **values)
                self.remember_ref(officer, ref, self.officer_refs)
                new_officers.append(officer)
                self.report_new("officers", officer, ref, table, line, values)
            else:
                self.update("officer", officer, values, table, line)
            if uid:
                uid_owner[uid] = officer
        self.insert_officers(new_officers)

    def insert_officers(self, new_officers: list[Officer]) -> None:
        """Write new officers in bulk, then hand them to the session as stored records, so
        later files can attach incidents and links to them."""
        if not new_officers:
            return
        columns = ("department_id", "ocd_id", "created_by", "last_updated_by") + OFFICER_FIELDS
        for officer in new_officers:
            officer.ocd_id = new_ocd_id("person")
        rows = [tuple(getattr(officer, name) for name in columns) for officer in new_officers]
        if self.force_create:
            insert_rows(Officer, ("id",) + columns, [(o.id,) + row for o, row in zip(new_officers, rows)])
        else:
            ids = insert_officers(columns, rows, [o.ocd_id for o in new_officers])
            for officer, officer_id in zip(new_officers, ids):
                officer.id = self.given_ids[id(officer)] = officer_id
        for officer in new_officers:
            self.forget_stale(Officer, officer.id)
            make_transient_to_detached(officer)
            self.session.add(officer)
            self.officers[officer.id] = officer

    def forget_stale(self, model, record_id: int) -> None:
        """Under force_create a record is made with an id whose old row was deleted: if the
        session still holds that old row's object, drop it, or the two would clash."""
        stale = self.session.identity_map.get(self.session.identity_key(model, record_id))
        if stale is not None:
            self.session.expunge(stale)

    def identifier_owners(self, table: CsvTable) -> dict:
        """Stored owners (officer ids) of the identifiers in the file."""
        if not table.has("unique_internal_identifier"):
            return {}
        position = table.positions["unique_internal_identifier"]
        uids = {cells[position] for _, cells in table.rows if cells[position]}
        return {uid: self.officers.get(officer_id, officer_id) for uid, officer_id in rows_where_in(
            Officer, ("unique_internal_identifier", "id"), "unique_internal_identifier", uids)}

    # -- assignments -------------------------------------------------------------------

    def import_assignments(self, table: CsvTable) -> None:
        dept = self.department.id
        existing = {a.id: a for a in self.session.execute(
            select(Assignment).where(Assignment.officer_id.in_(department_officer_ids(dept)))).scalars()}
        jobs = list(self.session.execute(select(Job).where(Job.department_id == dept)).scalars())
        unit_ids = set(self.session.execute(select(Unit.id).where(Unit.department_id == dept)).scalars())
        parsers = {"star_no": text_for(Assignment.star_no), "unit_id": memoised(parse_whole_number),
                   "start_date": memoised(parse_date), "resign_date": memoised(parse_date)}
        columns = self.present(table, parsers)
        parse_title = text_for(Job.job_title)
        new_rows = []
        for line, cells in self.progress(table.rows, len(table.rows), f"Checking {table.filename}"):
            record_id, _ = self.row_id(table, cells, line, None)
            officer = self.officer(table, cells, line)
            title = self.cell_value(table, cells, line, "job_title", parse_title) or NOT_SURE
            job = self.job(jobs, title, table, line)
            values = {name: self.cell_value(table, cells, line, name, parser) for name, parser in columns}
            if values.get("unit_id") is not None and values["unit_id"] not in unit_ids:
                raise table.error(f"{self.department.name} has no unit with this id", line=line,
                                  column="unit_id", value=str(values["unit_id"]))
            assignment = None if record_id is None else self.existing(table, line, record_id, existing, "assignment")
            if assignment is None:
                new = Assignment(id=self.new_id("assignments", record_id), officer_id=officer.id, job_id=job.id,
                                 **values)
                new_rows.append(new)
                self.report_new("assignments", new, None, table, line,
                                {"officer_id": self.key(officer), "job_title": job.job_title, **values})
                continue
            extra = {}
            if assignment.officer_id != officer.id:
                extra["officer_id"] = (assignment.officer_id, self.key(officer))
                assignment.officer_id = officer.id
            if assignment.job_id != job.id:
                extra["job_title"] = (assignment.job.job_title if assignment.job else None, job.job_title)
                assignment.job_id = job.id
            self.update("assignment", assignment, values, table, line, extra)
        self.insert_new(Assignment, ("officer_id", "job_id", "star_no", "unit_id", "start_date", "resign_date"),
                        new_rows)

    def insert_new(self, model, columns: tuple[str, ...], records: list) -> None:
        """Write new assignments or salaries in bulk (nothing later in the import refers to
        them). Under force_create they carry their ids."""
        if not records:
            return
        if self.force_create:
            columns = ("id",) + columns
        rows = [tuple(getattr(record, name) for name in columns) + (self.user_id, self.user_id)
                for record in records]
        insert_rows(model, columns + ("created_by", "last_updated_by"), rows)

    def job(self, jobs: list[Job], title: str, table: CsvTable, line: int) -> Job:
        """The department's job with this title (exact, else ignoring case), created when
        missing, after the department's other titles."""
        for job in jobs:
            if job.job_title == title:
                return job
        folded = [job for job in jobs if job.job_title.casefold() == title.casefold()]
        if len(folded) == 1:
            return folded[0]
        if folded:
            raise table.error(f"matches several job titles ignoring case: "
                              f"{', '.join(j.job_title for j in folded)}; write it exactly",
                              line=line, column="job_title", value=title)
        if title == NOT_SURE:
            fields = NOT_SURE_JOB
        else:  # ranked after the others; whether it is sworn is unknown until an administrator says
            fields = {"job_title": title, "order": max((job.order for job in jobs), default=0) + 1,
                      "is_sworn_officer": False}
        job = Job(**fields, department_id=self.department.id, created_by=self.user_id, last_updated_by=self.user_id)
        self.session.add(job)
        self.session.flush()  # rows name it by id
        jobs.append(job)
        self.report.created("job", repr(title), self.where(table, line), {"order": job.order})
        return job

    # -- salaries ----------------------------------------------------------------------

    def import_salaries(self, table: CsvTable) -> None:
        existing = {s.id: s for s in self.session.execute(
            select(Salary).where(Salary.officer_id.in_(department_officer_ids(self.department.id)))).scalars()}
        parse_money = memoised(parse_amount)
        parse_year = memoised(parse_whole_number)
        new_rows = []
        for line, cells in self.progress(table.rows, len(table.rows), f"Checking {table.filename}"):
            record_id, _ = self.row_id(table, cells, line, None)
            officer = self.officer(table, cells, line)
            values = {
                "salary": self.cell_value(table, cells, line, "salary", parse_money, required=True),
                "year": self.cell_value(table, cells, line, "year", parse_year, required=True),
            }
            if table.has("overtime_pay"):
                values["overtime_pay"] = self.cell_value(table, cells, line, "overtime_pay", parse_money)
            if table.has("is_fiscal_year"):
                values["is_fiscal_year"] = parse_fiscal_flag(cells[table.positions["is_fiscal_year"]])
            salary = None if record_id is None else self.existing(table, line, record_id, existing, "salary")
            if salary is None:
                values.setdefault("is_fiscal_year", False)
                new = Salary(id=self.new_id("salaries", record_id), officer_id=officer.id, **values)
                new_rows.append(new)
                self.report_new("salaries", new, None, table, line, {"officer_id": self.key(officer), **values})
                continue
            extra = {}
            if salary.officer_id != officer.id:
                extra["officer_id"] = (salary.officer_id, self.key(officer))
                salary.officer_id = officer.id
            self.update("salary", salary, values, table, line, extra)
        self.insert_new(Salary, ("officer_id", "salary", "overtime_pay", "year", "is_fiscal_year"), new_rows)

    # -- incidents ---------------------------------------------------------------------

    def load_incidents(self) -> None:
        for incident in self.session.execute(
                select(Incident).where(Incident.department_id == self.department.id)
                .options(selectinload(Incident.officers), selectinload(Incident.license_plates),
                         selectinload(Incident.address))).scalars():
            self.incidents[incident.id] = incident

    def import_incidents(self, table: CsvTable) -> None:
        parsers = {"date": memoised(parse_date), "time": memoised(parse_time),
                   "report_number": text_for(Incident.report_number), "description": str}
        columns = self.present(table, parsers)
        address_columns = [name for name in ADDRESS_FIELDS if table.has(name)]
        locations = self.location_cache(table, address_columns)
        plates = self.plate_cache(table)
        self.load_users(table)
        address_parsers = {name: text_for(getattr(Location, name)) for name in ADDRESS_FIELDS}
        address_parsers["state"] = checked(Location.validate_state, "state")
        address_parsers["zip_code"] = checked(Location.validate_zip_code, "zip_code")
        for line, cells in self.progress(table.rows, len(table.rows), f"Checking {table.filename}"):
            self.check_department(table, cells, line)
            record_id, ref = self.row_id(table, cells, line, self.incident_refs)
            values = {name: self.cell_value(table, cells, line, name, parser) for name, parser in columns}
            incident = None if record_id is None else self.existing(table, line, record_id, self.incidents, "incident")
            address = None
            if address_columns:
                given = {name: self.cell_value(table, cells, line, name, address_parsers[name])
                         for name in address_columns}
                current = incident.address if incident is not None else None
                fields = {name: given[name] if name in given else getattr(current, name, None)
                          for name in ADDRESS_FIELDS}
                address = self.location(locations, fields, current, self.where(table, line))
            officers = (self.resolve_ids(table, cells, line, "officer_ids", self.officers, self.officer_refs,
                                         "officers") if table.has("officer_ids") else None)
            plate_list = self.plates(table, cells, line, plates) if table.has("license_plates") else None
            if incident is None:
                extra = {}
                if address_columns:
                    extra["address"] = address
                if officers is not None:
                    extra["officers"] = officers
                if plate_list is not None:
                    extra["license_plates"] = plate_list
                incident = self.new_record(
                    "incidents", Incident, record_id, ref, self.incident_refs, department_id=self.department.id,
                    created_by=self.audit_user(table, cells, line, "created_by"),
                    last_updated_by=self.audit_user(table, cells, line, "last_updated_by"), **values, **extra)
                if incident.id is not None:
                    self.incidents[incident.id] = incident
                shown = dict(values)
                if address is not None:
                    shown["address"] = str(address)
                if officers:
                    shown["officer_ids"] = [self.key(o) for o in officers]
                if plate_list:
                    shown["license_plates"] = [str(p) for p in plate_list]
                self.report_new("incidents", incident, ref, table, line, shown)
                continue
            extra = {}
            if address_columns and incident.address is not address:
                extra["address"] = (str(incident.address) if incident.address else None,
                                    str(address) if address else None)
                incident.address = address
            if officers is not None:
                self.replace_members(incident, "officers", officers, extra, "officer_ids")
            if plate_list is not None and set(map(id, incident.license_plates)) != set(map(id, plate_list)):
                extra["license_plates"] = (sorted(str(p) for p in incident.license_plates),
                                           sorted(str(p) for p in plate_list))
                incident.license_plates = plate_list
            self.update("incident", incident, values, table, line, extra)

    def replace_members(self, record, attribute: str, wanted: list, diffs: dict, column: str) -> None:
        """Set the record's associations with this department's records to ``wanted``,
        keeping those with other departments' records."""
        current = getattr(record, attribute)
        mine = [m for m in current if m.department_id == self.department.id]
        if set(map(id, mine)) == set(map(id, wanted)):
            return
        diffs[column] = (sorted(self.key(m) for m in mine), sorted(self.key(m) for m in wanted))
        setattr(record, attribute, [m for m in current if m.department_id != self.department.id] + wanted)

    def location_cache(self, table: CsvTable, address_columns: list[str]) -> dict:
        """Stored locations that rows of the file may name, keyed by all six fields: those
        sharing a street, city or zip code with a row, and the department's incidents' own
        (an update may keep part of its stored address)."""
        if not address_columns:
            return {}
        queries = [select(Location).where(Location.id.in_(
            select(Incident.address_id).where(Incident.department_id == self.department.id)))]
        for name in ("street_name", "city", "zip_code"):
            if table.has(name):
                values = {cells[table.positions[name]] for _, cells in table.rows} - {""}
                queries.extend(select(Location).where(getattr(Location, name).in_(chunk)) for chunk in chunks(values))
        found = {}
        for query in queries:
            for location in self.session.execute(query).scalars():
                found[location.id] = location
        # Of duplicate rows for one address, the oldest is used.
        return {tuple(getattr(loc, n) for n in ADDRESS_FIELDS): loc
                for loc in sorted(found.values(), key=lambda loc: loc.id, reverse=True)}

    def location(self, cache: dict, fields: dict, current: Location | None, where: str) -> Location | None:
        key = tuple(fields[name] for name in ADDRESS_FIELDS)
        if not any(key):
            return None
        if current is not None and tuple(getattr(current, n) for n in ADDRESS_FIELDS) == key:
            return current  # the same address, even if a duplicate row of it exists
        location = cache.get(key)
        if location is None:
            location = cache[key] = Location(**fields, created_by=self.user_id, last_updated_by=self.user_id)
            self.session.add(location)
            self.report.created("location", str(location), where, fields)
        return location

    def plate_cache(self, table: CsvTable) -> dict:
        if not table.has("license_plates"):
            return {}
        position = table.positions["license_plates"]
        numbers = {token.strip().rsplit("_", 1)[0].strip() for _, cells in table.rows
                   for token in cells[position].split("|") if token.strip()}
        found = {}
        for chunk in chunks(numbers):
            for plate in self.session.execute(select(LicensePlate).where(LicensePlate.number.in_(chunk))).scalars():
                found[plate.id] = plate
        # Of duplicate rows for one plate, the oldest is used.
        return {(p.number, p.state): p for p in sorted(found.values(), key=lambda p: p.id, reverse=True)}

    def plates(self, table, cells, line, cache: dict) -> list[LicensePlate]:
        """``ABC123_IL|B991``: a plate number, optionally ``_`` and the state (the last ``_``
        splits, so numbers may contain one)."""
        raw = cells[table.positions["license_plates"]]
        found = []
        for token in (t.strip() for t in raw.split("|")):
            if not token:
                continue
            number, _, state = token.rpartition("_") if "_" in token else (token, "", "")
            number, state = number.strip(), state.strip() or None
            if not number or len(number) > 8:
                raise table.error(f"plate {token!r} needs a number of 1 to 8 characters", line=line,
                                  column="license_plates", value=raw)
            try:
                state = LicensePlate.validate_state(None, "state", state)
            except ValueError:
                raise table.error(f"plate {token!r}: {state!r} is not a US state abbreviation", line=line,
                                  column="license_plates", value=raw) from None
            plate = cache.get((number, state))
            if plate is None:
                plate = cache[(number, state)] = LicensePlate(number=number, state=state, created_by=self.user_id,
                                                              last_updated_by=self.user_id)
                self.session.add(plate)
                self.report.created("license_plate", str(plate), self.where(table, line), {})
            if plate not in found:
                found.append(plate)
        return found

    # -- links -------------------------------------------------------------------------

    def import_links(self, table: CsvTable) -> None:
        existing = {link.id: link for link in self.session.execute(
            select(Link).where(department_links(self.department.id))
            .options(selectinload(Link.officers), selectinload(Link.incidents))).scalars()}
        parsers = {"title": text_for(Link.title), "link_type": parse_link_type, "description": str,
                   "author": text_for(Link.author)}
        parse_url = checked(Link.validate_url, "url")
        columns = self.present(table, parsers)
        self.load_users(table)
        for line, cells in self.progress(table.rows, len(table.rows), f"Checking {table.filename}"):
            record_id, _ = self.row_id(table, cells, line, None)
            url = self.cell_value(table, cells, line, "url", parse_url, required=True)
            values = {"url": url}
            values.update({name: self.cell_value(table, cells, line, name, parser) for name, parser in columns})
            officers = (self.resolve_ids(table, cells, line, "officer_ids", self.officers, self.officer_refs,
                                         "officers") if table.has("officer_ids") else None)
            incidents = (self.resolve_ids(table, cells, line, "incident_ids", self.incidents, self.incident_refs,
                                          "incidents") if table.has("incident_ids") else None)
            link = None if record_id is None else self.existing(table, line, record_id, existing, "link")
            if link is None:
                creator = self.audit_user(table, cells, line, "created_by")
                link = self.new_record("links", Link, record_id, None, {}, created_by=creator,
                                       last_updated_by=self.user_id, officers=officers or [],
                                       incidents=incidents or [], **values)
                shown = dict(values)
                if officers:
                    shown["officer_ids"] = [self.key(o) for o in officers]
                if incidents:
                    shown["incident_ids"] = [self.key(i) for i in incidents]
                self.report_new("links", link, None, table, line, shown)
                continue
            extra = {}
            if officers is not None:
                self.replace_members(link, "officers", officers, extra, "officer_ids")
            if incidents is not None:
                self.replace_members(link, "incidents", incidents, extra, "incident_ids")
            self.update("link", link, values, table, line, extra)

    # -- the whole import ---------------------------------------------------------------

    def run(self) -> None:
        if self.force_create:
            self.clear_forced_ids()
        self.load_officers()
        if "incidents" in self.tables or "links" in self.tables:
            self.load_incidents()
        for kind in ORDER:
            if kind in self.tables:
                getattr(self, f"import_{kind}")(self.tables[kind])
        self.session.flush()
        self.given_ids.update((id(record), record.id) for record in self.orm_created)
        if self.force_create:
            self.fix_sequences()


def checked(validator, name: str):
    """A model's own validator (e.g. ``Location.validate_zip_code``) as a cell parser, so
    the importer and the admin forms apply one rule."""
    def parse(text_: str):
        try:
            return validator(None, name, text_)
        except ValueError as exc:
            raise BadValue(str(exc)) from None
    return parse


def find_department(name: str, state: str | None = None) -> Department:
    query = select(Department).where(Department.name == name)
    if state is not None:
        query = query.where(Department.state == state)
    found = list(db.session.execute(query).scalars())
    if not found:
        where = f" in {state}" if state else ""
        raise ImportFailed(f"no department named {name!r}{where}; create it first with "
                           f"`flask add-department`")
    if len(found) > 1:
        raise ImportFailed(f"several departments are named {name!r} (states "
                           f"{', '.join(d.state or '-' for d in found)}); give the department's state")
    return found[0]


def import_department(department_name: str, *, officers: Source | None = None,
                      assignments: Source | None = None, salaries: Source | None = None,
                      links: Source | None = None, incidents: Source | None = None,
                      force_create: bool = False, dry_run: bool = False, user=None,
                      department_state: str | None = None,
                      progress: Progress = no_progress) -> ImportReport:
    """Import a department's CSVs (each a path or a text or binary stream). All or nothing:
    raises ``ImportFailed`` (file, line, column, value) with the database untouched.
    ``user`` (a User, an id or None) is stamped on what changes; ``dry_run`` reports what
    would change and rolls everything back."""
    sources = {"officers": officers, "assignments": assignments, "salaries": salaries,
               "incidents": incidents, "links": links}
    sources = {kind: source for kind, source in sources.items() if source is not None}
    if not sources:
        raise ImportFailed("no files given: pass at least one of the officers, assignments, salaries, "
                           "incidents or links files")
    if force_create and current_app.config.get("OVERSIGHT_ENV") == "production":
        raise ImportFailed("--force-create deletes and re-creates records by id; it is refused in "
                           "production (OVERSIGHT_ENV=production)")
    tables = {}
    for kind, source in sources.items():
        fmt = FORMATS[kind]
        table = read_csv(source, filename=source_name(source, f"{kind}.csv"),
                         columns=fmt.columns + fmt.ignored, aliases=fmt.aliases)
        required = fmt.required
        if force_create and kind in ("officers", "incidents"):
            required = ("id",)  # OpenOversight's downloads carry no department columns
        for column in required:
            if not table.has(column):
                raise table.error(f"missing required column {column!r}", line=1)
        tables[kind] = table

    def plan_and_write() -> ImportReport:
        department = find_department(department_name, department_state)
        job = DepartmentImport(department, tables, force_create=force_create, dry_run=dry_run,
                               user_id=user_id_of(user), progress=progress)
        with cyclic_gc_paused():
            job.run()
        return job.report

    return all_or_nothing(plan_and_write, what=f"department import of {department_name}")
