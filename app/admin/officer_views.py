"""The officer database: departments, job titles, units, officers and everything recorded
about them (assignments, salaries, private notes, public descriptions, links, incidents)."""
from __future__ import annotations

import re

from flask import request, url_for
from flask_admin.contrib.sqla import filters
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload
from wtforms import FloatField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    URL, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError,
)

from ..extensions import db
from ..models import (
    Assignment, Department, Description, Incident, Job, LicensePlate, Link, Location, Note,
    Officer, Salary, Unit,
)
from ..models.officers import (
    DEPARTMENT_STATES, GENDER_CHOICES, LINK_CHOICES, PLACE_STATES, RACE_CHOICES, SUFFIX_CHOICES,
)
from . import policy
from .base import (
    DEPARTMENT_PICKER, JOB_PICKER, UNIT_PICKER, AuditedInlineForm, DepartmentScopedView,
    PerRequestOptions, ScopedAjaxLoader, SecureModelView, scoped_departments,
)
from .search import WordSearchMixin, starts_with

POLICE = "Police"
OFFICER_PICKER = {"fields": ["last_name", "first_name", "unique_internal_identifier"],
                  "order_by": "last_name", "page_size": 20, "placeholder": "Type a last name"}
AUDIT_COLUMNS = ("created_at", "creator", "last_updated_at")
# Flask-Admin adds a blank choice to nullable columns and stores it as NULL; "Not Sure"
# is left out for gender because the gender CHECK admits only M, F and Other.
GENDER_FORM_CHOICES = [c for c in GENDER_CHOICES if c[0] != "Not Sure"]


def _department_options():
    return [(d.id, d.display_name) for d in scoped_departments()]


def _department_filter(column):
    return filters.IntEqualFilter(column, "Department", options=PerRequestOptions(_department_options))


def _link(view_endpoint: str, record_id, text) -> Markup:
    return Markup('<a href="{}">{}</a>').format(url_for(f"{view_endpoint}.details_view", id=record_id), text)


def _officer_formatter(view, context, model, name):
    officer = getattr(model, name)
    return _link("officer", officer.id, officer.full_name()) if officer is not None else ""


def _excerpt(view, context, model, name):
    text = getattr(model, name) or ""
    return text if len(text) <= 120 else text[:117] + "…"


def check_assignment(assignment, officer) -> None:
    """A job title or unit belongs to one department: it must be the officer's."""
    department_id = policy.departments_of(officer).pop() if officer is not None else None
    for label, related in (("job title", assignment.job), ("unit", assignment.unit)):
        if related is not None and related.department_id not in (None, department_id):
            raise ValidationError(
                f"The {label} {related} belongs to another department than the officer.")


class DepartmentView(SecureModelView):
    column_list = ["name", "short_name", "state", "unique_internal_identifier_label", "ocd_id",
                   "division_id"]
    column_searchable_list = ["name", "short_name"]
    column_filters = ["state"]
    column_default_sort = [("state", False), ("name", False)]
    column_labels = {"unique_internal_identifier_label": "UID label", "ocd_id": "OCD id",
                     "division_id": "OCD division"}
    form_columns = ["name", "short_name", "state", "unique_internal_identifier_label",
                    "division_id"]
    form_choices = {"state": [("", "—")] + [(s, s) for s in DEPARTMENT_STATES]}
    column_details_list = column_list + list(AUDIT_COLUMNS)
    edit_template = "admin/edit_with_ocd_id.html"


class JobView(SecureModelView):
    """Job titles (ranks) and their order within a department; order is edited in place."""

    column_list = ["department", "order", "job_title", "is_sworn_officer"]
    column_editable_list = ["order", "job_title", "is_sworn_officer"]
    column_searchable_list = ["job_title"]
    column_filters = [_department_filter(Job.department_id)]
    column_default_sort = [("department_id", False), ("order", False)]
    column_sortable_list = ["order", "job_title", ("department", "department.name")]
    form_columns = ["department", "job_title", "order", "is_sworn_officer"]
    form_args = {"department": DEPARTMENT_PICKER}


