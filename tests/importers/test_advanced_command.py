"""`flask advanced-csv-import` and `flask export department`, through the command line."""
from __future__ import annotations

import shutil
from datetime import date, time

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Assignment, Department, Incident, Job, Link, Officer, Salary

DEPARTMENT = "Springfield Police Department"
FILES = ("officers", "assignments", "salaries", "incidents", "links")


@pytest.fixture
def springfield(app_ctx, admin):
    """The records OpenOversight's example files update: officer 49483 with assignment
    77021 and salary 33001, incident 123456 and link 55051."""
    dept = Department(name=DEPARTMENT, short_name="SPD", state="IL")
    db.session.add(dept)
    db.session.flush()
    officer_job = Job(job_title="Police Officer", order=1, department_id=dept.id)
    db.session.add(officer_job)
    officer = Officer(id=49483, first_name="Already", last_name="InDatabase", department_id=dept.id)
    db.session.add(officer)
    db.session.flush()
    db.session.add(Assignment(id=77021, officer_id=officer.id, job_id=officer_job.id, star_no="1111"))
    db.session.add(Salary(id=33001, officer_id=officer.id, salary=40000, year=2017, is_fiscal_year=True))
    db.session.add(Incident(id=123456, department_id=dept.id, report_number="OLD-1", created_by=admin))
    db.session.flush()
    db.session.add(Link(id=55051, url="https://old.example.org", title="Old", officers=[officer], created_by=admin))
    db.session.commit()
    return dept.id


def advanced(runner, *args, **files):
    extra = []
    for kind, path in files.items():
        extra += [f"--{kind}-csv", str(path)]
    return runner.invoke(args=["advanced-csv-import", *args, *extra])


def example_files(shared_dir) -> dict:
    return {kind: shared_dir / "openoversight_test_csvs" / f"{kind}.csv" for kind in FILES}


def fresh(model, **filters):
    db.session.expire_all()
    return db.session.execute(select(model).filter_by(**filters)).scalar_one()


def test_openoversight_example_files_end_to_end(runner, springfield, admin, shared_dir):
    result = advanced(runner, DEPARTMENT, **example_files(shared_dir))
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith(
        "jobs: 2 created; officers: 3 created, 1 updated; assignments: 4 created, 1 updated; "
        "salaries: 3 created, 1 updated; locations: 2 created; license plates: 3 created; "
        "incidents: 2 created, 1 updated; links: 2 created, 1 updated (committed)")

    smith = fresh(Officer, unique_internal_identifier="UID-1")
    assert (smith.first_name, smith.last_name, smith.middle_initial, smith.race, smith.gender) == \
        ("Mark", "Smith", "O", "WHITE", "M")
    assert (smith.employment_date, smith.birth_year, smith.department_id) == (date(2019, 7, 12), 1984, springfield)
    assert [(a.star_no, a.job.job_title, a.start_date, a.resign_date) for a in smith.assignments] == [
        ("1234", "Police Officer", date(2019, 7, 12), date(2020, 1, 1)),
        ("2345", "Captain", date(2020, 1, 1), None)]
    assert sorted((s.salary, s.year, s.is_fiscal_year) for s in smith.salaries) == [
        (10000, 2018, True), (10001, 2019, True)]
    fuller = fresh(Officer, unique_internal_identifier="UID-2")
    assert (fuller.suffix, fuller.employment_date) == ("III", date(2020, 2, 29))
    assert [a.job.job_title for a in fuller.assignments] == ["Commander"]
    brown = fresh(Officer, unique_internal_identifier="UID-3")
    assert (brown.race, brown.employment_date) == ("BLACK", date(2018, 1, 1))

    existing = fresh(Officer, id=49483)
    assert (existing.race, existing.gender, existing.birth_year, existing.employment_date) == \
        ("HISPANIC", "Other", 1952, None)
    updated = fresh(Assignment, id=77021)
    assert (updated.star_no, updated.start_date, updated.resign_date) == ("4567", date(2020, 1, 1), date(2020, 7, 10))
    assert fresh(Assignment, star_no="54321").job.job_title == "Captain"
    salary = fresh(Salary, id=33001)
    assert (salary.salary, salary.year, salary.is_fiscal_year) == (50000, 2018, False)
    # New titles are added after the department's others.
    assert fresh(Job, job_title="Captain", department_id=springfield).order == 2
    assert fresh(Job, job_title="Commander", department_id=springfield).order == 3

    first = fresh(Incident, report_number="CR-1234")
    assert (first.date, first.time, first.description) == (date(2020, 7, 20), time(6, 30), "Something happened")
    assert (first.address.street_name, first.address.cross_street1, first.address.cross_street2,
            first.address.city, first.address.state, first.address.zip_code) == \
        (None, "East Ave", "Main St", "Chicago", "IL", "60603")
    assert sorted((p.number, p.state) for p in first.license_plates) == [("98UMC", "IL"), ("ABC123", "NY")]
    assert sorted(o.id for o in first.officers) == sorted([smith.id, 49483])
    referenced = fresh(Incident, report_number="CR-9912")
    assert referenced.address.street_name == "Fake Street" and referenced.officers == [smith]
    old = fresh(Incident, id=123456)
    assert (old.report_number, old.date, old.address) == ("CR-39283", date(2020, 7, 26), None)
    assert [p.number for p in old.license_plates] == ["XYZ11"] and old.officers == [smith]

    a_link = fresh(Link, title="A Link")
    assert sorted(o.id for o in a_link.officers) == sorted([smith.id, 49483]) and a_link.link_type == "link"
    another = fresh(Link, title="Another Link")
    assert another.incidents == [referenced] and another.author == "Example Times"
    link = fresh(Link, id=55051)
    assert (link.title, link.url, link.link_type) == ("Updated Link", "https://www.example.org", None)
    assert link.incidents == [old] and link.officers == []
    for record in (smith, brown, first, a_link):
        assert record.created_by == admin and record.last_updated_by == admin
    assert existing.last_updated_by == admin


