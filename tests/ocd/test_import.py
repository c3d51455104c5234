"""``flask import ocd``: round trips, idempotence, matching, and all-or-nothing failures."""
from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import event, func, select

from app.extensions import db
from app.models import Assignment, Department, Job, Link, Officer, Unit
from app.ocd.export import export_department
from app.ocd.importer import OcdImportError, import_directory

from .conftest import (
    SOURCE, build_department, dump, officers_by_name, pupa_directory, read_tree, write_json,
)

NAME = "Springfield Police Department"


def _export(app, directory):
    result = app.test_cli_runner().invoke(
        args=["export", "ocd", NAME, "--dir", str(directory), "--source-url", SOURCE])
    assert result.exit_code == 0, result.output
    return read_tree(directory)


def _import(app, directory):
    return app.test_cli_runner().invoke(args=["import", "ocd", str(directory)])


def _row_counts():
    return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Department, Job, Unit, Officer, Assignment, Link)}


def _person_file(directory, name):
    for path in directory.glob("person_*.json"):
        data = json.loads(path.read_text())
        if data["name"] == name:
            return path, data
    raise AssertionError(f"no person file for {name}")


def test_round_trip_through_a_fresh_database_gives_identical_json(app, fresh_app, tmp_path):
    with app.app_context():
        build_department()
    first = _export(app, tmp_path / "first")

    result = _import(fresh_app, tmp_path / "first")
    assert result.exit_code == 0, result.output
    assert "organizations: 1 added, 0 updated, 0 unchanged" in result.output
    assert "job titles: 3 added" in result.output and "units: 2 added" in result.output
    assert "people: 5 added" in result.output and "memberships: 5 added" in result.output
    assert "links: 2 added" in result.output
    assert "Not stored" not in result.output and "Note:" not in result.output

    second = _export(fresh_app, tmp_path / "second")
    assert second == first  # same file names, same ids, same bytes
    with fresh_app.app_context():
        counts = _row_counts()
        officer = officers_by_name()["Jane Q. Doe"]
        assert (officer.unique_internal_identifier, officer.employment_date) == ("E-1001", date(2005, 1, 3))
        assert [a.unit.description if a.unit else None for a in officer.assignments] == ["Patrol", None]
    assert counts == {"departments": 1, "jobs": 3, "unit_types": 2, "officers": 5, "assignments": 5, "links": 2}


def test_a_second_import_changes_nothing(fresh_app, app, tmp_path, record_writes):
    with app.app_context():
        build_department()
    _export(app, tmp_path / "out")
    assert _import(fresh_app, tmp_path / "out").exit_code == 0
    with fresh_app.app_context():
        before = dump()
        writes = record_writes()
        report = import_directory(tmp_path / "out")
        assert writes.statements == []
        assert not report.changed
        assert dump() == before
    assert "memberships: 0 added, 0 updated, 5 unchanged" in "\n".join(report.lines())


def test_importing_an_export_into_its_own_database_changes_nothing(app_ctx, tmp_path, record_writes):
    build_department()
    export_department(db.session.scalars(select(Department)).one(), tmp_path / "out", SOURCE)
    before = dump()
    writes = record_writes()
    report = import_directory(tmp_path / "out")
    assert writes.statements == [] and not report.changed
    assert dump() == before


def test_the_import_reads_and_writes_in_sets(app, fresh_app, tmp_path):
    """Statements do not grow with the number of officers: a few reads in all, and one
    INSERT for all the assignments."""
    with app.app_context():
        department = build_department()
        job = department.jobs[0]
        db.session.add_all(Officer(first_name=f"Extra{n}", last_name="Officer", department=department,
                                   assignments=[Assignment(job=job, star_no=str(500 + n))]) for n in range(40))
        db.session.commit()
    _export(app, tmp_path / "out")
    # Into an empty database (one INSERT for 45 assignments), then over the data it came from.
    for target, inserts in ((fresh_app, [["INSERT", "INTO", "assignments"]]), (app, [])):
        with target.app_context():
            statements = []
            listener = lambda conn, cursor, statement, *rest: statements.append(statement.split(None, 3)[:3])
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                import_directory(tmp_path / "out")
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
            reads = [s for s in statements if s[0].upper() == "SELECT"]
            assert len(reads) <= 6, reads
            assert [s for s in statements if s[:3] == ["INSERT", "INTO", "assignments"]] == inserts


