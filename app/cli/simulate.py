"""``flask simulate ...``: run the docket simulator and read its ground truth.

    flask simulate serve [--jails mcdc,lcdc | --count 1000] [--speed 60] [--faults FILE]
                         [--declarations FILE] [--register]
    flask simulate truth JAIL [--at ISO8601]
    flask simulate demo                 (what ``make demo`` runs)

``serve`` blocks until interrupted. With ``--declarations FILE`` it writes the simulated
jails' declarations there; start the web app and the Celery processes with
``OVERSIGHT_JAIL_DECLARATIONS=FILE`` and they scrape the simulator. ``--register`` also
creates or updates the jails' database rows so the schedule picks them up.

The same farm options (with a fixed ``--start``) give the same farm, so ``truth`` answers
for what a ``serve`` with those options serves.
"""
from __future__ import annotations

import functools
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext

from ..simulator import Farm, FaultPlan, SimClock, SimulatorServer
from ..simulator.demo import run_demo
from ..simulator.faults import FaultConfigError
from ..simulator.processes import PROJECT_ROOT
from ..simulator.registry import register_jails, write_declarations
from ..simulator.sites import TEMPLATES

COMMANDS = []

simulate_group = AppGroup("simulate", help="The docket simulator: a farm of jail websites on loopback.")
COMMANDS.append(simulate_group)


def parse_start(text: str, param_hint: str = "--start") -> datetime:
    """``now``, ``now-2d`` / ``now-6h``, or an ISO 8601 instant with its UTC offset."""
    wall = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    if text == "now":
        return wall
    if text.startswith("now-") and text[-1] in "dh" and text[4:-1].isdigit():
        amount = int(text[4:-1])
        return wall - (timedelta(days=amount) if text[-1] == "d" else timedelta(hours=amount))
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise click.BadParameter(f"{text!r}: use now, now-<N>d, now-<N>h or an ISO 8601 instant "
                                 "with its offset (2019-11-05T14:15:00-06:00)", param_hint=param_hint)
    return moment


def farm_options(command):
    """The options that decide which farm is simulated; the same options give the same
    farm, so ``truth`` answers for what ``serve`` serves."""
    @click.option("--jails", "templates", default=",".join(TEMPLATES), show_default=True,
                  help="Site formats to simulate, as the real jails' codes.")
    @click.option("--count", type=click.IntRange(min=1), default=None,
                  help="Jails in all (formats repeat; beyond the first of each, clones sim0012, ...).")
    @click.option("--seed", type=int, default=1, show_default=True)
    @click.option("--start", "start_text", default="now", show_default=True,
                  help="Simulated start: now, now-<N>d, now-<N>h or an ISO 8601 instant.")
    @click.option("--scale", type=click.FloatRange(min=0.001), default=1.0, show_default=True,
                  help="Jail size: population and admissions alike.")
    @click.option("--turnover", type=click.FloatRange(min=0.01), default=1.0, show_default=True,
                  help="More bookings and shorter stays, same population.")
    @click.option("--size", type=click.FloatRange(min=1), default=None,
                  help="Instead of --scale: about this many people in every jail.")
    @click.option("--stay-hours", type=click.FloatRange(min=1), default=None,
                  help="Instead of --turnover: the mean stay, in hours.")
    @click.option("--data", "data_dir", type=click.Path(file_okay=False), default=None,
                  help="Folder of daily_admits.csv and daily_pop.csv (default: shared/data).")
    @functools.wraps(command)
    def wrapper(templates, count, seed, start_text, scale, turnover, size, stay_hours, data_dir, **kwargs):
        chosen = [t.strip() for t in templates.split(",") if t.strip()]
        unknown = [t for t in chosen if t not in TEMPLATES]
        if unknown:
            raise click.BadParameter(f"unknown format(s) {', '.join(unknown)}; known: {', '.join(TEMPLATES)}",
                                     param_hint="--jails")
        start = parse_start(start_text)
        build = functools.partial(Farm.build, start=start, seed=seed, count=count, templates=chosen,
                                  data_dir=data_dir, scale=scale, turnover=turnover, size=size,
                                  stay_hours=stay_hours)
        return command(build=build, start=start, **kwargs)
    return wrapper


@simulate_group.command("serve")
@farm_options
@click.option("--speed", type=click.FloatRange(min=0.001), default=1.0, show_default=True,
              help="Simulated seconds per wall second.")