def test_export_then_reimport_changes_nothing(runner, springfield, shared_dir, tmp_path, count_writes, snapshot):
    assert advanced(runner, DEPARTMENT, **example_files(shared_dir)).exit_code == 0
    result = runner.invoke(args=["export", "department", DEPARTMENT, "--dir", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(f"{k}.csv" for k in FILES)
    officers_csv = (tmp_path / "out" / "officers.csv").read_text()
    assert officers_csv.splitlines()[0] == (
        "id,department_name,department_state,last_name,first_name,middle_initial,suffix,race,gender,"
        "employment_date,birth_year,unique_internal_identifier")
    assert f"49483,{DEPARTMENT},IL,InDatabase,Already,,,HISPANIC,Other,,1952,UID-4" in officers_csv
    incidents_csv = (tmp_path / "out" / "incidents.csv").read_text()
    assert "2020-07-20,06:30:00,CR-1234" in incidents_csv and "98UMC_IL|ABC123_NY" in incidents_csv

    before = snapshot()
    with count_writes() as counter:
        result = advanced(runner, DEPARTMENT, **{k: tmp_path / "out" / f"{k}.csv" for k in FILES})
    assert result.exit_code == 0, result.output
    assert result.output.startswith("No changes.")
    assert "officers: 4 unchanged; assignments: 5 unchanged; salaries: 4 unchanged; incidents: 3 unchanged; " \
           "links: 3 unchanged" in result.output
    assert counter.writes == []
    assert snapshot() == before


def test_dry_run_reports_and_commits_nothing(runner, springfield, shared_dir, snapshot):
    before = snapshot()
    result = advanced(runner, DEPARTMENT, "--dry-run", **example_files(shared_dir))
    assert result.exit_code == 0, result.output
    assert "+ officer #1 (" in result.output and "last_name='Smith'" in result.output
    assert "~ officer id 49483" in result.output and "race (blank) → 'HISPANIC'" in result.output
    assert "~ link id 55051" in result.output and "url 'https://old.example.org' → 'https://www.example.org'" \
        in result.output
    assert result.output.strip().endswith("(dry run: nothing committed)")
    assert snapshot() == before


def test_a_bad_row_fails_everything_and_names_the_cell(runner, springfield, shared_dir, tmp_path, write_csv, snapshot):
    files = example_files(shared_dir)
    bad = write_csv(files["assignments"].read_text() + ",#9,1,2021-01-01,Captain,,\n", "assignments.csv")
    before = snapshot()
    result = advanced(runner, DEPARTMENT, **{**files, "assignments": bad})
    assert result.exit_code == 1
    assert (f"Error: {bad}, line 7, column 'officer id', value '#9': no officer of {DEPARTMENT} has this id, "
            "and no row of the officers file has this #reference") in result.output
    assert snapshot() == before


@pytest.mark.parametrize("kind,content,message", [
    ("officers", "id,department_name,nickname\n,Springfield Police Department,Bo\n",
     "line 1, column 'nickname': unknown column"),
    ("officers", "id,last_name\n,Smith\n", "line 1: missing required column 'department_name'"),
    ("officers", "id,department_name\n,Shelbyville Police Department\n",
     "line 2, column 'department_name', value 'Shelbyville Police Department': does not match"),
    ("officers", "id,department_name,department_state\n,Springfield Police Department,WI\n",
     "line 2, column 'department_state', value 'WI': does not match the department being imported ('IL')"),
    ("officers", "id,department_name,gender\n,Springfield Police Department,Q\n",
     "line 2, column 'gender', value 'Q': not a gender"),
    ("officers", "id,department_name\n12345,Springfield Police Department\n",
     "line 2, column 'id', value '12345': no officer of Springfield Police Department has this id"),
    ("officers", "id,department_name\n#a,Springfield Police Department\n#a,Springfield Police Department\n",
     "line 3, column 'id', value '#a': this #reference is used by an earlier row"),
    ("officers", "id,department_name\nabc,Springfield Police Department\n",
     "line 2, column 'id', value 'abc': id must be blank, a number or a #reference"),
    ("assignments", "id,officer_id,job_title\n#x,49483,Captain\n",
     "line 2, column 'id', value '#x': only officers and incidents take #references"),
    ("assignments", "id,officer_id,job_title\n,,Captain\n",
     "line 2, column 'officer_id', value '': officer_id must not be blank"),
    ("assignments", "id,officer_id,job_title,unit_id\n,49483,Captain,999\n",
     "line 2, column 'unit_id', value '999': Springfield Police Department has no unit with this id"),
    ("salaries", "id,officer_id,salary,year\n,49483,lots,2020\n",
     "line 2, column 'salary', value 'lots': not a number"),
    ("salaries", "id,officer_id,salary,year\n99999,49483,1,2020\n",
     "line 2, column 'id', value '99999': no salary of Springfield Police Department has this id"),
    ("incidents", "id,department_name,zip_code\n,Springfield Police Department,6060\n",
     "line 2, column 'zip_code', value '6060': Not a valid zip code"),
    ("incidents", "id,department_name,license_plates\n,Springfield Police Department,AB_12_XX\n",
     "line 2, column 'license_plates', value 'AB_12_XX': plate 'AB_12_XX': 'XX' is not a US state abbreviation"),
    ("incidents", "id,department_name,created_by\n,Springfield Police Department,777\n",
     "line 2, column 'created_by', value '777': no user has this id"),
    ("incidents", "id,department_name,officer_ids\n,Springfield Police Department,49483|12\n",
     "line 2, column 'officer_ids', value '49483|12': '12' is not an id of this department's officers"),
    ("links", "id,url\n,ftp://example.org/file\n",
     "line 2, column 'url', value 'ftp://example.org/file': Not a valid URL"),
    ("links", "id,url,link_type\n,https://example.org,Podcast\n",
     "line 2, column 'link_type', value 'Podcast': not a link type"),
])
def test_bad_files_fail_naming_the_cell(runner, springfield, write_csv, snapshot, kind, content, message):
    path = write_csv(content, f"{kind}.csv")
    before = snapshot()
    result = advanced(runner, DEPARTMENT, **{kind: path})
    assert result.exit_code == 1, result.output
    assert f"{path}, {message}" in result.output
    assert snapshot() == before


def test_usage_errors_exit_2(runner, springfield, tmp_path):
    assert advanced(runner, DEPARTMENT).exit_code == 2  # no files
    assert runner.invoke(args=["advanced-csv-import"]).exit_code == 2
    assert advanced(runner, DEPARTMENT, officers=tmp_path / "missing.csv").exit_code == 2


def test_unknown_or_ambiguous_department(runner, springfield, write_csv):
    path = write_csv("id,department_name\n,Ogdenville Police Department\n", "officers.csv")
    result = advanced(runner, "Ogdenville Police Department", officers=path)
    assert result.exit_code == 1 and "no department named 'Ogdenville Police Department'" in result.output
    db.session.add(Department(name=DEPARTMENT, short_name="SPD", state="MO"))
    db.session.commit()
    path = write_csv(f"id,department_name,last_name\n49483,{DEPARTMENT},Renamed\n", "officers.csv")
    result = advanced(runner, DEPARTMENT, officers=path)
    assert result.exit_code == 1 and "several departments are named" in result.output
    result = advanced(runner, DEPARTMENT, "--department-state", "IL", officers=path)
    assert result.exit_code == 0, result.output
    assert fresh(Officer, id=49483).last_name == "Renamed"


def test_not_sure_gender_is_stored_as_null(runner, springfield, write_csv):
    path = write_csv(f"id,department_name,gender\n49483,{DEPARTMENT},Not Sure\n,{DEPARTMENT},not sure\n",
                     "officers.csv")
    result = advanced(runner, DEPARTMENT, officers=path)
    assert result.exit_code == 0, result.output
    assert {o.gender for o in db.session.execute(select(Officer)).scalars()} == {None}


def test_omitted_columns_leave_data_and_associations_alone(runner, springfield, write_csv, count_writes):
    incident = fresh(Incident, id=123456)
    incident.officers = [fresh(Officer, id=49483)]
    db.session.commit()
    # Only the report number is given: officers, links and the rest stay.
    path = write_csv(f"id,department_name,report_number\n123456,{DEPARTMENT},OLD-1\n", "incidents.csv")
    with count_writes() as counter:
        result = advanced(runner, DEPARTMENT, incidents=path)
    assert result.output.startswith("No changes.") and counter.writes == []
    links = write_csv("id,url,title\n55051,https://old.example.org,Old\n", "links.csv")
    assert advanced(runner, DEPARTMENT, links=links).output.startswith("No changes.")
    assert [o.id for o in fresh(Incident, id=123456).officers] == [49483]
    assert [o.id for o in fresh(Link, id=55051).officers] == [49483]
    # A present but blank list clears this department's associations.
    blank = write_csv("id,url,officer_ids\n55051,https://old.example.org,\n", "links.csv")
    result = advanced(runner, DEPARTMENT, links=blank)
    assert "officer_ids [49483] → []" in result.output
    assert fresh(Link, id=55051).officers == []


def test_lists_keep_other_departments_associations(runner, springfield, other_department, write_csv):
    stranger = Officer(first_name="Ann", last_name="Lee", department_id=other_department)
    db.session.add(stranger)
    db.session.commit()
    link = fresh(Link, id=55051)
    link.officers = [fresh(Officer, id=49483), stranger]
    db.session.commit()
    path = write_csv("id,url,officer_ids\n55051,https://old.example.org,\n", "links.csv")
    assert advanced(runner, DEPARTMENT, links=path).exit_code == 0
    assert [o.id for o in fresh(Link, id=55051).officers] == [stranger.id]


def test_ids_in_lists_are_stripped_and_blank_tokens_skipped(runner, springfield, write_csv):
    officers = write_csv(f"id,department_name,last_name\n#C1,{DEPARTMENT},Cruz\n", "officers.csv")
    incidents = write_csv(f"id,department_name,officer_ids\n123456,{DEPARTMENT}, 49483 | #C1 ||\n", "incidents.csv")
    result = advanced(runner, DEPARTMENT, officers=officers, incidents=incidents)
    assert result.exit_code == 0, result.output
    assert sorted(o.last_name for o in fresh(Incident, id=123456).officers) == ["Cruz", "InDatabase"]


def test_salary_updates_take_decimals_and_blank_overtime(runner, springfield, write_csv):
    salary = fresh(Salary, id=33001)
    salary.overtime_pay = 900
    db.session.commit()
    path = write_csv("id,officer_id,salary,year,overtime_pay,is_fiscal_year\n33001,49483,41000.55,2017,,y\n",
                     "salaries.csv")
    result = advanced(runner, DEPARTMENT, salaries=path)
    assert result.exit_code == 0, result.output
    salary = fresh(Salary, id=33001)
    assert (salary.salary, salary.overtime_pay, salary.is_fiscal_year) == (41000.55, None, True)


@pytest.mark.parametrize("flag,fiscal", [("true", True), ("T", True), ("yes", True), ("y", True),
                                         ("false", False), ("1", False), ("", False), ("whatever", False)])
def test_is_fiscal_year_follows_the_documented_words(runner, springfield, write_csv, flag, fiscal):
    path = write_csv(f"id,officer_id,salary,year,is_fiscal_year\n,49483,1,2020,{flag}\n", "salaries.csv")
    assert advanced(runner, DEPARTMENT, salaries=path).exit_code == 0
    assert fresh(Salary, year=2020).is_fiscal_year is fiscal


def test_byte_order_mark_and_header_spelling(runner, springfield, write_csv):
    path = write_csv(f"ID, Department Name ,Last Name,UNIQUE INTERNAL IDENTIFIER\n49483,{DEPARTMENT},Byrd,U-9\n",
                     "officers.csv", encoding="utf-8-sig")
    result = advanced(runner, DEPARTMENT, officers=path)
    assert result.exit_code == 0, result.output
    officer = fresh(Officer, id=49483)
    assert (officer.last_name, officer.unique_internal_identifier) == ("Byrd", "U-9")


def test_newer_openoversight_columns_are_accepted(runner, springfield, admin, write_csv):
    officers = write_csv(f"id,department_name,department_state,last_name,badge_number,most_recent_salary\n"
                         f"#n,{DEPARTMENT},IL,Nguyen,12,50000\n", "officers.csv")
    assignments = write_csv("id,officer_id,star_no,job_title,officer_unique_identifier\n,#n,12,Police Officer,\n",
                            "assignments.csv")
    incidents = write_csv(f"id,department_name,department_state,report_number,created_by,last_updated_by\n"
                          f",{DEPARTMENT},IL,R-1,{admin},\n", "incidents.csv")
    links = write_csv(f"id,url,created_by,officer_ids\n,https://example.org/n,{admin},#n\n", "links.csv")
    result = advanced(runner, DEPARTMENT, officers=officers, assignments=assignments, incidents=incidents, links=links)
    assert result.exit_code == 0, result.output
    nguyen = fresh(Officer, last_name="Nguyen")
    assert nguyen.assignments[0].star_no == "12"
    assert fresh(Incident, report_number="R-1").created_by == admin
    assert fresh(Link, url="https://example.org/n").officers == [nguyen]


def test_force_create_mirrors_records_with_their_ids(runner, springfield, write_csv):
    officers = write_csv(f"id,last_name,first_name\n49483,Mirror,Already\n700,Seven,Hundred\n,New,Person\n",
                         "officers.csv")
    assignments = write_csv("id,officer_id,badge_number,job_title\n900,700,7,Detective\n", "assignments.csv")
    result = advanced(runner, DEPARTMENT, "--force-create", officers=officers, assignments=assignments)
    assert result.exit_code == 0, result.output
    assert "! officer id 49483" in result.output and "+ officer id 700" in result.output
    assert fresh(Officer, id=49483).last_name == "Mirror"
    # The replaced officer's old assignment and salary went with it (database cascade).
    assert db.session.get(Assignment, 77021) is None and db.session.get(Salary, 33001) is None
    assert fresh(Assignment, id=900).base_officer.last_name == "Seven"
    newcomer = fresh(Officer, last_name="New")
    assert newcomer.id > 49483  # after every id in the files
    # Ids made afterwards do not collide with the imported ones (PostgreSQL's sequences moved).
    later = Officer(last_name="Later", department_id=springfield)
    db.session.add(later)
    db.session.add(Assignment(officer_id=700, job_id=fresh(Job, job_title="Detective").id))
    db.session.commit()
    assert later.id > newcomer.id


def test_force_create_never_replaces_another_departments_records(runner, springfield, other_department,
                                                                 write_csv, snapshot):
    stranger = Officer(first_name="Ann", last_name="Lee", department_id=other_department)
    db.session.add(stranger)
    db.session.commit()
    before = snapshot()
    path = write_csv(f"id,last_name\n{stranger.id},Taken\n", "officers.csv")
    result = advanced(runner, DEPARTMENT, "--force-create", officers=path)
    assert result.exit_code == 1
    assert f"value '{stranger.id}': id {stranger.id} is taken by another department's officer" in result.output
    assert snapshot() == before


def test_force_create_is_refused_in_production(app, runner, springfield, write_csv, snapshot):
    app.config["OVERSIGHT_ENV"] = "production"
    before = snapshot()
    path = write_csv("id,last_name\n49483,Prod\n", "officers.csv")
    result = advanced(runner, DEPARTMENT, "--force-create", officers=path)
    assert result.exit_code == 1 and "refused in production" in result.output
    assert snapshot() == before


def test_export_of_an_unknown_department_fails(runner, app_ctx, tmp_path):
    result = runner.invoke(args=["export", "department", "Nowhere PD", "--dir", str(tmp_path)])
    assert result.exit_code == 1 and "no department named 'Nowhere PD'" in result.output
    assert runner.invoke(args=["export", "department", "Nowhere PD"]).exit_code == 2


def test_mirroring_an_export_into_an_empty_department(runner, springfield, shared_dir, tmp_path):
    """The documented use of --force-create: a department's export loaded elsewhere."""
    assert advanced(runner, DEPARTMENT, **example_files(shared_dir)).exit_code == 0
    out = tmp_path / "out"
    assert runner.invoke(args=["export", "department", DEPARTMENT, "--dir", str(out)]).exit_code == 0
    exported = {kind: (out / f"{kind}.csv").read_text() for kind in FILES}
    # Wipe the department's people and records, keep the department, then mirror the files back.
    db.session.execute(Officer.__table__.delete())
    db.session.execute(Incident.__table__.delete())
    db.session.execute(Link.__table__.delete())
    db.session.commit()
    result = advanced(runner, DEPARTMENT, "--force-create", **{k: out / f"{k}.csv" for k in FILES})
    assert result.exit_code == 0, result.output
    again = tmp_path / "again"
    assert runner.invoke(args=["export", "department", DEPARTMENT, "--dir", str(again)]).exit_code == 0
    assert {kind: (again / f"{kind}.csv").read_text() for kind in FILES} == exported
    shutil.rmtree(again)


def test_job_titles_are_found_ignoring_case_or_created(runner, springfield, write_csv):
    path = write_csv("id,officer_id,job_title\n,49483,police officer\n,49483,Detective\n,49483,\n", "assignments.csv")
    result = advanced(runner, DEPARTMENT, assignments=path)
    assert result.exit_code == 0, result.output
    titles = {job.job_title: job for job in db.session.execute(
        select(Job).filter_by(department_id=springfield)).scalars()}
    assert sorted(titles) == ["Detective", "Not Sure", "Police Officer"]
    # A new title ranks after the others; a blank one is Not Sure, first like a department's default.
    assert (titles["Detective"].order, titles["Detective"].is_sworn_officer) == (2, False)
    assert (titles["Not Sure"].order, titles["Not Sure"].is_sworn_officer) == (0, True)
    assert sorted(a.job.job_title for a in fresh(Officer, id=49483).assignments) == \
        ["Detective", "Not Sure", "Police Officer", "Police Officer"]


def test_force_create_takes_downloads_without_department_columns(runner, springfield, write_csv):
    path = write_csv("id,report_number,officer_ids\n800,R-800,49483\n", "incidents.csv")
    result = advanced(runner, DEPARTMENT, "--force-create", incidents=path)
    assert result.exit_code == 0, result.output
    incident = fresh(Incident, id=800)
    assert (incident.department_id, [o.id for o in incident.officers]) == (springfield, [49483])
