"""The soak run: the whole scraping pipeline - a real Celery worker and beat, the scrape
service, ingest, PDFs - against the simulator for a number of simulated hours with faults
on, then the database checked against the ground truth (see audit.py).

Both clocks are compressed by the same factor: beat's hourly schedule runs every
``3600 / speed`` wall seconds (``SCHEDULE_SPEEDUP``) while the simulator's clock runs
``speed`` times as fast, so every scheduled round is one simulated hour. The simulated
start lies hours before the wall clock, so the sites never show a date the scrapers would
take for the future.

``bench/soak.py`` runs it by hand at length; a short version runs in the test suite.
"""
from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import func, select, text

from ..extensions import db
from ..models import Booking, Document, ScrapeRun
from .audit import Audit, ReleaseWatch, audit, describe_delays
from .clock import SimClock
from .farm import Farm
from .faults import FaultPlan
from .processes import PrivateRedis, celery, pipeline_environment, process_tree_cpu, stop
from .registry import register_jails, write_declarations
from .server import SimulatorServer


def default_faults(codes: list[str]) -> dict:
    """Faults for a soak: a few per cent of requests fail, are throttled or cut short; the
    second jail is down for two hours (connections dropped) and the third shows a new layout
    for an hour."""
    config = {"default": {"latency_ms": 5, "jitter_ms": 20, "error_rate": 0.03, "throttle_rate": 0.02,
                          "retry_after": 1, "truncate_rate": 0.01},
              "jails": {}}
    if len(codes) > 1:
        config["jails"][codes[1]] = {"outages": [["+2h", "+4h"]], "outage_mode": "close"}
    if len(codes) > 2:
        config["jails"][codes[2]] = {"redesigns": [["+3h", "+4h"]]}
    return config


@dataclass
class SoakSettings:
    database_url: str
    workdir: Path
    templates: list[str] = field(default_factory=lambda: ["mcdc", "kcdc", "hcdc", "jcj"])
    count: int | None = None
    hours: float = 4
    speed: int = 240
    size: float = 10
    stay_hours: float = 10
    seed: int = 1
    faults: dict | None = None          # None: default_faults(); {} for none
    refresh_budget: int | None = 2
    workers: int = 2
    # Default: a private Redis (broker and locks) when redis-server is installed, else the
    # SQLite broker and database leases of a default install.
    broker_url: str | None = None
    redis_url: str | None = None


@dataclass
class SoakReport:
    settings: SoakSettings
    audit: Audit
    jail_hours: float
    wall_seconds: float
    worker_cpu_seconds: float
    requests_served: dict[str, int]
    bookings: int
    documents: int
    database_growth: int | None         # bytes the database grew by during the run
    archive_bytes: int

    def lines(self) -> list[str]:
        a, s = self.audit, self.settings
        runs: dict[str, int] = {}
        for jail in a.jails.values():
            for outcome, n in jail.runs_by_outcome.items():
                runs[outcome] = runs.get(outcome, 0) + n
        faults = {k: v for k, v in self.requests_served.items() if k not in ("requests", "ok")}
        per_thousand = (f"{self.database_growth / max(self.bookings, 1) * 1000 / 1e6:.1f} MB"
                        if self.database_growth is not None else "n/a")
        return [
            f"soak: {len(a.jails)} jails x {s.hours:g} simulated hours at {s.speed}x, "
            f"{s.workers} worker processes, refresh budget {s.refresh_budget}, wall {self.wall_seconds:.0f} s",
            f"runs: {sum(runs.values())} ({', '.join(f'{k} {v}' for k, v in sorted(runs.items()))})",
            f"bookings: {a.total('must_be_seen')} held through a complete run, {self.bookings} in the database, "
            f"{self.documents} intake-sheet PDFs",
            f"bookings lost: {a.total('lost')}",
            f"duplicates: {a.total('duplicated')} (unknown keys: {a.total('unknown')})",
            f"wrongly released: {a.total('wrongly_released')}",
            f"releases missed: {a.total('releases_missed')}",
            f"detection delay, new bookings: {describe_delays(a.delays('booking_delays'))}",
            f"detection delay, releases: {describe_delays(a.delays('release_delays'))}",
            f"requests sent: {a.total('requests_sent')} "
            f"({a.total('requests_sent') / max(self.jail_hours, 1):.1f} per jail-hour); simulator answered "
            f"{self.requests_served.get('requests', 0)}, faults injected: "
            f"{', '.join(f'{k} {v}' for k, v in sorted(faults.items())) or 'none'}",
            f"CPU: {self.worker_cpu_seconds:.1f} s in the worker = "
            f"{self.worker_cpu_seconds / max(self.jail_hours, 1):.2f} s per jail-hour",
            f"database: grew {per_thousand} per 1,000 bookings (versions, charges, runs, page index); "
            f"page archive {self.archive_bytes / 1e6:.2f} MB",
        ]


def folder_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0


def database_bytes(url: str) -> int | None:
    if url.startswith("sqlite"):
        path = Path(url.split("///", 1)[1])
        return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())
    if url.startswith("postgresql"):
        return int(db.session.scalar(text(
            "SELECT coalesce(sum(pg_total_relation_size(format('%I.%I', schemaname, tablename)::regclass)), 0)"
            " FROM pg_tables WHERE schemaname = current_schema()")))
    return None


