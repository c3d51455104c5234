"""The view classes every back-office page is built from: sign-in required, CSRF on every
form and batch action, audit columns stamped with the signed-in user, and department scoping
for area coordinators on every path Flask-Admin has (list, count, details, edit, delete,
export, batch actions, relation pickers, ajax lookups and inline forms)."""
from __future__ import annotations

from flask import abort, g, redirect, request, url_for
from flask_admin import BaseView
from flask_admin.actions import action
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.ajax import QueryAjaxModelLoader
from flask_admin.form import BaseForm, SecureForm
from flask_admin.model.fields import AjaxSelectMultipleField
from flask_admin.model.form import InlineFormAdmin
from flask_login import current_user
from markupsafe import Markup
from wtforms.validators import ValidationError

from ..extensions import db
from ..models import Department, Job, Unit
from . import policy


class _OwnHiddenFields:
    """Flask-Admin's form template adds Flask-WTF's global ``csrf_token()`` to any form
    without ``hidden_tag``; next to SecureForm's own token the request would carry two, and
    the wrong one first. With ``hidden_tag`` only the form's own hidden fields are written."""

    def hidden_tag(self, *fields):
        return Markup("".join(str(field) for field in self
                              if getattr(field.widget, "input_type", None) == "hidden"))


class BackOfficeForm(_OwnHiddenFields, SecureForm):
    """Every back-office form: CSRF-protected by Flask-Admin's SecureForm."""


class InlineRowForm(_OwnHiddenFields, BaseForm):
    """An inline row; the parent form's token covers it."""


class PerRequestOptions:
    """Choices for a list filter, computed each time the list is shown and for the signed-in
    user (given a callable, Flask-Admin would call it once, at start-up, outside any request)."""

    def __init__(self, factory):
        self.factory = factory

    def __bool__(self):
        return True

    def __iter__(self):
        return iter(self.factory())


def _stamp_audit(model, is_created: bool) -> None:
    if hasattr(model, "last_updated_by"):
        model.last_updated_by = current_user.id
        if is_created:
            model.created_by = current_user.id


def refuse_or_login():
    if current_user.is_authenticated:
        abort(403)
    return redirect(url_for("auth.login", next=request.full_path))


class BackOfficeView(BaseView):
    """A hand-written page (dashboard, queues, import): administrators only by default."""

    coordinators_allowed = False

    def is_accessible(self):
        if self.coordinators_allowed:
            return policy.may_enter_back_office(current_user)
        return policy.is_admin(current_user)

    def inaccessible_callback(self, name, **kwargs):
        return refuse_or_login()


class SecureModelView(ModelView):
    """Administrators only; CSRF on create/edit/delete and batch actions; audit stamps."""

    form_base_class = BackOfficeForm
    can_view_details = True
    can_export = True
    export_types = ["csv"]
    page_size = 20
    can_set_page_size = True

    def is_accessible(self):
        return policy.is_admin(current_user)

    def inaccessible_callback(self, name, **kwargs):
        return refuse_or_login()

    def on_model_change(self, form, model, is_created):
        _stamp_audit(model, is_created)

    @action("delete", "Delete", "Are you sure you want to delete the selected records?")
    def action_delete(self, ids):
        # Row ids arrive as text, and PostgreSQL will not compare text with an integer key.
        super().action_delete([int(i) for i in ids if str(i).isdigit()])


class ScopedAjaxLoader(QueryAjaxModelLoader):
    """An ajax relation picker that offers, and accepts, only what the user may see."""

    def get_query(self):
        return policy.scope_query(super().get_query(), self.model, current_user)

    def get_one(self, pk):
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            return None
        with db.session.no_autoflush:
            return self.get_query().filter(self.model.id == pk).one_or_none()


def scoped_departments():
    return policy.scope_query(Department.query, Department, current_user).order_by(
        Department.state, Department.name)


