"""Scale benchmark: a farm of simulated jails (1,000 by default, in the eleven dockets'
formats and sizes) scraped hour after hour by Oversight's own scrape service, in worker
processes like the Celery pool's, into PostgreSQL.

    .venv/bin/python bench/scale.py                          # 1,000 jails, a cold round + 3 hours
    .venv/bin/python bench/scale.py --jails 100 --rounds 2
    .venv/bin/python bench/scale.py --budget-hours 24        # the default refresh policy
    .venv/bin/python bench/scale.py --budget 0               # list pages and new people only

The first round reads every intake sheet (nothing is known yet). The rounds after it are the
steady state: list pages, the sheets of people new since the last hour, and a refresh budget
of known sheets (``Jail.detail_refresh_budget``, set per jail: by default enough to re-read
every sheet once a day). The simulator's clock is set to each round's hour before it starts.

Printed: the wall time and CPU of a round against the hour and the machine's cores,
requests per jail-hour (by docket format), the politeness floor (one request per second per
host, as the scrapers keep to on real sites) and how many concurrent scrapes it needs, and
what the refresh budget costs in freshness: how long a charge added to a known person's
sheet waits to be seen.

PostgreSQL comes from ``--database`` or, by default, a scratch database created next to
``$TEST_POSTGRES_URL`` and dropped afterwards. Without either it falls back to SQLite with
one worker (SQLite takes one writer at a time).
"""
from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.scratch import scratch_postgres  # noqa: E402

from sqlalchemy import func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

START = datetime(2019, 11, 5, 20, 15, tzinfo=timezone.utc)   # 14:15 in Chicago
POLITE_INTERVAL = 1.0                                      # the production fetcher's spacing
_app = None


# ---- worker processes ------------------------------------------------------------------

def _start_worker(database_url: str, archive: str) -> None:
    global _app
    from app import create_app
    _app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "scale-" + "x" * 26,
                       "ARCHIVE_DIR": archive, "DOCUMENTS_DIR": archive + "-documents"})


def _scrape(job: tuple[str, str]) -> tuple:
    """One jail's run, timed; the fetcher keeps no politeness delay (see --help)."""
    from app.extensions import db
    from app.scrapers.fetch import HostThrottle, HttpFetcher
    from app.services.scrape import run_scrape

    code, moment = job
    with _app.app_context():
        fetcher = HttpFetcher(user_agent="oversight-scale-bench", timeout=60, min_interval_per_host=0,
                              backoff=0.01, throttle=HostThrottle())
        wall, cpu = time.perf_counter(), time.process_time()
        outcome = run_scrape(code, now=datetime.fromisoformat(moment), fetcher=fetcher)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        db.session.remove()
    return (code, outcome.outcome, outcome.requests_sent, outcome.pages_fetched, wall, cpu,
            outcome.new, outcome.changed, outcome.released)


# ---- the database ----------------------------------------------------------------------

def scratch_database() -> tuple[str | None, Callable[[], None]]:
    base = os.environ.get("TEST_POSTGRES_URL")
    if not base:
        return None, lambda: None
    return scratch_postgres(base, "scale")


# ---- reporting -------------------------------------------------------------------------

def hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600