class UnitView(DepartmentScopedView):
    column_list = ["department", "description"]
    column_searchable_list = ["description"]
    column_filters = [_department_filter(Unit.department_id)]
    column_default_sort = "description"
    form_columns = ["department", "description"]
    form_args = {"department": DEPARTMENT_PICKER}


class AssignmentInline(AuditedInlineForm):
    form_columns = ["id", "job", "unit", "star_no", "start_date", "resign_date"]
    form_label = "Assignment"
    form_args = {"job": JOB_PICKER, "unit": UNIT_PICKER, "star_no": {"label": "Badge number"}}


# Flask-Admin has no form field for SQLAlchemy's Float: say which one to use.
SALARY_FIELDS = {"salary": FloatField, "overtime_pay": FloatField}
SALARY_ARGS = {"salary": {"validators": [InputRequired(), NumberRange(min=0)]},
               "overtime_pay": {"validators": [Optional(), NumberRange(min=0)]}}


class SalaryInline(AuditedInlineForm):
    form_columns = ["id", "year", "is_fiscal_year", "salary", "overtime_pay"]
    form_label = "Salary"
    form_overrides = SALARY_FIELDS
    form_args = SALARY_ARGS


class NoteInline(AuditedInlineForm):
    form_columns = ["id", "text_contents"]
    form_label = "Private note"
    form_args = {"text_contents": {"label": "Note (seen only by this department's coordinators "
                                            "and administrators)"}}
    form_overrides = {"text_contents": TextAreaField}


class DescriptionInline(AuditedInlineForm):
    form_columns = ["id", "text_contents"]
    form_label = "Public description"
    form_overrides = {"text_contents": TextAreaField}


PLACE_STATE_CHOICES = [("", "—")] + [(state, state) for state in PLACE_STATES]


def _latest_assignment_value(attribute):
    def formatter(view, context, model, name):
        return attribute(model) or ""
    return formatter


class OfficerView(WordSearchMixin, DepartmentScopedView):
    """The officer page: profile, assignments, salaries, notes and descriptions inline;
    links and incidents listed alongside (they are shared, so they have their own pages)."""

    search_hint = "Last or first name (starts with), badge or UID"
    # A hundred thousand officers: no COUNT(*) on every page.
    simple_list_pager = True
    column_list = ["last_name", "first_name", "middle_initial", "suffix", "badge", "job",
                   "department", "unique_internal_identifier", "gender", "race"]
    column_labels = {"unique_internal_identifier": "UID", "middle_initial": "MI", "job": "Job title",
                     "ocd_id": "OCD id", "employment_date": "Employed since"}
    column_formatters = {"badge": _latest_assignment_value(Officer.badge_number),
                         "job": _latest_assignment_value(Officer.job_title)}
    column_sortable_list = ["last_name", "first_name", "unique_internal_identifier",
                            ("department", "department.name")]
    column_default_sort = [("last_name", False), ("first_name", False)]
    column_filters = [_department_filter(Officer.department_id),
                      filters.FilterEqual(Officer.gender, "Gender", options=GENDER_CHOICES[1:]),
                      filters.FilterEqual(Officer.race, "Race", options=RACE_CHOICES),
                      filters.DateBetweenFilter(Officer.employment_date, "Employed")]
    column_export_list = ["id", "ocd_id", "department", "last_name", "first_name",
                          "middle_initial", "suffix", "gender", "race", "employment_date",
                          "birth_year", "unique_internal_identifier", "badge", "job"]
    column_formatters_export = column_formatters
    form_columns = ["department", "first_name", "middle_initial", "last_name", "suffix",
                    "gender", "race", "employment_date", "birth_year",
                    "unique_internal_identifier"]
    form_choices = {"gender": GENDER_FORM_CHOICES, "race": list(RACE_CHOICES),
                    "suffix": list(SUFFIX_CHOICES[1:])}
    form_args = {"department": {**DEPARTMENT_PICKER, "validators": []},
                 "last_name": {"validators": [Length(min=1, max=120)]}}
    inline_models = [AssignmentInline(Assignment), SalaryInline(Salary), NoteInline(Note),
                     DescriptionInline(Description)]
    details_template = "admin/officer_details.html"
    edit_template = "admin/officer_edit.html"

    def search_criterion(self, word):
        return or_(
            starts_with(Officer.last_name, word),
            starts_with(Officer.first_name, word),
            Officer.unique_internal_identifier == word,
            Officer.id.in_(select(Assignment.officer_id).where(Assignment.star_no == word)),
        )

    def get_query(self):
        # The badge and job title columns read the officer's assignments: one query per page.
        return super().get_query().options(
            selectinload(Officer.assignments).selectinload(Assignment.job))

    def on_model_change(self, form, model, is_created):
        if model.department is None:
            raise ValidationError("Choose the officer's department.")
        for assignment in model.assignments:
            check_assignment(assignment, model)
        super().on_model_change(form, model, is_created)


