"""An area coordinator reaches their own department's records and nothing else, on every
path Flask-Admin offers. Each refusal is checked with the whole officer database compared
before and after: refused means nothing changed."""
from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from sqlalchemy import text

from app.extensions import db
from app.models import (
    Assignment, Description, Incident, Link, Note, Officer, Salary, Unit,
)
from tests.admin.conftest import form_token, sign_in

TABLES = ["departments", "jobs", "unit_types", "officers", "assignments", "salaries", "notes",
          "descriptions", "links", "officer_links", "incidents", "officer_incidents",
          "incident_links", "locations", "license_plates", "incident_license_plates"]


def database_state(app) -> dict:
    with app.app_context():
        state = {}
        for table in TABLES:
            rows = db.session.execute(text(f"SELECT * FROM {table}")).all()
            state[table] = sorted((tuple(map(str, row)) for row in rows))
        db.session.remove()
        return state


class Records:
    pass


@pytest.fixture
def records(app, world):
    """One of everything in each department; the north coordinator owns the north ones."""
    r = Records()
    with app.app_context():
        for side, officer_id, job_id, unit_id, dept in (
                ("north", world.north_officer, world.north_job, world.north_unit, world.north),
                ("south", world.south_officer, world.south_job, world.south_unit, world.south)):
            officer = db.session.get(Officer, officer_id)
            assignment = Assignment(officer_id=officer_id, job_id=job_id, unit_id=unit_id,
                                    star_no=f"{side}-badge", start_date=date(2015, 1, 1))
            salary = Salary(officer_id=officer_id, salary=50000.0, year=2020, is_fiscal_year=False)
            note = Note(officer_id=officer_id, text_contents=f"{side} private note")
            description = Description(officer_id=officer_id, text_contents=f"{side} description")
            link = Link(title=f"{side} video", url=f"https://example.org/{side}", link_type="video")
            link.officers.append(officer)
            incident = Incident(report_number=f"{side}-report", department_id=dept,
                                date=date(2021, 3, 4))
            incident.officers.append(officer)
            db.session.add_all([assignment, salary, note, description, link, incident])
            db.session.commit()
            for name, obj in (("assignment", assignment), ("salary", salary), ("note", note),
                              ("description", description), ("link", link),
                              ("incident", incident)):
                setattr(r, f"{side}_{name}", obj.id)
            setattr(r, f"{side}_officer", officer_id)
            setattr(r, f"{side}_unit", unit_id)
        db.session.remove()
    return r


# (view endpoint, attribute prefix on Records, text that identifies the south record)
VIEWS = [
    ("officer", "officer", "Southgate"),
    ("assignment", "assignment", "south-badge"),
    ("salary", "salary", "Southgate"),
    ("note", "note", "south private note"),
    ("description", "description", "south description"),
    ("link", "link", "south video"),
    ("incident", "incident", "south-report"),
    ("unit", "unit", "Patrol South"),
]


def test_list_search_and_export_show_only_the_own_department(as_north, records):
    for endpoint, attr, marker in VIEWS:
        _list_search_and_export(as_north, endpoint, marker)


def _list_search_and_export(as_north, endpoint, marker):
    page = as_north.get(f"/admin/{endpoint}/").get_data(as_text=True)
    assert marker not in page
    assert marker.replace("south", "north").replace("South", "North") in page or endpoint in (
        "officer", "salary") and "Northcott" in page
    assert marker not in as_north.get(f"/admin/{endpoint}/?search=south").get_data(as_text=True)
    export = as_north.get(f"/admin/{endpoint}/export/csv/")
    assert export.status_code == 200
    body = export.get_data(as_text=True)
    assert marker not in body and "Southgate" not in body
    assert len(list(csv.reader(io.StringIO(body)))) == 2  # header + the one north record


def test_details_and_edit_of_a_foreign_record_are_refused(as_north, records):
    for endpoint, attr, marker in VIEWS:
        foreign = getattr(records, f"south_{attr}")
        for page in ("details", "edit"):
            response = as_north.get(f"/admin/{endpoint}/{page}/?id={foreign}", follow_redirects=True)
            body = response.get_data(as_text=True)
            assert "Record does not exist." in body and marker not in body, (endpoint, page)


def test_editing_or_deleting_a_foreign_record_changes_nothing(app, as_north, records):
    token = form_token(as_north)
    before = database_state(app)
    for endpoint, attr, marker in VIEWS:
        foreign = getattr(records, f"south_{attr}")
        as_north.post(f"/admin/{endpoint}/edit/?id={foreign}",
                      data={"csrf_token": token, "text_contents": "hijacked", "last_name": "Hijacked",
                            "title": "hijacked", "report_number": "hijacked", "description": "hijacked",
                            "url": "https://evil.example/", "star_no": "hijacked"})
        as_north.post(f"/admin/{endpoint}/delete/", data={"csrf_token": token, "id": foreign})
        assert database_state(app) == before, endpoint


