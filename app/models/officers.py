"""The officer database, named as OpenOversight names it so data moves between the two
with plain SQL or CSV. Deletes cascade in the database (``ON DELETE CASCADE``), not the ORM."""
from __future__ import annotations

import re
import uuid
from datetime import date

from sqlalchemy import (
    Boolean, CheckConstraint, Column, Date, Float, ForeignKey, Index, Integer, String, Table,
    Text, Time, UniqueConstraint, func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..extensions import db
from .mixins import TrackUpdates
from .types import UTCDateTime, utcnow

US_STATES = (
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ "
    "NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY"
).split()
# Places (incident locations, license plates) may also be in DC; departments may further be
# a federal agency ("FA"), as OpenOversight's forms allow.
PLACE_STATES = (*US_STATES, "DC")
DEPARTMENT_STATES = (*PLACE_STATES, "FA")

GENDER_CHOICES = (("Not Sure", "Not Sure"), ("M", "Male"), ("F", "Female"), ("Other", "Other"))
RACE_CHOICES = (
    ("BLACK", "Black"), ("WHITE", "White"), ("ASIAN", "Asian"), ("HISPANIC", "Hispanic"),
    ("NATIVE AMERICAN", "Native American"), ("PACIFIC ISLANDER", "Pacific Islander"),
    ("Other", "Other"), ("Not Sure", "Not Sure"),
)
SUFFIX_CHOICES = (("", "-"), ("Jr", "Jr"), ("Sr", "Sr"), ("II", "II"), ("III", "III"),
                  ("IV", "IV"), ("V", "V"))
LINK_CHOICES = (("", ""), ("link", "Link"), ("video", "YouTube Video"), ("other_video", "Other Video"))


def new_ocd_id(kind: str) -> str:
    return f"ocd-{kind}/{uuid.uuid4()}"


def _association(name: str, left: tuple[str, str], right: tuple[str, str]) -> Table:
    return Table(
        name,
        db.metadata,
        Column(left[0], Integer, ForeignKey(left[1], ondelete="CASCADE"), primary_key=True),
        # The primary key serves lookups from the left; this index those from the right.
        Column(right[0], Integer, ForeignKey(right[1], ondelete="CASCADE"), primary_key=True,
               index=True),
        Column("created_at", UTCDateTime, nullable=False, default=utcnow, server_default=func.now()),
    )


officer_links = _association("officer_links", ("officer_id", "officers.id"), ("link_id", "links.id"))
officer_incidents = _association(
    "officer_incidents", ("officer_id", "officers.id"), ("incident_id", "incidents.id")
)
incident_links = _association("incident_links", ("incident_id", "incidents.id"), ("link_id", "links.id"))
incident_license_plates = _association(
    "incident_license_plates", ("incident_id", "incidents.id"), ("license_plate_id", "license_plates.id")
)


class Department(TrackUpdates, db.Model):
    __tablename__ = "departments"
    __table_args__ = (UniqueConstraint("name", "state", name="departments_name_state"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    short_name: Mapped[str] = mapped_column(String(100), nullable=False)
    state: Mapped[str] = mapped_column(String(2), nullable=False, server_default="", default="")
    unique_internal_identifier_label: Mapped[str | None] = mapped_column(String(100))
    # Open Civic Data: minted once, never changed.
    ocd_id: Mapped[str] = mapped_column(
        String(80), unique=True, nullable=False, default=lambda: new_ocd_id("organization")
    )
    division_id: Mapped[str | None] = mapped_column(String(200))

    jobs = relationship("Job", back_populates="department", order_by="Job.order",
                        passive_deletes=True)
    officers = relationship("Officer", back_populates="department", passive_deletes=True)
    unit_types = relationship("Unit", back_populates="department", order_by="Unit.description",
                              passive_deletes=True)
    incidents = relationship("Incident", back_populates="department", passive_deletes=True)
    coordinators = relationship("User", foreign_keys="User.ac_department_id",
                                back_populates="ac_department")

    @property
    def display_name(self) -> str:
        return f"[{self.state}] {self.name}" if self.state else self.name

    def __repr__(self) -> str:
        return f"<Department ID {self.id}: {self.name} {self.state}>"

    def __str__(self) -> str:
        return self.display_name


class Job(TrackUpdates, db.Model):
    __tablename__ = "jobs"
    __table_args__ = (
        UniqueConstraint("job_title", "department_id", name="unique_department_job_titles"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_title: Mapped[str] = mapped_column(String(255), nullable=False, index=True)
    is_sworn_officer: Mapped[bool | None] = mapped_column(Boolean, default=True, index=True)
    order: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), index=True
    )

    department = relationship("Department", back_populates="jobs")

    def __repr__(self) -> str:
        return f"<Job ID {self.id}: {self.job_title}>"

    def __str__(self) -> str:
        return self.job_title


class Unit(TrackUpdates, db.Model):
    __tablename__ = "unit_types"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    description: Mapped[str | None] = mapped_column(String(120), index=True)
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), index=True
    )

    department = relationship("Department", back_populates="unit_types")

    def __repr__(self) -> str:
        return f"Unit: {self.description}"

    def __str__(self) -> str:
        return self.description or ""


class Officer(TrackUpdates, db.Model):
    __tablename__ = "officers"
    __table_args__ = (
        CheckConstraint("gender IN ('M', 'F', 'Other')", name="gender_options"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_name: Mapped[str | None] = mapped_column(String(120), index=True)
    first_name: Mapped[str | None] = mapped_column(String(120), index=True)
    middle_initial: Mapped[str | None] = mapped_column(String(120))
    suffix: Mapped[str | None] = mapped_column(String(120), index=True)
    race: Mapped[str | None] = mapped_column(String(120), index=True)
    gender: Mapped[str | None] = mapped_column(String(5), index=True)
    employment_date: Mapped[date | None] = mapped_column(Date)
    birth_year: Mapped[int | None] = mapped_column(Integer)
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), index=True
    )
    unique_internal_identifier: Mapped[str | None] = mapped_column(String(50), unique=True, index=True)
    ocd_id: Mapped[str] = mapped_column(
        String(80), unique=True, nullable=False, default=lambda: new_ocd_id("person")
    )

    department = relationship("Department", back_populates="officers")
    assignments = relationship("Assignment", back_populates="base_officer", passive_deletes=True,
                               order_by="Assignment.start_date")
    salaries = relationship("Salary", back_populates="officer", passive_deletes=True,
                            order_by="Salary.year.desc()")
    notes = relationship("Note", back_populates="officer", passive_deletes=True,
                         order_by="Note.created_at")
    descriptions = relationship("Description", back_populates="officer", passive_deletes=True,
                                order_by="Description.created_at")
    links = relationship("Link", secondary=officer_links, back_populates="officers",
                         passive_deletes=True)
    incidents = relationship("Incident", secondary=officer_incidents, back_populates="officers",
                             passive_deletes=True,
                             order_by="(Incident.date.desc(), Incident.time.desc())")

    def full_name(self) -> str:
        parts = [self.first_name or ""]
        if self.middle_initial:
            parts.append(f"{self.middle_initial}." if len(self.middle_initial) == 1 else self.middle_initial)
        parts.append(self.last_name or "")
        if self.suffix:
            parts.append(self.suffix)
        return " ".join(p for p in parts if p)

    def _latest_assignment(self):
        if not self.assignments:
            return None
        return max(self.assignments, key=lambda a: a.start_date or date.min)

    def job_title(self):
        latest = self._latest_assignment()
        return latest.job.job_title if latest and latest.job else None

    def unit_description(self):
        latest = self._latest_assignment()
        return latest.unit.description if latest and latest.unit else None

    def badge_number(self):
        latest = self._latest_assignment()
        return latest.star_no if latest else None

    def currently_on_force(self) -> str:
        latest = self._latest_assignment()
        if latest is None:
            return "Uncertain"
        return "No" if latest.resign_date else "Yes"

    def __repr__(self) -> str:
        if self.unique_internal_identifier:
            return f"<Officer ID {self.id}: {self.full_name()} ({self.unique_internal_identifier})>"
        return f"<Officer ID {self.id}: {self.full_name()}>"

    def __str__(self) -> str:
        return self.full_name()


# Name search in the back office is by prefix of the lower-cased name (see app/admin/search.py).
Index("ix_officers_lower_last_name", func.lower(Officer.last_name))
Index("ix_officers_lower_first_name", func.lower(Officer.first_name))


class Assignment(TrackUpdates, db.Model):
    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    officer_id: Mapped[int | None] = mapped_column(
        ForeignKey("officers.id", ondelete="CASCADE"), index=True
    )
    star_no: Mapped[str | None] = mapped_column(String(120), index=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), nullable=False, index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit_types.id", ondelete="SET NULL"))
    start_date: Mapped[date | None] = mapped_column(Date, index=True)
    resign_date: Mapped[date | None] = mapped_column(Date, index=True)

    base_officer = relationship("Officer", back_populates="assignments")
    job = relationship("Job")
    unit = relationship("Unit")

    @property
    def start_date_or_min(self) -> date:
        return self.start_date or date.min

    def __repr__(self) -> str:
        return f"<Assignment: ID {self.officer_id} : {self.star_no}>"


class Salary(TrackUpdates, db.Model):
    __tablename__ = "salaries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    officer_id: Mapped[int | None] = mapped_column(
        ForeignKey("officers.id", ondelete="CASCADE"), index=True
    )
    salary: Mapped[float] = mapped_column(Float, nullable=False)
    overtime_pay: Mapped[float | None] = mapped_column(Float)
    year: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    is_fiscal_year: Mapped[bool] = mapped_column(Boolean, nullable=False)

    officer = relationship("Officer", back_populates="salaries")

    @property
    def total_pay(self) -> float:
        return self.salary + (self.overtime_pay or 0)

    @property
    def year_repr(self) -> str:
        return f"FY{self.year}" if self.is_fiscal_year else str(self.year)

    def __repr__(self) -> str:
        # OpenOversight's format, unbalanced bracket included: its tests compare the string.
        return f"<Salary: ID {self.officer_id} : {self.salary}"


