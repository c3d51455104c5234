"""Builders for the pipeline tests: jails, bookings and intake-sheet versions made directly
with the models (the scrape itself is tested in tests/ingest)."""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone

import pytest
from sqlalchemy import update

from app.extensions import db
from app.models import Booking, BookingVersion, Jail, ScrapeRun
from app.services.reference import seed_reference_data
from app.scrapers.jails import BY_CODE
from tests.conftest import TEST_REDIS_URL

from .fake_documentcloud import PASSWORD, USERNAME, FakeDocumentCloud

CAPTURED = datetime(2019, 11, 5, 20, 15, tzinfo=timezone.utc)


def make_jail(code: str = "mcdc", *, read_since: datetime | None = None, **overrides) -> Jail:
    """A declared jail; ``read_since``: the time of a successful scrape run of it."""
    declaration = BY_CODE[code]
    jail = Jail(code=code, name=declaration.name, county=declaration.county,
                platform=declaration.platform, docket_url=declaration.docket_url,
                scrape_started_on=declaration.scrape_started_on,
                scrape_stopped_on=declaration.scrape_stopped_on, active=declaration.active)
    for name, value in overrides.items():
        setattr(jail, name, value)
    db.session.add(jail)
    db.session.flush()
    if read_since is not None:
        db.session.add(ScrapeRun(jail_id=jail.id, started_at=read_since, as_of=read_since,
                                 finished_at=read_since, outcome="success"))
        db.session.flush()
    return jail


def make_booking(jail: Jail, key: str, *, raw_html: str | None = "<p>sheet</p>",
                 fetched_at: datetime = CAPTURED, source_url: str | None = None,
                 **fields) -> Booking:
    fields.setdefault("bk", key)
    fields.setdefault("initial_scrape", fetched_at)
    fields.setdefault("last_verified", fetched_at)
    fields.setdefault("last_changed_at", fetched_at)
    booking = Booking(jail=jail, booking_key=key, **fields)
    db.session.add(booking)
    db.session.flush()
    if raw_html is not None:
        add_version(booking, raw_html, fetched_at=fetched_at, source_url=source_url)
    return booking


def add_version(booking: Booking, raw_html: str, *, fetched_at: datetime,
                source_url: str | None = None) -> BookingVersion:
    version = BookingVersion(booking_id=booking.id, fetched_at=fetched_at, raw_html=raw_html,
                             source_url=source_url or f"http://docket.example/{booking.booking_key}",
                             normalized_text=raw_html,
                             content_hash=hashlib.sha256(raw_html.encode()).hexdigest())
    db.session.add(version)
    db.session.flush()
    return version


@pytest.fixture
def redis_app(app):
    """The app with Redis configured (locks in Redis instead of the database); this
    database's lock keys are removed afterwards."""
    from app.services.locks import namespaced, redis_client

    app.config["REDIS_URL"] = TEST_REDIS_URL
    yield app
    with app.app_context():
        client = redis_client(TEST_REDIS_URL)
        for key in client.scan_iter(match=namespaced("lock:") + "*"):
            client.delete(key)


@pytest.fixture
def replaying_app(app, shared_dir):
    """Jails seeded, only Adams active (its docket is small), replaying the shared dockets
    on a compressed clock, DocumentCloud at a local fake."""
    server = FakeDocumentCloud().start()
    app.config.update(SCRAPE_REPLAY_DIR=str(shared_dir / "dockets"), SCHEDULE_SPEEDUP=3600,
                      DOCUMENTCLOUD_USERNAME=USERNAME, DOCUMENTCLOUD_PASSWORD=PASSWORD,
                      DOCUMENTCLOUD_BASE_URI=server.api_url, DOCUMENTCLOUD_AUTH_URI=server.auth_url)
    with app.app_context():
        seed_reference_data()
        db.session.execute(update(Jail).values(active=Jail.code == "acdc"))
        db.session.commit()
    app.dc_server = server
    yield app
    server.stop()