def test_an_update_changes_the_rows_and_keeps_every_id(app_ctx, tmp_path, record_writes):
    department = build_department()
    ids_before = (department.ocd_id, sorted(o.ocd_id for o in department.officers))
    export_department(department, tmp_path / "out", SOURCE)
    path, jane = _person_file(tmp_path / "out", "Jane Q. Doe")
    jane.update(family_name="Doe-Smith", name="Jane Q. Doe-Smith", gender="Female")
    jane["links"].append({"url": "https://news.example.com/2", "note": "Second story"})
    path.write_text(json.dumps(jane))
    uuid = jane["_id"].split("/")[1]
    membership_path = tmp_path / "out" / f"membership_{uuid}_2.json"
    membership = json.loads(membership_path.read_text())
    membership["end_date"] = "2020-12-31"
    membership_path.write_text(json.dumps(membership))

    writes = record_writes()
    report = import_directory(tmp_path / "out")
    tallies = {kind: str(t) for kind, t in report.tallies.items()}
    assert tallies["people"] == "0 added, 1 updated, 4 unchanged"
    assert tallies["memberships"] == "0 added, 1 updated, 4 unchanged"
    assert tallies["links"] == "1 added, 0 updated, 2 unchanged"
    assert all(s.lstrip().upper().startswith(("UPDATE OFFICERS", "UPDATE ASSIGNMENTS", "INSERT INTO LINKS",
                                              "INSERT INTO OFFICER_LINKS")) for s in writes.statements)

    db.session.expire_all()
    officer = db.session.scalars(select(Officer).where(Officer.ocd_id == jane["_id"])).one()
    assert (officer.last_name, officer.gender) == ("Doe-Smith", "F")
    assert officer.assignments[1].resign_date == date(2020, 12, 31)
    assert (department.ocd_id, sorted(o.ocd_id for o in department.officers)) == ids_before


def test_invalid_files_import_nothing_and_say_why(app, fresh_app, tmp_path):
    with app.app_context():
        build_department()
    _export(app, tmp_path / "out")
    path, jane = _person_file(tmp_path / "out", "Jane Q. Doe")
    jane["birth_date"] = "1980-02-30"
    path.write_text(json.dumps(jane, indent=2))
    (tmp_path / "out" / "membership_zz.json").write_text('{"person_id": ')

    result = _import(fresh_app, tmp_path / "out")
    assert result.exit_code == 1
    assert f"{path.name}: $.birth_date: '1980-02-30' is not a real date" in result.output
    assert "membership_zz.json: line 1 column 15: not JSON: Expecting value" in result.output
    assert "Nothing was imported: 2 problem(s)" in result.output
    with fresh_app.app_context():
        assert set(_row_counts().values()) == {0}


def test_a_problem_found_while_matching_rolls_back_what_was_already_added(app, fresh_app, tmp_path):
    with app.app_context():
        build_department()
    _export(app, tmp_path / "out")
    # Valid JSON, but this organization is neither in the directory nor in the database.
    stray = "ocd-organization/5e0c2c43-0000-4000-8000-000000000001"
    path = sorted((tmp_path / "out").glob("membership_*.json"))[-1]
    membership = json.loads(path.read_text())
    membership["organization_id"] = stray
    path.write_text(json.dumps(membership))
    _, sam = _person_file(tmp_path / "out", "Samuel Roe Jr")
    sam["identifiers"] = [{"scheme": "unique_internal_identifier", "identifier": "A"},
                          {"scheme": "unique_internal_identifier", "identifier": "B"}]
    sam_path = _person_file(tmp_path / "out", "Samuel Roe Jr")[0]
    sam_path.write_text(json.dumps(sam))

    result = _import(fresh_app, tmp_path / "out")
    assert result.exit_code == 1, result.output
    assert f"{path.name}: $.organization_id: {stray} names no organization in this directory or the database" \
        in result.output
    assert f"{sam_path.name}: $.identifiers: has 2 unique_internal_identifier identifiers" in result.output
    with fresh_app.app_context():
        assert set(_row_counts().values()) == {0}


