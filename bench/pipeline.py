"""Pipeline speed: intake-sheet PDFs per second per core, the daily snapshot of one day over
1,000,000 bookings, and a polish pass when 1% of the bookings changed.

    .venv/bin/python bench/pipeline.py [--bookings 1000000] [--pdfs 60] [--backend sqlite|postgresql]

PDFs are rendered in this one process from every recorded intake sheet under
``shared/dockets`` (cycled), reusing one font configuration and stylesheet as a worker does;
"per core" divides by the CPU time the process used. The database figures use synthetic
bookings bulk-inserted over three years across the eleven jails. SQLite runs in a temporary
file; PostgreSQL in a scratch database created next to ``TEST_POSTGRES_URL`` (skipped when it
is unset) and dropped afterwards.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.scratch import scratch_postgres  # noqa: E402

from sqlalchemy import func, insert, select, text, update  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Booking, BookingVersion, Jail, PipelineState, ScrapeRun  # noqa: E402
from app.scrapers.jails import JAILS  # noqa: E402

SHARED = Path(os.environ.get("OVERSIGHT_SHARED", ROOT.parent / "shared"))
NOW = datetime(2024, 6, 1, 12, tzinfo=timezone.utc)


def make_app(url: str, workdir: Path):
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "SECRET_KEY": "bench" * 8,
                       "DOCUMENTS_DIR": str(workdir / "documents"), "ARCHIVE_DIR": str(workdir / "archive")})


# ---- PDFs -------------------------------------------------------------------------------------

def recorded_sheets() -> list[tuple[str, str, str]]:
    """(jail code, page URL, html) for every recorded detail page."""
    import json
    sheets = []
    for index in sorted(SHARED.glob("dockets/*/basic/t0/index.json")):
        recording = json.loads(index.read_text())
        for request in recording["requests"]:
            body = (index.parent / request["file"]).read_bytes()
            if request["url"] == recording["requests"][0]["url"] or body.lstrip()[:1] in (b"{", b"["):
                continue   # the roster page itself, or a JSON API answer
            sheets.append((recording["jail"], request["url"], body.decode("utf-8", "replace")))
    return sheets


def bench_pdfs(count: int, workdir: Path) -> None:
    from app.services.pdf import renderer, sheet_html

    app = make_app(f"sqlite:///{workdir / 'pdf.sqlite'}", workdir)
    sheets = recorded_sheets()
    by_code = {jail.code: jail for jail in JAILS}
    with app.test_request_context():
        documents = []
        for n in range(count):
            code, url, html = sheets[n % len(sheets)]
            declared = by_code[code]
            jail = Jail(code=code, name=declared.name, county=declared.county, timezone=declared.timezone)
            booking = Booking(jail=jail, booking_key=f"K{n}", bk=f"{n:06d}")
            version = BookingVersion(fetched_at=NOW, source_url=url, raw_html=html)
            documents.append(sheet_html(booking, version))
        cold_started = time.perf_counter()
        renderer().render(documents[0])
        cold = time.perf_counter() - cold_started
        wall_started, cpu_started = time.perf_counter(), time.process_time()
        for document in documents:
            renderer().render(document)
        wall = time.perf_counter() - wall_started
        cpu = time.process_time() - cpu_started
    print(f"PDF: {count} sheets cycled from {len(sheets)} recorded docket pages; first render {cold:.2f} s (fonts, stylesheet)")
    print(f"PDF: {count / cpu:.1f} PDFs per second per core ({cpu / count * 1000:.1f} ms CPU each; "
          f"wall {count / wall:.1f}/s in one process)")


# ---- the database figures ------------------------------------------------------------------------




def synthetic_bookings(jail_ids: list[int], total: int, rng: random.Random):
    """Bookings spread evenly over three years before NOW; stays of a few days on average,
    so a few thousand people are in custody on any day."""
    span = timedelta(days=3 * 365).total_seconds()
    for n in range(total):
        booked_at = NOW - timedelta(seconds=rng.random() * span)
        stay = timedelta(hours=rng.expovariate(1 / 120))
        released_at = booked_at + stay if booked_at + stay < NOW else None
        local = booked_at.astimezone(timezone(timedelta(hours=-6)))
        yield {
            "jail_id": jail_ids[n % len(jail_ids)], "booking_key": f"B{n:08d}", "bk": f"{n:08d}",
            "first_name": "Pat", "last_name": f"Person{n % 5000}", "booked_at": booked_at,
            "booked_on": local.date(), "booking_date_precision": "datetime",
            "released_at": released_at, "initial_scrape": booked_at, "last_verified": released_at or NOW,
            "last_changed_at": booked_at, "charge_1": "97-3-7 SIMPLE ASSAULT",
        }


def load(total: int) -> None:
    rng = random.Random(7)
    for declared in JAILS:
        db.session.add(Jail(code=declared.code, name=declared.name, county=declared.county,
                            platform=declared.platform, active=True))
    db.session.commit()
    jail_ids = db.session.scalars(select(Jail.id).order_by(Jail.id)).all()
    began = NOW - timedelta(days=3 * 365)      # read ever since: every day has its figures
    db.session.execute(insert(ScrapeRun), [{"jail_id": jail_id, "started_at": began, "as_of": began,
                                            "finished_at": began, "outcome": "success"}
                                           for jail_id in jail_ids])
    chunk: list[dict] = []
    for row in synthetic_bookings(jail_ids, total, rng):
        chunk.append(row)
        if len(chunk) == 50_000:
            db.session.execute(insert(Booking), chunk)
            chunk = []
    if chunk:
        db.session.execute(insert(Booking), chunk)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE bookings"))
    else:
        db.session.execute(text("ANALYZE"))


def timed(action, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def bench_database(backend: str, url: str, total: int, workdir: Path) -> None:
    from app.services import polish as polish_service
    from app.services.snapshot import compute_day
    from app.services.polish import polish

    app = make_app(url, workdir)
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        load(total)
        print(f"{backend}: loaded {total:,} bookings in {time.perf_counter() - started:.1f} s")

        day = (NOW - timedelta(days=30)).date()
        seconds = timed(lambda: compute_day(day))
        row = db.session.execute(text("SELECT sum(admissions), sum(population) FROM daily_snapshots "
                                      "WHERE day = :day"), {"day": day}).one()
        print(f"{backend}: snapshot of one day over {total:,} bookings: {seconds * 1000:.0f} ms "
              f"(median of 3; {row[0]} admissions, {row[1]} in custody across {len(JAILS)} jails)")

        # Polish after 1% changed: the last pass saw everything up to a watermark; 1% of the
        # bookings then got a new version (later last_changed_at).
        watermark = NOW - timedelta(days=1)
        db.session.execute(update(Booking).values(last_changed_at=NOW - timedelta(days=400)))
        changed = db.session.scalars(select(Booking.id).order_by(func.random()).limit(total // 100)).all()
        for start in range(0, len(changed), 50_000):
            db.session.execute(update(Booking).where(Booking.id.in_(changed[start:start + 50_000]))
                               .values(last_changed_at=NOW))
        db.session.merge(PipelineState(key=polish_service.CHANGES_KEY, value=watermark.isoformat()))
        db.session.merge(PipelineState(key=polish_service.ALIASES_KEY, value=NOW.isoformat()))
        for platform in {jail.platform for jail in JAILS}:
            db.session.merge(PipelineState(key=f"polish:parser:{platform}",
                                           value=polish_service.parser_fingerprint(platform)))
        db.session.commit()
        started = time.perf_counter()
        report = polish(now=NOW)
        seconds = time.perf_counter() - started
        print(f"{backend}: polish with 1% changed: {seconds:.2f} s for {report.bookings:,} bookings "
              f"({report.bookings / seconds:,.0f} bookings/s; {report.blurbs:,} blurbs written)")
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=1_000_000)
    parser.add_argument("--pdfs", type=int, default=60)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], action="append")
    args = parser.parse_args()
    backends = args.backend or ["sqlite", "postgresql"]
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        bench_pdfs(args.pdfs, workdir)
        for backend in backends:
            if backend == "sqlite":
                bench_database("sqlite", f"sqlite:///{workdir / 'bench.sqlite'}", args.bookings, workdir)
                continue
            base = os.environ.get("TEST_POSTGRES_URL")
            if not base:
                print("postgresql: skipped (TEST_POSTGRES_URL is not set)")
                continue
            scratch, drop = scratch_postgres(base, "pipeline")
            try:
                bench_database("postgresql", scratch, args.bookings, workdir)
            finally:
                drop()


if __name__ == "__main__":
    main()
