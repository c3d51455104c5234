"""Soak test: a real Celery worker and beat scrape the docket simulator for hours of
simulated time with faults on; then the database is checked against the ground truth.

    .venv/bin/python bench/soak.py                       # 6 jails, 24 simulated hours, SQLite
    .venv/bin/python bench/soak.py --hours 4 --jails mcdc,kcdc,hcdc,jcj
    .venv/bin/python bench/soak.py --database "$TEST_POSTGRES_URL" --broker "$TEST_REDIS_URL"

It prints bookings lost, duplicated and wrongly released (all must be 0), releases missed,
detection delays, requests sent, CPU seconds per jail-hour and database size per 1,000
bookings, and exits 1 if anything was lost, duplicated or wrongly released. A PostgreSQL
database must be empty (a scratch database); its tables are created here.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.simulator.soak import SoakSettings, run_soak  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jails", default="mcdc,kcdc,hcdc,jcj,lcdc,jcadc", help="site formats")
    parser.add_argument("--count", type=int, default=None, help="jails in all (formats repeat)")
    parser.add_argument("--hours", type=float, default=24, help="simulated hours")
    parser.add_argument("--speed", type=int, default=240, help="simulated seconds per wall second")
    parser.add_argument("--size", type=float, default=12, help="about this many people per jail")
    parser.add_argument("--stay-hours", type=float, default=12, help="mean stay")
    parser.add_argument("--refresh-budget", type=int, default=2, help="known sheets re-read per run")
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-faults", action="store_true")
    parser.add_argument("--database", help="database URL (default: SQLite in the work folder)")
    parser.add_argument("--broker", help="Celery broker URL (default: SQLite in the work folder)")
    parser.add_argument("--redis", help="Redis URL for locks (default: the database)")
    parser.add_argument("--workdir", type=Path, help="keep logs and files here")
    args = parser.parse_args()

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="oversight-soak-"))
    database_url = args.database or f"sqlite:///{workdir / 'soak.sqlite'}"
    workdir.mkdir(parents=True, exist_ok=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "soak-" + "x" * 27,
                      "ARCHIVE_DIR": str(workdir / "archive"), "DOCUMENTS_DIR": str(workdir / "documents")})
    with app.app_context():
        db.create_all()
    settings = SoakSettings(
        database_url=database_url, workdir=workdir, templates=args.jails.split(","), count=args.count,
        hours=args.hours, speed=args.speed, size=args.size, stay_hours=args.stay_hours, seed=args.seed,
        faults={} if args.no_faults else None, refresh_budget=args.refresh_budget, workers=args.workers,
        broker_url=args.broker, redis_url=args.redis)
    print(f"soak in {workdir}")
    report = run_soak(app, settings)
    for line in report.lines():
        print(line)
    return 0 if report.audit.clean else 1


if __name__ == "__main__":
    sys.exit(main())
