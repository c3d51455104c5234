"""``make demo``: the whole system against the simulator, on a compressed clock, with no
network needed.

A fresh demo instance (its own SQLite database, documents, page archive and broker) is set
up with the real migration, the reference data and an administrator; then the simulator,
the web app, a Celery worker and beat start. The charts get two years of daily counts from
before the demo began, drawn from the same model the simulated jails follow (marked
``source = "simulated"``); the days the demo scrapes are counted from what it saved. The
simulator replays the last two days at ``speed`` times real time (then keeps to the real
time), and beat's hourly scrape runs every ``3600 / speed`` seconds, so each round of scrapes
sees an hour of bookings, releases and added charges. One jail goes down for a few
simulated hours early on, so the scrape health page has something to show.
"""
from __future__ import annotations

import random
import secrets
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import func, insert, select

from .. import create_app
from ..extensions import db
from ..models import Booking, BookingVersion, DailySnapshot, Document, Jail, ScrapeRun
from .clock import SimClock
from .farm import Farm
from .faults import FaultPlan
from .population import CENTRAL, local_date, poisson, scaled_rates
from .processes import PROJECT_ROOT, PrivateRedis, celery, pipeline_environment, spawn, stop
from .registry import register_jails, write_declarations
from .server import SimulatorServer

DEMO_FAULTS = {"default": {"latency_ms": 5, "jitter_ms": 20, "error_rate": 0.01, "throttle_rate": 0.01},
               "jails": {"tcdc": {"outages": [["+2h", "+6h"]]}}}
ADMIN = ("admin", "demo@oversight.invalid")
HISTORY_DAYS = 730


def _flask(*args: str, env: dict) -> None:
    subprocess.run([sys.executable, "-m", "flask", *args], cwd=PROJECT_ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)


def status_line(now: datetime) -> str:
    runs = dict(db.session.execute(select(ScrapeRun.outcome, func.count()).group_by(ScrapeRun.outcome)).all())
    bookings = db.session.scalar(select(func.count()).select_from(Booking))
    held = db.session.scalar(select(func.count()).select_from(Booking).where(Booking.released_at.is_(None)))
    versions = db.session.scalar(select(func.count()).select_from(BookingVersion))
    pdfs = db.session.scalar(select(func.count()).select_from(Document).where(Document.path.is_not(None)))
    db.session.remove()
    return (f"[simulated {now.astimezone(CENTRAL).strftime('%a %H:%M')} in Chicago] runs "
            f"{', '.join(f'{k} {v}' for k, v in sorted(runs.items())) or 'none yet'}; bookings {bookings} "
            f"({held} held, {bookings - held} released); sheet versions {versions}; PDFs {pdfs}")


