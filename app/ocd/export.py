"""Writing a department as Open Civic Data JSON.

One directory per department: ``organization_<uuid>.json`` for the department (its job titles
as posts), ``person_<uuid>.json`` per officer and ``membership_<person uuid>_<n>.json`` per
assignment. The output is deterministic (keys sorted, lists in a fixed order, file names from
the OCD ids), so exporting the same data twice gives identical files, here or in another
database the directory was imported into.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Assignment, Department, Officer
from .directory import Problem, schema_problems, type_of_file
from .formats import pseudo_id

# Popolo writes gender as a word; Oversight stores OpenOversight's codes.
GENDER_WORDS = {"M": "male", "F": "female", "Other": "other"}
UII_SCHEME = "unique_internal_identifier"
BADGE_SCHEME = "badge_number"
CLASSIFICATION = "department"
# Popolo requires a name; this is the one written for an officer the database has none for.
UNNAMED = "Unnamed officer"


class ExportError(Exception):
    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems = problems or []


@dataclass
class ExportReport:
    directory: Path
    counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        parts = ", ".join(f"{n} {kind}" for kind, n in self.counts.items())
        return f"Wrote {parts} to {self.directory}"


def _uuid(ocd_id: str) -> str:
    return ocd_id.split("/", 1)[1]


def _badge(star_no: str | None) -> str | None:
    return star_no if star_no and star_no.strip() else None


def organization_json(department: Department, sources: list[dict]) -> dict:
    extras = {"short_name": department.short_name, "state": department.state or ""}
    if department.unique_internal_identifier_label:
        extras["unique_internal_identifier_label"] = department.unique_internal_identifier_label
    units = sorted({unit.description for unit in department.unit_types if unit.description})
    if units:
        extras["units"] = units
    posts = []
    for job in sorted(department.jobs, key=lambda j: (j.order, j.job_title)):
        post_extras = {"order": job.order}
        if job.is_sworn_officer is not None:
            post_extras["is_sworn_officer"] = job.is_sworn_officer
        posts.append({"label": job.job_title, "extras": post_extras})
    organization = {
        "_id": department.ocd_id,
        "name": department.name,
        "classification": CLASSIFICATION,
        "extras": extras,
        "sources": sources,
    }
    if department.division_id:
        organization["division_id"] = department.division_id
    if posts:
        organization["posts"] = posts
    return organization


def person_json(officer: Officer, sources: list[dict]) -> dict:
    person = {
        "_id": officer.ocd_id,
        "name": officer.full_name() or UNNAMED,
        # Always written, even empty, so a reader never has to split ``name``.
        "given_name": officer.first_name or "",
        "family_name": officer.last_name or "",
        "sources": sources,
    }
    if officer.middle_initial:
        person["additional_name"] = officer.middle_initial
    if officer.suffix:
        person["honorific_suffix"] = officer.suffix
    if officer.gender in GENDER_WORDS:
        person["gender"] = GENDER_WORDS[officer.gender]
    if officer.birth_year:
        person["birth_date"] = f"{officer.birth_year:04d}"
    identifiers = []
    if officer.unique_internal_identifier:
        identifiers.append({"scheme": UII_SCHEME, "identifier": officer.unique_internal_identifier})
    badges = {_badge(a.star_no) for a in officer.assignments} - {None}
    identifiers += [{"scheme": BADGE_SCHEME, "identifier": badge} for badge in sorted(badges)]
    if identifiers:
        person["identifiers"] = identifiers
    links = []
    for link in sorted(officer.links, key=lambda l: (l.url, l.title or "")):
        links.append({"url": link.url, **({"note": link.title} if link.title else {})})
    if links:
        person["links"] = links
    extras = {}
    if officer.race:
        extras["race"] = officer.race
    if officer.employment_date:
        extras["employment_date"] = officer.employment_date.isoformat()
    if extras:
        person["extras"] = extras
    return person


def _assignment_order(assignment: Assignment):
    return (
        assignment.start_date or date.min,
        assignment.resign_date or date.max,
        assignment.job.job_title,
        assignment.star_no or "",
        assignment.unit.description if assignment.unit and assignment.unit.description else "",
    )


def membership_json(assignment: Assignment, officer: Officer, department: Department,
                    sources: list[dict]) -> dict:
    membership = {
        "person_id": officer.ocd_id,
        "organization_id": department.ocd_id,
        # Job titles have no ids of their own: the post is named by its label.
        "post_id": pseudo_id(label=assignment.job.job_title),
        "sources": sources,
    }
    if assignment.start_date:
        membership["start_date"] = assignment.start_date.isoformat()
    if assignment.resign_date:
        membership["end_date"] = assignment.resign_date.isoformat()
    extras = {}
    if _badge(assignment.star_no):
        extras["badge_number"] = assignment.star_no
    if assignment.unit and assignment.unit.description:
        extras["unit"] = assignment.unit.description
    if extras:
        membership["extras"] = extras
    return membership


def department_documents(department: Department, source_url: str) -> dict[str, dict]:
    """File name -> JSON object for everything the department's export holds."""
    sources = [{"url": source_url, "note": f"Oversight officer database: {department.display_name}"}]
    documents = {f"organization_{_uuid(department.ocd_id)}.json": organization_json(department, sources)}
    officers = db.session.scalars(
        select(Officer)
        .where(Officer.department_id == department.id)
        .options(
            selectinload(Officer.assignments).joinedload(Assignment.job),
            selectinload(Officer.assignments).joinedload(Assignment.unit),
            selectinload(Officer.links),
        )
    ).all()
    for officer in officers:
        person_uuid = _uuid(officer.ocd_id)
        documents[f"person_{person_uuid}.json"] = person_json(officer, sources)
        for n, assignment in enumerate(sorted(officer.assignments, key=_assignment_order), start=1):
            documents[f"membership_{person_uuid}_{n}.json"] = membership_json(
                assignment, officer, department, sources)
    return documents


def _prepare(directory: Path) -> None:
    """Create ``directory``, or clear the files of a previous export from it. Anything else
    in it is left alone and stops the export: it is not ours to delete."""
    directory.mkdir(parents=True, exist_ok=True)
    entries = sorted(directory.iterdir())
    foreign = [e.name for e in entries if not (e.is_file() and e.suffix == ".json" and type_of_file(e.name))]
    if foreign:
        shown = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
        raise ExportError(f"{directory} holds files that are not an OCD export ({shown}); "
                          "choose an empty directory")
    for entry in entries:
        entry.unlink()


def export_department(department: Department, directory: str | Path, source_url: str) -> ExportReport:
    """Write ``department`` to ``directory``; every object is checked against its schema
    before anything is written."""
    directory = Path(directory)
    documents = department_documents(department, source_url)
    problems = [problem for name, document in documents.items()
                for problem in schema_problems(type_of_file(name), name, document)]
    if problems:
        raise ExportError(f"{department.display_name} cannot be written as valid OCD JSON", problems)
    _prepare(directory)
    for name, document in documents.items():
        text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        (directory / name).write_text(text, encoding="utf-8")
    kinds = [type_of_file(name) for name in documents]
    return ExportReport(directory, {
        "organization": kinds.count("organization"),
        "job titles": len(department.jobs),
        "people": kinds.count("person"),
        "memberships": kinds.count("membership"),
    })
