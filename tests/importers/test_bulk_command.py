"""`flask bulk-add-officers`, driven through the command line as an administrator would."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.cli.officer_imports import bulk_add_officers
from app.extensions import db
from app.models import Assignment, Job, Officer, Salary, Unit

HEADER = ("department_id,unique_internal_identifier,first_name,last_name,middle_initial,suffix,gender,race,"
          "employment_date,birth_year,star_no,job_title,unit_id,start_date,resign_date,salary,salary_year,"
          "salary_is_fiscal_year,overtime_pay")


def roster(*rows: str, header: str = HEADER) -> str:
    return "\n".join((header,) + rows) + "\n"


def bulk(runner, *args):
    return runner.invoke(args=["bulk-add-officers", *args])


def officers() -> list[Officer]:
    db.session.expire_all()
    return list(db.session.execute(select(Officer).order_by(Officer.id)).scalars())


def officer(**filters) -> Officer:
    db.session.expire_all()
    return db.session.execute(select(Officer).filter_by(**filters)).scalar_one()


def job_titles(officer_: Officer) -> list[str]:
    return [a.job.job_title for a in officer_.assignments]


def test_first_import_creates_officers_assignments_and_salaries(runner, department, unit_id, admin, write_csv):
    path = write_csv(roster(
        f"{department},U-1,Mark,Smith,O,jr,Male,White,3/28/2005,1984,1234,Officer,{unit_id},03/28/2005,,"
        "51234.56,2020,true,1000.25",
        f"{department},U-2,Claire,Fuller,,,F,hispanic,2010-07-01,1980.0,99,Captain,,2018-01-01,,60000,2020,no,",
    ))
    result = bulk(runner, path)
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith(
        "officers: 2 created; assignments: 2 created; salaries: 2 created (committed)")

    smith = officer(unique_internal_identifier="U-1")
    assert (smith.first_name, smith.last_name, smith.middle_initial, smith.suffix) == ("Mark", "Smith", "O", "Jr")
    assert (smith.gender, smith.race, smith.birth_year) == ("M", "WHITE", 1984)
    assert smith.employment_date == date(2005, 3, 28)
    assert smith.department_id == department
    [assignment] = smith.assignments
    assert (assignment.star_no, assignment.job.job_title, assignment.unit_id) == ("1234", "Officer", unit_id)
    assert assignment.start_date == date(2005, 3, 28) and assignment.resign_date is None
    [salary] = smith.salaries
    assert (salary.salary, salary.overtime_pay, salary.year, salary.is_fiscal_year) == (51234.56, 1000.25, 2020, True)

    fuller = officer(unique_internal_identifier="U-2")
    assert (fuller.race, fuller.birth_year, fuller.gender) == ("HISPANIC", 1980, "F")
    assert fuller.salaries[0].is_fiscal_year is False and fuller.salaries[0].overtime_pay is None
    # Every record is stamped with the first administrator.
    for record in (smith, assignment, salary, fuller):
        assert (record.created_by, record.last_updated_by) == (admin, admin)


def test_without_an_administrator_records_are_unstamped(runner, department, write_csv):
    result = bulk(runner, write_csv(roster(f"{department},U-1,Mark,Smith,,,,,,,1,Officer,,,,,,,")))
    assert result.exit_code == 0, result.output
    smith = officer(unique_internal_identifier="U-1")
    assert smith.created_by is None and smith.assignments[0].created_by is None


def test_reimporting_the_same_file_reports_and_writes_nothing(runner, department, admin, write_csv, count_writes,
                                                             snapshot):
    path = write_csv(roster(
        f"{department},U-1,Mark,Smith,O,Jr,M,WHITE,3/28/2005,1984,1234,Officer,,3/28/2005,,51234.56,2020,true,10",
        f"{department},,Claire,Fuller,,,F,,,,99.0,Captain,,,,60000,2020,false,",
        f"{department},,Claire,Fuller,,,F,,,,99,Sergeant,,2015-01-01,2017-12-31,,,,",
    ))
    assert bulk(runner, path).exit_code == 0
    before = snapshot()
    with count_writes() as counter:
        result = bulk(runner, path)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("No changes.")
    assert "officers: 2 unchanged; assignments: 3 unchanged; salaries: 2 unchanged" in result.output
    # No statement wrote (the counter), and nothing arrived another way (COPY on PostgreSQL).
    assert counter.writes == []
    assert snapshot() == before


def test_dry_run_prints_every_change_and_commits_nothing(runner, department, write_csv, snapshot, count_writes):
    path = write_csv(roster(f"{department},U-1,Mark,Smith,,,M,,,,1234,Officer,,,,50000,2020,false,"))
    before = snapshot()
    with count_writes() as counter:
        result = bulk(runner, path, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "+ officer 'Mark Smith' (U-1)" in result.output
    assert "+ assignment of 'Mark Smith' (U-1)" in result.output and "star_no='1234'" in result.output
    assert "+ salary 2020 of 'Mark Smith' (U-1)" in result.output
    assert result.output.strip().endswith("(dry run: nothing committed)")
    assert counter.writes == []
    assert snapshot() == before

    # A dry run of an update shows old -> new and still changes nothing.
    assert bulk(runner, path).exit_code == 0
    before = snapshot()
    changed = write_csv(roster(f"{department},U-1,Marc,Smith,,,M,,,,1234,Officer,,,,52000,2020,false,"), "v2.csv")
    result = bulk(runner, changed, "--dry-run")
    assert "~ officer #1 'Marc Smith' (U-1)" in result.output
    assert "first_name 'Mark' → 'Marc'" in result.output
    assert "salary 50000.00 → 52000.00" in result.output
    assert snapshot() == before


def test_a_bad_cell_fails_the_whole_file_naming_file_line_column_and_value(runner, department, write_csv, snapshot):
    assert bulk(runner, write_csv(roster(f"{department},U-1,Mark,Smith,,,M,,,,1,Officer,,,,,,,"))).exit_code == 0
    before = snapshot()
    path = write_csv(roster(
        f"{department},U-1,Marcus,Smith,,,M,,,,1,Sergeant,,,,70000,2021,false,",  # would update and add
        f"{department},U-2,Ann,Lee,,,F,,,,2,Officer,,,,,,,",  # would create
        f"{department},U-3,Bo,Diaz,,,Q,,,,3,Officer,,,,,,,",  # line 4: not a gender
    ), "update.csv")
    result = bulk(runner, path)
    assert result.exit_code == 1
    assert f"{path}, line 4, column 'gender', value 'Q': not a gender; use one of: M, F, Other" in result.output
    assert snapshot() == before


def test_usage_errors_exit_2(runner, tmp_path):
    assert bulk(runner).exit_code == 2
    assert bulk(runner, str(tmp_path / "missing.csv")).exit_code == 2
    assert bulk(runner, "--no-such-option", str(tmp_path)).exit_code == 2


@pytest.mark.parametrize("column", ["department_id", "first_name", "last_name", "job_title"])
def test_missing_required_column_fails(runner, department, write_csv, column):
    columns = HEADER.split(",")
    index = columns.index(column)
    cells = f"{department},U-1,Mark,Smith,,,,,,,1,Officer,,,,,,,".split(",")
    del columns[index], cells[index]
    result = bulk(runner, write_csv(roster(",".join(cells), header=",".join(columns))))
    assert result.exit_code == 1
    assert f"line 1: missing required column '{column}'" in result.output
    assert officers() == []


def test_a_way_to_find_officers_is_required(runner, department, write_csv):
    header = "department_id,first_name,last_name,job_title"
    path = write_csv(roster(f"{department},Mark,Smith,Officer", header=header))
    result = bulk(runner, path)
    assert result.exit_code == 1 and "needs a star_no or a unique_internal_identifier column" in result.output
    # Matching by name needs neither.
    assert bulk(runner, path, "--update-by-name").exit_code == 0
    # A row with neither a badge nor an identifier cannot be matched.
    path = write_csv(roster(f"{department},,Mark,Smith,,,,,,,,Officer,,,,,,,"), "blank.csv")
    result = bulk(runner, path)
    assert result.exit_code == 1 and "line 2, column 'star_no'" in result.output


def test_unknown_department_is_an_error_naming_the_row(runner, department, write_csv):
    path = write_csv(roster(f"{department},U-1,Mark,Smith,,,,,,,1,Officer,,,,,,,",
                            "999,U-2,Ann,Lee,,,,,,,2,Officer,,,,,,,"))
    result = bulk(runner, path)
    assert result.exit_code == 1
    assert "line 3, column 'department_id', value '999': no department has id 999" in result.output
    assert officers() == []


def test_dates_are_read_the_same_in_both_formats_on_every_path(runner, department, write_csv, count_writes):
    header = HEADER.replace("start_date", "star_date")  # the documented spelling
    assert bulk(runner, write_csv(roster(
        f"{department},U-1,Mark,Smith,,,,,3/8/2005,,1,Officer,,3/8/2005,12/31/2019,,,,", header=header))).exit_code == 0
    smith = officer(unique_internal_identifier="U-1")
    assert smith.employment_date == date(2005, 3, 8)
    assert (smith.assignments[0].start_date, smith.assignments[0].resign_date) == (date(2005, 3, 8), date(2019, 12, 31))
    # The same dates written the other way are the same dates: nothing changes, no duplicate.
    with count_writes() as counter:
        result = bulk(runner, write_csv(roster(
            f"{department},U-1,Mark,Smith,,,,,2005-03-08,,1,Officer,,2005-03-08,2019-12-31,,,,"), "iso.csv"))
    assert result.output.startswith("No changes.") and counter.writes == []
    assert len(officer(unique_internal_identifier="U-1").assignments) == 1


def test_blank_job_title_means_not_sure(runner, department, write_csv):
    path = write_csv(roster(f"{department},U-1,Mark,Smith,,,,,,,1,,,,,,,,",
                            f"{department},U-2,Ann,Lee,,,,,,,2,,,,,,,,"))
    result = bulk(runner, path)
    assert result.exit_code == 0, result.output
    assert result.output.count("+ job 'Not Sure'") == 1
    [not_sure] = db.session.execute(select(Job).filter_by(department_id=department, job_title="Not Sure")).scalars()
    assert not_sure.order == 0
    assert job_titles(officer(unique_internal_identifier="U-2")) == ["Not Sure"]
    # Not Sure in the file matches any stored title: no extra assignment.
    assert bulk(runner, path).output.startswith("No changes.")


def test_decimal_salaries_and_blank_overtime(runner, department, write_csv, count_writes):
    assert bulk(runner, write_csv(roster(
        f"{department},U-1,Mark,Smith,,,,,,,1,Officer,,,,51234.56,2020,false,1000.25"))).exit_code == 0
    # A blank overtime cell leaves the stored overtime alone (and does not crash).
    with count_writes() as counter:
        result = bulk(runner, write_csv(roster(
            f"{department},U-1,Mark,Smith,,,,,,,1,Officer,,,,51234.56,2020,false,"), "blank-ot.csv"))
    assert result.exit_code == 0 and result.output.startswith("No changes.") and counter.writes == []
    # A corrected salary for the same year updates it rather than adding a second one.
    result = bulk(runner, write_csv(roster(
        f"{department},U-1,Mark,Smith,,,,,,,1,Officer,,,,51234.75,2020,false,"), "fix.csv"))
    assert "~ salary 2020 of #1 'Mark Smith' (U-1)" in result.output
    assert "salary 51234.56 → 51234.75" in result.output
    [salary] = officer(unique_internal_identifier="U-1").salaries
    assert (salary.salary, salary.overtime_pay) == (51234.75, 1000.25)


def test_omitted_columns_and_blank_cells_never_wipe_data(runner, department, unit_id, write_csv, count_writes):
    assert bulk(runner, write_csv(roster(
        f"{department},U-1,Mark,Smith,O,Jr,M,WHITE,2005-03-28,1984,1234,Officer,{unit_id},2005-03-28,,"
        "51234.56,2020,true,1000"))).exit_code == 0
    header = "department_id,unique_internal_identifier,first_name,last_name,job_title"
    with count_writes() as counter:
        result = bulk(runner, write_csv(roster(f"{department},U-1,Mark,Smith,Officer", header=header), "short.csv"))
    assert result.output.startswith("No changes.") and counter.writes == []
    blanks = write_csv(roster(f"{department},U-1,Mark,Smith,,,,,,,1234,,,,,,,,"), "blanks.csv")
    assert bulk(runner, blanks).output.startswith("No changes.")
    smith = officer(unique_internal_identifier="U-1")
    assert (smith.middle_initial, smith.suffix, smith.gender, smith.race) == ("O", "Jr", "M", "WHITE")
    assert (smith.employment_date, smith.birth_year) == (date(2005, 3, 28), 1984)
    [assignment] = smith.assignments
    assert (assignment.unit_id, assignment.start_date) == (unit_id, date(2005, 3, 28))
    assert smith.salaries[0].overtime_pay == 1000


def test_not_sure_gender_is_stored_as_null(runner, department, write_csv):
    result = bulk(runner, write_csv(roster(f"{department},U-1,Mark,Smith,,,Not Sure,Not Sure,,,1,Officer,,,,,,,")))
    assert result.exit_code == 0, result.output
    smith = officer(unique_internal_identifier="U-1")
    assert smith.gender is None and smith.race == "Not Sure"


@pytest.mark.parametrize("column,value,message", [
    ("gender", "Q", "not a gender"),
    ("race", "Martian", "not a race; use one of: BLACK, WHITE, ASIAN"),
    ("suffix", "Esq", "not a suffix; use one of: Jr, Sr, II, III, IV, V"),
    ("salary_is_fiscal_year", "maybe", "not true or false"),
    ("birth_year", "19x4", "not a whole number"),
    ("employment_date", "2005-02-30", "not a calendar date"),
    ("employment_date", "28.03.2005", "not a date; use yyyy-mm-dd or mm/dd/yyyy"),
    ("salary", "50k", "not a number"),
    ("overtime_pay", "-5", "must not be negative"),
    ("unit_id", "Patrol", "not a whole number"),
])
def test_bad_values_are_errors_naming_the_cell(runner, department, write_csv, column, value, message):
    cells = dict(zip(HEADER.split(","), f"{department},U-1,Mark,Smith,,,,,,,1,Officer,,,,50000,2020,false,".split(",")))
    cells[column] = value
    path = write_csv(roster(",".join(cells.values())))
    result = bulk(runner, path)
    assert result.exit_code == 1
    assert f"{path}, line 2, column '{column}', value '{value}': {message}" in result.output
    assert officers() == []


def test_byte_order_mark_and_header_spelling_are_tolerated(runner, department, write_csv):
    header = " Department ID ,Unique Internal Identifier,FIRST NAME,Last Name,Star No,Job Title,Notes"
    path = write_csv(roster(f"{department},U-1,Mark,Smith,1,Officer,ignored", header=header), encoding="utf-8-sig")
    with open(path, "rb") as handle:
        assert handle.read(3) == b"\xef\xbb\xbf"
    result = bulk(runner, path)
    assert result.exit_code == 0, result.output
    assert "warning: " in result.output and "ignored column(s) 'Notes'" in result.output
    assert officer(unique_internal_identifier="U-1").last_name == "Smith"


def test_not_utf8_is_an_error_naming_the_line(runner, department, write_csv):
    path = write_csv(roster(f"{department},U-1,José,Smith,,,,,,,1,Officer,,,,,,,"), encoding="latin-1")
    result = bulk(runner, path)
    assert result.exit_code == 1 and f"{path}, line 2: is not UTF-8 text" in result.output


def test_identifier_of_another_departments_officer_is_a_clear_error(runner, department, other_department, write_csv):
    assert bulk(runner, write_csv(roster(f"{other_department},U-1,Ann,Lee,,,,,,,7,Officer,,,,,,,"))).exit_code == 0
    result = bulk(runner, write_csv(roster(f"{department},U-1,Mark,Smith,,,,,,,1,Officer,,,,,,,"), "b.csv"))
    assert result.exit_code == 1
    assert ("column 'unique_internal_identifier', value 'U-1': already identifies officer 1 of department"
            in result.output)


def test_update_by_name(runner, department, write_csv):
    header = "department_id,first_name,last_name,gender,job_title,star_no"
    assert bulk(runner, write_csv(roster(f"{department},Mark,Smith,,Officer,1", header=header))).exit_code == 0
    result = bulk(runner, write_csv(roster(f"{department},mark,SMITH,M,Officer,", header=header), "n.csv"),
                  "--update-by-name")
    assert result.exit_code == 0, result.output
    assert "officers: 1 updated" in result.output
    smith = officer(last_name="SMITH")
    assert (smith.first_name, smith.gender) == ("mark", "M")
    assert len(officers()) == 1


def test_update_by_name_with_namesakes_is_a_clear_error(runner, department, write_csv, snapshot):
    header = "department_id,first_name,last_name,job_title,star_no"
    assert bulk(runner, write_csv(roster(f"{department},Mark,Smith,Officer,1",
                                         f"{department},Mark,Smith,Officer,2", header=header))).exit_code == 0
    before = snapshot()
    result = bulk(runner, write_csv(roster(f"{department},Mark,Smith,Captain,", header=header), "n.csv"),
                  "--update-by-name")
    assert result.exit_code == 1
    assert "2 officers of department 1 are named Mark Smith (ids 1, 2)" in result.output
    assert snapshot() == before


def test_static_fields_are_kept_unless_allowed(runner, department, write_csv):
    first = write_csv(roster(f"{department},U-1,Mark,Smith,,,,WHITE,,1984,1,Officer,,,,,,,"))
    assert bulk(runner, first).exit_code == 0
    changed = write_csv(roster(f"{department},U-1,Mark,Smith,,,,BLACK,2001-01-01,1985,1,Officer,,,,,,,"), "v2.csv")
    result = bulk(runner, changed)
    assert result.exit_code == 0, result.output
    assert "keeps race WHITE; the file says BLACK" in result.output
    assert "keeps birth_year 1984" in result.output
    assert "employment_date (blank) → 2001-01-01" in result.output  # an empty static field is filled
    smith = officer(unique_internal_identifier="U-1")
    assert (smith.race, smith.birth_year, smith.employment_date) == ("WHITE", 1984, date(2001, 1, 1))

    result = bulk(runner, changed, "--update-static-fields")
    assert "race 'WHITE' → 'BLACK'; birth_year 1984 → 1985" in result.output
    smith = officer(unique_internal_identifier="U-1")
    assert (smith.race, smith.birth_year) == ("BLACK", 1985)


def test_uid_is_added_to_an_officer_found_by_badge(runner, department, write_csv):
    assert bulk(runner, write_csv(roster(f"{department},,Mark,Smith,,,,,,,1234,Officer,,,,,,,"))).exit_code == 0
    result = bulk(runner, write_csv(roster(f"{department},U-9,Mark,Smith,,,,,,,1234.0,Officer,,,,,,,"), "uid.csv"))
    assert "unique_internal_identifier (blank) → 'U-9'" in result.output
    assert [o.unique_internal_identifier for o in officers()] == ["U-9"]


def test_assignment_rows_without_dates_match_dated_assignments(runner, department, write_csv):
    assert bulk(runner, write_csv(roster(
        f"{department},U-1,Mark,Smith,,,,,,,1234,Officer,,2005-03-28,,,,,"))).exit_code == 0
    header = "department_id,unique_internal_identifier,first_name,last_name,star_no,job_title"
    result = bulk(runner, write_csv(roster(f"{department},U-1,Mark,Smith,1234,Officer", header=header), "s.csv"))
    assert result.output.startswith("No changes.")
    assert len(officer(unique_internal_identifier="U-1").assignments) == 1


def test_resignation_completes_the_assignment_and_promotion_adds_one(runner, department, write_csv):
    assert bulk(runner, write_csv(roster(
        f"{department},U-1,Mark,Smith,,,,,,,1234,Officer,,2005-03-28,,,,,"))).exit_code == 0
    result = bulk(runner, write_csv(roster(
        f"{department},U-1,Mark,Smith,,,,,,,1234,Officer,,2005-03-28,2019-12-31,,,,",
        f"{department},U-1,Mark,Smith,,,,,,,77,Sergeant,,2020-01-01,,,,,"), "history.csv"))
    assert result.exit_code == 0, result.output
    assert "resign_date (blank) → 2019-12-31" in result.output
    assert "assignments: 1 created, 1 updated" in result.output
    smith = officer(unique_internal_identifier="U-1")
    assert job_titles(smith) == ["Officer", "Sergeant"]
    assert smith.badge_number() == "77" and smith.currently_on_force() == "Yes"


def test_history_rows_of_a_new_officer_make_one_officer(runner, department, write_csv):
    result = bulk(runner, write_csv(roster(
        f"{department},,Ann,Lee,,,,,,,5,Officer,,2001-01-01,2009-12-31,40000,2009,false,",
        f"{department},,Ann,Lee,,,F,,,,5,Sergeant,,2010-01-01,,50000,2010,false,")))
    assert result.exit_code == 0, result.output
    assert "officers: 1 created; assignments: 2 created; salaries: 2 created" in result.output
    [lee] = officers()
    assert lee.gender == "F" and job_titles(lee) == ["Officer", "Sergeant"]
    assert sorted(s.year for s in lee.salaries) == [2009, 2010]


def test_no_create_only_updates(runner, department, write_csv):
    assert bulk(runner, write_csv(roster(f"{department},U-1,Mark,Smith,,,,,,,1,Officer,,,,,,,"))).exit_code == 0
    result = bulk(runner, write_csv(roster(f"{department},U-1,Mark,Smith,,,M,,,,1,Officer,,,,,,,",
                                           f"{department},U-2,Ann,Lee,,,F,,,,2,Officer,,,,,,,"), "n.csv"),
                  "--no-create")
    assert result.exit_code == 0, result.output
    assert "- officer 'Ann Lee'" in result.output and "creating officers is turned off" in result.output
    assert "officers: 1 updated, 1 skipped" in result.output
    assert [o.unique_internal_identifier for o in officers()] == ["U-1"]


def test_job_title_must_exist_as_written(runner, department, write_csv):
    result = bulk(runner, write_csv(roster(f"{department},U-1,Mark,Smith,,,,,,,1,CAPTAIN,,,,,,,")))
    assert result.exit_code == 1
    assert "value 'CAPTAIN': department 1 has no job title 'CAPTAIN' (did you mean 'Captain'?)" in result.output


def test_unit_must_belong_to_the_department(runner, department, other_department, write_csv):
    other_unit = db.session.execute(select(Unit.id).where(Unit.department_id == other_department)).scalar_one()
    result = bulk(runner, write_csv(roster(f"{department},U-1,Mark,Smith,,,,,,,1,Officer,{other_unit},,,,,,")))
    assert result.exit_code == 1 and f"has no unit with id {other_unit}" in result.output


def test_rows_across_departments(runner, department, other_department, write_csv):
    result = bulk(runner, write_csv(roster(f"{department},U-1,Mark,Smith,,,,,,,1,Officer,,,,,,,",
                                           f"{other_department},U-2,Ann,Lee,,,,,,,1,Officer,,,,,,,")))
    assert result.exit_code == 0, result.output
    assert {o.department_id for o in officers()} == {department, other_department}


def test_called_without_standalone_mode_it_returns_the_counts(runner, department, write_csv):
    path = write_csv(roster(f"{department},U-1,Mark,Smith,,,,,,,1,Officer,,,,,,,",
                            f"{department},U-2,Ann,Lee,,,,,,,2,Officer,,,,,,,"))
    assert runner.invoke(bulk_add_officers, [path], standalone_mode=False).return_value == (2, 0)
    changed = write_csv(roster(f"{department},U-1,Marc,Smith,,,,,,,1,Officer,,,,,,,"), "c.csv")
    assert runner.invoke(bulk_add_officers, [changed], standalone_mode=False).return_value == (0, 1)
    assert db.session.execute(select(Assignment.id)).all() and db.session.execute(select(Salary.id)).all() == []


def test_a_header_with_no_rows_imports_nothing_whatever_columns_it_ignores(runner, department, write_csv):
    # The ignored first column puts every known column one place to the right.
    path = write_csv(roster(header="Notes,department_id,unique_internal_identifier,first_name,last_name,"
                                   "star_no,job_title"))
    result = bulk(runner, path)
    assert result.exit_code == 0, result.output
    assert "ignored column(s) 'Notes'" in result.output
    assert officers() == []
