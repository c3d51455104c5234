"""Back-office list speed: the first page of every list view and filtered searches, with a
million bookings and a hundred thousand officers loaded; prints p50 and p95 per page.

    .venv/bin/python bench/admin_lists.py [--bookings 1000000] [--officers 100000]
                                          [--backend sqlite|postgresql|both] [--repeat 20]

Data is generated deterministically and bulk-loaded (executemany on SQLite, COPY on
PostgreSQL). SQLite runs in a temporary file; PostgreSQL in a scratch database created next
to ``TEST_POSTGRES_URL`` (skipped when unset) and dropped afterwards. Each request goes
through the whole app (routing, queries, templates) with Flask's test client, signed in as
an administrator or as an area coordinator. Target: p95 under 300 ms.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.scratch import scratch_postgres  # noqa: E402

from sqlalchemy import insert, text  # noqa: E402

TARGET_MS = 300
LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
        "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
        "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
        "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright"]
FIRST = ["James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
         "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas",
         "Sarah", "Carlos", "Aisha", "Deshawn", "Keisha", "Tyrone", "Latoya", "Jamal"]
RACES = ["W", "B", "H", "AS", "AI", "O", "U"]
PASSWORD = "benchmark password"
JAILS, DEPARTMENTS, AGENCIES = 11, 50, 40
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)


def make_app(url: str):
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "SECRET_KEY": "b" * 32,
                       "OVERSIGHT_ENV": "testing", "CELERY": {"broker_url": "memory://"}})


def _chunks(rows, size=20_000):
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def bulk_insert(conn, table, rows: list[dict]) -> None:
    """COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        columns = list(rows[0])
        raw = conn.connection.driver_connection
        with raw.cursor() as cursor:
            quoted = ", ".join(f'"{c}"' for c in columns)
            with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row([row[c] for c in columns])
        return
    for chunk in _chunks(rows):
        conn.execute(insert(table), chunk)


