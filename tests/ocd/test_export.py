"""``flask export ocd``: what the JSON holds, that it validates, and that it is deterministic."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import delete, select

from app.extensions import db
from app.models import Department, Officer
from app.ocd.directory import read_directory
from app.ocd.export import ExportError, export_department

from .conftest import SOURCE, build_department, read_tree


def _export(runner, directory, *extra):
    return runner.invoke(args=["export", "ocd", "Springfield Police Department", "--dir", str(directory),
                               "--source-url", SOURCE, *extra])


def _objects(directory):
    return {path.name: json.loads(path.read_text()) for path in sorted(directory.iterdir())}


def test_export_writes_one_file_per_object_and_every_one_validates(app, runner, tmp_path):
    with app.app_context():
        department = build_department()
        org_uuid = department.ocd_id.split("/")[1]
        person_ids = {o.full_name(): o.ocd_id for o in department.officers}
    result = _export(runner, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "Wrote 1 organization, 3 job titles, 5 people, 5 memberships" in result.output

    checked = read_directory(tmp_path / "out")
    assert checked.problems == []
    objects = _objects(tmp_path / "out")
    assert len(objects) == 1 + 5 + 5
    assert all(obj["sources"] == [{"url": SOURCE, "note": "Oversight officer database: [MS] Springfield Police Department"}]
               for obj in objects.values())

    organization = objects[f"organization_{org_uuid}.json"]
    assert organization["_id"] == f"ocd-organization/{org_uuid}"
    assert organization["division_id"] == "ocd-division/country:us/state:ms"
    assert [p["label"] for p in organization["posts"]] == ["Police Officer", "Sergeant", "Civilian Analyst"]
    assert organization["posts"][2]["extras"] == {"order": 3, "is_sworn_officer": False}
    assert organization["extras"] == {"short_name": "SPD", "state": "MS", "units": ["Patrol", "Traffic"],
                                      "unique_internal_identifier_label": "Employee number"}

    jane_uuid = person_ids["Jane Q. Doe"].split("/")[1]
    jane = objects[f"person_{jane_uuid}.json"]
    assert jane["name"] == "Jane Q. Doe"
    assert (jane["given_name"], jane["family_name"], jane["additional_name"]) == ("Jane", "Doe", "Q")
    assert (jane["gender"], jane["birth_date"]) == ("female", "1980")
    assert jane["identifiers"] == [{"scheme": "unique_internal_identifier", "identifier": "E-1001"},
                                   {"scheme": "badge_number", "identifier": "0042"}]
    assert jane["links"] == [{"url": "https://news.example.com/doe", "note": "Court ruling"},
                             {"url": "https://video.example.com/x"}]
    assert jane["extras"] == {"race": "WHITE", "employment_date": "2005-01-03"}
    assert objects[f"membership_{jane_uuid}_1.json"] == {
        "person_id": person_ids["Jane Q. Doe"], "organization_id": organization["_id"],
        "post_id": '~{"label": "Police Officer"}', "start_date": "2005-01-03", "end_date": "2011-06-30",
        "extras": {"badge_number": "0042", "unit": "Patrol"}, "sources": jane["sources"]}
    assert objects[f"membership_{jane_uuid}_2.json"]["post_id"] == '~{"label": "Sergeant"}'
    assert "end_date" not in objects[f"membership_{jane_uuid}_2.json"]

    sam_uuid = person_ids["Samuel Roe Jr"].split("/")[1]
    assert objects[f"person_{sam_uuid}.json"]["honorific_suffix"] == "Jr"
    assert objects[f"membership_{sam_uuid}_1.json"] == objects[f"membership_{sam_uuid}_2.json"]
    pat_uuid = person_ids["Pat Poe"].split("/")[1]
    assert objects[f"person_{pat_uuid}.json"] == {
        "_id": person_ids["Pat Poe"], "name": "Pat Poe", "given_name": "Pat", "family_name": "Poe",
        "sources": jane["sources"]}
    nameless_uuid = person_ids[""].split("/")[1]
    assert objects[f"person_{nameless_uuid}.json"] == {
        "_id": person_ids[""], "name": "Unnamed officer", "given_name": "", "family_name": "",
        "gender": "female", "sources": jane["sources"]}
    lee_uuid = person_ids["Lee Moe"].split("/")[1]
    assert objects[f"person_{lee_uuid}.json"]["gender"] == "other"
    assert set(objects[f"membership_{lee_uuid}_1.json"]) == {"person_id", "organization_id", "post_id", "sources"}


def test_export_is_deterministic_and_replaces_a_previous_export(app, runner, tmp_path):
    with app.app_context():
        build_department()
    assert _export(runner, tmp_path / "a").exit_code == 0
    assert _export(runner, tmp_path / "b").exit_code == 0
    first = read_tree(tmp_path / "a")
    assert first == read_tree(tmp_path / "b")
    # Keys are sorted and the text ends with a newline, so diffs between exports stay small.
    sample = next(iter(first.values()))
    assert sample.endswith("}\n") and json.dumps(json.loads(sample), indent=2, sort_keys=True) + "\n" == sample

    with app.app_context():
        gone = db.session.scalars(select(Officer.ocd_id).where(Officer.last_name == "Poe")).one()
        db.session.execute(delete(Officer).where(Officer.ocd_id == gone))
        db.session.commit()
    assert _export(runner, tmp_path / "a").exit_code == 0
    assert set(read_tree(tmp_path / "a")) == set(first) - {f"person_{gone.split('/')[1]}.json"}


def test_export_leaves_a_directory_holding_other_files_alone(app, runner, tmp_path):
    with app.app_context():
        build_department()
    target = tmp_path / "busy"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    (target / "jurisdiction_x.json").write_text("{}")
    result = _export(runner, target)
    assert result.exit_code == 1
    assert "holds files that are not an OCD export (jurisdiction_x.json, notes.txt)" in result.output
    assert sorted(p.name for p in target.iterdir()) == ["jurisdiction_x.json", "notes.txt"]


def test_export_usage_and_lookup_errors(app, runner, tmp_path):
    with app.app_context():
        build_department()
        build_department(state="IL", uii="IL-1")
    result = runner.invoke(args=["export", "ocd", "--dir", str(tmp_path)])
    assert result.exit_code == 2 and "give DEPARTMENT_NAME and --dir" in result.output
    result = runner.invoke(args=["export", "ocd", "Springfield Police Department", "--dir", str(tmp_path)])
    assert result.exit_code == 2 and "--source-url" in result.output
    result = _export(runner, tmp_path / "x")
    assert result.exit_code == 1 and "2 departments are named 'Springfield Police Department' (states IL, MS)" in result.output
    result = runner.invoke(args=["export", "ocd", "Nowhere PD", "--dir", str(tmp_path / "y"), "--source-url", SOURCE])
    assert result.exit_code == 1 and "no department is named 'Nowhere PD'" in result.output
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()
    result = _export(runner, tmp_path / "il", "--state", "il")
    assert result.exit_code == 0, result.output
    organization = next(v for k, v in _objects(tmp_path / "il").items() if k.startswith("organization_"))
    assert organization["extras"]["state"] == "IL"
    assert organization["division_id"] == "ocd-division/country:us/state:il"


def test_data_the_schemas_refuse_stops_the_export_before_anything_is_written(app_ctx, tmp_path):
    department = build_department()
    department.short_name = ""  # the database allows it; an OCD reader could not use it
    db.session.commit()
    with pytest.raises(ExportError) as refused:
        export_department(department, tmp_path / "out", SOURCE)
    assert [str(p) for p in refused.value.problems] == [
        f"organization_{department.ocd_id.split('/')[1]}.json: $.extras.short_name: '' should be non-empty"]
    assert not (tmp_path / "out").exists()


def test_a_department_with_no_officers_exports_its_organization(app_ctx, tmp_path):
    department = Department(name="Empty PD", short_name="EPD", state="")
    db.session.add(department)
    db.session.commit()
    report = export_department(department, tmp_path / "out", SOURCE)
    assert report.counts == {"organization": 1, "job titles": 0, "people": 0, "memberships": 0}
    (organization,) = _objects(tmp_path / "out").values()
    assert organization["extras"] == {"short_name": "EPD", "state": ""}
    assert "division_id" not in organization and "posts" not in organization