def test_people_are_matched_by_identifier_when_their_id_is_unknown(app_ctx, tmp_path):
    department = build_department()
    known = officers_by_name()
    org = {"_id": "9d2b7a8e-21c6-11ee-9c3e-0242ac120002", "name": NAME, "classification": "department",
           "extras": {"state": "MS"}, "sources": [{"url": "https://city.example.gov/roster"}]}
    write_json(tmp_path, "organization_1.json", org)
    people = {
        # a fresh OCD id, but Jane's unique internal identifier
        "person_1.json": {"_id": "ocd-person/11111111-1111-4111-8111-111111111111", "name": "Jane Doe",
                          "given_name": "Jane", "family_name": "Doe", "identifiers": [
                              {"scheme": "unique_internal_identifier", "identifier": "E-1001"}]},
        # no OCD id, only Sam's badge number (written with a leading zero)
        "person_2.json": {"_id": "b1", "name": "Sam Roe", "given_name": "Samuel", "family_name": "Roe",
                          "honorific_suffix": "Jr", "identifiers": [{"scheme": "badge_number", "identifier": "077"}]},
        # nothing but a name
        "person_3.json": {"_id": "b2", "name": "Pat Poe"},
        # someone new
        "person_4.json": {"_id": "b3", "name": "Dana K. Vu", "identifiers": [
            {"scheme": "badge_number", "identifier": "9001"}]},
    }
    for name, person in people.items():
        write_json(tmp_path, name, {**person, "sources": org["sources"]})
    write_json(tmp_path, "membership_4.json", {"person_id": "b3", "organization_id": org["_id"],
                                               "post_id": '~{"label": "Police Officer"}',
                                               "extras": {"badge_number": "9001"}, "sources": org["sources"]})

    report = import_directory(tmp_path)
    assert str(report.tallies["organizations"]) == "0 added, 0 updated, 1 unchanged"
    assert str(report.tallies["people"]) == "1 added, 1 updated, 2 unchanged"
    notes = [str(n) for n in report.notes]
    assert f"person_1.json: $._id: matched officer {known['Jane Q. Doe'].ocd_id} by identifier; that id is kept" in notes
    assert f"person_3.json: $.name: matched officer {known['Pat Poe'].ocd_id} by name alone" in notes
    db.session.expire_all()
    now = officers_by_name()
    assert {name: o.ocd_id for name, o in now.items() if name != "Dana K. Vu" and name != "Jane Doe"} == \
        {name: o.ocd_id for name, o in known.items() if name != "Jane Q. Doe"}
    assert now["Jane Doe"].ocd_id == known["Jane Q. Doe"].ocd_id  # the middle initial went with the name
    dana = now["Dana K. Vu"]
    assert (dana.first_name, dana.middle_initial, dana.last_name, dana.department_id) == ("Dana", "K.", "Vu", department.id)
    assert [(a.job.job_title, a.star_no) for a in dana.assignments] == [("Police Officer", "9001")]


