"""Jail docket commands: ``flask scrape JAIL|all``, ``flask scrape list|reparse|init`` and
``flask export bookings``."""
from __future__ import annotations

import os
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from ..extensions import db
from ..models import Booking, Jail, ScrapeRun
from ..scrapers.scaffold import scaffold_jail
from ..services.bookings_export import FORMATS, ExportError, export_bookings
from ..services.scheduled_scrape import replay_moments
from ..services.scrape import UnknownJail, reparse, run_scrape
from .groups import export_group

COMMANDS = []


class ScrapeGroup(AppGroup):
    """``flask scrape JAIL`` is short for ``flask scrape run JAIL``: a first word that is not
    a subcommand is a jail code (or ``all``)."""

    def parse_args(self, ctx, args):
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["run", *args]
        return super().parse_args(ctx, args)


scrape_group = ScrapeGroup(
    "scrape",
    help="Scrape jail dockets: flask scrape JAIL|all [--replay DIR] [--now ISO8601], "
         "or one of the subcommands below.",
)
COMMANDS.append(scrape_group)


def _parse_now(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        now = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not an ISO 8601 date and time", param_hint="--now") from None
    if now.tzinfo is None:
        raise click.BadParameter(f"{text!r} has no UTC offset (e.g. 2019-11-05T14:15:00-06:00)",
                                 param_hint="--now")
    return now


def _moments(replay: Path, code: str | None = None) -> list[Path]:
    """The cassette moments to replay, oldest capture first: ``replay`` itself when it is
    one, else every moment under it (under ``replay/<code>`` for a jail of ``scrape all``)."""
    if code is None and (replay / "index.json").is_file():
        return [replay]
    root, name = (replay, code) if code is not None else (replay.parent, replay.name)
    return replay_moments(root, name)


@scrape_group.command("run")
@click.argument("target", metavar="JAIL|all")
@click.option("--replay", metavar="DIR", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Replay recorded cassettes instead of the live site: a moment, or a folder of "
                   "moments replayed in capture order. With 'all', each jail's moments under DIR/<jail>.")
@click.option("--now", "now_text", metavar="ISO8601",
              help="The run's clock (default: now, or the cassette's capture time).")
def scrape_command(target, replay, now_text):
    """Scrape one jail, or every jail, and print each run's report. Exit 1 if a run failed."""
    now = _parse_now(now_text)
    if target == "all":
        # live: the active jails; replaying: every jail the recording has
        query = select(Jail.code).order_by(Jail.code)
        codes = list(db.session.scalars(query.where(Jail.active) if replay is None else query))
    else:
        codes = [target]
    runs: list[tuple[str, Path | None]] = []
    for code in codes:
        if replay is None:
            runs.append((code, None))
            continue
        moments = _moments(replay, code if target == "all" else None)
        if not moments and target == "all":
            click.echo(f"{code}: skipped (no cassette moment under {replay / code})")
        runs += [(code, moment) for moment in moments]
    if not runs:
        reason = f"no cassette moment under {replay}" if replay else "no active jail (run `flask seed`)"
        click.echo(f"Error: nothing to scrape: {reason}", err=True)
        sys.exit(2)
    if now is not None and len(runs) > 1:
        raise click.BadParameter("one clock for several runs: give --now with a single moment", param_hint="--now")

    failed = 0
    for code, moment in runs:
        try:
            outcome = run_scrape(code, replay_dir=moment, now=now)
        except UnknownJail as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(2)
        click.echo(outcome.summary())
        failed += not outcome.ok
    if failed:
        click.echo(f"{failed} of {len(runs)} runs failed", err=True)
        sys.exit(1)


@scrape_group.command("list")
def list_command():
    """Every jail with its platform, population held and its latest run."""
    held = dict(db.session.execute(
        select(Booking.jail_id, func.count()).where(Booking.in_custody).group_by(Booking.jail_id)
    ).all())
    latest = (select(ScrapeRun.jail_id, func.max(ScrapeRun.id).label("run_id"))
              .group_by(ScrapeRun.jail_id).subquery())
    runs = {run.jail_id: run for run in db.session.scalars(
        select(ScrapeRun).join(latest, ScrapeRun.id == latest.c.run_id))}
    jails = db.session.scalars(select(Jail).order_by(Jail.code)).all()
    if not jails:
        click.echo("No jails yet: run `flask seed`.")
        return
    click.echo(f"{'jail':<7} {'platform':<15} {'active':<6} {'held':>5}  last run")
    for jail in jails:
        run = runs.get(jail.id)
        last = "never" if run is None else (
            f"{run.outcome} as of {run.as_of.isoformat()}: seen {run.seen}, new {run.new}, "
            f"changed {run.changed}, released {run.released}, errors {run.errors}")
        click.echo(f"{jail.code:<7} {jail.platform or '-':<15} {'yes' if jail.active else 'no':<6} "
                   f"{held.get(jail.id, 0):>5}  {last}")


@scrape_group.command("reparse")
@click.argument("jail_code", metavar="JAIL")
def reparse_command(jail_code):
    """Re-read every archived page of JAIL with today's parser and repair what is stored
    (fields, charges, versions, bookings the old parser missed, releases)."""
    try:
        report = reparse(jail_code)
    except UnknownJail as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    click.echo(report.summary())


@scrape_group.command("init")
@click.argument("code")
@click.option("--platform", required=True, help="The vendor platform its docket runs on.")
@click.option("--name", required=True, help='e.g. "Lamar County Detention Center".')
@click.option("--county", required=True, help='e.g. "Lamar".')
@click.option("--url", required=True, help="The docket's roster URL.")
def init_command(code, platform, name, county, url):
    """Declare a new jail on a known platform: its configuration, an empty cassette to record
    its pages into, and a test that replays it."""
    root = Path(current_app.root_path).parent
    try:
        created = scaffold_jail(code, platform, name, county, url, root)
    except (ValueError, FileExistsError) as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    for path in created:
        click.echo(f"created {path.relative_to(root)}")
    click.echo(f"Next: record its pages into the cassette, then `flask seed` and `flask scrape {code}`.")


@export_group.command("bookings")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True,
              help="csv, or jsonl (one JSON object a line).")
@click.option("--jail", "jail_code", metavar="CODE", help="Only this jail's bookings.")
@click.option("-o", "--output", default="-", metavar="FILE",
              help="Write here instead of standard output (replaced only once complete).")
def export_bookings_command(fmt, jail_code, output):
    """Every booking, keyed by the original dataset's field names plus in_custody."""
    try:
        if output == "-":
            count = export_bookings(sys.stdout, fmt, jail_code)
        else:
            # Written beside the target and renamed at the end: a failed export never
            # leaves a truncated file where a good one was.
            directory = os.path.dirname(os.path.abspath(output))
            fd, partial = tempfile.mkstemp(prefix=".export-", dir=directory)
            try:
                with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
                    count = export_bookings(out, fmt, jail_code)
                os.chmod(partial, 0o644)
                os.replace(partial, output)
            except BaseException:
                os.unlink(partial)
                raise
    except ExportError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    click.echo(f"exported {count} bookings ({fmt}) to {'standard output' if output == '-' else output}",
               err=True)
