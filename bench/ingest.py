"""Ingest speed: one jail's roster of 1k, 10k and 100k bookings saved as a first run (all
new), as an unchanged replay (the steady state: every booking only re-verified), and as a
run where 1% of sheets changed, 1% are new and 1% left. For each: wall time, CPU time of this
process (the whole ingest on SQLite, which runs in-process; the Python side on PostgreSQL)
and the number of write statements sent.

    .venv/bin/python bench/ingest.py [--sizes 1000,10000,100000] [--backend sqlite|postgresql|both]

The targets, checked for the 1,000-booking unchanged replay: a constant number of write
statements whatever the roster's size, and under 1 s of CPU. The script exits 1 if either
is missed. SQLite runs in a temporary file; PostgreSQL in a scratch database created next to
``TEST_POSTGRES_URL`` (skipped when unset) and dropped afterwards.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.scratch import scratch_postgres  # noqa: E402

from sqlalchemy import event  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Jail, ScrapeRun  # noqa: E402
from app.scrapers.records import BookingRecord, ChargeRecord, ScrapeResult  # noqa: E402
from app.services.ingest import ingest  # noqa: E402

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
START = datetime(2021, 3, 1, 14, 15, tzinfo=timezone.utc)
AGENCIES = ["CITY PD", "COUNTY SO", "MHP MS HIGHWAY PATROL(138)", "MDOC(200)", "US MARSHALS"]


def sheet(n: int, extra_charge: bool = False) -> BookingRecord:
    charges = [ChargeRecord(description="POSSESSION OF CONTROLLED SUBSTANCE", court="CIRCUIT COURT",
                            bond=Decimal("5000.00"), classification="Felony"),
               ChargeRecord(description="DRIVING WHILE LICENSE SUSPENDED", court="JUSTICE COURT",
                            bond=Decimal("500.00"), classification="Misdemeanor")]
    if extra_charge:
        charges.append(ChargeRecord(description="RESISTING ARREST", court="JUSTICE COURT", bond=Decimal("750.00")))
    key = f"BK{n:010d}"
    text_lines = [f"Name: DOE, JOHN {n}", f"Booking #: {key}", "Race: BLACK", "Sex: M",
                  *(c.description for c in charges)]
    booked_at = START - timedelta(minutes=37 * n)
    return BookingRecord(
        booking_key=key, bk=key, link=f"https://jail.example/roster_view.php?booking_num={key}",
        name_raw=f"DOE, JOHN {n}", first_name="John", middle_name=str(n), last_name="Doe", sex="M", race="B",
        dob=date(1980, 1, 1) + timedelta(days=n % 9000), intake_age=30 + n % 40,
        agency_raw=AGENCIES[n % len(AGENCIES)], booked_at=booked_at,
        booked_on=booked_at.astimezone(timezone(timedelta(hours=-6))).date(), booking_date_precision="datetime",
        charges=charges, charge_1=charges[0].description, bond_cash=sum(c.bond for c in charges),
        raw_html="<div class='profile'>" + "".join(f"<p>{line}</p>" for line in text_lines) + "</div>" * 20,
        normalized_text="\n".join(text_lines),
    )


def roster(records: list[BookingRecord]) -> ScrapeResult:
    return ScrapeResult(records=records, complete=True, roster_keys={r.booking_key for r in records},
                        declared_count=len(records))


class Writes:
    def __init__(self, engine):
        self.count = 0
        event.listen(engine, "before_cursor_execute", self)

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        if WRITE.match(statement):
            self.count += 1


def timed_ingest(jail: Jail, result: ScrapeResult, now: datetime, writes: Writes) -> tuple[float, float, int]:
    run = ScrapeRun(jail_id=jail.id, started_at=now, as_of=now)
    db.session.add(run)
    db.session.commit()
    writes.count = 0
    wall, cpu = time.perf_counter(), time.process_time()
    counts = ingest(jail, result, run=run, now=now)
    db.session.commit()
    elapsed = (time.perf_counter() - wall, time.process_time() - cpu, writes.count)
    run.seen, run.new, run.released, run.outcome = counts.seen, counts.new, counts.released, "success"
    db.session.commit()
    return elapsed


def bench_backend(url: str, sizes: list[int], archive: str) -> dict:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "SECRET_KEY": "bench-" + "x" * 20,
                      "ARCHIVE_DIR": archive})
    figures = {}
    with app.app_context():
        db.create_all()
        writes = Writes(db.engine)
        for size in sizes:
            jail = Jail(code=f"b{size}", name=f"Bench {size}", county="Bench", platform="bench")
            db.session.add(jail)
            db.session.commit()
            first = [sheet(n) for n in range(size)]
            hour = timedelta(hours=1)
            figures[(size, "first run (all new)")] = timed_ingest(jail, roster(first), START, writes)
            figures[(size, "unchanged replay")] = timed_ingest(jail, roster(first), START + hour, writes)
            step = max(size // 100, 1)
            churned = [sheet(n, extra_charge=(n % 100 == 1)) for n in range(size) if n % 100 != 2]
            churned += [sheet(size + n) for n in range(step)]
            figures[(size, "1% changed, 1% new, 1% gone")] = timed_ingest(jail, roster(churned), START + 2 * hour,
                                                                          writes)
        db.session.remove()
        db.drop_all()
    return figures





def report(backend: str, figures: dict) -> list[str]:
    print(f"\n{backend}")
    print(f"  {'bookings':>8}  {'run':<28} {'wall s':>8} {'cpu s':>8} {'writes':>7} {'bookings/s':>11}")
    for (size, label), (wall, cpu, writes) in figures.items():
        print(f"  {size:>8}  {label:<28} {wall:>8.3f} {cpu:>8.3f} {writes:>7} {size / wall:>11,.0f}")
    problems = []
    unchanged = {size: figures[(size, "unchanged replay")] for size, label in figures if label == "unchanged replay"}
    if len({writes for _, _, writes in unchanged.values()}) > 1:
        problems.append(f"{backend}: unchanged replays sent different numbers of writes: "
                        f"{ {size: w for size, (_, _, w) in unchanged.items()} }")
    if 1000 in unchanged and unchanged[1000][1] >= 1.0:
        problems.append(f"{backend}: unchanged 1,000-booking replay took {unchanged[1000][1]:.2f} s of CPU")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        if args.backend in ("sqlite", "both"):
            problems += report("SQLite", bench_backend(f"sqlite:///{tmp}/bench.sqlite", sizes, tmp))
        if args.backend in ("postgresql", "both"):
            base = os.environ.get("TEST_POSTGRES_URL")
            if not base:
                print("\nPostgreSQL: skipped (set TEST_POSTGRES_URL, e.g. from scripts/test-services.sh start)")
            else:
                url, drop = scratch_postgres(base, "ingest")
                try:
                    problems += report("PostgreSQL", bench_backend(url, sizes, tmp))
                finally:
                    drop()
    for problem in problems:
        print(f"MISSED: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
