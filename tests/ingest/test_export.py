"""``flask export bookings``: the dataset's keys, CSV and JSON Lines, dates at their precision."""
from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timezone
from decimal import Decimal

from app.extensions import db
from app.models import Booking, Document
from app.scrapers.records import ChargeRecord
from app.services.bookings_export import FIELDS, charge_list
from app.services.ingest import ingest

from .conftest import HOUR, T0, record, roster, start_run

SEED_FIELDS = [
    "UID", "uid_for_humans", "jail", "bk", "intake_number", "intake_case_number", "link",
    "first_name", "middle_name", "last_name", "suffix", "sex", "race", "DOB", "intake_age", "AGE",
    "DOI", "DOA", "DOO", "DOR", "SDOR", "initial_scrape", "last_verified", "status_verbose",
    "hours_incarcerated", "days_incarcerated", "LEA", "charge_1", "charge_1_statute",
    "charge_1_title", "charges", "total_charges", "charge_classifications", "courts",
    "intake_bond_written", "intake_bond_cash", "bond_ammounts", "intake_fine_ammount",
    "fine_ammounts", "img_src", "dc_id", "PDF", "dc_canonical_url", "blurb",
    "total_admissions_filter", "in_custody",
]


def _load(jail):
    timed = record(
        "BK0000012950", intake_number="BK0000012950 - 001", first_name="Cody", middle_name="Wayne",
        last_name="Duckworth", suffix="Jr", dob=date(1995, 10, 11), intake_age=24,
        booked_at=datetime(2019, 11, 5, 7, 5, tzinfo=timezone.utc), booked_on=date(2019, 11, 5),
        booking_date_precision="datetime", offense_on=date(2019, 11, 4),
        charge_1="63-11-30(1)(a)DUI 1ST OFFENSE", charge_1_statute="63-11-30(1)(a)",
        charge_1_title="DUI 1ST OFFENSE", bond_written=Decimal("1000.00"), bond_cash=Decimal("0.00"),
        charges=(),
    )
    timed.charges = [
        ChargeRecord(description="63-11-30(1)(a)DUI 1ST OFFENSE", court="JUSTICE CO",
                     bond=Decimal("1000.00"), classification="Misdemeanor"),
        ChargeRecord(description="POSSESSION OF PARAPHERNALIA, MISD", court="JUSTICE CO",
                     fine=Decimal("250.50")),
    ]
    dated = record("13525", booked_on=date(2019, 11, 4), booking_date_precision="date",
                   arrested_on=date(2019, 11, 4))
    run = start_run(jail, T0)
    ingest(jail, roster(timed, dated), run=run, now=T0)
    db.session.commit()
    run = start_run(jail, T0 + HOUR)
    ingest(jail, roster(timed), run=run, now=T0 + HOUR)
    booking = db.session.query(Booking).filter_by(booking_key="BK0000012950").one()
    db.session.add(Document(booking_id=booking.id, status="success", dc_id="123-abc",
                            pdf_url="https://dc.example/123.pdf",
                            canonical_url="https://dc.example/documents/123"))
    db.session.commit()


