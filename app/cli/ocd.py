"""Open Civic Data commands: ``flask export ocd``, ``flask import ocd`` and ``flask ocd``."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from ..ocd.departments import find_department, set_division
from ..ocd.directory import TYPES, read_directory
from ..ocd.export import ExportError, export_department
from ..ocd.importer import OcdImportError, import_directory
from .groups import export_group, import_group

COMMANDS = []


def _fail(lines, summary: str) -> None:
    for line in lines:
        click.echo(str(line))
    click.echo(summary, err=True)
    click.get_current_context().exit(1)


@export_group.command("ocd")
@click.argument("department_name", required=False)
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              help="Directory to write (created; a previous export in it is replaced).")
@click.option("--state", help="The department's state, when departments in several share its name.")
@click.option("--source-url", help="Public address where these records can be checked; every "
                                   "object cites it as its source.")
@click.option("--validate", "validate_dir", type=click.Path(path_type=Path), metavar="DIR",
              help="Instead of exporting, validate the OCD directory DIR and list every error.")
def export_ocd_command(department_name, directory, state, source_url, validate_dir):
    """Write DEPARTMENT_NAME and its officers as Open Civic Data JSON, or validate a directory."""
    if validate_dir is not None:
        if department_name or directory:
            raise click.UsageError("--validate DIR takes no department and no --dir")
        checked = read_directory(validate_dir)
        if checked.problems:
            _fail(checked.problems, f"{len(checked.problems)} problem(s) in {validate_dir}")
        kinds = ", ".join(f"{t} {len(checked.of_type(t))}" for t in TYPES)
        click.echo(f"{validate_dir}: valid; files per type: {kinds}")
        if checked.skipped:
            click.echo(f"Not checked (types Oversight does not read): {', '.join(checked.skipped)}")
        return
    if not department_name or directory is None:
        raise click.UsageError("give DEPARTMENT_NAME and --dir (or --validate DIR)")
    if not source_url:
        raise click.UsageError("give --source-url, the public address of these records")
    try:
        department = find_department(department_name, state)
        report = export_department(department, directory, source_url)
    except LookupError as exc:
        _fail([], str(exc.args[0]))
    except ExportError as exc:
        _fail(exc.problems, str(exc))
    click.echo(report.summary())


@import_group.command("ocd")
@click.argument("directory", type=click.Path(path_type=Path))
def import_ocd_command(directory):
    """Load an Open Civic Data directory (Oversight's or another producer's), all or nothing."""
    try:
        report = import_directory(directory)
    except OcdImportError as exc:
        _fail(exc.problems, f"Nothing was imported: {len(exc.problems)} problem(s) in {directory}")
    for line in report.lines():
        click.echo(line)
    if not report.changed:
        click.echo("Nothing changed: the database already held all of it.")


ocd_group = AppGroup("ocd", help="Open Civic Data identifiers.")


@ocd_group.command("set-division")
@click.argument("department_name")
@click.argument("division_id", required=False)
@click.option("--state", help="The department's state, when departments in several share its name.")
@click.option("--county", help="Use this county of the department's state.")
@click.option("--place", help="Use this city or town of the department's state.")
def set_division_command(department_name, division_id, state, county, place):
    """Give a department its OCD division: DIVISION_ID, --county NAME or --place NAME."""
    if sum(bool(x) for x in (division_id, county, place)) != 1:
        raise click.UsageError("give exactly one of DIVISION_ID, --county and --place")
    try:
        department = find_department(department_name, state)
        chosen = set_division(department, division_id, county=county, place=place)
    except (LookupError, ValueError) as exc:
        _fail([], str(exc.args[0]))
    click.echo(f"{department.display_name}: {chosen}")


COMMANDS.append(ocd_group)
