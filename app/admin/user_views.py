"""Accounts, managed by administrators: roles, a coordinator's department, passwords and
disabling. Nobody can lock themselves out: an administrator cannot disable their own
account, drop their own administrator role or delete themselves."""
from __future__ import annotations

import uuid

from flask import flash
from flask_admin.actions import action
from flask_login import current_user
from wtforms import BooleanField, PasswordField
from wtforms.validators import Length, Optional, Regexp, ValidationError

from ..extensions import db
from ..models import User
from ..models.types import utcnow
from ..services.users import MIN_PASSWORD, find_clash
from .base import DEPARTMENT_PICKER, SecureModelView


def set_disabled(user: User, disabled: bool, by: User) -> None:
    if disabled and user.disabled_at is None:
        user.disabled_at, user.disabled_by = utcnow(), by.id
        user._uuid = str(uuid.uuid4())  # ends the account's open sessions
    elif not disabled:
        user.disabled_at = user.disabled_by = None


class UserView(SecureModelView):
    column_list = ["username", "email", "is_administrator", "is_area_coordinator",
                   "ac_department", "disabled_at", "created_at"]
    column_labels = {"is_administrator": "Administrator", "is_area_coordinator": "Area coordinator",
                     "ac_department": "Coordinates department", "disabled_at": "Disabled"}
    column_searchable_list = ["username", "email"]
    column_filters = ["is_administrator", "is_area_coordinator", "ac_department.name"]
    column_default_sort = "username"
    column_details_list = column_list + ["confirmed_at", "approved_at"]
    column_export_list = ["id", "username", "email", "is_administrator", "is_area_coordinator",
                          "ac_department", "disabled_at", "created_at"]
    form_columns = ["username", "email", "is_administrator", "is_area_coordinator", "ac_department",
                    "new_password", "disabled"]
    form_args = {
        "username": {"validators": [Length(min=2, max=64)]},
        "email": {"validators": [Regexp(r"^[^@\s]+@[^@\s]+$", message="Not an e-mail address"),
                            Length(max=64)]},
        "ac_department": {**DEPARTMENT_PICKER, "label": "Coordinates department"},
    }
    form_extra_fields = {
        "new_password": PasswordField(
            "Password", validators=[Optional(), Length(min=MIN_PASSWORD)],
            description="Leave empty to keep the current password. Changing it signs the user out."),
        "disabled": BooleanField("Disabled", description="A disabled account cannot sign in."),
    }

    def on_form_prefill(self, form, id):
        super().on_form_prefill(form, id)
        form.disabled.data = self.get_one(id).disabled_at is not None

    def on_model_change(self, form, model, is_created):
        if model.is_area_coordinator and model.ac_department is None:
            raise ValidationError("Area coordinators must have a department.")
        if model.id == current_user.id:
            if not model.is_administrator or form.disabled.data:
                raise ValidationError("You cannot remove your own administrator role or disable "
                                      "your own account.")
        model.email = (model.email or "").strip().lower() or None
        with db.session.no_autoflush:  # the new account itself is pending in the session
            clash = find_clash(model.username or "", model.email or "", other_than=model.id)
        if clash is not None:
            raise ValidationError("Another account has this username or e-mail address.")
        if form.new_password.data:
            model.password = form.new_password.data
        elif is_created:
            raise ValidationError("Give the new account a password.")
        set_disabled(model, bool(form.disabled.data), current_user)
        if is_created:
            now = utcnow()
            model.confirmed_at, model.confirmed_by = now, current_user.id
            model.approved_at, model.approved_by = now, current_user.id

    def on_model_delete(self, model):
        if model.id == current_user.id:
            raise ValidationError("You cannot delete your own account.")
        if model.is_administrator:
            raise ValidationError("Administrators cannot be deleted; disable the account instead.")

    def _set_disabled_for(self, ids, disabled: bool) -> None:
        ids = [int(i) for i in ids if str(i).isdigit()]
        users = self.get_query().filter(User.id.in_(ids), User.id != current_user.id).all()
        for user in users:
            set_disabled(user, disabled, current_user)
        db.session.commit()
        flash(f"{len(users)} account(s) {'disabled' if disabled else 'enabled'}.", "success")

    @action("disable", "Disable", "Disable the selected accounts? They will be signed out.")
    def action_disable(self, ids):
        self._set_disabled_for(ids, True)

    @action("enable", "Enable", "Enable the selected accounts?")
    def action_enable(self, ids):
        self._set_disabled_for(ids, False)


def register(admin) -> None:
    admin.add_view(UserView(User, db, category="Accounts", name="Users"))
