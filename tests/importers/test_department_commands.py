"""`flask add-department`, `add-job-title` and `add-unit`: preparing a department for its
first roster, then loading it."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Department, Job, Officer, Unit, User


def department_named(name: str) -> Department:
    db.session.expire_all()
    return db.session.execute(select(Department).filter_by(name=name)).scalar_one()


def test_add_department(runner, app_ctx, admin):
    result = runner.invoke(args=["add-department", "Springfield Police Department", "SPD", "il", "Star Number"])
    assert result.exit_code == 0, result.output
    dept = department_named("Springfield Police Department")
    assert result.output == f"Added department [IL] Springfield Police Department with id {dept.id}.\n"
    assert (dept.short_name, dept.state, dept.unique_internal_identifier_label) == ("SPD", "IL", "Star Number")
    assert dept.created_by == admin


@pytest.mark.parametrize("state", ["DC", "FA"])
def test_districts_and_federal_agencies_are_departments_too(runner, app_ctx, state):
    assert runner.invoke(args=["add-department", "Park Police", "PP", state]).exit_code == 0
    assert department_named("Park Police").state == state


def test_add_department_refusals(runner, app_ctx):
    assert runner.invoke(args=["add-department", "Springfield PD", "SPD", "XX"]).exit_code == 2
    assert runner.invoke(args=["add-department", "Springfield PD", "SPD"]).exit_code == 2
    assert runner.invoke(args=["add-department", "Springfield PD", "SPD", "IL"]).exit_code == 0
    result = runner.invoke(args=["add-department", "Springfield PD", "SPD", "IL"])
    assert result.exit_code == 1 and "department [IL] Springfield PD already exists" in result.output
    # The same name in another state is another department.
    assert runner.invoke(args=["add-department", "Springfield PD", "SPD", "MO"]).exit_code == 0
    result = runner.invoke(args=["add-department", " ", "SPD", "MO"])
    assert result.exit_code == 1 and "the name must not be blank" in result.output


def test_add_job_title(runner, department, admin):
    result = runner.invoke(args=["add-job-title", str(department), "Lieutenant", "false", "4"])
    assert result.exit_code == 0, result.output
    job = db.session.execute(select(Job).filter_by(department_id=department, job_title="Lieutenant")).scalar_one()
    assert (job.is_sworn_officer, job.order, job.created_by) == (False, 4, admin)
    assert result.output == f"Added job title 'Lieutenant' (order 4) with id {job.id}.\n"


def test_add_job_title_refusals(runner, department):
    assert runner.invoke(args=["add-job-title", str(department), "Chief", "maybe", "5"]).exit_code == 2
    assert runner.invoke(args=["add-job-title", str(department), "Chief", "true", "fifth"]).exit_code == 2
    result = runner.invoke(args=["add-job-title", "999", "Chief", "true", "5"])
    assert result.exit_code == 1 and "no department has id 999" in result.output
    result = runner.invoke(args=["add-job-title", str(department), "CAPTAIN", "true", "5"])
    assert result.exit_code == 1 and "already has the job title 'Captain'" in result.output


def test_add_unit(runner, department):
    result = runner.invoke(args=["add-unit", str(department), "Traffic"])
    assert result.exit_code == 0, result.output
    unit = db.session.execute(select(Unit).filter_by(description="Traffic")).scalar_one()
    assert unit.department_id == department
    assert result.output == f"Added unit 'Traffic' with id {unit.id}.\n"
    result = runner.invoke(args=["add-unit", str(department), "patrol"])
    assert result.exit_code == 1 and "already has the unit 'Patrol'" in result.output
    assert runner.invoke(args=["add-unit", "999", "Harbor"]).exit_code == 1
    assert runner.invoke(args=["add-unit", str(department)]).exit_code == 2


def test_onboarding_a_department_from_the_command_line(runner, app_ctx, write_csv):
    """The documented preparation: department, ranks in order, units, then the roster."""
    output = runner.invoke(args=["add-department", "Ogdenville PD", "OPD", "IL"]).output
    dept_id = re.search(r"with id (\d+)", output).group(1)
    for order, title in enumerate(["Officer", "Sergeant"], start=1):
        assert runner.invoke(args=["add-job-title", dept_id, title, "true", str(order)]).exit_code == 0
    unit_id = re.search(r"with id (\d+)", runner.invoke(args=["add-unit", dept_id, "Harbor"]).output).group(1)
    path = write_csv(
        "department_id,unique_internal_identifier,first_name,last_name,star_no,job_title,unit_id\n"
        f"{dept_id},O-1,Lou,Beck,10,Sergeant,{unit_id}\n")
    result = runner.invoke(args=["bulk-add-officers", path])
    assert result.exit_code == 0, result.output
    beck = db.session.execute(select(Officer).filter_by(unique_internal_identifier="O-1")).scalar_one()
    assert beck.job_title() == "Sergeant" and beck.unit_description() == "Harbor"


def test_imports_are_stamped_with_the_first_administrator(runner, department, write_csv):
    result = runner.invoke(args=["create-admin", "--email", "ana@example.org", "--username", "ana",
                                 "--password", "long enough secret"])
    assert result.exit_code == 0, result.output
    ana = db.session.execute(select(User).filter_by(username="ana")).scalar_one()
    path = write_csv("department_id,unique_internal_identifier,first_name,last_name,star_no,job_title\n"
                     f"{department},S-1,Sam,Ortiz,4,Officer\n")
    assert runner.invoke(args=["bulk-add-officers", path]).exit_code == 0
    ortiz = db.session.execute(select(Officer).filter_by(unique_internal_identifier="S-1")).scalar_one()
    assert (ortiz.created_by, ortiz.last_updated_by, ortiz.assignments[0].created_by) == (ana.id, ana.id, ana.id)
