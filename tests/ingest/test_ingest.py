"""Ingest with hand-built records: upserts, versions, charges, releases and agencies."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

from sqlalchemy import func, select

from app.extensions import db
from app.models import Agency, AgencyAlias, Booking, BookingVersion, Charge
from app.scrapers.records import ChargeRecord
from app.services.ingest import ReleaseCheck, ingest

from .conftest import HOUR, T0, count_writes, finish_run, held_keys, record, roster, start_run


def run_once(jail, result, now):
    run = start_run(jail, now)
    counts = ingest(jail, result, run=run, now=now)
    outcome = "failed" if counts.release_check is ReleaseCheck.EMPTY else (
        "success" if counts.release_check is ReleaseCheck.INFERRED else "incomplete")
    finish_run(run, counts, outcome)
    return run, counts


def booking(key):
    return db.session.execute(select(Booking).where(Booking.booking_key == key)).scalar_one()


def version_count(key=None):
    query = select(func.count()).select_from(BookingVersion)
    if key is not None:
        query = query.join(Booking).where(Booking.booking_key == key)
    return db.session.execute(query).scalar_one()


def test_new_bookings_get_record_first_version_and_charges(jail):
    a = record("A1", charges=("DUI 1ST", "CARELESS DRIVING"), bond_written=Decimal("1000.00"))
    run, counts = run_once(jail, roster(a, record("B2")), T0)

    assert (counts.seen, counts.new, counts.changed, counts.released) == (2, 2, 0, 0)
    db.session.expire_all()
    got = booking("A1")
    assert got.initial_scrape == got.last_verified == got.last_changed_at == T0
    assert got.detail_fetched_at == T0
    assert got.in_custody and got.bond_written == Decimal("1000.00")
    assert [c.description for c in got.charges] == ["DUI 1ST", "CARELESS DRIVING"]
    assert [c.position for c in got.charges] == [1, 2]
    [version] = got.versions
    assert version.fetched_at == T0 and version.scrape_run_id == run.id
    assert version.raw_html == "<div>A1</div>" and version.source_url == a.link
    assert sorted(counts.new_booking_ids) == sorted([got.id, booking("B2").id])


def test_unchanged_replay_only_moves_last_verified(jail):
    result = roster(record("A1"), record("B2"))
    run_once(jail, result, T0)
    _, counts = run_once(jail, result, T0 + HOUR)

    assert (counts.new, counts.changed, counts.verified, counts.released) == (0, 0, 2, 0)
    db.session.expire_all()
    got = booking("A1")
    assert got.initial_scrape == got.last_changed_at == T0
    assert got.last_verified == got.detail_fetched_at == T0 + HOUR
    assert version_count() == 2 and counts.new_booking_ids == []


def test_changed_sheet_gets_a_version_new_fields_and_replaced_charges(jail):
    run_once(jail, roster(record("A1", charges=("DUI 1ST",))), T0)
    later = record("A1", charges=("DUI 1ST", "RESISTING ARREST"), bond_written=Decimal("1500.00"))
    run, counts = run_once(jail, roster(later), T0 + HOUR)

    assert (counts.changed, counts.verified, counts.new) == (1, 0, 0)
    db.session.expire_all()
    got = booking("A1")
    assert got.last_changed_at == got.last_verified == T0 + HOUR and got.initial_scrape == T0
    assert got.bond_written == Decimal("1500.00")
    assert [c.description for c in got.charges] == ["DUI 1ST", "RESISTING ARREST"]
    assert db.session.execute(select(func.count()).select_from(Charge)).scalar_one() == 2
    assert [v.scrape_run_id for v in got.versions] == [got.versions[0].scrape_run_id, run.id]
    assert version_count("A1") == 2


def test_roster_row_only_record_moves_last_verified_and_changes_nothing(jail):
    run_once(jail, roster(record("A1", charges=("DUI 1ST",))), T0)
    skipped = record("A1", charges=(), detail_complete=False, normalized_text=None, raw_html=None,
                     first_name=None)
    _, counts = run_once(jail, roster(skipped), T0 + HOUR)

    assert (counts.changed, counts.verified, counts.released) == (0, 1, 0)
    db.session.expire_all()
    got = booking("A1")
    assert got.last_verified == T0 + HOUR and got.detail_fetched_at == T0
    assert got.first_name == "A1" and [c.description for c in got.charges] == ["DUI 1ST"]
    assert version_count() == 1


def test_missing_from_a_complete_read_is_released_as_of_that_run(jail):
    run_once(jail, roster(record("A1"), record("B2"), record("C3")), T0)
    run, counts = run_once(jail, roster(record("A1"), record("C3")), T0 + HOUR)

    assert counts.released == 1 and counts.release_check is ReleaseCheck.INFERRED
    db.session.expire_all()
    gone = booking("B2")
    assert not gone.in_custody
    assert gone.released_at == T0 + HOUR and gone.released_on == date(2019, 11, 5)
    assert (gone.release_published, gone.release_precision, gone.released_by_run_id) == (False, "datetime", run.id)
    assert gone.last_verified == T0
    held = db.session.execute(select(Booking.booking_key).where(Booking.in_custody)).scalars()
    assert sorted(held) == ["A1", "C3"]


def test_incomplete_read_releases_nobody(jail):
    run_once(jail, roster(record("A1"), record("B2"), record("C3")), T0)
    _, counts = run_once(jail, roster(record("A1"), record("C3"), complete=False), T0 + HOUR)

    assert counts.released == 0 and counts.release_check is ReleaseCheck.INCOMPLETE
    db.session.expire_all()
    assert booking("B2").in_custody and booking("A1").last_verified == T0 + HOUR


def test_zero_row_read_releases_nobody(jail):
    run_once(jail, roster(record("A1"), record("B2")), T0)
    _, counts = run_once(jail, roster(complete=True), T0 + HOUR)

    assert counts.release_check is ReleaseCheck.EMPTY and counts.released == 0
    db.session.expire_all()
    assert booking("A1").in_custody and booking("B2").in_custody


def test_halved_roster_releases_nobody_until_a_second_read_confirms_it(jail):
    everyone = [record(f"P{i}") for i in range(10)]
    run_once(jail, roster(*everyone), T0)
    _, counts = run_once(jail, roster(*everyone[:4]), T0 + HOUR)

    assert counts.release_check is ReleaseCheck.SHRANK and counts.previous_roster == 10
    assert counts.released == 0
    assert db.session.execute(select(func.count()).where(Booking.in_custody)).scalar_one() == 10

    _, counts = run_once(jail, roster(*everyone[:4]), T0 + 2 * HOUR)
    assert counts.release_check is ReleaseCheck.INFERRED and counts.released == 6
    db.session.expire_all()
    assert booking("P9").released_at == T0 + 2 * HOUR


def test_exactly_half_is_not_a_shrink(jail):
    everyone = [record(f"P{i}") for i in range(10)]
    run_once(jail, roster(*everyone), T0)
    _, counts = run_once(jail, roster(*everyone[:5]), T0 + HOUR)
    assert counts.release_check is ReleaseCheck.INFERRED and counts.released == 5


def test_failed_detail_page_keeps_the_booking_and_the_next_run_reads_it(jail):
    run_once(jail, roster(record("A1"), record("B2", charges=("THEFT",))), T0)
    failed = record("B2", detail_complete=False, normalized_text=None, raw_html=None, charges=())
    _, counts = run_once(jail, roster(record("A1"), failed), T0 + HOUR)
    assert counts.released == 0 and counts.changed == 0

    _, counts = run_once(jail, roster(record("A1"), record("B2", charges=("THEFT", "TRESPASS"))),
                         T0 + 2 * HOUR)
    assert counts.changed == 1
    db.session.expire_all()
    got = booking("B2")
    assert got.in_custody and [c.description for c in got.charges] == ["THEFT", "TRESPASS"]
    assert got.detail_fetched_at == T0 + 2 * HOUR


def test_key_on_the_roster_without_a_record_stays_in_custody(jail):
    """A record the validator rejected is still a person on the roster."""
    run_once(jail, roster(record("A1"), record("B2")), T0)
    result = roster(record("A1"))
    result.roster_keys.add("B2")
    _, counts = run_once(jail, result, T0 + HOUR)
    assert counts.released == 0 and counts.seen == 2
    db.session.expire_all()
    assert booking("B2").in_custody and booking("B2").last_verified == T0 + HOUR


def test_released_person_back_with_the_same_key_is_in_custody_again(jail):
    run_once(jail, roster(record("A1"), record("B2")), T0)
    run_once(jail, roster(record("A1")), T0 + HOUR)
    _, counts = run_once(jail, roster(record("A1"), record("B2")), T0 + 2 * HOUR)

    assert counts.returned == 1 and counts.new == 0
    db.session.expire_all()
    got = booking("B2")
    assert got.in_custody and got.released_on is None and got.released_by_run_id is None
    assert got.last_verified == T0 + 2 * HOUR and got.initial_scrape == T0


def test_rebooking_under_a_new_key_is_a_new_booking(jail):
    run_once(jail, roster(record("A1"), record("B2")), T0)
    run_once(jail, roster(record("A1")), T0 + HOUR)
    _, counts = run_once(jail, roster(record("A1"), record("B3", name_raw="DOE, B2")), T0 + 2 * HOUR)

    assert counts.new == 1 and counts.returned == 0
    db.session.expire_all()
    assert not booking("B2").in_custody and booking("B3").in_custody


def test_published_release_dates_are_kept(jail):
    """jcj's 48-hour page: a date-only release, for someone we held and someone we never saw."""
    run_once(jail, roster(record("13525"), record("13527")), T0)
    released = record("13525", released_on=date(2019, 11, 5), release_precision="date",
                      text_extra="\nRelease Date: 11/05/2019")
    unseen = record("13521", released_on=date(2019, 11, 4), release_precision="date")
    run, counts = run_once(jail, roster(record("13527"), released, unseen), T0 + HOUR)

    assert (counts.seen, counts.released, counts.new) == (1, 1, 1)
    db.session.expire_all()
    got = booking("13525")
    assert not got.in_custody and got.release_published and got.release_precision == "date"
    assert got.released_on == date(2019, 11, 5) and got.released_by_run_id == run.id
    # a date-only release sits at the start of its local day, never before the booking
    assert got.released_at == datetime(2019, 11, 5, 6, 0, tzinfo=timezone.utc)
    assert version_count("13525") == 2
    other = booking("13521")
    assert not other.in_custody and other.release_published and other.released_on == date(2019, 11, 4)

    # replaying the same page changes nothing about the releases
    _, counts = run_once(jail, roster(record("13527"), released, unseen), T0 + 2 * HOUR)
    assert counts.released == 0 and counts.new == 0
    db.session.expire_all()
    assert booking("13525").released_by_run_id == run.id