def scoped_jobs():
    query = Job.query.join(Job.department, isouter=True).options(db.contains_eager(Job.department))
    return policy.scope_query(query, Job, current_user).order_by(
        Department.name, Job.order, Job.job_title)


def scoped_units():
    query = Unit.query.join(Unit.department, isouter=True).options(db.contains_eager(Unit.department))
    return policy.scope_query(query, Unit, current_user).order_by(Department.name, Unit.description)


def label_with_department(obj) -> str:
    """Administrators pick among every department's jobs and units: say whose each is."""
    if obj.department is not None and policy.is_admin(current_user):
        return f"{obj} ({obj.department.short_name})"
    return str(obj)


# Relation pickers for forms; the choices are computed per request, for the signed-in user.
DEPARTMENT_PICKER = {"query_factory": scoped_departments}
JOB_PICKER = {"query_factory": scoped_jobs, "get_label": label_with_department}
UNIT_PICKER = {"query_factory": scoped_units, "get_label": label_with_department,
               "allow_blank": True, "blank_text": "(no unit)"}


class AuditedInlineForm(InlineFormAdmin):
    """An inline child (assignment, salary, note, ...) on a parent's page: stamped, and
    scoped by its parent (the parent form only ever holds a record the user may change).
    The parent's SecureForm token covers the whole submission, inline rows included."""

    form_base_class = InlineRowForm

    def on_model_change(self, form, model, is_created):
        _stamp_audit(model, is_created)


class DepartmentScopedView(SecureModelView):
    """Administrators see everything; an area coordinator only their department's records.

    Members of many-to-many relations listed in ``preserved_relations`` that belong to
    another department are invisible to a coordinator; when the coordinator saves, they are
    kept as they were rather than silently dropped.
    """

    preserved_relations: tuple[str, ...] = ()

    def is_accessible(self):
        return policy.may_enter_back_office(current_user)

    def _scope(self, query):
        return policy.scope_query(query, self.model, current_user)

    def get_query(self):
        return self._scope(super().get_query())

    def get_count_query(self):
        return self._scope(super().get_count_query())

    def get_one(self, id):
        # Flask-Admin's default looks the id up with session.get(), past get_query.
        try:
            pk = int(id)
        except (TypeError, ValueError):
            return None
        return self.get_query().filter(self.model.id == pk).one_or_none()

    def validate_form(self, form):
        # Multi-select pickers resolve their ids lazily, after validation has looked for ids
        # that did not resolve; an id the user may not pick would be dropped silently rather
        # than refused. Resolving them first makes such a submission invalid.
        for field in form:
            if isinstance(field, AjaxSelectMultipleField):
                field.data  # noqa: B018 (evaluated for its effect)
        return super().validate_form(form)

    # ---- saving ---------------------------------------------------------------------
    def _foreign_members(self, model):
        if policy.is_admin(current_user):
            return {}
        return {name: [m for m in getattr(model, name) if not policy.may_see(current_user, m)]
                for name in self.preserved_relations}

    def on_form_prefill(self, form, id):
        super().on_form_prefill(form, id)
        if policy.is_admin(current_user):
            return
        for name in self.preserved_relations:
            field = getattr(form, name, None)
            if field is not None and field.data:
                field.data = [m for m in field.data if policy.may_see(current_user, m)]

    def update_model(self, form, model):
        # Per request (views are shared between threads): restored in on_model_change.
        with db.session.no_autoflush:
            g.kept_foreign_members = self._foreign_members(model)
        return super().update_model(form, model)

    def on_model_change(self, form, model, is_created):
        for name, members in g.pop("kept_foreign_members", {}).items():
            current = getattr(model, name)
            current.extend(m for m in members if m not in current)
        allowed = (policy.may_create if is_created else policy.may_change)(current_user, model)
        if not allowed:
            raise ValidationError("You can only change records of your own department.")
        super().on_model_change(form, model, is_created)

    def on_model_delete(self, model):
        if not policy.may_delete(current_user, model):
            raise ValidationError(
                "This record is shared with another department; only an administrator can delete it.")