def test_csv_has_the_dataset_keys_and_precise_dates(jail, runner, tmp_path):
    assert list(FIELDS) == SEED_FIELDS
    _load(jail)
    out = tmp_path / "bookings.csv"
    result = runner.invoke(args=["export", "bookings", "--format", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "exported 2 bookings" in result.output

    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert list(rows[0]) == SEED_FIELDS
    by_bk = {row["bk"]: row for row in rows}
    timed, dated = by_bk["BK0000012950"], by_bk["13525"]
    assert timed["UID"] == "tjail_0000012950_001"
    assert timed["DOI"] == "2019-11-05T01:05:00-06:00"        # local time with its offset
    assert dated["DOI"] == "2019-11-04"                        # date-only docket: a plain date
    assert dated["DOA"] == "2019-11-04" and timed["DOO"] == "2019-11-04"
    assert timed["DOB"] == "1995-10-11" and timed["DOR"] == ""
    assert (timed["intake_age"], timed["AGE"], dated["AGE"]) == ("24", "24", "")
    assert dated["DOR"] == "2019-11-05T15:15:00-06:00"        # released by the second run
    assert (timed["in_custody"], dated["in_custody"]) == ("true", "false")
    assert timed["initial_scrape"] == "2019-11-05T14:15:00-06:00"
    assert timed["last_verified"] == "2019-11-05T15:15:00-06:00"
    assert timed["charges"] == '63-11-30(1)(a)DUI 1ST OFFENSE, "POSSESSION OF PARAPHERNALIA, MISD"'
    assert timed["total_charges"] == "2" and timed["courts"] == "JUSTICE CO, JUSTICE CO"
    assert timed["charge_classifications"] == "Misdemeanor"
    assert timed["intake_bond_written"] == "1000.00" and timed["bond_ammounts"] == "1000.00"
    assert timed["fine_ammounts"] == "250.50" and timed["intake_fine_ammount"] == ""
    assert (timed["dc_id"], timed["PDF"]) == ("123-abc", "https://dc.example/123.pdf")
    assert timed["dc_canonical_url"] == "https://dc.example/documents/123"
    assert timed["LEA"] == "CITY PD" and timed["jail"] == "tjail"
    assert timed["total_admissions_filter"] == "true"
    assert timed["blurb"].startswith("Cody Duckworth was booked into Test County Jail on November 5, 2019")
    assert float(dated["hours_incarcerated"]) == 39.25 and float(dated["days_incarcerated"]) == 1.64


def test_jsonl_has_the_same_keys_and_charges_as_objects(jail, runner):
    _load(jail)
    result = runner.invoke(args=["export", "bookings", "--format", "jsonl", "--jail", "tjail"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    rows = {row["bk"]: row for row in map(json.loads, lines)}
    assert len(rows) == 2 and all(list(row) == SEED_FIELDS for row in rows.values())
    timed = rows["BK0000012950"]
    assert timed["charges"] == [
        {"description": "63-11-30(1)(a)DUI 1ST OFFENSE", "statute": None, "title": None,
         "court": "JUSTICE CO", "bond": "1000.00", "fine": None, "classification": "Misdemeanor"},
        {"description": "POSSESSION OF PARAPHERNALIA, MISD", "statute": None, "title": None,
         "court": "JUSTICE CO", "bond": None, "fine": "250.50", "classification": None},
    ]
    assert timed["in_custody"] is True and rows["13525"]["in_custody"] is False
    assert timed["DOI"] == "2019-11-05T01:05:00-06:00" and rows["13525"]["DOI"] == "2019-11-04"
    assert timed["total_charges"] == 2 and timed["intake_age"] == 24


def test_unknown_jail_is_a_usage_error_and_leaves_no_file(jail, runner, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    result = runner.invoke(args=["export", "bookings", "--jail", "nope", "-o", str(folder / "b.csv")])
    assert result.exit_code == 2 and "unknown jail 'nope'" in result.output
    assert list(folder.iterdir()) == []


def test_export_of_one_jail_only(jail, runner):
    _load(jail)
    result = runner.invoke(args=["export", "bookings", "--format", "csv", "--jail", "tjail"])
    assert result.exit_code == 0
    assert len(list(csv.DictReader(io.StringIO(result.stdout)))) == 2


def test_age_is_the_intake_age_or_else_from_the_date_of_birth():
    from app.models.jails import CENTRAL

    today = datetime.now(CENTRAL).date()
    born = date(today.year - 30, 1, 1)
    assert Booking(intake_age=24, dob=born).AGE == 24        # what the docket printed
    assert Booking(dob=born).AGE == 30                       # hcdc prints only a birth date
    assert Booking().AGE is None


def test_charge_list_quotes_charges_holding_a_comma():
    assert charge_list(["A", "B, C", "D,E"]) == 'A, "B, C", D,E'


def test_export_streams_in_batches(jail, runner, tmp_path):
    from app.services.bookings_export import BATCH

    many = roster(*[record(f"K{i:05d}", charges=("THEFT", "TRESPASS")) for i in range(BATCH * 2 + 7)])
    ingest(jail, many, run=start_run(jail, T0), now=T0)
    db.session.commit()
    out = tmp_path / "all.jsonl"
    result = runner.invoke(args=["export", "bookings", "--format", "jsonl", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == BATCH * 2 + 7 == len({row["bk"] for row in rows})
    assert all(row["total_charges"] == 2 and row["LEA"] == "CITY PD" for row in rows)