def test_published_release_replaces_an_inferred_one(jail):
    run_once(jail, roster(record("A1"), record("B2")), T0)
    run_once(jail, roster(record("A1")), T0 + HOUR)
    at = datetime(2019, 11, 5, 20, 44, tzinfo=timezone.utc)
    published = record("B2", released_at=at, release_precision="datetime")
    run, counts = run_once(jail, roster(record("A1"), published), T0 + 2 * HOUR)
    assert counts.released == 0
    db.session.expire_all()
    got = booking("B2")
    assert got.released_at == at and got.release_published and got.released_by_run_id == run.id


def test_agencies_map_exactly_then_by_prefix_and_unmapped_ones_are_queued(jail):
    marshals = Agency(code="USMarshals")
    city = Agency(code="CityPD")
    db.session.add_all([marshals, city])
    db.session.flush()
    db.session.add_all([
        AgencyAlias(jail_id=jail.id, raw="CITY PD", agency_id=city.id),
        AgencyAlias(jail_id=jail.id, raw="US MARSHAL", is_prefix=True, agency_id=marshals.id),
    ])
    db.session.commit()
    result = roster(record("A1"), record("B2", agency_raw="US MARSHALS SERVICE"),
                    record("C3", agency_raw="TOWN CONSTABLE"), record("D4", agency_raw="TOWN CONSTABLE"),
                    record("E5", agency_raw=None))
    _, counts = run_once(jail, result, T0)

    assert counts.agencies_queued == 1
    db.session.expire_all()
    assert booking("A1").LEA == "CityPD" and booking("B2").LEA == "USMarshals"
    unmapped = booking("C3")
    assert unmapped.agency_id is None and unmapped.agency_raw == "TOWN CONSTABLE"
    assert unmapped.LEA == "TOWN CONSTABLE"
    queued = db.session.execute(select(AgencyAlias).where(AgencyAlias.agency_id.is_(None))).scalars().all()
    assert [(q.raw, q.jail_id, q.is_prefix) for q in queued] == [("TOWN CONSTABLE", jail.id, False)]

    _, counts = run_once(jail, roster(record("F6", agency_raw="TOWN CONSTABLE")), T0 + HOUR)
    assert counts.agencies_queued == 0
    assert db.session.execute(select(func.count()).select_from(AgencyAlias)).scalar_one() == 3


