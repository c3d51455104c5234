"""Web bulk import: upload → dry-run change report → confirm → commit, through the same
importer code as ``flask bulk-add-officers`` and ``flask advanced-csv-import``.

The uploaded files wait between the dry run and the confirmation under the instance
directory (``IMPORT_UPLOADS_DIR``), in a folder named by a random token and tied to the user who uploaded them; they
are deleted once committed, and abandoned uploads after a day. An area coordinator imports
into their own department only.
"""
from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from pathlib import Path

from flask import current_app, flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from werkzeug.utils import secure_filename
from wtforms import BooleanField, HiddenField, FileField, SelectField, StringField
from wtforms.validators import Optional

from ..extensions import db
from ..models import Department
from . import policy
from .base import BackOfficeForm, BackOfficeView

ADVANCED_FILES = ("officers", "assignments", "salaries", "links", "incidents")
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
ABANDONED_AFTER_SECONDS = 24 * 3600


class UploadForm(BackOfficeForm):
    kind = SelectField("What", choices=[("roster", "Roster CSV (bulk-add-officers)"),
                                        ("advanced", "Advanced import (one CSV per kind)")])
    roster = FileField("Roster CSV")
    officers = FileField("officers.csv")
    assignments = FileField("assignments.csv")
    salaries = FileField("salaries.csv")
    links = FileField("links.csv")
    incidents = FileField("incidents.csv")
    department = SelectField("Department (advanced import)", coerce=int, validators=[Optional()])
    no_create = BooleanField("Only update officers already on file (no-create)")
    update_by_name = BooleanField("Match officers by name when there is no UID or badge (update-by-name)")
    update_static_fields = BooleanField("Also update UID, race, employment date and birth year")


class ConfirmForm(BackOfficeForm):
    token = HiddenField()
    decision = StringField()


def _uploads_root() -> Path:
    return Path(current_app.config.get("IMPORT_UPLOADS_DIR")
                or Path(current_app.instance_path) / "imports")


def _sweep_abandoned(root: Path) -> None:
    if not root.exists():
        return
    cutoff = time.time() - ABANDONED_AFTER_SECONDS
    for folder in root.iterdir():
        if folder.is_dir() and folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)


def _department_choices():
    departments = policy.scope_query(Department.query, Department, current_user).order_by(
        Department.state, Department.name)
    return [(d.id, d.display_name) for d in departments]


def run_import(manifest: dict, folder: Path, *, dry_run: bool):
    """Run the stored upload through the importer; raises the importer's ImportFailed."""
    user = current_user._get_current_object()
    own_department = policy.department_of_user(user)
    if manifest["kind"] == "roster":
        from ..importers.bulk import import_roster

        name = manifest["files"]["roster"]
        with open(folder / "roster.csv", "rb") as stream:
            return import_roster(stream, filename=name, dry_run=dry_run, user=user,
                                 only_department_id=own_department, **manifest["options"])
    from ..importers.advanced import import_department

    department = db.session.get(Department, manifest["department_id"])
    if department is None or not policy.may_see(user, department):
        raise PermissionError("You can only import into your own department.")
    streams = {kind: open(folder / f"{kind}.csv", "rb") for kind in manifest["files"]}
    try:
        return import_department(department.name, department_state=department.state,
                                 dry_run=dry_run, user=user, **streams)
    finally:
        for stream in streams.values():
            stream.close()


class BulkImportView(BackOfficeView):
    coordinators_allowed = True

    def _form(self):
        form = UploadForm()
        form.department.choices = _department_choices()
        return form

    @expose("/", methods=["GET"])
    def index(self):
        return self.render("admin/bulk_import.html", form=self._form(), stage="upload")

    @expose("/preview", methods=["POST"])
    def preview(self):
        form = UploadForm(request.form)
        form.department.choices = _department_choices()
        if not form.validate():
            flash("The form was not accepted: " + "; ".join(
                f"{name}: {', '.join(errors)}" for name, errors in form.errors.items()), "error")
            return redirect(url_for(".index"))
        wanted = ("roster",) if form.kind.data == "roster" else ADVANCED_FILES
        uploads = {kind: request.files.get(kind) for kind in wanted}
        uploads = {kind: f for kind, f in uploads.items() if f is not None and f.filename}
        if not uploads:
            flash("Choose a file to upload.", "error")
            return redirect(url_for(".index"))
        root = _uploads_root()
        _sweep_abandoned(root)
        token = secrets.token_urlsafe(32)
        folder = root / token
        folder.mkdir(parents=True)
        for kind, upload in uploads.items():
            upload.save(folder / f"{kind}.csv")
        manifest = {
            "user_id": current_user.id, "kind": form.kind.data,
            "files": {kind: secure_filename(f.filename) or f"{kind}.csv" for kind, f in uploads.items()},
            "department_id": form.department.data,
            "options": {"no_create": form.no_create.data, "update_by_name": form.update_by_name.data,
                        "update_static_fields": form.update_static_fields.data}
            if form.kind.data == "roster" else {},
        }
        (folder / "manifest.json").write_text(json.dumps(manifest))
        return self._run(manifest, folder, token, dry_run=True)

    @expose("/confirm", methods=["POST"])
    def confirm(self):
        form = ConfirmForm(request.form)
        token = form.token.data or ""
        folder = _uploads_root() / token if TOKEN.match(token) else None
        manifest_file = folder / "manifest.json" if folder else None
        if not form.validate() or manifest_file is None or not manifest_file.exists():
            flash("That upload is no longer waiting; upload the files again.", "error")
            return redirect(url_for(".index"))
        manifest = json.loads(manifest_file.read_text())
        if manifest["user_id"] != current_user.id:
            flash("That upload is no longer waiting; upload the files again.", "error")
            return redirect(url_for(".index"))
        if form.decision.data != "commit":
            shutil.rmtree(folder, ignore_errors=True)
            flash("Import cancelled; nothing was changed.", "info")
            return redirect(url_for(".index"))
        return self._run(manifest, folder, token, dry_run=False)

    def _run(self, manifest, folder, token, *, dry_run):
        from ..importers.errors import ImportFailed

        try:
            report = run_import(manifest, folder, dry_run=dry_run)
        except (ImportFailed, PermissionError) as exc:
            db.session.rollback()
            shutil.rmtree(folder, ignore_errors=True)
            return self.render("admin/bulk_import.html", form=self._form(), stage="failed",
                               error=exc, files=manifest["files"]), 422
        if not dry_run:
            shutil.rmtree(folder, ignore_errors=True)
        return self.render("admin/bulk_import.html", stage="preview" if dry_run else "done",
                           report=report, token=token, files=manifest["files"],
                           confirm_form=ConfirmForm(token=token), form=None)


def register(admin) -> None:
    admin.add_view(BulkImportView(name="Bulk import", category="Police", endpoint="bulkimport"))