def run_soak(app, settings: SoakSettings, *, progress=print) -> SoakReport:
    """Run the soak; ``app`` is an Oversight app on ``settings.database_url`` (schema in place)
    used to register the jails and, at the end, to read what the pipeline saved."""
    work = settings.workdir
    work.mkdir(parents=True, exist_ok=True)
    wall_start = time.time()
    start = datetime.fromtimestamp(wall_start, timezone.utc).replace(microsecond=0) \
        - timedelta(hours=settings.hours + 6)
    farm = Farm.build(start=start, seed=settings.seed, count=settings.count, templates=settings.templates,
                      size=settings.size, stay_hours=settings.stay_hours)
    fault_config = default_faults(list(farm.jails)) if settings.faults is None else settings.faults
    farm.faults = FaultPlan.from_mapping(fault_config, start=start, seed=settings.seed)
    clock = SimClock(start, speed=settings.speed, wall_origin=wall_start)
    server = SimulatorServer(farm, clock).start()
    declarations = write_declarations(server.declarations(), work / "simulated_jails.json")
    with app.app_context():
        register_jails(server.declarations(), detail_refresh_budget=settings.refresh_budget,
                       deactivate_others=True)
        size_before = database_bytes(settings.database_url)

    redis = None
    broker_url, redis_url = settings.broker_url, settings.redis_url
    if broker_url is None and PrivateRedis.available():
        redis = PrivateRedis(work / "redis").start()
        broker_url = redis_url = redis.url
    env = pipeline_environment(
        instance=work / "instance", database_url=settings.database_url,
        broker_url=broker_url or f"sqla+sqlite:///{work / 'broker.sqlite'}", redis_url=redis_url,
        speedup=settings.speed, declarations=declarations, secret_key=secrets.token_hex(16))
    env.update({"DOCUMENTS_DIR": str(work / "documents"), "ARCHIVE_DIR": str(work / "archive")})
    processes = {}
    watch = ReleaseWatch(app).start()
    try:
        processes["worker"] = celery("worker", "--concurrency", str(settings.workers), "--without-gossip",
                                     "--without-mingle", "--without-heartbeat", env=env, log=work / "worker.log")
        processes["beat"] = celery("beat", "--schedule", str(work / "beat-schedule"), env=env,
                                   log=work / "beat.log")
        interval = 3600 / settings.speed
        # Count the simulated hours from the first scheduled round, whenever the processes
        # got going: ``hours`` rounds, one per simulated hour.
        first = _first_run(app, processes, work, timeout=60 + 2 * interval)
        finish = first + (settings.hours - 0.5) * interval
        while time.time() < finish:
            _check_alive(processes, work)
            time.sleep(min(5.0, max(0.1, finish - time.time())))
            progress(f"  simulated {(clock.now() - start).total_seconds() / 3600:.1f} h, "
                     f"{(time.time() - first) / interval + 1:.1f} of {settings.hours:g} rounds")
        stop(processes.pop("beat"))
        # Scrapes queued by the last round start within an interval or expire unstarted.
        time.sleep(interval)
        _drain(app, timeout=90)
        cpu = process_tree_cpu(processes["worker"].pid)
    finally:
        for process in processes.values():
            stop(process)
        watch.stop()
        server.stop()
        if redis is not None:
            redis.stop()
    with app.app_context():
        checked = audit(farm, clock.to_sim, releases=list(watch.events.values()))
        bookings = db.session.scalar(select(func.count()).select_from(Booking))
        documents = db.session.scalar(select(func.count()).select_from(Document).where(Document.path.is_not(None)))
        size = database_bytes(settings.database_url)
        growth = None if size is None or size_before is None else size - size_before
    served: dict[str, int] = {}
    for counts in server.stats.values():
        for kind, n in counts.items():
            served[kind] = served.get(kind, 0) + n
    return SoakReport(settings=settings, audit=checked, jail_hours=len(farm.jails) * settings.hours,
                      wall_seconds=time.time() - wall_start, worker_cpu_seconds=cpu,
                      requests_served=served, bookings=bookings, documents=documents,
                      database_growth=growth, archive_bytes=folder_bytes(work / "archive"))


def _check_alive(processes: dict, work: Path) -> None:
    for name, process in processes.items():
        if process.poll() is not None:
            raise RuntimeError(f"celery {name} exited ({process.returncode}); see {work / (name + '.log')}")


def _first_run(app, processes: dict, work: Path, *, timeout: float) -> float:
    """Wait for the first scrape run to start; its wall time as a Unix timestamp."""
    deadline = time.time() + timeout
    with app.app_context():
        while time.time() < deadline:
            _check_alive(processes, work)
            started = db.session.scalar(select(func.min(ScrapeRun.started_at)))
            db.session.remove()
            if started is not None:
                return started.timestamp()
            time.sleep(0.2)
    raise RuntimeError(f"no scrape started within {timeout:.0f} s; see {work / 'worker.log'}")


def _drain(app, *, timeout: float) -> None:
    """Wait for the scrapes still running to finish."""
    deadline = time.time() + timeout
    with app.app_context():
        while time.time() < deadline:
            running = db.session.scalar(select(func.count()).select_from(ScrapeRun)
                                        .where(ScrapeRun.outcome == "running"))
            db.session.remove()
            if not running:
                return
            time.sleep(0.5)
