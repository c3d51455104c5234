"""Officer database commands: roster imports, departments, job titles, units, export.

Imports run without prompts and are all or nothing: on a bad cell the command prints the
file, line, column and value, exits 1 and the database is as it was. ``--dry-run`` prints
the full change report and commits nothing. Records an import creates or changes are
stamped with the first administrator account (lowest id), or left unstamped when there is
no administrator yet.
"""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..extensions import db
from ..importers.advanced import find_department, import_department
from ..importers.bulk import import_roster
from ..importers.errors import ImportFailed
from ..importers.export import export_department
from ..models import User
from ..models.officers import DEPARTMENT_STATES
from ..services.departments import DepartmentError, add_department, add_job_title, add_unit
from .groups import export_group

COMMANDS = []

# Below this many rows an import is over before a progress bar would be worth drawing.
PROGRESS_MIN_ROWS = 1000


def audit_user_id() -> int | None:
    return db.session.execute(
        select(User.id).where(User.is_administrator.is_(True)).order_by(User.id).limit(1)
    ).scalar_one_or_none()


def terminal_progress(items, length, label):
    """A progress bar on stderr when it is a terminal and the file is large."""
    if length < PROGRESS_MIN_ROWS or not sys.stderr.isatty():
        return items
    return _progress_bar(items, length, label)


def _progress_bar(items, length, label):
    with click.progressbar(items, length=length, label=label, file=sys.stderr) as bar:
        yield from bar


def print_report(report, quiet: bool) -> None:
    if not quiet:
        click.echo(report.render_text())
        return
    for warning in report.warnings:  # e.g. a static field kept: worth seeing even when quiet
        click.echo(f"warning: {warning}")
    click.echo(report.summary_line())


dry_run_option = click.option("--dry-run", is_flag=True,
                              help="Check the files and print every change, committing nothing.")
quiet_option = click.option("-q", "--quiet", is_flag=True,
                            help="Print only warnings and the one-line summary, not each change.")


@click.command("bulk-add-officers")
@click.argument("filename", type=click.Path(exists=True, dir_okay=False))
@click.option("--no-create", is_flag=True,
              help="Only update officers already in the database; rows for others are skipped.")
@click.option("--update-by-name", is_flag=True,
              help="Find officers by first and last name (when there are no badge numbers "
                   "or unique identifiers).")
@click.option("--update-static-fields", is_flag=True,
              help="Allow overwriting race, birth year, employment date and unique "
                   "identifier once they are set.")
@dry_run_option
@quiet_option
@with_appcontext
def bulk_add_officers(filename, no_create, update_by_name, update_static_fields, dry_run, quiet):
    """Add or update officers from a roster CSV file.

    Before a first import, create the department (add-department) and its job titles in
    rank order (add-job-title). Columns: department_id, unique_internal_identifier,
    first_name, last_name, middle_initial, suffix, gender, race, employment_date,
    birth_year, star_no, job_title, unit_id, start_date (or star_date), resign_date,
    salary, salary_year, salary_is_fiscal_year, overtime_pay. Required: department_id,
    first_name, last_name, job_title, and star_no or unique_internal_identifier.

    Dates are yyyy-mm-dd or mm/dd/yyyy; a blank cell never clears stored data. Running
    the same file again changes nothing.
    """
    try:
        report = import_roster(filename, no_create=no_create, update_by_name=update_by_name,
                               update_static_fields=update_static_fields, dry_run=dry_run,
                               user=audit_user_id(), progress=terminal_progress)
    except ImportFailed as exc:
        raise click.ClickException(str(exc)) from None
    print_report(report, quiet)
    # What OpenOversight's command returns, for callers using standalone_mode=False.
    return report.count("officer", "created"), report.count("officer", "updated")


COMMANDS.append(bulk_add_officers)