class OfficerChildView(DepartmentScopedView):
    """Assignments, salaries, notes and descriptions on their own lists."""

    simple_list_pager = True
    column_formatters = {"officer": _officer_formatter, "base_officer": _officer_formatter,
                         "text_contents": _excerpt}
    column_labels = {"base_officer": "Officer", "text_contents": "Text", "star_no": "Badge number"}


class AssignmentView(OfficerChildView):
    column_list = ["base_officer", "star_no", "job", "unit", "start_date", "resign_date"]
    column_sortable_list = ["star_no", "start_date", "resign_date"]
    column_default_sort = ("id", True)
    column_searchable_list = ["star_no"]
    form_columns = ["base_officer", "job", "unit", "star_no", "start_date", "resign_date"]
    form_args = {"job": JOB_PICKER, "unit": UNIT_PICKER}
    form_ajax_refs = {"base_officer": ScopedAjaxLoader("base_officer", db, Officer, **OFFICER_PICKER)}

    def on_model_change(self, form, model, is_created):
        check_assignment(model, model.base_officer)
        super().on_model_change(form, model, is_created)


class SalaryView(OfficerChildView):
    column_list = ["officer", "year", "is_fiscal_year", "salary", "overtime_pay"]
    column_sortable_list = ["year", "salary", "overtime_pay"]
    column_default_sort = ("id", True)
    form_columns = ["officer", "year", "is_fiscal_year", "salary", "overtime_pay"]
    form_overrides = SALARY_FIELDS
    form_args = SALARY_ARGS
    form_ajax_refs = {"officer": ScopedAjaxLoader("officer", db, Officer, **OFFICER_PICKER)}


class NoteView(OfficerChildView):
    """Private notes: only the officer's department's coordinators and administrators."""

    column_list = ["officer", "text_contents", "creator", "created_at"]
    column_default_sort = ("created_at", True)
    column_searchable_list = ["text_contents"]
    column_details_list = ["officer", "text_contents"] + list(AUDIT_COLUMNS)
    form_columns = ["officer", "text_contents"]
    form_overrides = {"text_contents": TextAreaField}
    form_ajax_refs = {"officer": ScopedAjaxLoader("officer", db, Officer, **OFFICER_PICKER)}


class DescriptionView(NoteView):
    """Public descriptions shown on an officer's profile (the same picker as notes)."""