def test_ambiguous_matches_are_refused(app_ctx, tmp_path):
    department = build_department()
    job = department.jobs[0]
    twin = Officer(first_name="Pat", last_name="Poe", department=department)
    other = Officer(first_name="Kim", last_name="Low", department=department,
                    assignments=[Assignment(job=job, star_no="77")])
    db.session.add_all([twin, other])
    db.session.commit()
    sources = [{"url": "https://city.example.gov/roster"}]
    write_json(tmp_path, "organization_1.json", {"_id": "o1", "name": NAME, "extras": {"state": "MS"},
                                                 "sources": sources})
    write_json(tmp_path, "person_1.json", {"_id": "p1", "name": "Pat Poe", "sources": sources})
    write_json(tmp_path, "person_2.json", {"_id": "p2", "name": "S. Roe", "sources": sources,
                                           "identifiers": [{"scheme": "badge_number", "identifier": "77"}]})
    write_json(tmp_path, "person_3.json", {"_id": "p3", "name": "Jane Doe", "sources": sources,
                                           "identifiers": [{"scheme": "unique_internal_identifier",
                                                            "identifier": "E-1001"}]})
    write_json(tmp_path, "person_4.json", {"_id": "p4", "name": "J. Doe", "sources": sources,
                                           "identifiers": [{"scheme": "unique_internal_identifier",
                                                            "identifier": "E-1001"}]})
    before = dump()
    with pytest.raises(OcdImportError) as refused:
        import_directory(tmp_path)
    problems = [str(p) for p in refused.value.problems]
    assert problems[0] == "person_1.json: $.name: 2 officers of Springfield Police Department have this name; " \
                          "give an identifier to say which"
    assert problems[1].startswith("person_2.json: $.identifiers: its badge numbers match 2 officers of "
                                  "Springfield Police Department")
    assert problems[2] == "person_4.json: $: matches the same database row as person_3.json"
    assert len(problems) == 3
    assert dump() == before


def test_another_producers_directory_imports_and_reimports_without_change(app, runner, tmp_path, record_writes):
    pupa_directory(tmp_path / "pupa")
    assert runner.invoke(args=["export", "ocd", "--validate", str(tmp_path / "pupa")]).exit_code == 0
    result = runner.invoke(args=["import", "ocd", str(tmp_path / "pupa")])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "organizations: 1 added" in out and "people: 2 added" in out and "memberships: 3 added" in out
    assert "job titles: 3 added" in out  # Patrol Officer, Detective, and Not Sure for the post-less one
    assert ("Not stored (Oversight has no place for them): membership role (3), organization contact_details (1), "
            "person contact_details (1), person identifiers (badge_number on no membership) (1), "
            "person identifiers (hattiesburg-employee) (1), post maximum_memberships (1), "
            "post role (1)") in out
    assert "Skipped files of types Oversight does not read: jurisdiction_ocd-jurisdiction" in out
    assert "membership_a1.json: $.start_date: 2012-06 is stored as 2012-06-01" in out
    assert "membership_a2.json: $.end_date: 2023 is stored as 2023-01-01" in out
    assert "person_8d5e0b6c-8e4b-11ee-b9d1-0242ac120002.json: $.birth_date: only the year of 1979-04-02 is kept" in out

    with app.app_context():
        department = db.session.scalars(select(Department)).one()
        assert (department.name, department.state, department.short_name) == ("Hattiesburg Police Department", "MS", "HPD")
        assert department.division_id == "ocd-division/country:us/state:ms/place:hattiesburg"
        assert department.ocd_id.startswith("ocd-organization/")  # minted: a bare uuid is not an OCD id
        officers = officers_by_name()
        hale = officers["Marcus T. Hale"]
        assert (hale.first_name, hale.middle_initial, hale.last_name, hale.gender, hale.birth_year) == \
            ("Marcus", "T.", "Hale", "M", 1979)
        assert [(a.job.job_title, a.star_no, a.start_date) for a in hale.assignments] == \
            [("Patrol Officer", "311", date(2012, 6, 1))]
        lind = officers["Rosa Lind"]
        assert [(a.job.job_title, a.start_date, a.resign_date) for a in lind.assignments] == [
            ("Not Sure", date(2015, 3, 1), date(2018, 1, 14)),
            ("Detective", date(2018, 1, 15), date(2023, 1, 1))]
        before = dump()
        writes = record_writes()
    again = runner.invoke(args=["import", "ocd", str(tmp_path / "pupa")])
    assert again.exit_code == 0, again.output
    assert "people: 0 added, 0 updated, 2 unchanged" in again.output
    assert "memberships: 0 added, 0 updated, 3 unchanged" in again.output
    assert "Nothing changed: the database already held all of it." in again.output
    assert "Nothing changed" not in result.output
    with app.app_context():
        assert writes.statements == []
        assert dump() == before
    # And what Oversight writes of it validates and names the same ids.
    exported = runner.invoke(args=["export", "ocd", "Hattiesburg Police Department", "--dir",
                                   str(tmp_path / "ours"), "--source-url", SOURCE])
    assert exported.exit_code == 0, exported.output
    assert runner.invoke(args=["export", "ocd", "--validate", str(tmp_path / "ours")]).exit_code == 0


