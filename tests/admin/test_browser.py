"""The back office in a real browser: Debian's Chromium driven by Playwright against the app
served on a loopback port. Screenshots of the main pages go to ``test-artifacts/``."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app.extensions import db
from app.models import (
    Agency, AgencyAlias, Booking, BookingVersion, DailySnapshot, Incident, Jail, Officer, ScrapeRun,
)
from tests.admin.conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]


@pytest.fixture
def server(app, world):
    """The app on a real HTTP server, on a free loopback port, for the test's duration."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page, base: str, login: str) -> None:
    page.goto(f"{base}/auth/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin/")


def choose(page, select_name: str, label: str) -> None:
    """Pick ``label`` in a Select2-enhanced <select> the way a person does."""
    page.locator(f"[id='s2id_{select_name}']").click()
    page.locator(".select2-drop-active .select2-result-label", has_text=label).first.click()


def pick_ajax(page, input_name: str, typed: str, label: str) -> None:
    """Type into an ajax relation picker and choose the match the server offers."""
    page.locator(f"[id='s2id_{input_name}']").click()
    page.keyboard.type(typed)
    page.locator(".select2-drop-active .select2-result-label", has_text=label).first.click()


def test_a_coordinator_curates_their_department(app, world, server, page):
    sign_in(page, server, "north_ac")
    assert "You curate" in page.content() and "Northside Police Department" in page.content()
    shot(page, "coordinator-home")

    page.goto(f"{server}/admin/officer/new/")
    choose(page, "department", "Northside Police Department")
    page.fill("input[name=first_name]", "Grace")
    page.fill("input[name=last_name]", "Hopper")
    choose(page, "gender", "Female")
    page.fill("input[name=unique_internal_identifier]", "N-900")
    page.click("#assignments-button")
    choose(page, "assignments-0-job", "Police Officer")
    page.fill("input[name='assignments-0-star_no']", "1906")
    page.click("#notes-button")
    page.fill("textarea[name='notes-0-text_contents']", "Complaint filed in 2021.")
    shot(page, "coordinator-officer-form")
    page.click("input[type=submit][value=Save]")
    page.wait_for_load_state()
    shot(page, "coordinator-officer-saved")
    assert "Record was successfully created." in page.content()

    with app.app_context():
        officer = db.session.execute(db.select(Officer).filter_by(last_name="Hopper")).scalar_one()
        assert officer.department_id == world.north and officer.created_by == world.north_ac
        assert officer.badge_number() == "1906"
        assert [n.text_contents for n in officer.notes] == ["Complaint filed in 2021."]
        officer_id = officer.id

    page.goto(f"{server}/admin/officer/details/?id={officer_id}")
    assert "Grace Hopper" in page.content() and "Complaint filed in 2021." in page.content()
    shot(page, "coordinator-officer-page")

    page.click("text=Add incident")
    page.wait_for_url("**/admin/incident/new/**")
    assert "Grace Hopper" in page.content()  # the officer comes preselected
    page.fill("input[name=report_number]", "RD-77")
    page.fill("input[name=street_name]", "Main St")
    page.fill("input[name=city]", "Springfield")
    page.fill("input[name=plates]", "GRC1906 IL")
    page.fill("textarea[name=description]", "Stop and search.")
    shot(page, "coordinator-incident-form")
    page.click("input[type=submit][value=Save]")
    page.wait_for_load_state()
    assert "Record was successfully created." in page.content()
    with app.app_context():
        incident = db.session.execute(db.select(Incident).filter_by(report_number="RD-77")).scalar_one()
        assert [o.id for o in incident.officers] == [officer_id]
        assert incident.department_id == world.north
        assert [(p.number, p.state) for p in incident.license_plates] == [("GRC1906", "IL")]

    # Another department's officer: not in the list, and refused by id.
    page.goto(f"{server}/admin/officer/")
    assert "Hopper" in page.content() and "Southgate" not in page.content()
    shot(page, "coordinator-officer-list")
    page.goto(f"{server}/admin/officer/edit/?id={world.south_officer}")
    assert "Record does not exist." in page.content() and "Southgate" not in page.content()
    shot(page, "coordinator-refused-foreign-officer")
    response = page.goto(f"{server}/admin/user/")
    assert response.status == 403