class LinkView(DepartmentScopedView):
    preserved_relations = ("officers", "incidents")
    column_list = ["title", "link_type", "url", "author", "has_content_warning"]
    column_searchable_list = ["title", "url", "author"]
    column_filters = ["link_type", "has_content_warning"]
    column_default_sort = ("id", True)
    column_formatters = {"url": lambda v, c, m, n: Markup('<a href="{0}" rel="noopener noreferrer">{0}</a>').format(m.url)}
    column_details_list = ["title", "url", "link_type", "description", "author",
                           "has_content_warning", "officers", "incidents"] + list(AUDIT_COLUMNS)
    form_columns = ["title", "url", "link_type", "description", "author", "has_content_warning",
                    "officers", "incidents"]
    form_choices = {"link_type": list(LINK_CHOICES[1:])}
    form_args = {"url": {"validators": [URL(require_tld=False, message="Not a valid URL"),
                                        Regexp(r"^https?://", message="Use an http or https URL")]},
                 "title": {"validators": [Length(max=100)]}}
    form_overrides = {"description": TextAreaField}
    form_ajax_refs = {
        "officers": ScopedAjaxLoader("officers", db, Officer, **OFFICER_PICKER),
        "incidents": ScopedAjaxLoader("incidents", db, Incident, fields=["report_number", "description"],
                                      page_size=20, placeholder="Type a report number"),
    }

    def create_form(self, obj=None):
        form = super().create_form(obj)
        _preselect_officer(form, request.args.get("officer_id"))
        return form


class IncidentView(DepartmentScopedView):
    """An incident: when, where, report number, plates, and the officers involved."""

    preserved_relations = ("officers", "links")
    column_list = ["date", "time", "report_number", "department", "address", "officers"]
    column_searchable_list = ["report_number", "description"]
    column_filters = [_department_filter(Incident.department_id),
                      filters.DateBetweenFilter(Incident.date, "Date")]
    column_default_sort = [("date", True), ("time", True)]
    column_sortable_list = ["date", "time", "report_number"]
    column_formatters = {"officers": lambda v, c, m, n: ", ".join(o.full_name() for o in m.officers)}
    column_details_list = ["date", "time", "report_number", "department", "description",
                           "address", "license_plates", "officers", "links", "creator",
                           "created_at", "last_updated_at"]
    form_columns = ["department", "date", "time", "report_number", "description", "street_name",
                    "cross_street1", "cross_street2", "city", "state", "zip_code", "plates",
                    "officers", "links"]
    form_args = {"department": {**DEPARTMENT_PICKER, "validators": []}}
    form_overrides = {"description": TextAreaField}
    form_extra_fields = {
        "street_name": StringField("Street", validators=[Optional(), Length(max=100)]),
        "cross_street1": StringField("Cross street", validators=[Optional(), Length(max=100)]),
        "cross_street2": StringField("Second cross street", validators=[Optional(), Length(max=100)]),
        "city": StringField("City", validators=[Optional(), Length(max=100)]),
        "state": SelectField("State", choices=PLACE_STATE_CHOICES,
                             validators=[Optional()]),
        "zip_code": StringField("ZIP code", validators=[Optional(), Regexp(r"^\d{5}$", message="Five digits")]),
        "plates": StringField("License plates",
                              description="Number and state, separated by commas: ABC1234 IL, XYZ987 MS",
                              validators=[Optional()]),
    }
    form_ajax_refs = {
        "officers": ScopedAjaxLoader("officers", db, Officer, **OFFICER_PICKER),
        "links": ScopedAjaxLoader("links", db, Link, fields=["title", "url"], page_size=20,
                                  placeholder="Type a link title"),
    }
    ADDRESS_FIELDS = ("street_name", "cross_street1", "cross_street2", "city", "state", "zip_code")

    def create_form(self, obj=None):
        form = super().create_form(obj)
        _preselect_officer(form, request.args.get("officer_id"))
        return form

    def on_form_prefill(self, form, id):
        super().on_form_prefill(form, id)
        # Already loaded (and scope-checked) by the edit view: from the session, no query.
        incident = db.session.get(Incident, int(id))
        if incident.address is not None:
            for name in self.ADDRESS_FIELDS:
                getattr(form, name).data = getattr(incident.address, name) or ""
        form.plates.data = ", ".join(
            f"{p.number} {p.state}".strip() for p in incident.license_plates)

    def on_model_change(self, form, model, is_created):
        if model.department is None:
            raise ValidationError("Choose the incident's department.")
        self._save_address(form, model)
        model.license_plates = _plates_from_text(form.plates.data or "", model.license_plates)
        super().on_model_change(form, model, is_created)

    def _save_address(self, form, incident):
        values = {name: (getattr(form, name).data or "").strip() or None for name in self.ADDRESS_FIELDS}
        if not any(values.values()):
            incident.address = None
            return
        address = incident.address
        current = {name: getattr(address, name) for name in self.ADDRESS_FIELDS} if address else None
        if current == values:
            return
        shared = address is not None and address.id is not None and db.session.scalar(
            select(func.count()).select_from(Incident).where(Incident.address_id == address.id)) > 1
        if address is None or shared:  # never rewrite a place another incident points at
            address = Location()
            incident.address = address
        for name, value in values.items():
            setattr(address, name, value)


