"""The importers as the admin pages call them: streams instead of paths, the uploader
stamped on records, area coordinators kept to their department, the report and the error."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from app.extensions import db
from app.importers.advanced import import_department
from app.importers.bulk import import_roster
from app.importers.errors import ImportFailed
from app.models import Officer, User

HEADER = "department_id,unique_internal_identifier,first_name,last_name,star_no,job_title,salary,salary_year\n"


def test_a_binary_upload_with_a_byte_order_mark(department, admin, count_writes):
    upload = io.BytesIO(("\ufeff" + HEADER + f"{department},U-1,José,Smith,1,Officer,50000,2020\n").encode())
    report = import_roster(upload, filename="roster.csv", user=db.session.get(User, admin))
    assert report.committed and report.counts["officer"] == {"created": 1}
    smith = db.session.execute(select(Officer)).scalar_one()
    assert smith.first_name == "José"
    assert (smith.created_by, smith.last_updated_by) == (admin, admin)
    assert (smith.salaries[0].created_by, smith.assignments[0].last_updated_by) == (admin, admin)


def test_a_text_upload_and_errors_named_after_it(department):
    upload = io.StringIO(HEADER + f"{department},U-1,Ann,Lee,1,Officer,lots,2020\n")
    with pytest.raises(ImportFailed) as failure:
        import_roster(upload, filename="march-roster.csv")
    error = failure.value
    assert (error.file, error.line, error.column, error.value) == ("march-roster.csv", 2, "salary", "lots")
    assert str(error) == ("march-roster.csv, line 2, column 'salary', value 'lots': not a number; write digits "
                          "with an optional decimal point, e.g. 51234.50")
    assert db.session.execute(select(Officer)).first() is None


def test_an_area_coordinator_upload_is_kept_to_their_department(department, other_department):
    upload = io.StringIO(HEADER + f"{department},U-1,Ann,Lee,1,Officer,,\n{other_department},U-2,Bo,Li,2,Officer,,\n")
    with pytest.raises(ImportFailed) as failure:
        import_roster(upload, only_department_id=department, user=None)
    error = failure.value
    assert (error.line, error.column, error.value) == (3, "department_id", str(other_department))
    assert f"this import may only change department {department}" in str(failure.value)
    assert db.session.execute(select(Officer)).first() is None


def test_the_report(department):
    first = import_roster(io.StringIO(HEADER + f"{department},U-1,Ann,Lee,1,Officer,50000,2020\n"))
    assert first.count("officer", "created") == 1 and first.has_changes
    # Created records are named by the ids they were given.
    officer_id = db.session.execute(select(Officer.id)).scalar_one()
    assert f"+ officer #{officer_id} 'Ann Lee' (U-1) (upload.csv line 2)" in first.render_text()

    preview = import_roster(io.StringIO(HEADER + f"{department},U-1,Anne,Lee,1,Officer,51000,2020\n"), dry_run=True)
    assert preview.dry_run and not preview.committed
    assert preview.counts == {"officer": {"updated": 1}, "assignment": {"unchanged": 1}, "salary": {"updated": 1}}
    [officer_change, salary_change] = preview.changes
    assert (officer_change.kind, officer_change.action, dict(officer_change.fields)) == \
        ("officer", "updated", {"first_name": ("Ann", "Anne")})
    assert dict(salary_change.fields) == {"salary": (50000.0, 51000.0)}
    assert preview.summary_line() == ("officers: 1 updated; assignments: 1 unchanged; salaries: 1 updated "
                                      "(dry run: nothing committed)")
    text = preview.render_text().splitlines()
    assert text[0] == f"~ officer #{officer_id} 'Anne Lee' (U-1) (upload.csv line 2): first_name 'Ann' → 'Anne'"
    assert text[-1] == preview.summary_line()
    assert db.session.get(Officer, officer_id).first_name == "Ann"


def test_department_import_from_binary_streams(department, admin):
    officers = io.BytesIO(b"id,department_name,last_name\n#a,Springfield Police Department,Cruz\n")
    salaries = io.BytesIO(b"id,officer_id,salary,year\n,#a,1000.5,2021\n,#b,1,2021\n")
    with pytest.raises(ImportFailed) as failure:
        import_department("Springfield Police Department", officers=officers, salaries=salaries, user=admin)
    assert (failure.value.file, failure.value.line, failure.value.column) == ("salaries.csv", 3, "officer_id")
    assert db.session.execute(select(Officer)).first() is None

    officers.seek(0)
    report = import_department("Springfield Police Department", officers=officers,
                               salaries=io.BytesIO(b"id,officer_id,salary,year\n,#a,1000.5,2021\n"),
                               user=admin, department_state="IL")
    assert report.committed and report.counts == {"officer": {"created": 1}, "salary": {"created": 1}}
    cruz = db.session.execute(select(Officer)).scalar_one()
    assert cruz.salaries[0].salary == 1000.5 and cruz.created_by == admin


def test_department_import_needs_a_file(department):
    with pytest.raises(ImportFailed, match="no files given"):
        import_department("Springfield Police Department")