def describe_round(label: str, results: list[tuple], wall: float, server_cpu: float, workers: int) -> str:
    jails = len(results)
    cpu = sum(r[5] for r in results)
    requests = sum(r[2] for r in results)
    outcomes = defaultdict(int)
    for r in results:
        outcomes[r[1]] += 1
    return (f"{label}: {wall:.0f} s wall with {workers} workers ({wall / 3600:.1%} of the hour); CPU scrape + "
            f"ingest {cpu:.0f} s ({cpu / jails * 1000:.0f} ms per jail) + simulator {server_cpu:.0f} s = "
            f"{(cpu + server_cpu) / (os.cpu_count() * 3600):.1%} of {os.cpu_count()} cores; {requests} requests "
            f"({requests / jails:.1f} per jail); new {sum(r[6] for r in results)}, changed "
            f"{sum(r[7] for r in results)}, released {sum(r[8] for r in results)}; "
            + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jails", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3, help="steady-state hours after the cold round")
    parser.add_argument("--workers", type=int, default=2, help="scrape processes (the Celery pool)")
    parser.add_argument("--scale", type=float, default=1.0, help="jail size (1: the real jails' sizes)")
    policy = parser.add_mutually_exclusive_group()
    policy.add_argument("--budget", type=int, help="known sheets re-read per run, every jail alike")
    policy.add_argument("--budget-hours", type=float, default=24,
                        help="per jail: a budget that re-reads every sheet within this many hours")
    parser.add_argument("--database", help="database URL (default: a scratch PostgreSQL database)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from app import create_app
    from app.extensions import db
    from app.models import Booking, BookingVersion, FetchedPage
    from app.scrapers import jails as declared
    from app.simulator import Farm, ManualClock, SimulatorServer
    from app.simulator.registry import register_jails, write_declarations

    work = Path(tempfile.mkdtemp(prefix="oversight-scale-"))
    drop = lambda: None  # noqa: E731
    database_url = args.database
    if database_url is None:
        database_url, drop = scratch_database()
    workers = args.workers
    if database_url is None:
        database_url, workers = f"sqlite:///{work / 'scale.sqlite'}", 1
        print("no PostgreSQL: SQLite with one worker")
    archive = str(work / "archive")

    built = time.perf_counter()
    farm = Farm.build(start=START, seed=args.seed, count=args.jails, scale=args.scale)
    clock = ManualClock(START)
    server = SimulatorServer(farm, clock).start()
    held = {code: len(farm.custody_keys(code, START)) for code in farm.jails}
    print(f"farm: {len(farm.jails)} jails in {len(set(j.template for j in farm.jails.values()))} formats, "
          f"{sum(held.values())} people held at the start (built in {time.perf_counter() - built:.0f} s)")

    os.environ[declared.DECLARATIONS_ENV] = str(write_declarations(server.declarations(), work / "jails.json"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "scale-" + "x" * 26})
    budgets = {code: args.budget if args.budget is not None else math.ceil(n / args.budget_hours)
               for code, n in held.items()}
    with app.app_context():
        db.create_all()
        register_jails(server.declarations())
        from app.models import Jail
        for jail in db.session.scalars(select(Jail)):
            jail.detail_refresh_budget = budgets[jail.code]
        db.session.commit()
    policy = (f"budget {args.budget} per run" if args.budget is not None
              else f"budget per jail = roster / {args.budget_hours:g} h (mean {statistics.mean(budgets.values()):.1f})")
    print(f"refresh policy: {policy}; database {make_url(database_url).get_backend_name()}")

    context = multiprocessing.get_context("spawn")
    codes = list(farm.jails)
    per_format_requests = defaultdict(list)
    steady = []
    with context.Pool(workers, initializer=_start_worker, initargs=(database_url, archive)) as pool:
        for round_number in range(args.rounds + 1):
            moment = START + timedelta(hours=round_number)
            clock.set(moment)
            server_cpu, wall = time.process_time(), time.perf_counter()
            results = pool.map(_scrape, [(code, moment.isoformat()) for code in codes], chunksize=4)
            wall, server_cpu = time.perf_counter() - wall, time.process_time() - server_cpu
            label = "cold round (every sheet read)" if round_number == 0 else f"hour {round_number}"
            print(describe_round(label, results, wall, server_cpu, workers), flush=True)
            if round_number:
                steady.append((results, wall, server_cpu))
                for r in results:
                    per_format_requests[farm.jail(r[0]).template].append(r[2])
    server.stop()

    print("steady state, requests per jail-hour by format (mean over jails and hours):")
    print("  " + ", ".join(f"{fmt} {statistics.mean(n):.1f}" for fmt, n in sorted(per_format_requests.items())))
    if steady:
        requests = [r[2] for results, _, _ in steady for r in results]
        longest = max(r[2] for results, _, _ in steady for r in results)
        polite = sum(max(n - 1, 0) * POLITE_INTERVAL for n in requests) / len(steady)
        wall = statistics.mean(w for _, w, _ in steady)
        cpu = statistics.mean(sum(r[5] for r in results) + s for results, _, s in steady)
        print(f"steady hour: {wall:.0f} s wall ({wall / 3600:.1%} of the hour) with {workers} workers; "
              f"CPU {cpu:.0f} s = {cpu / (os.cpu_count() * 3600):.1%} of the machine's hour")
        print(f"politeness floor: at one request per second per host a steady hour needs {polite:.0f} "
              f"worker-seconds of waiting -> at least {math.ceil(polite / 3600)} concurrent scrapes "
              f"(the longest jail takes {longest} requests = {longest * POLITE_INTERVAL:.0f} s)")

    with app.app_context():
        bookings = db.session.scalar(select(func.count()).select_from(Booking))
        pages = db.session.scalar(select(func.count()).select_from(FetchedPage))
        size = db.session.scalar(text("SELECT pg_database_size(current_database())")) \
            if database_url.startswith("postgresql") else None
        fresh = freshness(farm, START, START + timedelta(hours=args.rounds), BookingVersion, Booking)
        db.session.remove()
    print(f"database: {bookings} bookings, {pages} archived page rows"
          + (f", {size / 1e6:.0f} MB ({size / max(bookings, 1) * 1000 / 1e6:.1f} MB per 1,000 bookings)"
             if size else ""))
    print(fresh)
    cycles = [held[code] / budgets[code] for code in held if budgets[code]]
    if cycles:
        print(f"refresh cycle: every known sheet is re-read within {statistics.mean(cycles):.0f} h on average "
              f"(longest {max(cycles):.0f} h), so a change to it waits half that on average")
    else:
        print("refresh cycle: none - with budget 0 a known sheet is never re-read; only list pages are")
    drop()
    return 0


def freshness(farm, first: datetime, last: datetime, BookingVersion, Booking) -> str:
    """How long charges added to known people's sheets waited to be seen."""
    from app.extensions import db
    from app.models import Jail

    versions = defaultdict(list)
    for code, key, fetched in db.session.execute(
            select(Jail.code, Booking.booking_key, BookingVersion.fetched_at)
            .join(Booking, BookingVersion.booking_id == Booking.id).join(Jail, Booking.jail_id == Jail.id)):
        versions[(code, key)].append(fetched)
    waits, unseen = [], []
    for code, jail in farm.jails.items():
        for booking in jail.population.bookings_until(last):
            for charge in booking.charges:
                # A charge added after the cold round to someone already known then.
                if not (first < charge.added_at <= last) or booking.booked_at > first:
                    continue
                seen = [at for at in versions.get((code, booking.key), []) if at >= charge.added_at]
                if seen:
                    waits.append(hours(min(seen) - charge.added_at))
                elif booking.released_at > last:
                    unseen.append(hours(last - charge.added_at))
    if not waits and not unseen:
        return "freshness: no charge was added to a known sheet during the run"
    line = f"freshness: {len(waits) + len(unseen)} charges added to known sheets; {len(waits)} seen"
    if waits:
        line += f" after {statistics.mean(waits):.1f} h on average (max {max(waits):.1f} h)"
    if unseen:
        line += f"; {len(unseen)} not yet seen ({max(unseen):.1f} h and counting)"
    return line


if __name__ == "__main__":
    sys.exit(main())