PLATE = re.compile(r"^([A-Za-z0-9-]{1,8})(?:\s+([A-Za-z]{2}))?$")


def _plates_from_text(text: str, existing) -> list:
    wanted = []
    for token in filter(None, (t.strip() for t in re.split(r"[,;\n]", text))):
        match = PLATE.match(token)
        if not match:
            raise ValidationError(f"License plate {token!r}: write the number (up to 8 characters) "
                                  f"and optionally the state, e.g. ABC1234 IL")
        number, state = match.group(1).upper(), (match.group(2) or "").upper() or None
        if state is not None and state not in PLACE_STATES:
            raise ValidationError(f"License plate {token!r}: {state} is not a US state")
        wanted.append((number, state))
    kept = {(p.number, p.state): p for p in existing}
    return [kept.get(key) or LicensePlate(number=key[0], state=key[1]) for key in dict.fromkeys(wanted)]


def _preselect_officer(form, officer_id) -> None:
    """"Add link" / "Add incident" from an officer's page starts with that officer."""
    if not officer_id or not officer_id.isdigit() or request.method != "GET":
        return
    officer = policy.scope_query(Officer.query, Officer, current_user).filter(
        Officer.id == int(officer_id)).one_or_none()
    if officer is not None:
        form.officers.data = [officer]
        if hasattr(form, "department") and officer.department is not None:
            form.department.data = officer.department


class LocationView(SecureModelView):
    column_list = ["street_name", "cross_street1", "cross_street2", "city", "state", "zip_code"]
    column_searchable_list = ["street_name", "city", "zip_code"]
    column_filters = ["state", "city"]
    form_choices = {"state": PLACE_STATE_CHOICES}


class LicensePlateView(SecureModelView):
    column_list = ["number", "state"]
    column_searchable_list = ["number"]
    column_filters = ["state"]
    form_choices = {"state": PLACE_STATE_CHOICES}


def register(admin) -> None:
    admin.add_view(OfficerView(Officer, db, category=POLICE, name="Officers"))
    admin.add_view(IncidentView(Incident, db, category=POLICE, name="Incidents"))
    admin.add_view(LinkView(Link, db, category=POLICE, name="Links & videos"))
    admin.add_view(AssignmentView(Assignment, db, category=POLICE, name="Assignments"))
    admin.add_view(SalaryView(Salary, db, category=POLICE, name="Salaries"))
    admin.add_view(NoteView(Note, db, category=POLICE, name="Private notes"))
    admin.add_view(DescriptionView(Description, db, category=POLICE, name="Descriptions",
                                   endpoint="description"))
    admin.add_view(UnitView(Unit, db, category=POLICE, name="Units"))
    admin.add_view(JobView(Job, db, category=POLICE, name="Job titles"))
    admin.add_view(DepartmentView(Department, db, category=POLICE, name="Departments"))
    admin.add_view(LocationView(Location, db, category=POLICE, name="Locations"))
    admin.add_view(LicensePlateView(LicensePlate, db, category=POLICE, name="License plates"))

