"""Open Civic Data export and import speed: one department of N officers (two assignments
each, a link for every tenth) exported, validated, imported into an empty database,
re-imported unchanged, and exported again to check the round trip.

    .venv/bin/python bench/ocd_roundtrip.py [--officers 10000] [--backend sqlite|postgresql]

SQLite runs in temporary files; PostgreSQL in scratch databases created next to
``TEST_POSTGRES_URL`` (skipped when it is unset) and dropped afterwards. Each backend runs
in its own process so peak memory is its own.
"""
from __future__ import annotations

import argparse
import filecmp
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.scratch import scratch_postgres  # noqa: E402

TITLES = ["Police Officer", "Detective", "Sergeant", "Lieutenant", "Captain"]
UNITS = ["Patrol", "Traffic", "Narcotics", "Records"]
FIRST = ["Ana", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "June", "Kofi", "Lena"]
LAST = ["Adams", "Baker", "Cruz", "Dunn", "Ellis", "Ford", "Gray", "Hunt", "Irwin", "Jain", "Khan", "Lowe"]


class Databases:
    """Empty databases of one backend, dropped at the end."""

    def __init__(self, backend: str, workdir: Path):
        self.backend, self.workdir, self.dropped = backend, workdir, []

    def new(self, label: str) -> str:
        if self.backend == "sqlite":
            return f"sqlite:///{self.workdir / f'{label}.sqlite'}"
        url, drop = scratch_postgres(os.environ["TEST_POSTGRES_URL"], f"ocd_{label}")
        self.dropped.append(drop)
        return url

    def drop_all(self) -> None:
        for drop in self.dropped:
            drop()


def fill(n: int) -> None:
    """One department of ``n`` officers, written with bulk inserts (not what is measured)."""
    from sqlalchemy import insert, select

    from app.extensions import db
    from app.models import Assignment, Department, Job, Link, Officer, Unit, officer_links

    rng = random.Random(8)
    department = Department(name="Bench City Police Department", short_name="BCPD", state="MS")
    db.session.add(department)
    db.session.flush()
    jobs = [Job(job_title=t, order=i, department_id=department.id) for i, t in enumerate(TITLES, 1)]
    units = [Unit(description=u, department_id=department.id) for u in UNITS]
    db.session.add_all(jobs + units)
    db.session.flush()
    db.session.execute(insert(Officer), [{
        "first_name": rng.choice(FIRST), "last_name": rng.choice(LAST), "middle_initial": rng.choice("ABC"),
        "gender": rng.choice(["M", "F", None]), "race": rng.choice(["WHITE", "BLACK", "HISPANIC"]),
        "birth_year": rng.randrange(1950, 2000), "employment_date": date(1990, 1, 1) + timedelta(days=i % 9000),
        "unique_internal_identifier": f"BC{i:07d}", "department_id": department.id,
    } for i in range(n)])
    officer_ids = db.session.scalars(select(Officer.id).order_by(Officer.id)).all()
    assignments = []
    for i, officer_id in enumerate(officer_ids):
        hired = date(1990, 1, 1) + timedelta(days=i % 9000)
        promoted = hired + timedelta(days=1500)
        assignments += [
            {"officer_id": officer_id, "job_id": jobs[0].id, "unit_id": rng.choice(units).id,
             "star_no": str(1000 + i), "start_date": hired, "resign_date": promoted - timedelta(days=1)},
            {"officer_id": officer_id, "job_id": rng.choice(jobs[1:]).id, "star_no": str(1000 + i),
             "start_date": promoted},
        ]
    db.session.execute(insert(Assignment), assignments)
    linked = officer_ids[::10]
    db.session.execute(insert(Link), [{"url": f"https://news.example.com/{i}", "title": f"Story {i}"}
                                      for i in range(len(linked))])
    link_ids = db.session.scalars(select(Link.id).order_by(Link.id)).all()
    db.session.execute(insert(officer_links), [{"officer_id": o, "link_id": l} for o, l in zip(linked, link_ids)])
    db.session.commit()


def run_backend(backend: str, n: int) -> None:
    from sqlalchemy import event, select

    from app import create_app
    from app.extensions import db
    from app.models import Department
    from app.ocd.directory import read_directory
    from app.ocd.export import export_department
    from app.ocd.importer import import_directory

    workdir = Path(tempfile.mkdtemp(prefix="oversight-ocd-bench-"))
    databases = Databases(backend, workdir)

    def app_on(label):
        app = create_app({"SQLALCHEMY_DATABASE_URI": databases.new(label), "SECRET_KEY": "bench" * 8,
                          "OVERSIGHT_ENV": "testing"})
        with app.app_context():
            db.create_all()
        return app

    def report(label, seconds, count, unit, extra=""):
        print(f"  {backend:<10} {label:<24} {count:>8} {unit:<8} {seconds:7.2f} s "
              f"{count / seconds:>10,.0f} {unit}/s  {extra}", flush=True)

    def export(app, directory):
        with app.app_context():
            department = db.session.scalars(select(Department)).one()
            started = time.perf_counter()
            written = export_department(department, directory, "https://oversight.example.org/")
            return time.perf_counter() - started, written

    try:
        source, target = app_on("source"), app_on("target")
        with source.app_context():
            fill(n)
        seconds, written = export(source, workdir / "first")
        files = sum(1 for _ in (workdir / "first").iterdir())
        report("export", seconds, n, "officers", f"({files} files)")

        started = time.perf_counter()
        checked = read_directory(workdir / "first")
        report("validate", time.perf_counter() - started, len(checked.objects), "objects",
               f"({len(checked.problems)} problems)")

        with target.app_context():
            started = time.perf_counter()
            first = import_directory(workdir / "first")
            report("import, empty database", time.perf_counter() - started, n, "officers",
                   f"(people {first.tallies['people']})")

            writes = []
            event.listen(db.engine, "before_cursor_execute",
                         lambda c, cur, statement, *a: writes.append(statement)
                         if statement.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE") else None)
            db.session.remove()
            started = time.perf_counter()
            again = import_directory(workdir / "first")
            report("re-import, unchanged", time.perf_counter() - started, n, "officers",
                   f"({len(writes)} writes; memberships {again.tallies['memberships']})")
        export(target, workdir / "second")
        comparison = filecmp.dircmp(workdir / "first", workdir / "second")
        same = not (comparison.left_only or comparison.right_only or comparison.diff_files)
        print(f"  {backend:<10} round trip: {'identical' if same else 'DIFFERENT'} ({files} files)", flush=True)
        for app in (source, target):
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  {backend:<10} peak memory (RSS) {peak_mb:,.0f} MB", flush=True)
        if not same:
            raise SystemExit(1)
    finally:
        databases.drop_all()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--officers", type=int, default=10_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    if args.backend:
        run_backend(args.backend, args.officers)
        return 0
    print(f"OCD round trip, one department of {args.officers:,} officers (two assignments each)")
    backends = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_POSTGRES_URL") else [])
    if "postgresql" not in backends:
        print("  postgresql skipped: set TEST_POSTGRES_URL (eval \"$(scripts/test-services.sh start)\")")
    for backend in backends:
        result = subprocess.run([sys.executable, __file__, "--officers", str(args.officers), "--backend", backend])
        if result.returncode:
            return result.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
