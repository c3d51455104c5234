"""Roster import speed: rows per second for a first import, an idempotent re-import and a
re-import with 1% of rows changed, plus the process's peak memory.

    .venv/bin/python bench/import_officers.py [--rows 100000] [--backend sqlite|postgresql]

The roster is generated deterministically: one officer, one assignment and one salary per
row. SQLite runs in a temporary file; PostgreSQL runs in a scratch database created next to
``TEST_POSTGRES_URL`` (skipped when it is unset) and dropped afterwards. Each backend runs
in its own process so peak memory is its own.
"""
from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Iterable, Iterator

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.scratch import scratch_postgres  # noqa: E402

TITLES = ["Police Officer", "Detective", "Sergeant", "Lieutenant", "Captain", "Commander", "Deputy Chief"]
UNITS = ["Patrol 1", "Patrol 2", "Patrol 3", "Traffic", "Narcotics", "Homicide", "Training", "Records"]
FIRST = ["James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
         "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Carlos", "Aisha"]
LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
        "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Lee"]
GENDERS = ["M", "F", "Male", "Female", "Other", "Not Sure"]
RACES = ["WHITE", "BLACK", "HISPANIC", "ASIAN", "White", "Black", "Not Sure", "Other"]
HEADER = ["department_id", "unique_internal_identifier", "first_name", "last_name", "middle_initial", "gender",
          "race", "employment_date", "birth_year", "star_no", "job_title", "unit_id", "start_date", "resign_date",
          "salary", "salary_year", "salary_is_fiscal_year", "overtime_pay"]


def roster_rows(n: int, department_id: int, unit_ids: list[int], *, changed: bool = False) -> Iterator[list[str]]:
    """The same rows every time; ``changed`` gives every hundredth officer a raise and a
    corrected last name (the 1%-changed roster)."""
    rng = random.Random(20240501)
    for i in range(n):
        hired = date(1980, 1, 1) + timedelta(days=rng.randrange(15000))
        us_format = i % 3 == 0  # a third of the dates written mm/dd/yyyy
        hired_text = hired.strftime("%m/%d/%Y") if us_format else hired.isoformat()
        resigned = (hired + timedelta(days=rng.randrange(300, 9000))).isoformat() if i % 10 == 0 else ""
        row = [
            str(department_id), f"B{i:07d}", rng.choice(FIRST), rng.choice(LAST), rng.choice("ABCDEFGHJ "),
            rng.choice(GENDERS), rng.choice(RACES), hired_text, str(rng.randrange(1940, 2002)),
            str(10000 + i), rng.choice(TITLES), str(rng.choice(unit_ids)), hired_text, resigned,
            f"{rng.randrange(40000, 160000)}.{rng.randrange(100):02d}", "2023", rng.choice(["true", "false"]),
            str(rng.randrange(0, 30000)) if i % 4 else "",
        ]
        if changed and i % 100 == 0:
            row[3] += "-Jones"
            row[14] = f"{float(row[14]) + 1000:.2f}"
        yield row


def write_roster(path: Path, rows: Iterable[list[str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)


def run_backend(backend: str, n: int) -> None:
    from app import create_app
    from app.extensions import db
    from app.importers.bulk import import_roster
    from app.models import Department, Job, Unit

    workdir = Path(tempfile.mkdtemp(prefix="oversight-bench-"))
    drop = None
    if backend == "sqlite":
        url = f"sqlite:///{workdir / 'bench.sqlite'}"
    else:
        url, drop = scratch_postgres(os.environ["TEST_POSTGRES_URL"], "import")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench" * 8, "OVERSIGHT_ENV": "testing"})
    try:
        with app.app_context():
            db.create_all()
            dept = Department(name="Bench City Police Department", short_name="BCPD", state="IL")
            db.session.add(dept)
            db.session.flush()
            for order, title in enumerate(TITLES, start=1):
                db.session.add(Job(job_title=title, order=order, department_id=dept.id))
            units = [Unit(description=u, department_id=dept.id) for u in UNITS]
            db.session.add_all(units)
            db.session.commit()
            unit_ids = [u.id for u in units]
            first, changed = workdir / "roster.csv", workdir / "roster-changed.csv"
            write_roster(first, roster_rows(n, dept.id, unit_ids))
            write_roster(changed, roster_rows(n, dept.id, unit_ids, changed=True))

            def timed(path, label, expect):
                db.session.remove()
                started, cpu_started = time.perf_counter(), time.process_time()
                report = import_roster(str(path))
                seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
                counts = report.counts
                check = ", ".join(f"{counts.get(kind, {}).get(action, 0)} {kind} {action}" for kind, action in expect)
                print(f"  {backend:<10} {label:<22} {n:>8} rows {seconds:7.2f} s {n / seconds:>10,.0f} rows/s"
                      f"   (this process's CPU {cpu:.2f} s; {check})", flush=True)
                return report

            timed(first, "first import", [("officer", "created"), ("assignment", "created"), ("salary", "created")])
            timed(first, "idempotent re-import", [("officer", "unchanged"), ("officer", "updated")])
            timed(changed, "1%-changed re-import", [("officer", "updated"), ("salary", "updated")])
            db.session.remove()
            db.engine.dispose()
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  {backend:<10} peak memory (RSS) {peak_mb:,.0f} MB", flush=True)
    finally:
        if drop:
            drop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    if args.backend:
        run_backend(args.backend, args.rows)
        return 0
    print(f"Roster import, {args.rows:,} rows (officer + assignment + salary per row); "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    backends = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_POSTGRES_URL") else [])
    if "postgresql" not in backends:
        print("  postgresql skipped: set TEST_POSTGRES_URL (eval \"$(scripts/test-services.sh start)\")")
    for backend in backends:
        result = subprocess.run([sys.executable, __file__, "--rows", str(args.rows), "--backend", backend])
        if result.returncode:
            return result.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