def generate_and_load(app, n_bookings: int, n_officers: int) -> dict:
    from app.extensions import db
    from app.models import (
        Agency, AgencyAlias, Assignment, Booking, DailySnapshot, Department, Incident, Jail, Job,
        Link, Note, Officer, Salary, ScrapeRun, Unit, User, officer_incidents, officer_links,
    )
    from werkzeug.security import generate_password_hash

    rng = random.Random(1_000_003)
    t0 = time.perf_counter()
    with app.app_context():
        db.create_all()
        conn = db.session.connection()
        pw = generate_password_hash(PASSWORD)
        bulk_insert(conn, Department.__table__, [
            {"id": d, "name": f"Department {d}", "short_name": f"D{d}", "state": "MS",
             "ocd_id": f"ocd-organization/{uuid.UUID(int=d)}", "created_at": NOW, "last_updated_at": NOW}
            for d in range(1, DEPARTMENTS + 1)])
        bulk_insert(conn, User.__table__, [
            {"id": 1, "_uuid": str(uuid.uuid4()), "username": "admin", "email": "admin@bench",
             "password_hash": pw, "is_administrator": True, "is_area_coordinator": False,
             "ac_department_id": None, "created_at": NOW},
            {"id": 2, "_uuid": str(uuid.uuid4()), "username": "coordinator", "email": "ac@bench",
             "password_hash": pw, "is_administrator": False, "is_area_coordinator": True,
             "ac_department_id": 1, "created_at": NOW}])
        jobs = [{"id": d * 10 + k, "job_title": f"Rank {k}", "order": k, "department_id": d,
                 "is_sworn_officer": True, "created_at": NOW, "last_updated_at": NOW}
                for d in range(1, DEPARTMENTS + 1) for k in range(1, 9)]
        bulk_insert(conn, Job.__table__, jobs)
        bulk_insert(conn, Unit.__table__, [
            {"id": d, "description": f"Unit {d}", "department_id": d, "created_at": NOW,
             "last_updated_at": NOW} for d in range(1, DEPARTMENTS + 1)])
        officers, assignments, salaries, notes = [], [], [], []
        for i in range(1, n_officers + 1):
            dept = 1 + i % DEPARTMENTS
            officers.append({"id": i, "first_name": rng.choice(FIRST), "last_name": rng.choice(LAST) + (
                str(i % 97) if i % 3 else ""), "gender": rng.choice(["M", "F"]), "department_id": dept,
                "unique_internal_identifier": f"U{i:07d}", "ocd_id": f"ocd-person/{uuid.UUID(int=i)}",
                "created_at": NOW, "last_updated_at": NOW})
            assignments.append({"id": i, "officer_id": i, "star_no": str(10000 + i),
                                "job_id": dept * 10 + 1 + i % 8, "start_date": date(2010, 1, 1) + timedelta(days=i % 4000),
                                "created_at": NOW, "last_updated_at": NOW})
            salaries.append({"id": i, "officer_id": i, "salary": 50000.0 + i % 40000, "year": 2023,
                             "is_fiscal_year": False, "created_at": NOW, "last_updated_at": NOW})
            if i % 20 == 0:
                notes.append({"id": i // 20, "officer_id": i, "text_contents": f"Note on officer {i}",
                              "created_at": NOW, "last_updated_at": NOW})
        for table, rows in ((Officer, officers), (Assignment, assignments), (Salary, salaries), (Note, notes)):
            bulk_insert(conn, table.__table__, rows)
        incidents = [{"id": k, "report_number": f"R{k:06d}", "department_id": 1 + k % DEPARTMENTS,
                      "date": date(2020, 1, 1) + timedelta(days=k % 2000), "created_at": NOW,
                      "last_updated_at": NOW} for k in range(1, n_officers // 20 + 1)]
        bulk_insert(conn, Incident.__table__, incidents)
        bulk_insert(conn, officer_incidents, [
            {"officer_id": 1 + (k * 37) % n_officers, "incident_id": k, "created_at": NOW}
            for k in range(1, len(incidents) + 1)])
        bulk_insert(conn, Link.__table__, [
            {"id": k, "title": f"Video {k}", "url": f"https://video.example/{k}", "link_type": "video",
             "has_content_warning": False, "created_at": NOW, "last_updated_at": NOW}
            for k in range(1, n_officers // 20 + 1)])
        bulk_insert(conn, officer_links, [
            {"officer_id": 1 + (k * 53) % n_officers, "link_id": k, "created_at": NOW}
            for k in range(1, n_officers // 20 + 1)])
        t_officers = time.perf_counter() - t0

        bulk_insert(conn, Jail.__table__, [
            {"id": j, "code": f"j{j:02d}", "name": f"Jail {j}", "county": f"County {j}", "state": "MS",
             "ocd_id": f"ocd-organization/{uuid.UUID(int=10_000 + j)}", "timezone": "America/Chicago",
             "active": True} for j in range(1, JAILS + 1)])
        bulk_insert(conn, Agency.__table__, [{"id": a, "code": f"Agency{a}", "name": f"Agency {a}"}
                                              for a in range(1, AGENCIES + 1)])
        bulk_insert(conn, AgencyAlias.__table__, [
            {"id": j * 100 + a, "jail_id": j, "raw": f"RAW AGENCY {a}", "is_prefix": False,
             "agency_id": a if a <= AGENCIES - 5 else None, "first_seen_at": NOW, "updated_at": NOW}
            for j in range(1, JAILS + 1) for a in range(1, AGENCIES + 1)])
        t1 = time.perf_counter()
        bookings = []
        for i in range(1, n_bookings + 1):
            jail = 1 + i % JAILS
            booked_on = date(2019, 1, 1) + timedelta(days=(i * 2557) // n_bookings)
            booked_at = datetime(booked_on.year, booked_on.month, booked_on.day, 6, tzinfo=timezone.utc) \
                + timedelta(minutes=i % 900)
            agency = 1 + i % AGENCIES
            released = None if i > n_bookings - n_bookings // 50 else booked_at + timedelta(days=1 + i % 40)
            bookings.append({
                "id": i, "jail_id": jail, "booking_key": f"B{i:08d}", "bk": f"BK{i:08d}",
                "intake_number": None, "first_name": rng.choice(FIRST), "last_name": rng.choice(LAST),
                "sex": "F" if i % 5 == 0 else "M", "race": RACES[i % len(RACES)],
                "agency_raw": f"RAW AGENCY {agency}", "agency_id": agency if agency <= AGENCIES - 5 else None,
                "booked_at": booked_at, "booked_on": booked_on, "booking_date_precision": "datetime",
                "released_at": released, "release_published": False, "initial_scrape": booked_at,
                "last_verified": released or NOW, "last_changed_at": booked_at, "charge_1": "TRESPASS",
            })
            if len(bookings) == 50_000:
                bulk_insert(conn, Booking.__table__, bookings)
                bookings = []
        bulk_insert(conn, Booking.__table__, bookings)
        runs, snapshots = [], []
        for k in range(1, 20_001):
            started = NOW - timedelta(hours=k // JAILS)
            runs.append({"id": k, "jail_id": 1 + k % JAILS, "started_at": started, "finished_at": started,
                         "as_of": started, "outcome": "failed" if k % 23 == 0 else "success",
                         "pages_fetched": 10, "requests_sent": 10, "seen": 100, "new": 3, "changed": 1,
                         "released": 2, "errors": 0})
        bulk_insert(conn, ScrapeRun.__table__, runs)
        for j in range(1, JAILS + 1):
            for d in range(730):
                snapshots.append({"jail_id": j, "day": NOW.date() - timedelta(days=d), "admissions": d % 13,
                                  "population": 100 + d % 50, "source": "computed", "computed_at": NOW})
        bulk_insert(conn, DailySnapshot.__table__, snapshots)
        db.session.commit()
        t_bookings = time.perf_counter() - t1
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text("VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE"))
        db.session.remove()
        db.engine.dispose()
    return {"officers_s": t_officers, "bookings_s": t_bookings}


def sign_in(client, login):
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/auth/login", data={"login": login, "password": PASSWORD, "csrf_token": token})
    assert response.status_code in (302, 303), "sign-in failed"


def pages(n_bookings) -> list[tuple[str, str, str]]:
    last_key = f"B{n_bookings // 2:08d}"
    return [
        ("admin", "bookings: first page", "/admin/booking/"),
        ("admin", "bookings: name search", "/admin/booking/?search=smi"),
        ("admin", "bookings: two-word name search", "/admin/booking/?search=jackson+ja"),
        ("admin", "bookings: name nobody has", "/admin/booking/?search=zzyzx"),
        ("admin", "bookings: booking number", f"/admin/booking/?search={last_key}"),
        ("admin", "bookings: jail + in custody", "/admin/booking/?flt0_0=3&flt1_1=1"),
        ("admin", "bookings: date range + sex + race", "/admin/booking/?flt0_2=2021-03-01+to+2021-03-31&flt1_5=F&flt2_6=B"),
        ("admin", "bookings: agency + jail", "/admin/booking/?flt0_3=7&flt1_0=2"),
        ("admin", "bookings: unmapped agency", "/admin/booking/?flt0_4=1"),
        ("admin", "bookings: sorted by release", "/admin/booking/?sort=8&desc=1"),
        ("admin", "booking page", f"/admin/booking/details/?id={n_bookings // 2}"),
        ("admin", "officers: first page", "/admin/officer/"),
        ("admin", "officers: name search", "/admin/officer/?search=gar"),
        ("admin", "officers: badge", "/admin/officer/?search=10500"),
        ("admin", "officers: name nobody has", "/admin/officer/?search=zzyzx"),
        ("admin", "officers: department filter", "/admin/officer/?flt0_0=7"),
        ("coordinator", "officers: coordinator's list", "/admin/officer/"),
        ("coordinator", "officers: coordinator's search", "/admin/officer/?search=smi"),
        ("admin", "officer page", "/admin/officer/details/?id=500"),
        ("admin", "assignments", "/admin/assignment/"),
        ("coordinator", "assignments: coordinator", "/admin/assignment/"),
        ("admin", "salaries", "/admin/salary/"),
        ("admin", "notes", "/admin/note/"),
        ("coordinator", "notes: coordinator", "/admin/note/"),
        ("admin", "descriptions", "/admin/description/"),
        ("admin", "incidents", "/admin/incident/"),
        ("coordinator", "incidents: coordinator", "/admin/incident/"),
        ("admin", "links", "/admin/link/"),
        ("coordinator", "links: coordinator", "/admin/link/"),
        ("admin", "units", "/admin/unit/"),
        ("admin", "job titles", "/admin/job/"),
        ("admin", "departments", "/admin/department/"),
        ("admin", "users", "/admin/user/"),
        ("admin", "scrape runs", "/admin/scraperun/"),
        ("admin", "scrape health", "/admin/scrapehealth/"),
        ("admin", "agency alias queue", "/admin/aliasqueue/"),
        ("admin", "agency aliases", "/admin/agencyalias/"),
        ("admin", "agencies", "/admin/agency/"),
        ("admin", "jails", "/admin/jail/"),
        ("admin", "dashboard (90 days)", "/admin/dashboard/"),
        ("admin", "dashboard (730 days)", "/admin/dashboard/?days=730"),
        ("admin", "dashboard chart (730 days, one jail)", "/admin/dashboard/chart/3/population.svg?days=730"),
    ]


def measure(app, n_bookings: int, repeat: int) -> list[tuple[str, float, float]]:
    clients = {"admin": app.test_client(), "coordinator": app.test_client()}
    sign_in(clients["admin"], "admin")
    sign_in(clients["coordinator"], "coordinator")
    results = []
    for who, label, url in pages(n_bookings):
        client = clients[who]
        for _ in range(2):  # warm caches (templates, plans)
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            response = client.get(url)
            response.get_data()
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
        results.append((label, statistics.median(times), p95))
    return results


def run_backend(name: str, url: str, args) -> None:
    app = make_app(url)
    loaded = generate_and_load(app, args.bookings, args.officers)
    print(f"\n== {name}: {args.bookings:,} bookings, {args.officers:,} officers "
          f"(loaded officers in {loaded['officers_s']:.1f} s, bookings in {loaded['bookings_s']:.1f} s)")
    results = measure(app, args.bookings, args.repeat)
    width = max(len(label) for label, _, _ in results)
    print(f"{'page'.ljust(width)}  {'p50 ms':>8}  {'p95 ms':>8}")
    for label, p50, p95 in results:
        flag = "" if p95 < TARGET_MS else "  over target"
        print(f"{label.ljust(width)}  {p50:8.1f}  {p95:8.1f}{flag}")
    worst = max(results, key=lambda r: r[2])
    print(f"worst p95: {worst[2]:.1f} ms ({worst[0]}); target {TARGET_MS} ms: "
          f"{'met' if worst[2] < TARGET_MS else 'NOT met'}")
    from app.extensions import db

    with app.app_context():
        db.engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=1_000_000)
    parser.add_argument("--officers", type=int, default=100_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            run_backend("SQLite", f"sqlite:///{Path(tmp) / 'bench.sqlite'}", args)
    if args.backend in ("postgresql", "both"):
        base = os.environ.get("TEST_POSTGRES_URL")
        if not base:
            print("\n== PostgreSQL: skipped (TEST_POSTGRES_URL is not set)")
            return 0
        url, drop = scratch_postgres(base, "admin")
        try:
            run_backend("PostgreSQL", url, args)
        finally:
            drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