def test_values_oversight_cannot_store_are_refused_with_their_path(app_ctx, tmp_path):
    sources = [{"url": "https://example.org/r"}]
    write_json(tmp_path, "organization_1.json", {"_id": "o1", "name": "Dept", "sources": sources})
    write_json(tmp_path, "person_1.json", {"_id": "p1", "name": "Al Bee", "gender": "unknown", "sources": sources})
    write_json(tmp_path, "person_2.json", {"_id": "p2", "name": "Cy Dee", "sources": sources, "identifiers": [
        {"scheme": "unique_internal_identifier", "identifier": "X" * 51}]})
    write_json(tmp_path, "person_3.json", {"_id": "p3", "name": "Ed Fay", "sources": sources,
                                           "links": [{"url": "https://example.org/a", "note": "n" * 101}]})
    write_json(tmp_path, "person_4.json", {"_id": "p4", "name": "Gil " + "H" * 121, "sources": sources})
    write_json(tmp_path, "person_5.json", {"_id": "p5", "name": "Ivy Jo", "gender": "Not Sure", "sources": sources})
    with pytest.raises(OcdImportError) as refused:
        import_directory(tmp_path)
    problems = [str(p) for p in refused.value.problems]
    assert problems == [
        "person_1.json: $.gender: 'unknown' is not a gender; use one of: M, F, Other",
        f"person_2.json: $.identifiers: unique_internal_identifier '{'X' * 51}' is longer than 50 characters",
        "person_3.json: $.links[0].note: is longer than 100 characters",
        "person_4.json: $.name: a part of the name is longer than 120 characters",
    ]
    assert set(_row_counts().values()) == {0}


def test_people_spread_over_organizations_or_without_one_are_refused(app_ctx, tmp_path):
    sources = [{"url": "https://example.org/r"}]
    for n in (1, 2):
        write_json(tmp_path, f"organization_{n}.json", {"_id": f"o{n}", "name": f"Dept {n}", "sources": sources})
    write_json(tmp_path, "person_1.json", {"_id": "p1", "name": "Al Bee", "sources": sources})
    write_json(tmp_path, "person_2.json", {"_id": "p2", "name": "Cy Dee", "sources": sources})
    for n in (1, 2):
        write_json(tmp_path, f"membership_{n}.json", {"person_id": "p1", "organization_id": f"o{n}", "sources": sources})
    with pytest.raises(OcdImportError) as refused:
        import_directory(tmp_path)
    problems = [str(p) for p in refused.value.problems]
    assert problems == [
        "person_1.json: $: has memberships in several organizations (Dept 1, Dept 2); an officer belongs to one department",
        "person_2.json: $: has no membership, and the directory holds no single organization to place the officer in",
    ]
    assert set(_row_counts().values()) == {0}


def test_import_cli_usage(runner, tmp_path):
    result = runner.invoke(args=["import", "ocd"])
    assert result.exit_code == 2
    result = runner.invoke(args=["import", "ocd", str(tmp_path / "missing")])
    assert result.exit_code == 1 and "is not a directory" in result.output


def test_the_only_organization_refused_is_a_clear_failure_not_a_crash(app_ctx, tmp_path):
    build_department()
    db.session.add(Department(name="Shelbyville Police Department", short_name="SBPD", state="MS"))
    db.session.commit()
    export_department(db.session.scalars(select(Department).where(Department.name == NAME)).one(),
                      tmp_path / "out", SOURCE)
    path = next((tmp_path / "out").glob("organization_*.json"))
    organization = json.loads(path.read_text())
    organization["name"] = "Shelbyville Police Department"
    path.write_text(json.dumps(organization))

    with pytest.raises(OcdImportError) as failed:
        import_directory(tmp_path / "out")
    assert any(problem.file == path.name and problem.where == "$.name"
               and "another department is already named 'Shelbyville Police Department'" in problem.message
               for problem in failed.value.problems), failed.value.problems
