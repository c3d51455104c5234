"""Curating a department: officers with their assignments, salaries, notes and
descriptions on one page; incidents with address and plates; links; audit stamps."""
from __future__ import annotations

import csv
import io
from datetime import date, time

from app.extensions import db
from app.models import Incident, Link, Location, Officer, User
from tests.admin.conftest import form_token


def _new_officer(client, world, **extra):
    data = {"csrf_token": form_token(client), "department": world.north, "first_name": "Ada",
            "middle_initial": "Q", "last_name": "Lovelace", "suffix": "", "gender": "F",
            "race": "WHITE", "employment_date": "2012-06-01", "birth_year": "1980",
            "unique_internal_identifier": "N-77",
            "assignments-0-job": world.north_job, "assignments-0-unit": world.north_unit,
            "assignments-0-star_no": "0451", "assignments-0-start_date": "2012-06-01",
            "salaries-0-year": "2022", "salaries-0-salary": "71000.50", "salaries-0-overtime_pay": "1200",
            "notes-0-text_contents": "Seen at the 2020 protest.",
            "descriptions-0-text_contents": "Patrol officer on the north side."}
    data.update(extra)
    return client.post("/admin/officer/new/", data=data)


def test_a_coordinator_adds_an_officer_with_everything_inline(app, as_north, world):
    response = _new_officer(as_north, world)
    assert response.status_code in (302, 303), response.get_data(as_text=True)[-2000:]
    with app.app_context():
        officer = db.session.execute(db.select(Officer).filter_by(last_name="Lovelace")).scalar_one()
        assert officer.department_id == world.north
        assert officer.employment_date == date(2012, 6, 1) and officer.birth_year == 1980
        assert officer.badge_number() == "0451" and officer.job_title() == "Police Officer"
        assert officer.unit_description() == "Patrol North"
        assert [(s.year, s.salary, s.overtime_pay) for s in officer.salaries] == [(2022, 71000.5, 1200.0)]
        assert [n.text_contents for n in officer.notes] == ["Seen at the 2020 protest."]
        assert [d.text_contents for d in officer.descriptions] == ["Patrol officer on the north side."]
        # Every record carries who made it.
        for record in [officer, *officer.assignments, *officer.salaries, *officer.notes, *officer.descriptions]:
            assert record.created_by == world.north_ac and record.last_updated_by == world.north_ac, record
        assert officer.ocd_id.startswith("ocd-person/")
        officer_id, ocd_id = officer.id, officer.ocd_id
    page = as_north.get(f"/admin/officer/details/?id={officer_id}").get_data(as_text=True)
    for text in ("Ada Q. Lovelace", "0451", "71,000.50", "Seen at the 2020 protest.",
                 "Patrol officer on the north side.", ocd_id):
        assert text in page, text
    edit = as_north.get(f"/admin/officer/edit/?id={officer_id}").get_data(as_text=True)
    assert ocd_id in edit and 'name="ocd_id"' not in edit  # shown, never editable
    assert edit.count('data-testid="ocd-id"') == 1 and 'data-testid="shared-records"' in edit


def test_editing_stamps_the_editor_and_keeps_the_creator(app, client, world):
    from tests.admin.conftest import sign_in

    sign_in(client, "north_ac")
    _new_officer(client, world)
    client.post("/auth/logout", data={"csrf_token": _login_token(client)})
    sign_in(client, "admin")
    with app.app_context():
        officer_id = db.session.execute(db.select(Officer.id).filter_by(last_name="Lovelace")).scalar_one()
    response = client.post(f"/admin/officer/edit/?id={officer_id}", data={
        "csrf_token": form_token(client), "department": world.north, "first_name": "Ada",
        "last_name": "King", "gender": "F", "race": "WHITE", "suffix": "", "middle_initial": "Q",
        "employment_date": "2012-06-01", "birth_year": "1980", "unique_internal_identifier": "N-77"})
    assert response.status_code in (302, 303)
    with app.app_context():
        officer = db.session.get(Officer, officer_id)
        assert officer.last_name == "King"
        assert officer.created_by == world.north_ac and officer.last_updated_by == world.admin


def _login_token(client):
    import re

    page = client.get("/admin/").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_blank_gender_is_stored_as_missing(app, as_north, world):
    response = _new_officer(as_north, world, gender="__None", race="__None")
    assert response.status_code in (302, 303)
    with app.app_context():
        officer = db.session.execute(db.select(Officer).filter_by(last_name="Lovelace")).scalar_one()
        assert officer.gender is None and officer.race is None


