"""Polish: incremental passes over changed bookings, alias re-mapping of history, charge
splits, blurbs, problem flags, DocumentCloud back-fill and re-reading after parser changes."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Agency, AgencyAlias, Booking, Document, PipelineState
from app.services import polish as polish_service
from app.services.documentcloud import sync_document
from app.services.pdf import render_intake_sheet
from app.services.polish import FUTURE_BOOKING, NEGATIVE_STAY, UNMAPPED_AGENCY, polish
from app.services.scrape import run_scrape

from .conftest import make_booking, make_jail
from .fake_documentcloud import PASSWORD, USERNAME, FakeDocumentCloud

T0 = datetime(2024, 5, 1, 15, tzinfo=timezone.utc)


def booking(key: str) -> Booking:
    db.session.expire_all()
    return db.session.execute(select(Booking).where(Booking.booking_key == key)).scalar_one()


@pytest.fixture
def madison(app_ctx):
    jail = make_jail("mcdc")
    sheriff = Agency(code="MadisonCntySD")
    db.session.add(sheriff)
    db.session.flush()
    db.session.add_all([
        AgencyAlias(jail_id=jail.id, raw="MADISON SO", agency_id=sheriff.id),
        AgencyAlias(jail_id=jail.id, raw="CANTON PD", agency_id=None),       # waiting for a curator
        AgencyAlias(jail_id=jail.id, raw="US MARSHAL", is_prefix=True, agency_id=None),
    ])
    db.session.commit()
    return jail


def test_first_pass_polishes_everything(madison):
    make_booking(madison, "A", first_name="Ann", last_name="Lee", agency_raw="MADISON SO",
                 agency_id=db.session.scalar(select(Agency.id)), booked_on=date(2024, 4, 30),
                 charge_1="63-11-30(1)(a)DUI 1ST", last_changed_at=T0 - timedelta(hours=5))
    make_booking(madison, "B", agency_raw="CANTON PD", charge_1="HOLDHOLD", booked_on=date(2024, 5, 1),
                 last_changed_at=T0)
    db.session.commit()
    report = polish(now=T0)
    assert report.bookings == 2 and report.charges_split == 1 and report.blurbs == 2
    a, b = booking("A"), booking("B")
    assert (a.charge_1_statute, a.charge_1_title) == ("63-11-30(1)(a)", "DUI 1ST")
    assert (b.charge_1_statute, b.charge_1_title) == (None, None)
    assert a.blurb == ("Ann Lee was booked into Madison County Detention Center on April 30, 2024 "
                       "by MadisonCntySD on 1 charge, first: 63-11-30(1)(a)DUI 1ST and is still held.")
    assert a.problems is None and b.problems == [UNMAPPED_AGENCY]
    assert a.polished_at == T0


def test_later_passes_look_only_at_what_changed(madison):
    make_booking(madison, "old", last_changed_at=T0 - timedelta(days=3))
    make_booking(madison, "recent", last_changed_at=T0)
    db.session.commit()
    assert polish(now=T0).bookings == 2
    # Next pass: only what is within the look-back of the newest change seen.
    assert polish(now=T0 + timedelta(hours=4)).bookings == 1
    old = booking("old")
    old.last_changed_at = T0 + timedelta(hours=3)      # a new version of its sheet
    old.released_at = T0 + timedelta(hours=3)
    db.session.commit()
    report = polish(now=T0 + timedelta(hours=8))
    assert report.bookings == 2 and report.blurbs == 1   # "recent" is within the look-back
    assert booking("old").blurb.endswith("and was released.")
    stored = db.session.get(PipelineState, "polish:changes").value
    assert datetime.fromisoformat(stored) == T0 + timedelta(hours=3)


def test_a_new_mapping_fixes_history(madison):
    for n in range(3):   # long unchanged: outside any incremental window
        make_booking(madison, f"canton-{n}", agency_raw="CANTON PD", last_changed_at=T0 - timedelta(days=30))
    make_booking(madison, "marshal", agency_raw="US MARSHAL SERVICE", last_changed_at=T0 - timedelta(days=30))
    make_booking(madison, "recent", last_changed_at=T0)
    db.session.commit()
    polish(now=T0)
    assert booking("canton-0").problems == [UNMAPPED_AGENCY]

    canton = Agency(code="CantonPD")
    marshals = Agency(code="USMarshals")
    db.session.add_all([canton, marshals])
    db.session.flush()
    for alias in db.session.scalars(select(AgencyAlias).where(AgencyAlias.agency_id.is_(None))):
        alias.agency_id = canton.id if alias.raw == "CANTON PD" else marshals.id
    db.session.commit()

    report = polish(now=T0 + timedelta(hours=4))
    assert report.remapped == 4
    for n in range(3):
        remapped = booking(f"canton-{n}")
        assert remapped.agency_id == canton.id and remapped.problems is None
        assert "by CantonPD" in remapped.blurb
    assert booking("marshal").agency_id == marshals.id
    assert polish(now=T0 + timedelta(hours=8)).remapped == 0


def test_problems_are_flagged(madison):
    now = datetime(2024, 5, 1, 12, tzinfo=timezone.utc)
    make_booking(madison, "future-time", booked_at=now + timedelta(hours=2), booked_on=date(2024, 5, 1),
                 last_changed_at=now)
    make_booking(madison, "future-day", booked_on=date(2024, 5, 3), last_changed_at=now)
    make_booking(madison, "negative", booked_at=now - timedelta(hours=1), booked_on=date(2024, 5, 1),
                 released_at=now - timedelta(hours=3), last_changed_at=now)
    make_booking(madison, "fine", booked_at=now - timedelta(hours=3), booked_on=date(2024, 5, 1),
                 released_at=now - timedelta(hours=1), agency_raw="MADISON SO",
                 agency_id=db.session.scalar(select(Agency.id)), last_changed_at=now)
    db.session.commit()
    assert polish(now=now).flagged == 3
    assert booking("future-time").problems == [FUTURE_BOOKING]
    assert booking("future-day").problems == [FUTURE_BOOKING]
    assert booking("negative").problems == [NEGATIVE_STAY]
    assert booking("fine").problems is None


def test_documentcloud_text_is_filled_in(madison, app_ctx):
    server = FakeDocumentCloud().start()
    try:
        app_ctx.config.update(DOCUMENTCLOUD_USERNAME=USERNAME, DOCUMENTCLOUD_PASSWORD=PASSWORD,
                          DOCUMENTCLOUD_BASE_URI=server.api_url, DOCUMENTCLOUD_AUTH_URI=server.auth_url)
        record = make_booking(madison, "K", raw_html="<p>DOE, JOHN - BURGLARY</p>", last_changed_at=T0)
        db.session.commit()
        document, _ = render_intake_sheet(record.id)
        assert [sync_document(document.id) for _ in range(2)] == ["processing", "success"]
        document = db.session.get(Document, document.id)
        document.full_text, document.pages = None, None   # DocumentCloud had no text yet then
        db.session.commit()
        assert polish(now=T0).documents == 1
        db.session.expire_all()
        document = db.session.get(Document, document.id)
        assert "DOE, JOHN - BURGLARY" in document.full_text and document.pages == 1
        assert polish(now=T0).documents == 0
    finally:
        server.stop()


def test_changed_parser_re_derives_stored_bookings(app_ctx, shared_dir):
    from app.services.reference import seed_reference_data
    seed_reference_data()
    run_scrape("acdc", replay_dir=shared_dir / "dockets/acdc/basic/t0")
    polish()                                           # records the parsers' fingerprints
    someone = db.session.scalars(select(Booking).where(Booking.first_name.is_not(None))).first()
    key, first_name = someone.booking_key, someone.first_name
    someone.first_name = "MISREAD"                     # what an older parser got wrong
    db.session.commit()
    assert polish().reparsed == []                     # same parser: nothing re-read
    assert booking(key).first_name == "MISREAD"

    db.session.merge(PipelineState(key="polish:parser:adams", value="an older parser"))
    db.session.commit()
    report = polish()
    assert report.reparsed == ["acdc"]
    assert booking(key).first_name == first_name
    assert db.session.get(PipelineState, "polish:parser:adams").value == polish_service.parser_fingerprint("adams")
