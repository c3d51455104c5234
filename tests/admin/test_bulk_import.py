"""Web bulk import: upload, read the dry-run report, confirm; through the same importer as
the command line, all-or-nothing, and limited to the coordinator's department."""
from __future__ import annotations

import io
import re
from pathlib import Path

from app.extensions import db
from app.models import Assignment, Department, Officer, Salary
from tests.admin.conftest import form_token, sign_in
from tests.admin.test_scoping import database_state


def _roster(*rows) -> bytes:
    header = "department_id,first_name,last_name,star_no,job_title,unique_internal_identifier\n"
    return (header + "".join(",".join(map(str, r)) + "\n" for r in rows)).encode()


def _upload(client, files: dict, **fields):
    data = {"csrf_token": form_token(client, "/admin/bulkimport/"), "kind": "roster", **fields}
    for name, content in files.items():
        data[name] = (io.BytesIO(content), f"{name}.csv")
    return client.post("/admin/bulkimport/preview", data=data, content_type="multipart/form-data")


def _confirm(client, preview_page: str, decision="commit"):
    token = re.search(r'id="token" name="token" type="hidden" value="([^"]+)"', preview_page).group(1)
    csrf = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', preview_page).group(1)
    return client.post("/admin/bulkimport/confirm",
                       data={"csrf_token": csrf, "token": token, "decision": decision})


def _waiting_uploads(app):
    root = Path(app.config["IMPORT_UPLOADS_DIR"])
    return list(root.iterdir()) if root.is_dir() else []


def test_a_coordinator_previews_then_imports_a_roster(app, as_north, world):
    before = database_state(app)
    preview = _upload(as_north, {"roster": _roster((world.north, "Ida", "Wells", "501", "Police Officer", "N-501"),
                                                   (world.north, "Ira", "Hayes", "502", "Police Officer", "N-502"))})
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200, page[-2000:]
    assert "Dry run" in page and "Wells" in page and "Hayes" in page
    assert database_state(app) == before  # nothing written by the preview
    done = _confirm(as_north, page)
    assert done.status_code == 200 and "Imported." in done.get_data(as_text=True)
    with app.app_context():
        officers = db.session.scalars(db.select(Officer).filter(Officer.last_name.in_(["Wells", "Hayes"]))).all()
        assert len(officers) == 2
        assert {o.department_id for o in officers} == {world.north}
        assert {o.created_by for o in officers} == {world.north_ac}
        assert {a.star_no for o in officers for a in o.assignments} == {"501", "502"}
    assert _waiting_uploads(app) == []  # the upload is gone once committed


def test_a_coordinator_cannot_import_into_another_department(app, as_north, world):
    before = database_state(app)
    response = _upload(as_north, {"roster": _roster((world.north, "Ida", "Wells", "501", "Police Officer", "N-501"),
                                                    (world.south, "Sly", "Fox", "9", "Police Officer", "S-9"))})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Nothing was imported" in body and "roster.csv" in body and "line 3" in body
    assert database_state(app) == before
    assert _waiting_uploads(app) == []


def test_bad_input_names_file_line_and_column(app, as_admin, world):
    roster = (b"department_id,first_name,last_name,star_no,job_title,employment_date\n"
              + f"{world.north},Ida,Wells,501,Police Officer,not-a-date\n".encode())
    before = database_state(app)
    response = _upload(as_admin, {"roster": roster})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "roster.csv" in body and "line 2" in body and "employment_date" in body and "not-a-date" in body
    assert database_state(app) == before


def test_only_the_uploader_can_confirm_and_cancel_discards(app, client, world):
    sign_in(client, "north_ac")
    preview = _upload(client, {"roster": _roster((world.north, "Ida", "Wells", "501", "Police Officer", "N-501"))})
    page = preview.get_data(as_text=True)
    client.post("/auth/logout", data={"csrf_token": re.search(
        r'name="csrf_token" value="([^"]+)"', client.get("/admin/").get_data(as_text=True)).group(1)})
    sign_in(client, "admin")
    token = re.search(r'id="token" name="token" type="hidden" value="([^"]+)"', page).group(1)
    stolen = client.post("/admin/bulkimport/confirm", data={
        "csrf_token": form_token(client, "/admin/bulkimport/"), "token": token, "decision": "commit"},
        follow_redirects=True)
    assert "no longer waiting" in stolen.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(db.select(Officer).filter_by(last_name="Wells")).first() is None
    preview = _upload(client, {"roster": _roster((world.north, "Ida", "Wells", "501", "Police Officer", "N-501"))})
    cancelled = _confirm(client, preview.get_data(as_text=True), decision="cancel")
    assert cancelled.status_code in (302, 303)
    assert len(_waiting_uploads(app)) == 1  # only the coordinator's own upload still waits
    with app.app_context():
        assert db.session.execute(db.select(Officer).filter_by(last_name="Wells")).first() is None


def test_upload_without_csrf_token_is_refused(app, as_admin, world):
    response = as_admin.post("/admin/bulkimport/preview", data={
        "kind": "roster", "roster": (io.BytesIO(_roster((world.north, "A", "B", "1", "Police Officer", "X"))), "r.csv")},
        content_type="multipart/form-data", follow_redirects=True)
    assert "CSRF" in response.get_data(as_text=True)
    assert _waiting_uploads(app) == []


def test_an_administrator_runs_the_advanced_import(app, as_admin, world, shared_dir):
    with app.app_context():
        springfield = Department(name="Springfield Police Department", short_name="SPD", state="IL")
        db.session.add(springfield)
        db.session.commit()
        springfield_id = springfield.id
    csvs = shared_dir / "openoversight_test_csvs"
    # The example files also update officer 49483 of the database they came from; leave
    # those rows out, since that officer does not exist here.
    files = {name: b"".join(line for line in (csvs / f"{name}.csv").read_bytes().splitlines(keepends=True)
                            if b"49483" not in line)
             for name in ("officers", "assignments", "salaries")}
    preview = _upload(as_admin, files, kind="advanced", department=springfield_id)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200, page[-3000:]
    assert "Dry run" in page and "Fuller" in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Officer).filter_by(
            department_id=springfield_id)) == 0
    assert _confirm(as_admin, page).status_code == 200
    with app.app_context():
        officers = db.session.scalars(db.select(Officer).filter_by(department_id=springfield_id)).all()
        assert {o.last_name for o in officers} >= {"Smith", "Fuller"}
        assert db.session.scalar(db.select(db.func.count()).select_from(Assignment)) > 0
        assert db.session.scalar(db.select(db.func.count()).select_from(Salary)) > 0
        assert {o.created_by for o in officers} == {world.admin}


def test_a_coordinator_cannot_pick_another_department_for_the_advanced_import(app, as_north, world, shared_dir):
    page = as_north.get("/admin/bulkimport/").get_data(as_text=True)
    assert "Northside" in page and "Southside" not in page
    before = database_state(app)
    officers = (shared_dir / "openoversight_test_csvs" / "officers.csv").read_bytes()
    response = _upload(as_north, {"officers": officers}, kind="advanced", department=world.south)
    assert "Not a valid choice" in response.get_data(as_text=True) or response.status_code in (302, 303)
    assert database_state(app) == before
