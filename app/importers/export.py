"""``flask export department``: a department's officers, assignments, salaries, incidents
and links as the five files ``advanced-csv-import`` reads, column for column, so that
importing them back changes nothing (and ``--force-create`` mirrors them elsewhere).

Lists of ids name only this department's officers and incidents, as the import reads them.
"""
from __future__ import annotations

import csv
import os
from collections import defaultdict
from datetime import date, time
from pathlib import Path

from sqlalchemy import select

from ..extensions import db
from ..models import (
    Assignment, Department, Incident, Job, LicensePlate, Link, Location, Officer, Salary,
    incident_license_plates, incident_links, officer_incidents, officer_links,
)
from .advanced import ADDRESS_FIELDS, FORMATS, ORDER
from .common import department_incident_ids, department_links, department_officer_ids


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def _ids(values) -> str:
    return "|".join(str(v) for v in sorted(values))


def department_rows(department: Department) -> dict[str, list[dict]]:
    """Every row of the five files, as column -> value, read with one query per table."""
    dept = department.id
    session = db.session
    mine_officers = department_officer_ids(dept)
    mine_incidents = department_incident_ids(dept)
    department_columns = {"department_name": department.name, "department_state": department.state}

    officer_fields = [c for c in FORMATS["officers"].optional if c != "department_state"]
    officers = [{"id": row.id, **department_columns, **{f: getattr(row, f) for f in officer_fields}}
                for row in session.execute(select(Officer.id, *(getattr(Officer, f) for f in officer_fields))
                                           .where(Officer.department_id == dept).order_by(Officer.id))]

    assignments = [dict(row._mapping) for row in session.execute(
        select(Assignment.id, Assignment.officer_id, Job.job_title, Assignment.star_no, Assignment.unit_id,
               Assignment.start_date, Assignment.resign_date)
        .join(Job, Assignment.job_id == Job.id)
        .where(Assignment.officer_id.in_(mine_officers)).order_by(Assignment.id))]

    salaries = [dict(row._mapping) for row in session.execute(
        select(Salary.id, Salary.officer_id, Salary.salary, Salary.year, Salary.overtime_pay,
               Salary.is_fiscal_year)
        .where(Salary.officer_id.in_(mine_officers)).order_by(Salary.id))]

    incident_officers = defaultdict(set)
    for incident_id, officer_id in session.execute(
            select(officer_incidents.c.incident_id, officer_incidents.c.officer_id)
            .where(officer_incidents.c.incident_id.in_(mine_incidents),
                   officer_incidents.c.officer_id.in_(mine_officers))):
        incident_officers[incident_id].add(officer_id)
    incident_plates = defaultdict(list)
    for incident_id, number, state in session.execute(
            select(incident_license_plates.c.incident_id, LicensePlate.number, LicensePlate.state)
            .join(LicensePlate, LicensePlate.id == incident_license_plates.c.license_plate_id)
            .where(incident_license_plates.c.incident_id.in_(mine_incidents))
            .order_by(LicensePlate.number, LicensePlate.state)):
        incident_plates[incident_id].append(f"{number}_{state}" if state else number)
    incidents = []
    for row in session.execute(
            select(Incident.id, Incident.date, Incident.time, Incident.report_number, Incident.description,
                   Incident.created_by, Incident.last_updated_by,
                   *(getattr(Location, f) for f in ADDRESS_FIELDS))
            .outerjoin(Location, Incident.address_id == Location.id)
            .where(Incident.department_id == dept).order_by(Incident.id)):
        values = dict(row._mapping)
        values.update(department_columns)
        values["license_plates"] = "|".join(incident_plates[row.id])
        values["officer_ids"] = _ids(incident_officers[row.id])
        incidents.append(values)

    link_officers, link_incidents = defaultdict(set), defaultdict(set)
    for link_id, officer_id in session.execute(
            select(officer_links.c.link_id, officer_links.c.officer_id)
            .where(officer_links.c.officer_id.in_(mine_officers))):
        link_officers[link_id].add(officer_id)
    for link_id, incident_id in session.execute(
            select(incident_links.c.link_id, incident_links.c.incident_id)
            .where(incident_links.c.incident_id.in_(mine_incidents))):
        link_incidents[link_id].add(incident_id)
    links = []
    for row in session.execute(
            select(Link.id, Link.title, Link.url, Link.link_type, Link.description, Link.author,
                   Link.created_by).where(department_links(dept)).order_by(Link.id)):
        values = dict(row._mapping)
        values["officer_ids"] = _ids(link_officers[row.id])
        values["incident_ids"] = _ids(link_incidents[row.id])
        links.append(values)

    return {"officers": officers, "assignments": assignments, "salaries": salaries,
            "incidents": incidents, "links": links}


def export_department(department: Department, directory: str | os.PathLike) -> dict[str, Path]:
    """Write ``officers.csv``, ``assignments.csv``, ``salaries.csv``, ``incidents.csv`` and
    ``links.csv`` into ``directory`` (created if needed; existing files are replaced).
    Returns each file's path."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = {}
    for kind, rows in department_rows(department).items():
        columns = FORMATS[kind].columns
        path = directory / f"{kind}.csv"
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            writer.writerows([cell(row.get(column)) for column in columns] for row in rows)
        written[kind] = path
    return {kind: written[kind] for kind in ORDER}