def test_an_officer_without_a_department_is_refused(app, as_admin, world):
    _new_officer(as_admin, world, department="__None")
    with app.app_context():
        assert db.session.execute(db.select(Officer).filter_by(last_name="Lovelace")).first() is None


def test_an_incident_with_address_plates_and_officers(app, as_north, world):
    response = as_north.post("/admin/incident/new/", data={
        "csrf_token": form_token(as_north), "department": world.north, "date": "2023-07-04",
        "time": "21:30", "report_number": "RD-2023-1", "description": "Traffic stop.",
        "street_name": "Main St", "cross_street1": "1st Ave", "city": "Springfield", "state": "IL",
        "zip_code": "62701", "plates": "abc1234 il, XYZ9",
        "officers": str(world.north_officer)})
    assert response.status_code in (302, 303), response.get_data(as_text=True)[-2000:]
    with app.app_context():
        incident = db.session.execute(db.select(Incident).filter_by(report_number="RD-2023-1")).scalar_one()
        assert (incident.date, incident.time) == (date(2023, 7, 4), time(21, 30))
        assert str(incident.address) == "Intersection of Main St and 1st Ave, Springfield IL"
        assert sorted((p.number, p.state) for p in incident.license_plates) == [("ABC1234", "IL"), ("XYZ9", None)]
        assert [o.id for o in incident.officers] == [world.north_officer]
        assert incident.created_by == world.north_ac
        incident_id = incident.id
    edit = as_north.get(f"/admin/incident/edit/?id={incident_id}").get_data(as_text=True)
    assert 'value="Main St"' in edit and "ABC1234 IL, XYZ9" in edit
    officer_page = as_north.get(f"/admin/officer/details/?id={world.north_officer}").get_data(as_text=True)
    assert "RD-2023-1" in officer_page


def test_a_shared_address_is_not_rewritten(app, as_north, world):
    with app.app_context():
        place = Location(street_name="Oak St", city="Springfield", state="IL")
        first = Incident(report_number="A", department_id=world.north, address=place)
        second = Incident(report_number="B", department_id=world.north, address=place)
        db.session.add_all([first, second])
        db.session.commit()
        first_id, second_id = first.id, second.id
    response = as_north.post(f"/admin/incident/edit/?id={first_id}", data={
        "csrf_token": form_token(as_north), "department": world.north, "report_number": "A",
        "street_name": "Elm St", "city": "Springfield", "state": "IL"})
    assert response.status_code in (302, 303)
    with app.app_context():
        assert db.session.get(Incident, first_id).address.street_name == "Elm St"
        assert db.session.get(Incident, second_id).address.street_name == "Oak St"


def test_bad_plates_and_zip_codes_are_refused_with_a_message(app, as_north, world):
    token = form_token(as_north)
    bad_plate = as_north.post("/admin/incident/new/", data={
        "csrf_token": token, "department": world.north, "report_number": "P", "plates": "TOO-LONG-PLATE"})
    assert "TOO-LONG-PLATE" in bad_plate.get_data(as_text=True)
    bad_zip = as_north.post("/admin/incident/new/", data={
        "csrf_token": token, "department": world.north, "report_number": "Z", "zip_code": "6270"})
    assert "Five digits" in bad_zip.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Incident)) == 0


def test_adding_a_link_from_an_officer_page(app, as_north, world):
    form = as_north.get(f"/admin/link/new/?officer_id={world.north_officer}").get_data(as_text=True)
    assert "Northcott" in form  # the officer is preselected
    response = as_north.post("/admin/link/new/", data={
        "csrf_token": form_token(as_north), "title": "Bodycam", "url": "https://video.example/1",
        "link_type": "video", "author": "City", "officers": str(world.north_officer)})
    assert response.status_code in (302, 303), response.get_data(as_text=True)[-2000:]
    refused = as_north.post("/admin/link/new/", data={
        "csrf_token": form_token(as_north), "title": "Bad", "url": "javascript:alert(1)",
        "link_type": "link", "officers": str(world.north_officer)})
    assert refused.status_code == 200
    with app.app_context():
        assert [link.title for link in db.session.scalars(db.select(Link))] == ["Bodycam"]
        assert db.session.scalars(db.select(Link)).one().created_by == world.north_ac