def test_batch_delete_skips_foreign_ids(app, as_north, records):
    token = form_token(as_north)
    models = {"officer": Officer, "assignment": Assignment, "salary": Salary, "note": Note,
              "description": Description, "link": Link, "incident": Incident, "unit": Unit}
    for endpoint, attr, marker in reversed(VIEWS):  # the officer, whose children cascade, last
        own, foreign = getattr(records, f"north_{attr}"), getattr(records, f"south_{attr}")
        response = as_north.post(f"/admin/{endpoint}/action/",
                                 data={"csrf_token": token, "action": "delete", "rowid": [own, foreign]},
                                 follow_redirects=True)
        assert response.status_code == 200
        with app.app_context():
            assert db.session.get(models[endpoint], foreign) is not None, endpoint
            assert db.session.get(models[endpoint], own) is None, endpoint


def test_batch_action_without_csrf_token_is_refused(app, as_north, records):
    before = database_state(app)
    response = as_north.post("/admin/note/action/", data={"action": "delete", "rowid": [records.north_note]},
                             follow_redirects=True)
    assert "CSRF" in response.get_data(as_text=True)
    assert database_state(app) == before


def test_edit_and_delete_without_csrf_token_are_refused(app, as_north, records):
    before = database_state(app)
    as_north.post(f"/admin/note/edit/?id={records.north_note}", data={"text_contents": "changed"})
    as_north.post("/admin/note/delete/", data={"id": records.north_note})
    assert database_state(app) == before


def test_list_count_is_the_own_department_count(as_north, records):
    for endpoint in ("incident", "unit", "link"):
        page = as_north.get(f"/admin/{endpoint}/").get_data(as_text=True)
        assert "List (1)" in " ".join(page.split()), endpoint


def test_count_queries_are_scoped(app, world, records):
    from flask_login import login_user

    from app.models import User

    admin_views = {v.endpoint: v for v in app.extensions["admin"][0]._views}
    with app.test_request_context():
        login_user(db.session.get(User, world.north_ac))
        for endpoint in ("officer", "assignment", "salary", "note", "description", "link",
                         "incident", "unit"):
            assert admin_views[endpoint].get_count_query().scalar() == 1, endpoint


def test_pickers_offer_only_the_own_department(as_north, records):
    officer_form = as_north.get("/admin/officer/new/").get_data(as_text=True)
    assert "Northside" in officer_form and "Southside" not in officer_form
    assignment_form = as_north.get("/admin/assignment/new/").get_data(as_text=True)
    assert "Patrol North" in assignment_form and "Patrol South" not in assignment_form
    incident_form = as_north.get("/admin/incident/new/").get_data(as_text=True)
    assert "Southside" not in incident_form
    filters = as_north.get("/admin/officer/").get_data(as_text=True)
    assert "Southside" not in filters


def test_ajax_lookups_offer_only_the_own_department(as_north, records):
    for endpoint, field in [("incident", "officers"), ("link", "officers"), ("note", "officer"),
                            ("assignment", "base_officer"), ("salary", "officer"),
                            ("description", "officer"), ("link", "incidents"), ("incident", "links")]:
        response = as_north.get(f"/admin/{endpoint}/ajax/lookup/?name={field}&query=")
        assert response.status_code == 200
        found = json.dumps(response.get_json()).lower()
        assert "south" not in found and "north" in found, (endpoint, field)


def test_ajax_lookup_for_administrators_offers_every_department(as_admin, records):
    found = json.dumps(as_admin.get("/admin/incident/ajax/lookup/?name=officers&query=").get_json())
    assert "Southgate" in found and "Northcott" in found


def _officer_form(world, **overrides):
    data = {"department": world.north, "first_name": "Ned", "last_name": "Newman", "gender": "M",
            "race": "WHITE", "suffix": "", "middle_initial": "", "employment_date": "",
            "birth_year": "", "unique_internal_identifier": ""}
    data.update(overrides)
    return data


def test_creating_an_officer_in_another_department_is_refused(app, as_north, world, records):
    before = database_state(app)
    data = _officer_form(world, department=world.south, csrf_token=form_token(as_north))
    as_north.post("/admin/officer/new/", data=data)
    assert database_state(app) == before


def test_an_inline_assignment_with_a_foreign_job_is_refused(app, as_north, world, records):
    before = database_state(app)
    data = _officer_form(world, csrf_token=form_token(as_north))
    data.update({"assignments-0-job": world.south_job, "assignments-0-star_no": "77"})
    as_north.post("/admin/officer/new/", data=data)
    assert database_state(app) == before