class Note(TrackUpdates, db.Model):
    """Private: visible to the department's coordinators and to administrators only."""

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text_contents: Mapped[str | None] = mapped_column(Text)
    officer_id: Mapped[int | None] = mapped_column(
        ForeignKey("officers.id", ondelete="CASCADE"), index=True
    )

    officer = relationship("Officer", back_populates="notes")

    def __repr__(self) -> str:
        return f"<Note ID {self.id}: officer {self.officer_id}>"


class Description(TrackUpdates, db.Model):
    """Public: a short description shown on the officer's profile."""

    __tablename__ = "descriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text_contents: Mapped[str | None] = mapped_column(Text)
    officer_id: Mapped[int | None] = mapped_column(
        ForeignKey("officers.id", ondelete="CASCADE"), index=True
    )

    officer = relationship("Officer", back_populates="descriptions")

    def __repr__(self) -> str:
        return f"<Description ID {self.id}: officer {self.officer_id}>"


class Link(TrackUpdates, db.Model):
    __tablename__ = "links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str | None] = mapped_column(String(100), index=True)
    url: Mapped[str] = mapped_column(Text, nullable=False)
    link_type: Mapped[str | None] = mapped_column(String(100), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(255))
    has_content_warning: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False,
                                                      server_default="0")

    officers = relationship("Officer", secondary=officer_links, back_populates="links",
                            passive_deletes=True)
    incidents = relationship("Incident", secondary=incident_links, back_populates="links",
                             passive_deletes=True)

    @validates("url")
    def validate_url(self, key, url):
        if not url or not re.match(r"^https?://[^\s/]+", url):
            raise ValueError("Not a valid URL")
        return url

    def __repr__(self) -> str:
        return f"<Link ID {self.id}: {self.title}>"

    def __str__(self) -> str:
        return self.title or self.url