@click.command("advanced-csv-import")
@click.argument("department_name")
@click.option("--department-state", help="The department's state, when several departments share the name.")
@click.option("--officers-csv", type=click.Path(exists=True, dir_okay=False))
@click.option("--assignments-csv", type=click.Path(exists=True, dir_okay=False))
@click.option("--salaries-csv", type=click.Path(exists=True, dir_okay=False))
@click.option("--links-csv", type=click.Path(exists=True, dir_okay=False))
@click.option("--incidents-csv", type=click.Path(exists=True, dir_okay=False))
@click.option("--force-create", is_flag=True,
              help="Development only (refused in production): create records with the files' "
                   "ids, replacing the department's records that have them.")
@dry_run_option
@quiet_option
@with_appcontext
def advanced_csv_import(department_name, department_state, officers_csv, assignments_csv, salaries_csv,
                        links_csv, incidents_csv, force_create, dry_run, quiet):
    """Add or update a department's officers, assignments, salaries, incidents and links
    from CSV files that are the source of truth for DEPARTMENT_NAME.

    Every file has an id column: blank creates a record, a number updates that record of
    the department, and in the officers and incidents files #name creates a record that
    later files can refer to (officer_id #C1, officer_ids 123|#C1). Headers ignore case
    and treat spaces as _; an unknown column fails the import. A column that is present
    overwrites stored values, blank cells included; leaving a column out leaves its data
    alone. `flask export department` writes these files from the database.
    """
    files = {"officers": officers_csv, "assignments": assignments_csv, "salaries": salaries_csv,
             "links": links_csv, "incidents": incidents_csv}
    files = {kind: path for kind, path in files.items() if path}
    if not files:
        raise click.UsageError("give at least one of --officers-csv, --assignments-csv, --salaries-csv, "
                               "--incidents-csv, --links-csv")
    try:
        report = import_department(department_name, department_state=department_state, force_create=force_create,
                                   dry_run=dry_run, user=audit_user_id(), progress=terminal_progress, **files)
    except ImportFailed as exc:
        raise click.ClickException(str(exc)) from None
    print_report(report, quiet)


@click.command("add-department")
@click.argument("name")
@click.argument("short_name")
@click.argument("state", type=click.Choice(DEPARTMENT_STATES, case_sensitive=False))
@click.argument("unique_internal_identifier_label", required=False)
@with_appcontext
def add_department_command(name, short_name, state, unique_internal_identifier_label):
    """Add a department. STATE is a two-letter state, DC, or FA for a federal agency;
    UID_LABEL is what the department calls its officers' unique identifier."""
    try:
        department = add_department(name, short_name, state, unique_internal_identifier_label,
                                    user_id=audit_user_id())
    except DepartmentError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Added department {department.display_name} with id {department.id}.")


@click.command("add-job-title")
@click.argument("department_id", type=int)
@click.argument("title")
@click.argument("is_sworn", type=click.BOOL)
@click.argument("order", type=int)
@with_appcontext
def add_job_title_command(department_id, title, is_sworn, order):
    """Add a job title (rank) to a department. IS_SWORN is true or false; ORDER ranks the
    title within the department, lowest first."""
    try:
        job = add_job_title(department_id, title, is_sworn, order, user_id=audit_user_id())
    except DepartmentError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Added job title {job.job_title!r} (order {job.order}) with id {job.id}.")


@click.command("add-unit")
@click.argument("department_id", type=int)
@click.argument("name")
@with_appcontext
def add_unit_command(department_id, name):
    """Add a unit to a department; roster files refer to it by the id this prints."""
    try:
        unit = add_unit(department_id, name, user_id=audit_user_id())
    except DepartmentError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Added unit {unit.description!r} with id {unit.id}.")


@export_group.command("department")
@click.argument("department_name")
@click.option("--dir", "directory", required=True, type=click.Path(file_okay=False),
              help="Folder for the five files (created if needed; existing files are replaced).")
@click.option("--department-state", help="The department's state, when several departments share the name.")
def export_department_command(department_name, directory, department_state):
    """Write a department's data as the five files advanced-csv-import reads; importing
    them back changes nothing."""
    try:
        department = find_department(department_name, department_state)
    except ImportFailed as exc:
        raise click.ClickException(str(exc)) from None
    for kind, path in export_department(department, directory).items():
        click.echo(f"Wrote {path}")


COMMANDS.extend([advanced_csv_import, add_department_command, add_job_title_command, add_unit_command])
