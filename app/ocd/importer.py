"""Loading a directory of Open Civic Data JSON into the officer database.

Organizations become departments (their posts, job titles), people officers, memberships
assignments. The directory is checked in full first; then every object is matched and
written in one transaction, and any problem on the way rolls all of it back: a directory
imports completely or not at all.

Matching, as pupa does it, with names trusted least:

* departments by OCD id, then by name and state;
* officers by OCD id, then by their ``unique_internal_identifier``, then by a badge number
  held in the same department when exactly one officer there holds it, and last (reported)
  by first and last name in the department for people with no unique identifier;
* assignments by officer, job title and start date (then badge number), since memberships
  have no ids of their own.

A matched row is updated only where the JSON says something different, so importing the
same directory twice changes nothing. A field the JSON leaves out is left as it is (a name's
parts count as one field: a part left out is a part the name lacks). Ids are
never re-minted: a new row takes the OCD id it arrives with, a matched row keeps its own.
``sources`` are not stored; a later export cites the site it is made from.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from nameparser import HumanName
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..importers.common import NOT_SURE, chunks
from ..importers.values import BadValue, badge_key, parse_gender, text_for
from ..models import Assignment, Department, Job, Link, Officer, Unit
from ..models.officers import new_ocd_id
from .directory import OcdDirectory, OcdObject, Problem, read_directory
from .export import BADGE_SCHEME, UII_SCHEME, UNNAMED
from .formats import is_pseudo_id, parse_fuzzy_date, parse_pseudo_id
from .ids import division_from_jurisdiction, is_organization_id, is_person_id, state_of_division

# OpenOversight's job title for an assignment whose post nobody recorded.
CHUNK = 2000
# Columns whose length PostgreSQL enforces, checked early so the problem names its file.
NAME_PART = text_for(Officer.__table__.c.first_name)
UII = text_for(Officer.__table__.c.unique_internal_identifier)
LINK_TITLE = text_for(Link.__table__.c.title)

# What the importer reads from each type; anything else is counted as "not stored".
USED = {
    "organization": {"_id", "name", "classification", "division_id", "jurisdiction_id",
                     "posts", "extras", "sources"},
    "post": {"_id", "label", "organization_id", "extras", "sources"},
    "person": {"_id", "name", "sort_name", "given_name", "family_name", "additional_name",
               "honorific_suffix", "gender", "birth_date", "identifiers", "links", "extras",
               "sources"},
    "membership": {"_id", "person_id", "person_name", "organization_id", "post_id", "start_date",
                   "end_date", "extras", "sources"},
}
USED_EXTRAS = {
    "organization": {"short_name", "state", "unique_internal_identifier_label", "units"},
    "post": {"order", "is_sworn_officer"},
    "person": {"race", "employment_date"},
    "membership": {"badge_number", "unit"},
}


class OcdImportError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s); nothing was imported")
        self.problems = problems


@dataclass
class Tally:
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged"


@dataclass
class ImportReport:
    directory: Path
    tallies: dict[str, Tally]
    not_stored: Counter = field(default_factory=Counter)
    notes: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(t.added or t.updated for t in self.tallies.values())

    def lines(self) -> list[str]:
        lines = [f"Imported {self.directory}:"]
        lines += [f"  {kind}: {tally}" for kind, tally in self.tallies.items()]
        if self.not_stored:
            fields = ", ".join(f"{type_} {name} ({n})" for (type_, name), n in sorted(self.not_stored.items()))
            lines.append(f"Not stored (Oversight has no place for them): {fields}")
        if self.skipped:
            lines.append(f"Skipped files of types Oversight does not read: {', '.join(self.skipped)}")
        lines += [f"Note: {note}" for note in self.notes]
        return lines


def import_directory(path: str | Path) -> ImportReport:
    """Import the OCD directory at ``path`` in one transaction; raise OcdImportError listing
    every problem (and import nothing) if it cannot be imported whole."""
    directory = read_directory(path)
    if directory.problems:
        raise OcdImportError(directory.problems)
    for obj in directory.objects:
        obj.data = _without_blanks(obj.data)
    run = _Import(directory)
    try:
        with db.session.no_autoflush:
            run.run()
        if run.problems:
            raise OcdImportError(sorted(run.problems))
        run.write_new_assignments()
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise OcdImportError([Problem(str(path), "database", str(exc.orig).strip())]) from None
    except BaseException:
        db.session.rollback()
        raise
    return run.report()


def _without_blanks(data: dict) -> dict:
    """pupa writes every field, "" or null when nobody knows it: blank means absent."""
    return {key: value for key, value in data.items() if value not in ("", None)}


def _update(row, values: dict) -> bool:
    """Set each changed value on ``row``; unchanged ones are not touched, so an unchanged
    row issues no UPDATE."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def _short_name(name: str) -> str:
    initials = "".join(word[0] for word in name.split() if word[0].isalnum()).upper()
    return (initials or name)[:100]