def _validate_state(value):
    if value in (None, ""):
        return None
    if value not in PLACE_STATES:
        raise ValueError("Not a valid US state")
    return value


class Location(TrackUpdates, db.Model):
    __tablename__ = "locations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    street_name: Mapped[str | None] = mapped_column(String(100), index=True)
    cross_street1: Mapped[str | None] = mapped_column(String(100))
    cross_street2: Mapped[str | None] = mapped_column(String(100))
    city: Mapped[str | None] = mapped_column(String(100), index=True)
    state: Mapped[str | None] = mapped_column(String(2), index=True)
    zip_code: Mapped[str | None] = mapped_column(String(5), index=True)

    @validates("zip_code")
    def validate_zip_code(self, key, zip_code):
        if not zip_code:
            return None
        if not re.fullmatch(r"\d{5}", zip_code):
            raise ValueError("Not a valid zip code")
        return zip_code

    @validates("state")
    def validate_state(self, key, state):
        return _validate_state(state)

    def __repr__(self) -> str:
        place = f"{self.city} {self.state}"
        if self.cross_street1 and self.cross_street2:
            return (f"Intersection of {self.street_name} between {self.cross_street1} "
                    f"and {self.cross_street2}, {place}")
        if self.cross_street1 or self.cross_street2:
            return f"Intersection of {self.street_name} and {self.cross_street1 or self.cross_street2}, {place}"
        return place

    __str__ = __repr__


class LicensePlate(TrackUpdates, db.Model):
    __tablename__ = "license_plates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(8), nullable=False, index=True)
    state: Mapped[str | None] = mapped_column(String(2), index=True)

    @validates("state")
    def validate_state(self, key, state):
        return _validate_state(state)

    def __repr__(self) -> str:
        return f"<LicensePlate {self.number} {self.state or ''}>"

    def __str__(self) -> str:
        return f"{self.number} ({self.state})" if self.state else self.number


class Incident(TrackUpdates, db.Model):
    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    date = mapped_column(Date, index=True)
    time = mapped_column(Time, index=True)
    report_number: Mapped[str | None] = mapped_column(String(50), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    address_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id", ondelete="SET NULL"))
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), index=True
    )

    address = relationship("Location")
    department = relationship("Department", back_populates="incidents")
    license_plates = relationship("LicensePlate", secondary=incident_license_plates,
                                  passive_deletes=True)
    links = relationship("Link", secondary=incident_links, back_populates="incidents",
                         passive_deletes=True)
    officers = relationship("Officer", secondary=officer_incidents, back_populates="incidents",
                            passive_deletes=True)

    def __repr__(self) -> str:
        return f"<Incident ID {self.id}: {self.report_number}>"

    def __str__(self) -> str:
        return f"{self.date or ''} {self.report_number or ''}".strip() or f"Incident {self.id}"