@click.option("--follow-wall", is_flag=True,
              help="Run fast only until simulated time catches up with the real time.")
@click.option("--host", default="127.0.0.1", show_default=True, help="A loopback address.")
@click.option("--port", type=click.IntRange(0, 65535), default=8640, show_default=True,
              help="Main port; with a port per jail the jails take the ports after it.")
@click.option("--shared-port", is_flag=True, help="Serve every jail below /<code>/ on the main port only.")
@click.option("--faults", "faults_file", type=click.Path(dir_okay=False, exists=True), default=None,
              help="Fault configuration (JSON; see app/simulator/faults.py).")
@click.option("--declarations", "declarations_file", type=click.Path(dir_okay=False), default=None,
              help="Write the jails' declarations here (for OVERSIGHT_JAIL_DECLARATIONS).")
@click.option("--register", is_flag=True, help="Create or update the jails' database rows.")
@click.option("--refresh-budget", type=click.IntRange(min=0), default=None,
              help="With --register: known detail pages re-read per run (default: all).")
@with_appcontext
def serve_command(build, start, speed, follow_wall, host, port, shared_port, faults_file,
                  declarations_file, register, refresh_budget):
    """Serve the simulated jails until interrupted."""
    try:
        faults = FaultPlan.from_file(faults_file, start=start) if faults_file else None
    except FaultConfigError as exc:
        raise click.BadParameter(str(exc), param_hint="--faults") from None
    farm = build(faults=faults)
    clock = SimClock(start, speed=speed, follow_wall=follow_wall)
    try:
        server = SimulatorServer(farm, clock, host=host, port=port, port_per_jail=not shared_port)
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc}") from None
    declarations = server.declarations()
    if declarations_file:
        write_declarations(declarations, declarations_file)
        click.echo(f"Declarations written to {declarations_file}")
    if register:
        added, updated = register_jails(declarations, detail_refresh_budget=refresh_budget)
        click.echo(f"Jails registered: {added} added, {updated} updated")
    click.echo(f"Simulating {len(farm.jails)} jails from {start.isoformat()} at {speed:g}x"
               f"{' until caught up with real time' if follow_wall else ''}; "
               f"status: {server.base_url}/_sim/status")
    for declaration in declarations[:20]:
        click.echo(f"  {declaration.code:8} {declaration.platform:15} {declaration.docket_url}")
    if len(declarations) > 20:
        click.echo(f"  ... and {len(declarations) - 20} more")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


@simulate_group.command("truth")
@farm_options
@click.argument("jail")
@click.option("--at", "at_text", default=None, help="Simulated instant (ISO 8601; default: the start).")
def truth_command(build, start, jail, at_text):
    """Who is in custody in JAIL at a simulated instant, as JSON."""
    farm = build()
    if jail not in farm.jails:
        raise click.BadParameter(f"no simulated jail {jail!r}; this farm has {', '.join(list(farm.jails)[:12])}",
                                 param_hint="JAIL")
    at = parse_start(at_text, "--at") if at_text else start
    keys = sorted(farm.custody_keys(jail, at))
    click.echo(json.dumps({"jail": jail, "at": at.isoformat(), "in_custody": keys}, indent=1))


@simulate_group.command("demo")
@click.option("--port", type=click.IntRange(1, 65535), default=5000, show_default=True, help="Web app port.")
@click.option("--speed", type=click.IntRange(min=1), default=120, show_default=True,
              help="Clock compression: a simulated hour takes 3600/speed seconds.")
@click.option("--size", type=click.FloatRange(min=1), default=25, show_default=True,
              help="About this many people in every jail.")
@click.option("--stay-hours", type=click.FloatRange(min=1), default=18, show_default=True)
@click.option("--days", type=click.FloatRange(min=0), default=2, show_default=True,
              help="Simulated time starts this many days ago.")
@click.option("--workers", type=click.IntRange(min=1), default=3, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--folder", type=click.Path(file_okay=False, path_type=Path),
              default=PROJECT_ROOT / "instance" / "demo", show_default="instance/demo",
              help="The demo's own instance (wiped at every start).")
def demo_command(port, speed, size, stay_hours, days, workers, seed, folder):
    """The whole system against the simulator on a compressed clock, until Ctrl-C."""
    run_demo(folder, port=port, speed=speed, size=size, stay_hours=stay_hours, days=days,
             workers=workers, seed=seed, echo=click.echo)
