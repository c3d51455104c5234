"""The periodic pipeline by hand: ``flask snapshot``, ``flask polish`` and ``flask documents``.

Each command does what the scheduled task does, in the foreground, and prints a one-line
report. Exit status: 0 done, 1 failed, 2 usage.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import func, select, update

from ..extensions import db
from ..models import Document
from ..models.types import utcnow
from ..services import documentcloud, polish as polish_service, snapshot
from ..services.pdf import bookings_without_pdf, count_bookings_without_pdf, render_intake_sheet

DAY = click.DateTime(formats=["%Y-%m-%d"])


@click.group("snapshot", cls=AppGroup, invoke_without_command=True,
             help="Daily admissions and population per jail. Without a subcommand: compute "
                  "the days --from .. --to (default: yesterday, America/Chicago).")
@click.option("--from", "first", type=DAY, help="First day to compute (YYYY-MM-DD).")
@click.option("--to", "last", type=DAY, help="Last day to compute (YYYY-MM-DD; default --from).")
@click.pass_context
@with_appcontext
def snapshot_group(ctx, first, last):
    if ctx.invoked_subcommand is not None:
        if first or last:
            raise click.UsageError("--from/--to belong to 'flask snapshot' itself, not a subcommand")
        return
    if last and not first:
        raise click.UsageError("--to needs --from")
    first_day = first.date() if first else snapshot.previous_local_day(utcnow())
    last_day = last.date() if last else first_day
    if last_day < first_day:
        raise click.UsageError(f"--to {last_day} is before --from {first_day}")
    written = snapshot.compute_range(first_day, last_day)
    days = (last_day - first_day).days + 1
    click.echo(f"snapshot: {written} jail-days written for {days} day(s), {first_day} to {last_day} "
               f"(imported legacy days are kept as they are)")


@snapshot_group.command("import-legacy")
@click.option("--admissions", "admissions_csv", type=click.Path(dir_okay=False, path_type=Path),
              help="Daily admissions sheet, e.g. shared/data/daily_admits.csv")
@click.option("--population", "population_csv", type=click.Path(dir_okay=False, path_type=Path),
              help="Daily population sheet, e.g. shared/data/daily_pop.csv")
def import_legacy_command(admissions_csv, population_csv):
    """Load the legacy daily sheets (columns: date, then one per county) so history starts
    in 2018. All or nothing; re-running updates the same rows."""
    if not admissions_csv and not population_csv:
        raise click.UsageError("give --admissions FILE and/or --population FILE")
    try:
        report = snapshot.import_legacy(admissions_csv, population_csv)
    except snapshot.LegacyImportError as exc:
        db.session.rollback()
        click.echo(f"import-legacy failed, nothing imported: {exc}", err=True)
        sys.exit(1)
    click.echo(f"import-legacy: {report.summary()}")


@click.command("polish")
@with_appcontext
def polish_command():
    """Run the polish passes over bookings changed since the last polish."""
    click.echo(polish_service.polish().summary())


documents_group = AppGroup("documents", help="Intake-sheet PDFs and their DocumentCloud records.")


@documents_group.command("status")
def documents_status():
    """How many documents are in each state."""
    counts = db.session.execute(select(Document.status, func.count()).group_by(Document.status)).all()
    waiting = count_bookings_without_pdf()
    click.echo(f"bookings waiting for a PDF: {waiting}")
    for status, count in sorted(counts):
        click.echo(f"{status}: {count}")
    if not documentcloud.is_configured():
        click.echo("DocumentCloud is not configured (DOCUMENTCLOUD_USERNAME / _PASSWORD): "
                   "documents wait as not_configured")


@documents_group.command("render")
@click.option("--limit", default=500, show_default=True, help="At most this many PDFs.")
def documents_render(limit):
    """Render the PDFs that are missing, here and now."""
    rendered = 0
    for booking_id in bookings_without_pdf(limit=limit):
        rendered += render_intake_sheet(booking_id)[1]
    click.echo(f"rendered {rendered} PDFs")


@documents_group.command("sync")
@click.option("--limit", default=500, show_default=True)
def documents_sync(limit):
    """Upload waiting documents and check those processing, one step each."""
    ids = documentcloud.documents_to_sync(limit=limit, stale_after=0)
    outcomes: dict[str, int] = {}
    for document_id in ids:
        status = documentcloud.sync_document(document_id)
        outcomes[status] = outcomes.get(status, 0) + 1
    click.echo(f"{len(ids)} documents: " + (", ".join(f"{n} {s}" for s, n in sorted(outcomes.items())) or "none"))


@documents_group.command("retry")
def documents_retry():
    """Give failed documents another round of attempts (after fixing what failed them)."""
    count = db.session.execute(
        update(Document).where(Document.status == "failed")
        .values(status="rendered", attempts=0, updated_at=utcnow())
    ).rowcount
    db.session.commit()
    click.echo(f"{count} failed documents will be tried again")


@documents_group.command("prune")
def documents_prune():
    """Delete local PDFs whose DocumentCloud record is complete and committed (DocumentCloud
    then holds the copy). A PDF is never deleted before that."""
    documents = db.session.execute(
        select(Document).where(Document.status == "success", Document.dc_id.is_not(None),
                               Document.pdf_url.is_not(None), Document.path.is_not(None))
    ).scalars().all()
    removed = 0
    for document in documents:
        path = Path(document.path)
        if path.is_file():
            path.unlink()
            removed += 1
    click.echo(f"removed {removed} local PDFs held by DocumentCloud")


COMMANDS = [snapshot_group, polish_command, documents_group]
