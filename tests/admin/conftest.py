"""Back-office fixtures: two departments, an administrator and one area coordinator for
each department, and a signed-in client for any of them."""
from __future__ import annotations

import re
from datetime import date

import pytest

from app.extensions import db
from app.models import Department, Job, Officer, Unit, User
from werkzeug.security import generate_password_hash

PASSWORD = "correct horse battery"
# Password hashing is slow on purpose. The test accounts share one real hash, computed once
# and with few rounds; sign-in still checks it the way it checks any stored hash.
PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


def make_user(username, *, department=None, admin=False, disabled=False):
    user = User(username=username, email=f"{username}@example.org", is_administrator=admin,
                is_area_coordinator=department is not None,
                ac_department_id=department.id if department is not None else None)
    user.password_hash = PASSWORD_HASH
    db.session.add(user)
    db.session.commit()
    if disabled:
        from app.models.types import utcnow

        user.disabled_at, user.disabled_by = utcnow(), user.id
        db.session.commit()
    return user


@pytest.fixture(autouse=True)
def _private_upload_dir(app, tmp_path):
    """Web bulk imports park their uploads here rather than in the instance directory."""
    app.config["IMPORT_UPLOADS_DIR"] = str(tmp_path / "imports")


class World:
    """Ids of what each test starts with (ids, not objects: each request has its own session)."""


@pytest.fixture
def world(app):
    with app.app_context():
        w = World()
        north = Department(name="Northside Police Department", short_name="NPD", state="IL")
        south = Department(name="Southside Police Department", short_name="SPD", state="MS")
        db.session.add_all([north, south])
        db.session.flush()
        jobs = {}
        for dept in (north, south):
            jobs[dept.id] = Job(job_title="Police Officer", order=1, department_id=dept.id)
            db.session.add(jobs[dept.id])
        n_unit = Unit(description="Patrol North", department_id=north.id)
        s_unit = Unit(description="Patrol South", department_id=south.id)
        n_officer = Officer(first_name="Nora", last_name="Northcott", gender="F",
                            department_id=north.id, unique_internal_identifier="N-1",
                            employment_date=date(2010, 5, 1))
        s_officer = Officer(first_name="Sam", last_name="Southgate", gender="M",
                            department_id=south.id, unique_internal_identifier="S-1")
        db.session.add_all([n_unit, s_unit, n_officer, s_officer])
        db.session.commit()
        w.north, w.south = north.id, south.id
        w.north_job, w.south_job = jobs[north.id].id, jobs[south.id].id
        w.north_unit, w.south_unit = n_unit.id, s_unit.id
        w.north_officer, w.south_officer = n_officer.id, s_officer.id
        w.admin = make_user("admin", admin=True).id
        w.north_ac = make_user("north_ac", department=north).id
        w.south_ac = make_user("south_ac", department=south).id
        return w


def sign_in(client, login):
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/auth/login", data={"login": login, "password": PASSWORD,
                                                "csrf_token": token})
    assert response.status_code in (302, 303), response.get_data(as_text=True)
    return client


@pytest.fixture
def as_admin(app, client, world):
    return sign_in(client, "admin")


@pytest.fixture
def as_north(app, client, world):
    return sign_in(client, "north_ac")


def form_token(client, url="/admin/officer/new/"):
    """The back-office (SecureForm) CSRF token of this client's session."""
    page = client.get(url).get_data(as_text=True)
    match = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page) or \
        re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert match, page[:2000]
    return match.group(1)


def flashed(response) -> str:
    return response.get_data(as_text=True)