def write_history(farm: Farm, *, seed: int, days: int = HISTORY_DAYS) -> int:
    """Daily counts for the days before the simulation starts, from each jail's model."""
    ids = dict(db.session.execute(select(Jail.code, Jail.id).where(Jail.code.in_(list(farm.jails)))).all())
    first_day = local_date(farm.start)
    now = datetime.now(timezone.utc)
    rows = []
    for code, jail in farm.jails.items():
        for back in range(1, days + 1):
            day = first_day - timedelta(days=back)
            admissions, population, _ = scaled_rates(jail.series, day, jail.offset_days, jail.scale,
                                                     jail.turnover)
            draw = random.Random(f"{seed}/{code}/history/{day}")
            rows.append({"jail_id": ids[code], "day": day, "source": "simulated", "computed_at": now,
                         "admissions": poisson(draw, admissions), "population": round(population)})
    db.session.execute(insert(DailySnapshot), rows)
    db.session.commit()
    return len(rows)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def run_demo(folder: Path, *, port: int, speed: int, size: float, stay_hours: float, days: float,
             workers: int, seed: int, echo=print) -> None:
    # A terminated demo stops what it started, as Ctrl-C does.
    signal.signal(signal.SIGTERM, _interrupt)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    database_url = f"sqlite:///{folder / 'oversight.sqlite'}"
    redis = PrivateRedis(folder / "redis").start() if PrivateRedis.available() else None
    declarations = folder / "simulated_jails.json"
    env = pipeline_environment(
        instance=folder, database_url=database_url,
        broker_url=redis.url if redis else f"sqla+sqlite:///{folder / 'celery-broker.sqlite'}",
        redis_url=redis.url if redis else None, speedup=speed, declarations=declarations,
        secret_key=secrets.token_hex(32))
    processes = {}
    server = None
    try:
        echo("Setting up a fresh demo database ...")
        _flask("db", "upgrade", env=env)
        _flask("seed", env=env)
        password = secrets.token_urlsafe(9)
        _flask("create-admin", "--username", ADMIN[0], "--email", ADMIN[1], "--password", password, env=env)

        start = datetime.now(timezone.utc).replace(second=0, microsecond=0) - timedelta(days=days)
        farm = Farm.build(start=start, seed=seed, size=size, stay_hours=stay_hours,
                          faults=FaultPlan.from_mapping(DEMO_FAULTS, start=start, seed=seed))
        clock = SimClock(start, speed=speed, follow_wall=True)
        server = SimulatorServer(farm, clock).start()
        write_declarations(server.declarations(), declarations)
        app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": env["SECRET_KEY"],
                          "CELERY": {"broker_url": env["CELERY_BROKER_URL"]}})
        with app.app_context():
            register_jails(server.declarations(), detail_refresh_budget=3, deactivate_others=True)
            write_history(farm, seed=seed)

        processes["web"] = spawn([sys.executable, "-m", "flask", "run", "--host", "127.0.0.1", "--port", str(port)],
                                 env=env, log=folder / "web.log")
        processes["worker"] = celery("worker", "--concurrency", str(workers), env=env, log=folder / "worker.log")
        processes["beat"] = celery("beat", "--schedule", str(folder / "beat-schedule"), env=env,
                                   log=folder / "beat.log")
        # The first round now rather than one interval from now; beat keeps the rhythm.
        app.extensions["celery"].send_task("app.tasks.scrape.scrape_all_jails")
        echo("=" * 72)
        echo(f"Oversight demo: http://127.0.0.1:{port}/admin/   (sign in as {ADMIN[0]} / {password})")
        echo(f"{len(farm.jails)} simulated jail websites: {server.base_url}/_sim/status")
        echo(f"Simulated time starts {days:g} days ago and runs {speed}x as fast until it catches up;")
        echo(f"every {3600 / speed:.0f} s a scrape round reads an hour's bookings, releases and charges.")
        echo("Look at: Bookings (versions, PDFs), Scrape runs (tcdc is down for a while), the charts.")
        echo(f"Logs: {folder}/*.log   Ctrl-C stops everything.")
        echo("=" * 72)
        _follow(app, clock, processes, folder, speed, start, env, echo, len(farm.jails))
    except KeyboardInterrupt:
        echo("Stopping ...")
    finally:
        for process in processes.values():
            stop(process)
        if server is not None:
            server.stop()
        if redis is not None:
            redis.stop()


def _follow(app, clock, processes, folder: Path, speed: int, start: datetime, env: dict, echo,
            jails: int) -> None:
    """Print progress; once the first round is in, count the recent days for the charts."""
    counted = False
    interval = 3600 / speed
    wait = 15.0
    while True:
        time.sleep(wait)
        wait = max(5.0, interval)
        for name, process in processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"the {name} process stopped; see {folder / (name + '.log')}")
        with app.app_context():
            echo(status_line(clock.now()))
            finished = db.session.scalar(select(func.count()).select_from(ScrapeRun)
                                         .where(ScrapeRun.outcome != "running"))
            if not counted and finished >= jails:
                today = local_date(datetime.now(timezone.utc))
                _flask("snapshot", "--from", local_date(start).isoformat(), "--to", today.isoformat(), env=env)
                days = db.session.scalar(select(func.count()).select_from(DailySnapshot))
                echo(f"Daily counts for the charts: {days} jail-days")
                counted = True