def test_a_person_shown_twice_is_one_booking(jail):
    row_only = record("A1", detail_complete=False, normalized_text=None, raw_html=None)
    _, counts = run_once(jail, roster(row_only, record("A1"), record("A1")), T0)
    assert counts.new == 1 and version_count() == 1


def test_moved_slot_updates_the_link_without_a_new_version(jail):
    run_once(jail, roster(record("A1", link="https://jail.example/ICUD0002.HTM")), T0)
    _, counts = run_once(jail, roster(record("A1", link="https://jail.example/ICUD0003.HTM")), T0 + HOUR)
    assert counts.changed == 0
    db.session.expire_all()
    assert booking("A1").link == "https://jail.example/ICUD0003.HTM" and version_count() == 1


def roster_of(n, *, changed=(), new=0, gone=()):
    """``n`` bookings; empty fields vary from one to the next, as on a real roster."""
    def person(key, i, extra_charge):
        charges = [ChargeRecord(description="THEFT", bond=Decimal("500.00") if i % 2 else None),
                   ChargeRecord(description="TRESPASS", court="JUSTICE" if i % 3 else None)]
        if extra_charge:
            charges.append(ChargeRecord(description="RESISTING", fine=Decimal("50.00") if i % 4 else None))
        booking = record(key, bond_cash=Decimal("500.00") if i % 2 else None,
                         middle_name="Q" if i % 5 else None, normalized_text=f"{key} {len(charges)}")
        booking.charges = charges
        return booking
    records = [person(f"K{i:06d}", i, i in changed) for i in range(n) if i not in gone]
    return roster(*records, *[person(f"N{i:06d}", i, False) for i in range(new)])