def test_officer_list_search_sort_and_export(app, as_admin, world):
    with app.app_context():
        for i in range(30):
            db.session.add(Officer(first_name=f"F{i:02d}", last_name=f"Zeta{i:02d}", department_id=world.south))
        db.session.commit()
    page = as_admin.get("/admin/officer/").get_data(as_text=True)
    assert "Northcott" in page and "Zeta29" not in page  # first page, sorted by last name
    assert "Zeta17" in as_admin.get("/admin/officer/?search=zeta17").get_data(as_text=True)
    assert "Northcott" in as_admin.get("/admin/officer/?search=N-1").get_data(as_text=True)
    found = as_admin.get("/admin/officer/?search=nor").get_data(as_text=True)
    assert "Northcott" in found and "Southgate" not in found
    export = as_admin.get(f"/admin/officer/export/csv/?flt0_0={world.south}").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(export)))
    assert len(rows) == 31 and {r["Department"] for r in rows} == {"[MS] Southside Police Department"}


def test_job_order_is_edited_in_place(app, as_admin, world):
    response = as_admin.post("/admin/job/ajax/update/", data={
        "csrf_token": form_token(as_admin), "list_form_pk": world.north_job, "order": "5"})
    assert response.status_code == 200, response.get_data(as_text=True)
    missing_token = as_admin.post("/admin/job/ajax/update/", data={"list_form_pk": world.north_job, "order": "9"})
    assert missing_token.status_code == 500
    with app.app_context():
        from app.models import Job

        assert db.session.get(Job, world.north_job).order == 5


def test_administrators_manage_accounts(app, as_admin, world):
    token = form_token(as_admin)
    refused = as_admin.post("/admin/user/new/", data={
        "csrf_token": token, "username": "newac", "email": "NewAC@Example.org",
        "is_area_coordinator": "y", "new_password": "long enough pw"})
    assert "Area coordinators must have a department" in refused.get_data(as_text=True)
    created = as_admin.post("/admin/user/new/", data={
        "csrf_token": token, "username": "newac", "email": "NewAC@Example.org",
        "is_area_coordinator": "y", "ac_department": world.south, "new_password": "long enough pw"})
    assert created.status_code in (302, 303), created.get_data(as_text=True)[-2000:]
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(username="newac")).scalar_one()
        assert user.email == "newac@example.org" and user.verify_password("long enough pw")
        assert user.ac_department_id == world.south and user.confirmed_by == world.admin
        user_id = user.id
    duplicate = as_admin.post("/admin/user/new/", data={
        "csrf_token": token, "username": "NEWAC", "email": "other@example.org", "new_password": "long enough pw"})
    assert "Another account" in duplicate.get_data(as_text=True)
    # Disable through the batch action (CSRF-protected), then enable again.
    as_admin.post("/admin/user/action/", data={"csrf_token": token, "action": "disable", "rowid": [user_id]})
    with app.app_context():
        assert db.session.get(User, user_id).disabled_by == world.admin
    as_admin.post("/admin/user/action/", data={"csrf_token": token, "action": "enable", "rowid": [user_id]})
    with app.app_context():
        assert db.session.get(User, user_id).disabled_at is None


def test_administrators_cannot_lock_themselves_out(app, as_admin, world):
    token = form_token(as_admin)
    as_admin.post(f"/admin/user/edit/?id={world.admin}", data={
        "csrf_token": token, "username": "admin", "email": "admin@example.org", "disabled": "y",
        "is_administrator": "y"})
    as_admin.post("/admin/user/action/", data={"csrf_token": token, "action": "disable", "rowid": [world.admin]})
    as_admin.post("/admin/user/delete/", data={"csrf_token": token, "id": world.admin})
    with app.app_context():
        me = db.session.get(User, world.admin)
        assert me is not None and me.is_administrator and me.disabled_at is None
    assert as_admin.get("/admin/user/").status_code == 200


def test_department_ocd_ids_are_shown_and_never_changed(app, as_admin, world):
    from app.models import Department

    with app.app_context():
        ocd_id = db.session.get(Department, world.north).ocd_id
    page = as_admin.get(f"/admin/department/edit/?id={world.north}").get_data(as_text=True)
    assert ocd_id in page and 'name="ocd_id"' not in page
    response = as_admin.post(f"/admin/department/edit/?id={world.north}", data={
        "csrf_token": form_token(as_admin), "name": "Northside Police Department", "short_name": "NPD",
        "state": "IL", "ocd_id": "ocd-organization/forged", "division_id": "ocd-division/country:us/state:il"})
    assert response.status_code in (302, 303)
    with app.app_context():
        department = db.session.get(Department, world.north)
        assert department.ocd_id == ocd_id
        assert department.division_id == "ocd-division/country:us/state:il"
