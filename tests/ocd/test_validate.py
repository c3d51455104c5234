"""``flask export ocd --validate DIR``: every error, with its file and JSON path."""
from __future__ import annotations

import json
from collections import Counter

import fastjsonschema

from app.ocd.directory import _quick_checks, _validators, read_directory
from app.ocd.export import export_department

from .conftest import build_department, pupa_directory, write_json

SOURCES = [{"url": "https://example.org/roster"}]
ORG = "ocd-organization/0f6a3c1e-5b7d-4e2a-9c8b-1d2e3f4a5b6c"
PERSON = "ocd-person/7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"


def _good(directory):
    write_json(directory, "organization_a.json", {"_id": ORG, "name": "Test PD", "sources": SOURCES})
    write_json(directory, "person_a.json", {"_id": PERSON, "name": "Ann Smith", "sources": SOURCES})
    write_json(directory, "membership_a.json", {"person_id": PERSON, "organization_id": ORG,
                                                "start_date": "2019-05", "sources": SOURCES})


def test_a_valid_directory_passes(runner, tmp_path):
    _good(tmp_path)
    (tmp_path / "jurisdiction_x.json").write_text("{}")
    (tmp_path / "README.txt").write_text("not JSON and not looked at")
    result = runner.invoke(args=["export", "ocd", "--validate", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "valid; files per type: organization 1, post 0, person 1, membership 1" in result.output
    assert "Not checked (types Oversight does not read): jurisdiction_x.json" in result.output


def test_our_own_export_validates(app, runner, tmp_path):
    with app.app_context():
        build_department()
    runner.invoke(args=["export", "ocd", "Springfield Police Department", "--dir", str(tmp_path / "out"),
                        "--source-url", "https://oversight.example.org/"])
    result = runner.invoke(args=["export", "ocd", "--validate", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "valid; files per type: organization 1, post 0, person 5, membership 5" in result.output


def _broken(tmp_path):
    """Files with one or more of every kind of mistake."""
    write_json(tmp_path, "person_b.json", {
        "_id": "ocd-person/0B4E28BA-2FA1-11D2-883F-0016D3CCA427",  # not lowercase, still a fine _id
        "name": "Bo Jones",
        "gendr": "male",
        "birth_date": "1980-13",
        "identifiers": [{"identifier": "12"}],
        "links": [{"url": "mailto:bo@example.org"}],
        "extras": {"employment_date": "2001"},
        "sources": [],
    })
    write_json(tmp_path, "organization_b.json", {
        "_id": "ocd-person/1b4e28ba-2fa1-11d2-883f-0016d3cca427", "name": "",
        "division_id": "ocd-division/country:us/state:ms/county:Pearl River",
        "classification": "sheriff", "posts": [{"label": "Deputy", "extras": {"order": "1"}}],
        "sources": [{"url": "https://example.org/a b"}],
    })
    write_json(tmp_path, "membership_b.json", {
        "person_id": "3f1d", "organization_id": ORG, "post_id": "~{label: Deputy}",
        "start_date": "2019-02-30", "end_date": "19", "sources": SOURCES,
    })
    write_json(tmp_path, "membership_c.json", {"person_id": ORG, "organization_id": ORG,
                                               "sources": SOURCES})
    write_json(tmp_path, "post_a.json", {"_id": PERSON, "label": "Chief", "organization_id": "~{}",
                                         "sources": SOURCES})
    (tmp_path / "person_broken.json").write_text('{\n  "_id": "x",\n  "name": "Cy"\n  "sources": []\n}\n')
    write_json(tmp_path, "person_list.json", [1, 2])



def test_every_error_is_reported_with_file_and_path(runner, tmp_path):
    _good(tmp_path)
    _broken(tmp_path)
    result = runner.invoke(args=["export", "ocd", "--validate", str(tmp_path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    expected = [
        "organization_b.json: $.classification: 'sheriff' is not one of",
        "organization_b.json: $.division_id: 'ocd-division/country:us/state:ms/county:Pearl River' is not an OCD division id",
        "organization_b.json: $.name: '' should be non-empty",
        "organization_b.json: $.posts[0].extras.order: '1' is not of type 'integer'",
        "organization_b.json: $.sources[0].url: 'https://example.org/a b' is not an http, https or ftp URL without spaces",
        "organization_b.json: $._id: organization files need an ocd-organization/<uuid> id, not ocd-person/1b4e",
        "person_b.json: $: Additional properties are not allowed ('gendr' was unexpected)",
        "person_b.json: $.birth_date: '1980-13' is not a real date",
        "person_b.json: $.extras.employment_date: '2001' is not a date written YYYY-MM-DD",
        "person_b.json: $.identifiers[0]: 'scheme' is a required property",
        "person_b.json: $.links[0].url: 'mailto:bo@example.org' is not an http or https URL without spaces",
        "person_b.json: $.sources: [] should be non-empty",
        "membership_b.json: $.end_date: '19' is not a date written YYYY, YYYY-MM or YYYY-MM-DD",
        "membership_b.json: $.post_id: pseudo-id '~{label: Deputy}' is not ~ followed by a JSON object",
        "membership_b.json: $.start_date: '2019-02-30' is not a real date",
        "membership_b.json: $.person_id: no person in this directory has the _id 3f1d",
        f"membership_c.json: $.person_id: {ORG} is the _id of organization_a.json, which is not a person",
        "post_a.json: $.organization_id: pseudo-id '~{}' must be ~ followed by a JSON object of strings",
        f"post_a.json: $._id: {PERSON} is also the _id of person_a.json",
        "person_broken.json: line 4 column 3: not JSON: Expecting ',' delimiter",
        "person_list.json: $: [1, 2] is not of type 'object'",
    ]
    for wanted in expected:
        assert any(line.startswith(wanted) for line in lines), f"missing: {wanted}\n{result.output}"
    problem_lines = [line for line in lines if ": $" in line or ": line " in line]
    assert len(problem_lines) == len(expected), result.output
    assert f"{len(expected)} problem(s) in {tmp_path}" in result.output


def test_an_empty_or_missing_directory_is_an_error(runner, tmp_path):
    result = runner.invoke(args=["export", "ocd", "--validate", str(tmp_path)])
    assert result.exit_code == 1 and "holds no Open Civic Data files" in result.output
    result = runner.invoke(args=["export", "ocd", "--validate", str(tmp_path / "nope")])
    assert result.exit_code == 1 and "is not a directory" in result.output


def test_validate_takes_no_department(runner, tmp_path):
    result = runner.invoke(args=["export", "ocd", "Some PD", "--validate", str(tmp_path)])
    assert result.exit_code == 2 and "--validate DIR takes no department" in result.output


def test_problems_come_back_as_data_for_other_callers(tmp_path):
    _good(tmp_path)
    write_json(tmp_path, "membership_z.json", {"person_id": PERSON, "organization_id": ORG,
                                               "sources": [{"url": "ftp://example.org/x"}],
                                               "extras": {"badge_number": 42}})
    checked = read_directory(tmp_path)
    assert [(p.file, p.where) for p in checked.problems] == [("membership_z.json", "$.extras.badge_number")]
    assert {obj.type for obj in checked.objects} == {"organization", "person", "membership"}
    assert json.loads((tmp_path / "membership_z.json").read_text())["extras"]["badge_number"] == 42


def test_the_quick_check_and_the_full_account_agree(app, tmp_path):
    """Valid files pass a compiled check alone; the rest get jsonschema's list of errors.
    Both must judge every file alike."""
    _good(tmp_path / "good")
    _broken(tmp_path / "broken")
    pupa_directory(tmp_path / "pupa")
    with app.app_context():
        export_department(build_department(), tmp_path / "ours", "https://oversight.example.org/")
    judged = Counter()
    for path in sorted(tmp_path.glob("*/*.json")):
        type_ = path.name.split("_")[0]
        if type_ not in _validators():
            continue
        try:
            data = json.loads(path.read_text())
        except json.JSONDecodeError:
            continue
        full = not list(_validators()[type_].iter_errors(data))
        try:
            _quick_checks()[type_](data)
            quick = True
        except fastjsonschema.JsonSchemaException:
            quick = False
        assert quick == full, path
        judged[full] += 1
    assert judged == {True: 22, False: 5}