@pytest.fixture
def jail_data(app):
    now = datetime.now(timezone.utc).replace(microsecond=0)
    with app.app_context():
        jail = Jail(code="mcdc", name="Madison County Detention Center", county="Madison")
        other = Jail(code="hcdc", name="Hinds County Detention Center", county="Hinds")
        agency = Agency(code="MadisonCntySD", name="Madison County Sheriff")
        db.session.add_all([jail, other, agency])
        db.session.flush()
        db.session.add(AgencyAlias(jail_id=jail.id, raw="CANTON P D", agency_id=None, first_seen_at=now))
        booking = Booking(jail_id=jail.id, booking_key="2024-000555", intake_number="2024-000555",
                          first_name="Jane", last_name="Doe", sex="F", race="B", agency_id=agency.id,
                          agency_raw="MCSO", booked_on=now.date() - timedelta(days=3),
                          initial_scrape=now - timedelta(days=3), last_verified=now,
                          last_changed_at=now, charge_1="TRESPASS")
        db.session.add(booking)
        db.session.flush()
        db.session.add_all([
            BookingVersion(booking_id=booking.id, fetched_at=now - timedelta(days=3), content_hash="1" * 64,
                           normalized_text="Name: DOE, JANE\nCharge: TRESPASS"),
            BookingVersion(booking_id=booking.id, fetched_at=now, content_hash="2" * 64,
                           normalized_text="Name: DOE, JANE\nCharge: TRESPASS\nCharge: CONTEMPT"),
            ScrapeRun(jail_id=jail.id, started_at=now, finished_at=now, as_of=now, outcome="success",
                      seen=120, new=4, released=2),
            ScrapeRun(jail_id=other.id, started_at=now, finished_at=now, as_of=now, outcome="failed",
                      errors=1, error_text="HTTP 503 Service Unavailable"),
        ])
        for i in range(90):
            day = now.date() - timedelta(days=89 - i)
            for j, base in ((jail.id, 140), (other.id, 420)):
                db.session.add(DailySnapshot(jail_id=j, day=day, admissions=(i * 7) % 11,
                                             population=base + (i % 20) - 10))
        db.session.commit()
        return booking.id


def test_an_administrator_runs_the_jail_side(app, world, server, page, jail_data):
    sign_in(page, server, "admin")
    shot(page, "admin-home")
    page.goto(f"{server}/admin/dashboard/")
    page.wait_for_load_state("networkidle")
    charts = page.locator("img.ov-chart")
    assert charts.count() == 4
    assert all(charts.nth(i).evaluate("img => img.complete && img.naturalWidth > 0") for i in range(4))
    shot(page, "admin-dashboard")
    page.goto(f"{server}/admin/booking/")
    assert "2024-000555" in page.content()
    shot(page, "admin-bookings")
    page.goto(f"{server}/admin/booking/details/?id={jail_data}")
    assert "CONTEMPT" in page.content()
    shot(page, "admin-booking-page")
    page.goto(f"{server}/admin/scrapehealth/")
    assert "HTTP 503" in page.content()
    shot(page, "admin-scrape-health")
    page.goto(f"{server}/admin/aliasqueue/")
    page.select_option("select[name=agency_id]", label="MadisonCntySD — Madison County Sheriff")
    shot(page, "admin-alias-queue")
    page.click("button:has-text('Map')")
    page.wait_for_load_state()
    assert "now maps to MadisonCntySD" in page.content()
    with app.app_context():
        assert db.session.execute(db.select(AgencyAlias.agency_id).filter_by(raw="CANTON P D")).scalar_one()
    # The administrator reaches every department's officers.
    page.goto(f"{server}/admin/officer/details/?id={world.south_officer}")
    assert "Sam Southgate" in page.content()
    page.goto(f"{server}/admin/user/")
    assert "north_ac" in page.content()
    shot(page, "admin-users")


def test_wrong_password_is_refused_in_the_browser(server, page, world):
    page.goto(f"{server}/auth/login")
    page.fill("input[name=login]", "north_ac")
    page.fill("input[name=password]", "not the password")
    page.click("button[type=submit]")
    assert "Unknown user or wrong password." in page.content()
    shot(page, "login-refused")