def test_a_run_costs_a_constant_number_of_writes_whatever_the_roster_size(jail):
    """An unchanged roster is ONE write; a run with changes, arrivals and releases is a fixed
    handful, not one statement per booking."""
    costs = {}
    for n in (100, 1000):
        db.session.execute(Booking.__table__.delete())
        db.session.commit()
        run_once(jail, roster_of(n), T0)
        for label, now, result in (
            ("unchanged", T0 + HOUR, roster_of(n)),
            ("churn", T0 + 2 * HOUR, roster_of(n, changed=range(0, n, 50), new=n // 50, gone=range(1, n, 50))),
        ):
            run = start_run(jail, now)
            with count_writes() as writes:
                counts = ingest(jail, result, run=run, now=now)
            db.session.commit()
            costs[label, n] = len(writes)
        assert counts.changed == counts.new == counts.released == n // 50
    assert costs["unchanged", 100] == costs["unchanged", 1000] == 1
    assert costs["churn", 100] == costs["churn", 1000] <= 10


def test_a_roster_only_sighting_keeps_the_stored_photo(jail):
    """A skipped or failed detail page carries no photo; that is not a reason to forget it."""
    run_once(jail, roster(record("A1", img_src="https://jail.example/photos/A1.jpg")), T0)
    roster_only = record("A1", img_src=None, detail_complete=False, raw_html=None,
                         normalized_text=None)
    run_once(jail, roster(roster_only), T0 + HOUR)

    db.session.expire_all()
    got = booking("A1")
    assert got.img_src == "https://jail.example/photos/A1.jpg"
    assert got.last_verified == T0 + HOUR


def test_a_slot_page_moves_its_booking_with_the_slot(jail):
    first = record("A1", link="https://jail.example/ICUD0002.HTM", link_is_slot=True,
                   img_src="https://jail.example/ICUP0002.jpg")
    run_once(jail, roster(first), T0)
    moved = record("A1", link="https://jail.example/ICUD0001.HTM", link_is_slot=True,
                   img_src="https://jail.example/ICUP0001.jpg", detail_complete=False,
                   raw_html=None, normalized_text=None)
    run_once(jail, roster(moved), T0 + HOUR)

    db.session.expire_all()
    got = booking("A1")
    assert (got.link, got.img_src) == ("https://jail.example/ICUD0001.HTM",
                                       "https://jail.example/ICUP0001.jpg")


def test_a_read_older_than_what_is_stored_releases_nobody_seen_since(jail):
    # Two runs overlap: the later one (as of T0 + 2 h) saves first and finds C3 newly booked
    # and B2 gone; then the earlier one (as of T0 + 1 h) saves a roster read before either
    # happened. Its roster must neither release C3 nor bring B2 back.
    run_once(jail, roster(record("A1"), record("B2")), T0)
    run_once(jail, roster(record("A1"), record("C3")), T0 + 2 * HOUR)
    _, counts = run_once(jail, roster(record("A1"), record("B2")), T0 + HOUR)

    assert counts.released == 0 and counts.returned == 0
    db.session.expire_all()
    assert held_keys(jail) == {"A1", "C3"}
    assert booking("B2").released_at == T0 + 2 * HOUR
    assert booking("A1").last_verified == T0 + 2 * HOUR       # never moved back in time