def test_an_inline_row_cannot_take_over_a_foreign_child(app, as_north, world, records):
    """Posting another department's note id inside the own officer's form adds a new note
    to the own officer; the foreign note is untouched."""
    data = _officer_form(world, first_name="Nora", last_name="Northcott", gender="F", race="",
                         unique_internal_identifier="N-1", employment_date="2010-05-01",
                         csrf_token=form_token(as_north))
    data.update({"notes-0-id": records.south_note, "notes-0-text_contents": "rewritten"})
    response = as_north.post(f"/admin/officer/edit/?id={records.north_officer}", data=data)
    assert response.status_code in (302, 303)
    with app.app_context():
        assert db.session.get(Note, records.south_note).text_contents == "south private note"
        north_notes = [n.text_contents for n in db.session.get(Officer, records.north_officer).notes]
        assert "rewritten" in north_notes


def test_records_cannot_be_added_to_a_foreign_officer(app, as_north, world, records):
    token = form_token(as_north)
    before = database_state(app)
    for endpoint, field in [("note", "officer"), ("description", "officer"), ("salary", "officer"),
                            ("assignment", "base_officer")]:
        data = {"csrf_token": token, field: records.south_officer, "text_contents": "sneaky",
                "year": "2021", "salary": "1", "job": world.north_job, "star_no": "9"}
        as_north.post(f"/admin/{endpoint}/new/", data=data)
        assert database_state(app) == before, endpoint
        # The same form for the own officer goes through: the refusal above was the scope.
        response = as_north.post(f"/admin/{endpoint}/new/", data={**data, field: records.north_officer})
        assert response.status_code in (302, 303), endpoint
        before = database_state(app)


def test_incidents_cannot_include_a_foreign_officer(app, as_north, world, records):
    before = database_state(app)
    data = {"csrf_token": form_token(as_north), "department": world.north,
            "report_number": "R-9", "officers": f"{records.north_officer},{records.south_officer}"}
    as_north.post("/admin/incident/new/", data=data)
    assert database_state(app) == before


def test_links_cannot_be_attached_to_a_foreign_officer_or_to_nobody(app, as_north, records):
    before = database_state(app)
    token = form_token(as_north)
    as_north.post("/admin/link/new/", data={"csrf_token": token, "title": "x", "link_type": "link",
                                            "url": "https://example.org/x",
                                            "officers": str(records.south_officer)})
    as_north.post("/admin/link/new/", data={"csrf_token": token, "title": "y", "link_type": "link",
                                            "url": "https://example.org/y"})
    assert database_state(app) == before


def test_a_coordinator_edit_keeps_what_another_department_attached(app, as_north, world, records):
    """An administrator put the south officer on the north incident; the north coordinator
    cannot see that officer, and saving the incident must not drop them."""
    with app.app_context():
        incident = db.session.get(Incident, records.north_incident)
        incident.officers.append(db.session.get(Officer, records.south_officer))
        db.session.commit()
    page = as_north.get(f"/admin/incident/edit/?id={records.north_incident}").get_data(as_text=True)
    assert "Southgate" not in page
    response = as_north.post(f"/admin/incident/edit/?id={records.north_incident}", data={
        "csrf_token": form_token(as_north), "department": world.north, "report_number": "north-report-2",
        "officers": str(records.north_officer)})
    assert response.status_code in (302, 303)
    with app.app_context():
        incident = db.session.get(Incident, records.north_incident)
        assert incident.report_number == "north-report-2"
        assert {o.id for o in incident.officers} == {records.north_officer, records.south_officer}


def test_a_link_shared_with_another_department_cannot_be_deleted_by_a_coordinator(app, as_north, records):
    with app.app_context():
        link = db.session.get(Link, records.north_link)
        link.officers.append(db.session.get(Officer, records.south_officer))
        db.session.commit()
    before = database_state(app)
    response = as_north.post("/admin/link/delete/", data={"csrf_token": form_token(as_north),
                                                          "id": records.north_link},
                             follow_redirects=True)
    assert "shared with another department" in response.get_data(as_text=True)
    assert database_state(app) == before


def test_notes_stay_private_to_their_department(app, client, world, records):
    sign_in(client, "south_ac")
    for url in ("/admin/note/", "/admin/note/export/csv/", f"/admin/officer/details/?id={records.north_officer}",
                f"/admin/note/details/?id={records.north_note}"):
        body = client.get(url, follow_redirects=True).get_data(as_text=True)
        assert "north private note" not in body, url
    own = client.get(f"/admin/officer/details/?id={records.south_officer}").get_data(as_text=True)
    assert "south private note" in own


def test_administrators_see_every_department(as_admin, records):
    page = as_admin.get("/admin/note/").get_data(as_text=True)
    assert "north private note" in page and "south private note" in page
    body = as_admin.get(f"/admin/officer/details/?id={records.south_officer}").get_data(as_text=True)
    assert "south private note" in body