def name_parts(obj: OcdObject) -> dict[str, str | None]:
    data = obj.data
    if "given_name" in data or "family_name" in data:
        # The name's parts travel together: a part left out is a part the name lacks.
        return {"first_name": data.get("given_name") or None,
                "last_name": data.get("family_name") or None,
                "middle_initial": data.get("additional_name") or None,
                "suffix": data.get("honorific_suffix") or None}
    if data["name"] == UNNAMED:
        return dict.fromkeys(("first_name", "last_name", "middle_initial", "suffix"))
    name = HumanName(data["name"])
    return {"first_name": name.first or None, "last_name": name.last or None,
            "middle_initial": name.middle or None, "suffix": name.suffix or None}


class _Import:
    def __init__(self, directory: OcdDirectory):
        self.dir = directory
        # Asked for once per membership and post: grouped once, not scanned each time.
        self.organizations = directory.of_type("organization")
        self.problems: list[Problem] = []
        self.notes: list[Problem] = []
        self.not_stored: Counter = Counter()
        self.tallies = {kind: Tally() for kind in
                        ("organizations", "job titles", "units", "people", "links", "memberships")}
        self.failed: set[str] = set()                 # _ids of objects that had a problem
        self.departments: dict[str, Department] = {}  # organization _id -> department
        self.jobs: dict[Department, dict[str, Job]] = defaultdict(dict)
        self.units: dict[Department, dict[str, Unit]] = defaultdict(dict)
        self.posts: dict[str, Job] = {}               # post _id -> job
        self.officers: dict[str, Officer] = {}        # person _id -> officer
        self.claimed: dict[object, str] = {}          # matched row -> file that matched it
        self.free_assignments: dict[Officer, list[Assignment]] = {}  # not yet matched
        self.new_assignments: list[dict] = []

    # -- bookkeeping -------------------------------------------------------------------
    def problem(self, obj: OcdObject, where: str, message: str) -> None:
        self.problems.append(Problem(obj.file, where, message))
        if obj.id:
            self.failed.add(obj.id)

    def note(self, obj: OcdObject, where: str, message: str) -> None:
        self.notes.append(Problem(obj.file, where, message))

    def count_unused(self, obj: OcdObject) -> None:
        for name in obj.data.keys() - USED[obj.type]:
            if obj.data[name] not in ([], {}):
                self.not_stored[(obj.type, name)] += 1
        for name in _without_blanks(obj.data.get("extras", {})).keys() - USED_EXTRAS[obj.type]:
            self.not_stored[(obj.type, f"extras.{name}")] += 1

    def claim(self, obj: OcdObject, row) -> bool:
        if row in self.claimed:
            self.problem(obj, "$", f"matches the same database row as {self.claimed[row]}")
            return False
        self.claimed[row] = obj.file
        return True

    def report(self) -> ImportReport:
        return ImportReport(self.dir.path, self.tallies, self.not_stored, self.notes, self.dir.skipped)

    # -- the run -----------------------------------------------------------------------
    def run(self) -> None:
        organizations = self.organizations
        memberships = self.dir.of_type("membership")
        self.load_departments()
        for obj in organizations:
            self.organization(obj)
        self.load_jobs_and_units()
        for obj in organizations:
            if obj.id in self.departments:
                self.organization_parts(obj, self.departments[obj.id])
        for obj in self.dir.of_type("post"):
            self.post(obj)
        membership_departments = [self.organization_ref(obj, "organization_id") for obj in memberships]
        person_departments = defaultdict(set)
        for obj, department in zip(memberships, membership_departments):
            if department is not None:
                person_departments[obj.data["person_id"]].add(department)
        self.load_officers()
        # The one organization may have been refused; its problem is reported at the end.
        sole = next(iter(self.departments.values()), None) if len(organizations) == 1 else None
        for obj in self.dir.of_type("person"):
            self.person(obj, person_departments.get(obj.id, set()), sole)
        for obj, department in zip(memberships, membership_departments):
            self.membership(obj, department)
        self.count_badges_on_no_membership()

    def count_badges_on_no_membership(self) -> None:
        """Oversight keeps a badge number on an assignment; one a person lists that none of
        their memberships carries has nowhere to go."""
        held = defaultdict(set)
        for new in self.new_assignments:
            held[new["officer"]].add(badge_key(new["star_no"]))
        for obj in self.dir.of_type("person"):
            officer = self.officers.get(obj.id)
            if officer is None:
                continue
            held[officer] |= {badge_key(a.star_no) for a in officer.assignments}
            for badge in {badge_key(b) for b in self.identifiers(obj, BADGE_SCHEME)} - held[officer]:
                self.not_stored[("person", "identifiers (badge_number on no membership)")] += 1

    def write_new_assignments(self) -> None:
        """Insert the new assignments in bulk, once everything they refer to has its id:
        they are most of the rows of a large import."""
        db.session.flush()
        rows = [{"officer_id": new["officer"].id, "job_id": new["job"].id,
                 "unit_id": new["unit"].id if new["unit"] is not None else None,
                 "star_no": new["star_no"], "start_date": new["start_date"],
                 "resign_date": new["resign_date"]} for new in self.new_assignments]
        if rows:
            # The table, not the ORM: ORM bulk inserts split rows by which values are NULL.
            db.session.execute(insert(Assignment.__table__), rows)

    # -- loading what already exists, a few set-based queries --------------------------
    def load_departments(self) -> None:
        ocd_ids, names = set(), set()
        for obj in self.dir.of_type("organization"):
            names.add(obj.data["name"])
            if is_organization_id(obj.id):
                ocd_ids.add(obj.id)
        for obj in self.dir.objects:
            value = obj.data.get("organization_id")
            if is_organization_id(value):
                ocd_ids.add(value)
            elif is_pseudo_id(value) and "name" in (fields := parse_pseudo_id(value)):
                names.add(fields["name"])
        found = db.session.scalars(select(Department).where(
            Department.ocd_id.in_(ocd_ids) | Department.name.in_(names))).all()
        self.by_ocd = {d.ocd_id: d for d in found}
        self.by_name = {(d.name, d.state): d for d in found}

    def load_jobs_and_units(self) -> None:
        known = {d.id: d for d in [*self.by_ocd.values(), *self.by_name.values()] if d.id is not None}
        if not known:
            return
        for job in db.session.scalars(select(Job).where(Job.department_id.in_(known))):
            self.jobs[known[job.department_id]][job.job_title] = job
        for unit in db.session.scalars(select(Unit).where(Unit.department_id.in_(known))):
            self.units[known[unit.department_id]].setdefault(unit.description, unit)

    def load_officers(self) -> None:
        people = self.dir.of_type("person")
        with_collections = (selectinload(Officer.assignments), selectinload(Officer.links))
        ocd_ids = {p.id for p in people if is_person_id(p.id)}
        ocd_ids |= {m.data["person_id"] for m in self.dir.of_type("membership")
                    if is_person_id(m.data["person_id"])}
        found = []
        for chunk in chunks(sorted(ocd_ids), CHUNK):
            found += db.session.scalars(select(Officer).where(Officer.ocd_id.in_(chunk))
                                        .options(*with_collections)).all()
        self.by_person_id = {o.ocd_id: o for o in found}
        # Identifiers the officer matched by id already holds need no second look.
        uiis = {uii for p in people for uii in self.identifiers(p, UII_SCHEME)
                if p.id not in self.by_person_id or self.by_person_id[p.id].unique_internal_identifier != uii}
        for chunk in chunks(sorted(uiis), CHUNK):
            found += db.session.scalars(select(Officer).where(Officer.unique_internal_identifier.in_(chunk))
                                        .options(*with_collections)).all()
        self.by_uii = {o.unique_internal_identifier: o for o in found if o.unique_internal_identifier}
        department_ids = [d.id for d in self.departments.values() if d.id is not None]
        # Badge numbers only for people nothing else identifies (badges are reused), compared
        # as the roster import compares them (0042 and 42 are one badge).
        self.by_badge: dict[tuple[int, str], set[Officer]] = defaultdict(set)
        if department_ids and any(p.id not in self.by_person_id and self.identifiers(p, BADGE_SCHEME)
               and not any(u in self.by_uii for u in self.identifiers(p, UII_SCHEME)) for p in people):
            rows = db.session.execute(
                select(Assignment.star_no, Officer).join(Assignment.base_officer)
                .where(Officer.department_id.in_(department_ids), Assignment.star_no.is_not(None))
                .options(*with_collections)).all()
            for star_no, officer in rows:
                self.by_badge[(officer.department_id, badge_key(star_no))].add(officer)
        # Names last of all, for people who arrive with neither an id nor a unique identifier.
        last_names = {name_parts(p)["last_name"] for p in people
                      if p.id not in self.by_person_id and not self.identifiers(p, UII_SCHEME)} - {None}
        self.by_full_name: dict[tuple[int, str, str], set[Officer]] = defaultdict(set)
        for chunk in chunks(sorted(last_names) if department_ids else (), CHUNK):
            for officer in db.session.scalars(
                    select(Officer).where(Officer.department_id.in_(department_ids),
                                          Officer.last_name.in_(chunk)).options(*with_collections)):
                self.by_full_name[(officer.department_id, officer.first_name, officer.last_name)].add(officer)

    # -- organizations, posts, units ---------------------------------------------------
    def organization(self, obj: OcdObject) -> None:
        data, extras = obj.data, obj.data.get("extras", {})
        self.count_unused(obj)
        division = data.get("division_id")
        if division is None and data.get("jurisdiction_id"):
            division = division_from_jurisdiction(data["jurisdiction_id"])
        state = extras["state"] if "state" in extras else state_of_division(division)
        department = self.by_ocd.get(obj.id) if is_organization_id(obj.id) else None
        if department is None:
            department = self.by_name.get((data["name"], state or ""))
        if department is not None and not self.claim(obj, department):
            return
        values = {"name": data["name"]}
        for column, value in (("short_name", extras.get("short_name")), ("state", state),
                              ("division_id", division),
                              ("unique_internal_identifier_label",
                               extras.get("unique_internal_identifier_label"))):
            if value is not None:
                values[column] = value
        if department is None:
            values.setdefault("short_name", _short_name(data["name"]))
            values.setdefault("state", "")
            ocd_id = obj.id if is_organization_id(obj.id) else new_ocd_id("organization")
            department = Department(ocd_id=ocd_id, **values)
            db.session.add(department)
            self.by_name[(department.name, department.state)] = department
            self.claimed[department] = obj.file
            self.tallies["organizations"].added += 1
        else:
            other = self.by_name.get((values["name"], values.get("state", department.state)))
            if other is not None and other is not department:
                self.problem(obj, "$.name", f"another department is already named {values['name']!r} "
                                            f"in {other.state or 'no state'} ({other.ocd_id})")
                return
            if is_organization_id(obj.id) and obj.id != department.ocd_id:
                self.note(obj, "$._id", f"matched {department.ocd_id} by name and state; that id is kept")
            changed = _update(department, values)
            self.tallies["organizations"].updated += changed
            self.tallies["organizations"].unchanged += not changed
        self.departments[obj.id] = department

    def organization_parts(self, obj: OcdObject, department: Department) -> None:
        for index, post in enumerate(obj.data.get("posts", [])):
            for name in _without_blanks(post).keys() - {"label", "extras"}:
                self.not_stored[("organization", f"posts.{name}")] += 1
            self.define_job(department, post["label"], post.get("extras", {}))
        for description in obj.data.get("extras", {}).get("units", []):
            if description in self.units[department]:
                self.tallies["units"].unchanged += 1
            else:
                self.unit(department, description)

    def define_job(self, department: Department, label: str, extras: dict) -> Job:
        job = self.jobs[department].get(label)
        if job is None:
            return self.job(department, label, extras)
        values = {k: extras[k] for k in ("order", "is_sworn_officer") if k in extras}
        changed = _update(job, values)
        self.tallies["job titles"].updated += changed
        self.tallies["job titles"].unchanged += not changed
        return job

    def job(self, department: Department, label: str, extras: dict | None = None) -> Job:
        """The department's job with this title, created if it has none."""
        job = self.jobs[department].get(label)
        if job is None:
            extras = extras or {}
            order = extras.get("order")
            if order is None:
                order = max((j.order for j in self.jobs[department].values()), default=-1) + 1
            job = Job(job_title=label, order=order, department=department,
                      is_sworn_officer=extras.get("is_sworn_officer", True))
            db.session.add(job)
            self.jobs[department][label] = job
            self.tallies["job titles"].added += 1
        return job

    def unit(self, department: Department, description: str) -> Unit:
        unit = self.units[department].get(description)
        if unit is None:
            unit = Unit(description=description, department=department)
            db.session.add(unit)
            self.units[department][description] = unit
            self.tallies["units"].added += 1
        return unit

    def post(self, obj: OcdObject) -> None:
        self.count_unused(obj)
        department = self.organization_ref(obj, "organization_id")
        if department is not None:
            self.posts[obj.id] = self.define_job(department, obj.data["label"], obj.data.get("extras", {}))

    def organization_ref(self, obj: OcdObject, name: str) -> Department | None:
        value = obj.data.get(name)
        if value in self.departments:
            return self.departments[value]
        if value in self.failed:
            return None
        where = f"$.{name}"
        if is_pseudo_id(value):
            fields = parse_pseudo_id(value)
            if fields.keys() - {"name", "classification"}:
                self.problem(obj, where, "organizations are matched by name and classification only")
                return None
            matches = {self.departments[o.id] for o in self.organizations
                       if o.id in self.departments and all(o.data.get(k) == v for k, v in fields.items())}
            if not matches and "name" in fields:
                matches = {d for (n, _), d in self.by_name.items() if n == fields["name"]}
            if len(matches) == 1:
                return matches.pop()
            self.problem(obj, where, f"{value} matches {len(matches)} organizations; it must match one")
            return None
        if value in self.by_ocd:
            return self.by_ocd[value]
        self.problem(obj, where, f"{value} names no organization in this directory or the database")
        return None

    # -- people ------------------------------------------------------------------------
    @staticmethod
    def identifiers(obj: OcdObject, scheme: str) -> list[str]:
        return [i["identifier"] for i in obj.data.get("identifiers", []) if i["scheme"] == scheme]

    def person(self, obj: OcdObject, departments: set[Department], sole: Department | None) -> None:
        data = obj.data
        self.count_unused(obj)
        for ident in data.get("identifiers", []):
            if ident["scheme"] not in (UII_SCHEME, BADGE_SCHEME):
                self.not_stored[("person", f"identifiers ({ident['scheme']})")] += 1
        if len(departments) > 1:
            names = ", ".join(sorted(d.name for d in departments))
            self.problem(obj, "$", f"has memberships in several organizations ({names}); "
                                   "an officer belongs to one department")
            return
        uiis = sorted(set(self.identifiers(obj, UII_SCHEME)))
        if len(uiis) > 1:
            self.problem(obj, "$.identifiers", f"has {len(uiis)} {UII_SCHEME} identifiers; an officer has one")
            return
        uii = uiis[0] if uiis else None
        try:
            uii = uii and UII(uii)
        except BadValue as exc:
            self.problem(obj, "$.identifiers", f"{UII_SCHEME} {uii!r} is {exc}")
            return
        values = self.officer_values(obj)
        if values is None:
            return
        if uii is not None:
            values["unique_internal_identifier"] = uii

        by_id = self.by_person_id.get(obj.id) if is_person_id(obj.id) else None
        by_uii = self.by_uii.get(uii) if uii else None
        if by_id is not None and by_uii is not None and by_id is not by_uii:
            self.problem(obj, "$.identifiers", f"{UII_SCHEME} {uii} belongs to another officer ({by_uii.ocd_id})")
            return
        department = next(iter(departments)) if departments else None
        # Badges and names are only compared within the department the person belongs to.
        home = department or sole
        officer = by_id or by_uii
        if officer is None and home is not None and home.id is not None:
            candidates = {o for badge in self.identifiers(obj, BADGE_SCHEME)
                          for o in self.by_badge.get((home.id, badge_key(badge)), ())
                          if o.unique_internal_identifier in (None, uii)}
            if len(candidates) > 1:
                ids = ", ".join(sorted(o.ocd_id for o in candidates))
                self.problem(obj, "$.identifiers", f"its badge numbers match {len(candidates)} officers "
                                                   f"of {home.name} ({ids})")
                return
            officer = candidates.pop() if candidates else None
        if officer is None and home is not None and uii is None:
            key = (home.id, values["first_name"], values["last_name"])
            namesakes = self.by_full_name.get(key, set())
            if len(namesakes) > 1:
                self.problem(obj, "$.name", f"{len(namesakes)} officers of {home.name} have this "
                                            "name; give an identifier to say which")
                return
            if namesakes:
                officer = next(iter(namesakes))
                self.note(obj, "$.name", f"matched officer {officer.ocd_id} by name alone")
        if department is None:
            department = officer.department if officer is not None else sole
        if department is None:
            self.problem(obj, "$", "has no membership, and the directory holds no single "
                                   "organization to place the officer in")
            return

        if officer is None:
            ocd_id = obj.id if is_person_id(obj.id) else new_ocd_id("person")
            officer = Officer(ocd_id=ocd_id, department=department, **values)
            db.session.add(officer)
            self.claimed[officer] = obj.file
            self.free_assignments[officer] = []
            self.tallies["people"].added += 1
        else:
            if not self.claim(obj, officer):
                return
            if is_person_id(obj.id) and obj.id != officer.ocd_id:
                self.note(obj, "$._id", f"matched officer {officer.ocd_id} by identifier; that id is kept")
            changed = _update(officer, values)
            if department.id is None or officer.department_id != department.id:
                officer.department = department
                changed = True
            self.free_assignments[officer] = list(officer.assignments)
            self.tallies["people"].updated += changed
            self.tallies["people"].unchanged += not changed
        self.officers[obj.id] = officer
        self.links(obj, officer)

    def officer_values(self, obj: OcdObject) -> dict | None:
        data, extras = obj.data, obj.data.get("extras", {})
        values = name_parts(obj)
        try:
            values = {column: part and NAME_PART(part) for column, part in values.items()}
        except BadValue as exc:
            self.problem(obj, "$.name", f"a part of the name is {exc}")
            return None
        if "gender" in data:
            try:
                gender = parse_gender(data["gender"].strip())
            except BadValue as exc:
                self.problem(obj, "$.gender", f"{data['gender']!r} is {exc}")
                return None
            if gender is not None:  # "Not Sure" says nothing
                values["gender"] = gender
        if "birth_date" in data:
            born, precision = parse_fuzzy_date(data["birth_date"])
            values["birth_year"] = born.year
            if precision > 1:
                self.note(obj, "$.birth_date", f"only the year of {data['birth_date']} is kept")
        if "race" in extras:
            values["race"] = extras["race"]
        if "employment_date" in extras:
            values["employment_date"] = date.fromisoformat(extras["employment_date"])
        return values

    def links(self, obj: OcdObject, officer: Officer) -> None:
        existing = {link.url: link for link in officer.links}
        for index, item in enumerate(obj.data.get("links", [])):
            try:
                note = LINK_TITLE(item["note"]) if item.get("note") else None
            except BadValue as exc:
                self.problem(obj, f"$.links[{index}].note", f"is {exc}")
                continue
            link = existing.get(item["url"])
            if link is None:
                link = Link(url=item["url"], title=note)
                officer.links.append(link)
                existing[link.url] = link
                self.tallies["links"].added += 1
            elif note is not None and link.title != note:
                link.title = note
                self.tallies["links"].updated += 1
            else:
                self.tallies["links"].unchanged += 1

    def person_ref(self, obj: OcdObject) -> Officer | None:
        value = obj.data["person_id"]
        if value in self.officers:
            return self.officers[value]
        if value in self.failed:
            return None
        if is_pseudo_id(value):
            self.problem(obj, "$.person_id", "people are referred to by _id or OCD id, not matched by name")
        elif value in self.by_person_id:
            officer = self.by_person_id[value]
            self.free_assignments.setdefault(officer, list(officer.assignments))
            return officer
        else:
            self.problem(obj, "$.person_id", f"{value} names no person in this directory or the database")
        return None

    # -- memberships -------------------------------------------------------------------
    def post_ref(self, obj: OcdObject, department: Department) -> Job | None:
        value = obj.data.get("post_id")
        if value is None:
            return self.job(department, NOT_SURE)
        if value in self.posts:
            job = self.posts[value]
            if self.jobs[department].get(job.job_title) is not job:
                self.problem(obj, "$.post_id", f"post {value} belongs to another organization")
                return None
            return job
        if value in self.failed:
            return None
        if is_pseudo_id(value) and (label := parse_pseudo_id(value).get("label")):
            return self.job(department, label)
        self.problem(obj, "$.post_id", f"{value} names no post in this directory (a pseudo-id "
                                       "needs a label)")
        return None

    def membership_date(self, obj: OcdObject, name: str) -> date | None:
        if name not in obj.data:
            return None
        value, precision = parse_fuzzy_date(obj.data[name])
        if precision < 3:
            self.note(obj, f"$.{name}", f"{obj.data[name]} is stored as {value.isoformat()}")
        return value

    def membership(self, obj: OcdObject, department: Department | None) -> None:
        self.count_unused(obj)
        officer = self.person_ref(obj)
        if officer is None or department is None:
            return
        if officer.department is not department:
            self.problem(obj, "$.organization_id", f"officer {officer.ocd_id} belongs to another department")
            return
        job = self.post_ref(obj, department)
        if job is None:
            return
        extras = obj.data.get("extras", {})
        start, end = self.membership_date(obj, "start_date"), self.membership_date(obj, "end_date")
        badge = extras.get("badge_number")
        unit = self.unit(department, extras["unit"]) if "unit" in extras else None

        free = self.free_assignments[officer]
        same = [a for a in free if job.id is not None and a.job_id == job.id and a.start_date == start]
        exact = [a for a in same if (a.star_no or None) == badge]
        if badge is None:
            exact = exact or same
        else:
            exact = exact or [a for a in same if not a.star_no]
        if not exact:
            self.new_assignments.append({"officer": officer, "job": job, "unit": unit, "star_no": badge,
                                         "start_date": start, "resign_date": end})
            self.tallies["memberships"].added += 1
            return
        assignment = exact[0]
        free.remove(assignment)
        values = {}
        if badge is not None:
            values["star_no"] = badge
        if end is not None:
            values["resign_date"] = end
        changed = _update(assignment, values)
        if unit is not None and (unit.id is None or assignment.unit_id != unit.id):
            assignment.unit = unit
            changed = True
        self.tallies["memberships"].updated += changed
        self.tallies["memberships"].unchanged += not changed
