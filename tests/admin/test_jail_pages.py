"""The jail side of the back office, on data built directly with the models."""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from app.extensions import db
from app.models import (
    Agency, AgencyAlias, Booking, BookingVersion, Charge, DailySnapshot, Document, Jail, ScrapeRun,
)

from tests.admin.conftest import form_token

T0 = datetime(2024, 3, 1, 15, 0, tzinfo=timezone.utc)


class Jails:
    pass


@pytest.fixture
def jails(app, world):
    j = Jails()
    with app.app_context():
        madison = Jail(code="mcdc", name="Madison County Detention Center", county="Madison",
                       scrape_started_on=date(2024, 1, 1))
        hinds = Jail(code="hcdc", name="Hinds County Detention Center", county="Hinds")
        sheriff = Agency(code="MadisonCntySD", name="Madison County Sheriff")
        police = Agency(code="RidgelandPD", name="Ridgeland Police Department")
        db.session.add_all([madison, hinds, sheriff, police])
        db.session.flush()
        db.session.add_all([
            AgencyAlias(jail_id=madison.id, raw="MCSO", agency_id=sheriff.id),
            AgencyAlias(jail_id=madison.id, raw="RIDGELAND P.D.", agency_id=None, first_seen_at=T0),
            AgencyAlias(jail_id=hinds.id, raw="US MARSHAL", is_prefix=True, agency_id=None),
        ])
        held = Booking(jail_id=madison.id, booking_key="2024-000101", intake_number="2024-000101",
                       bk="101",
                       first_name="Jane", last_name="Doe", sex="F", race="B", agency_raw="MCSO",
                       agency_id=sheriff.id, booked_on=date(2024, 2, 28),
                       booked_at=T0 - timedelta(days=2), booking_date_precision="datetime",
                       initial_scrape=T0 - timedelta(days=2), last_verified=T0, last_changed_at=T0,
                       charge_1="SHOPLIFTING", location="C POD", bondable=True)
        released = Booking(jail_id=madison.id, booking_key="2024-000102", first_name="John",
                           last_name="Roe", sex="M", race="W", agency_raw="RIDGELAND P.D.",
                           booked_on=date(2024, 2, 20), released_at=T0 - timedelta(days=1),
                           initial_scrape=T0 - timedelta(days=10), last_verified=T0 - timedelta(days=1),
                           last_changed_at=T0)
        other = Booking(jail_id=hinds.id, booking_key="BK77", bk="BK77", first_name="Ann",
                        last_name="Doering", sex="F", race="W", agency_raw="US MARSHAL SERVICE",
                        booked_on=date(2024, 2, 27), initial_scrape=T0, last_verified=T0,
                        last_changed_at=T0)
        db.session.add_all([held, released, other])
        db.session.flush()
        db.session.add_all([
            Charge(booking_id=held.id, position=1, description="SHOPLIFTING", statute="97-23-93",
                   bond=500),
            Charge(booking_id=held.id, position=2, description="RESISTING ARREST", statute="97-9-73"),
            BookingVersion(booking_id=held.id, fetched_at=T0 - timedelta(days=2), content_hash="a" * 64,
                           normalized_text="Name: DOE, JANE\nCharge: SHOPLIFTING\nBond: 500"),
            BookingVersion(booking_id=held.id, fetched_at=T0, content_hash="b" * 64,
                           normalized_text="Name: DOE, JANE\nCharge: SHOPLIFTING\nCharge: RESISTING ARREST\nBond: 500"),
        ])
        docs = Path(app.config["DOCUMENTS_DIR"])
        docs.mkdir(parents=True, exist_ok=True)
        (docs / "mcdc-2024-000101.pdf").write_bytes(b"%PDF-1.4\n% test document\n")
        db.session.add(Document(booking_id=held.id, path="mcdc-2024-000101.pdf", status="success",
                                canonical_url="https://www.documentcloud.org/documents/123-doe"))
        db.session.add(Document(booking_id=other.id, path="../../etc/passwd", status="rendered"))
        db.session.add_all([
            ScrapeRun(jail_id=madison.id, started_at=T0 - timedelta(hours=2), finished_at=T0 - timedelta(hours=2),
                      as_of=T0, outcome="success", seen=40, new=3, released=1),
            ScrapeRun(jail_id=madison.id, started_at=T0 - timedelta(hours=1), finished_at=T0,
                      as_of=T0, outcome="failed", errors=1, error_text="HTTP 503 from the docket"),
            ScrapeRun(jail_id=madison.id, started_at=T0, finished_at=T0, as_of=T0, outcome="failed",
                      errors=1, error_text="timed out"),
            ScrapeRun(jail_id=hinds.id, started_at=T0, finished_at=T0, as_of=T0, outcome="success",
                      seen=12, new=12),
        ])
        for i in range(10):
            day = date(2024, 2, 20) + timedelta(days=i)
            db.session.add(DailySnapshot(jail_id=madison.id, day=day, admissions=i % 4, population=100 + i))
        db.session.commit()
        j.madison, j.hinds, j.sheriff, j.police = madison.id, hinds.id, sheriff.id, police.id
        j.held, j.released, j.other = held.id, released.id, other.id
    return j


def _rows(page: str) -> str:
    return " ".join(page.split())


def test_bookings_list_filters_and_computed_columns(as_admin, jails):
    page = as_admin.get("/admin/booking/").get_data(as_text=True)
    for text in ("2024-000101", "2024-000102", "BK77", "MadisonCntySD", "mcdc_0000000101"):
        assert text in page, text
    in_custody = as_admin.get("/admin/booking/?flt0_1=1").get_data(as_text=True)
    assert "2024-000101" in in_custody and "2024-000102" not in in_custody
    by_jail = as_admin.get(f"/admin/booking/?flt0_0={jails.hinds}").get_data(as_text=True)
    assert "BK77" in by_jail and "2024-000101" not in by_jail
    by_date = as_admin.get("/admin/booking/?flt0_2=2024-02-26+to+2024-02-28").get_data(as_text=True)
    assert "2024-000101" in by_date and "BK77" in by_date and "2024-000102" not in by_date
    by_agency = as_admin.get(f"/admin/booking/?flt0_3={jails.sheriff}").get_data(as_text=True)
    assert "2024-000101" in by_agency and "BK77" not in by_agency
    unmapped = as_admin.get("/admin/booking/?flt0_4=1").get_data(as_text=True)
    assert "2024-000102" in unmapped and "2024-000101" not in unmapped
    by_sex = as_admin.get("/admin/booking/?flt0_5=M").get_data(as_text=True)
    assert "2024-000102" in by_sex and "2024-000101" not in by_sex
    by_race = as_admin.get("/admin/booking/?flt0_6=W").get_data(as_text=True)
    assert "BK77" in by_race and "2024-000101" not in by_race


def test_bookings_search_by_name_prefix_and_booking_number(as_admin, jails):
    found = as_admin.get("/admin/booking/?search=doe").get_data(as_text=True)
    assert "2024-000101" in found and "BK77" in found and "2024-000102" not in found  # Doe, Doering
    assert found.index("2024-000101") < found.index("BK77")  # still newest booking first
    assert "2024-000101" not in as_admin.get("/admin/booking/?search=oe").get_data(as_text=True)
    both_words = as_admin.get("/admin/booking/?search=doe+jane").get_data(as_text=True)
    assert "2024-000101" in both_words and "BK77" not in both_words
    by_number = as_admin.get("/admin/booking/?search=BK77").get_data(as_text=True)
    assert "BK77" in by_number and "2024-000101" not in by_number


def test_bookings_export(as_admin, jails):
    body = as_admin.get("/admin/booking/export/csv/?flt0_1=1").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body)))
    assert sorted(r["Booking number"] for r in rows) == ["2024-000101", "BK77"]
    assert {r["In custody"] for r in rows} == {"yes"}


def test_booking_page_shows_charges_versions_diff_and_documents(as_admin, jails):
    page = as_admin.get(f"/admin/booking/details/?id={jails.held}").get_data(as_text=True)
    for text in ("RESISTING ARREST", "97-23-93", "Intake-sheet versions (2)",
                 "https://www.documentcloud.org/documents/123-doe", "in custody", "MadisonCntySD",
                 "C POD", "bondable"):
        assert text in page, text
    assert 'class="diff_add"' in page or "diff_add" in page  # the added charge line is marked
    pdf = as_admin.get(f"/admin/booking/document/{jails.held}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and pdf.mimetype == "application/pdf"
    # A path outside DOCUMENTS_DIR is never served, whatever the row says.
    assert as_admin.get(f"/admin/booking/document/{jails.other}").status_code == 404
    assert as_admin.get(f"/admin/booking/document/{jails.released}").status_code == 404


def test_bookings_are_read_only(app, as_admin, jails):
    token = form_token(as_admin)
    as_admin.post("/admin/booking/delete/", data={"csrf_token": token, "id": jails.held})
    as_admin.post(f"/admin/booking/edit/?id={jails.held}", data={"csrf_token": token, "last_name": "X"})
    with app.app_context():
        assert db.session.get(Booking, jails.held).last_name == "Doe"


def test_jail_side_is_for_administrators_only(as_north, jails):
    for url in ("/admin/booking/", f"/admin/booking/details/?id={jails.held}",
                f"/admin/booking/document/{jails.held}", "/admin/booking/export/csv/",
                "/admin/dashboard/", f"/admin/dashboard/chart/{jails.madison}/population.svg",
                "/admin/scrapehealth/", "/admin/aliasqueue/"):
        assert as_north.get(url).status_code == 403, url


def test_scrape_health_per_jail(as_admin, jails):
    page = _rows(as_admin.get("/admin/scrapehealth/").get_data(as_text=True))
    assert "timed out" in page and "40 / 3 / 1" not in page  # the latest run is the failed one
    madison = page[page.index(">mcdc<"):]  # rows are ordered by jail code: hcdc, then mcdc
    assert "<td>2</td>" in madison  # two failures since the last success
    assert "12 / 12 / 0" in page


def test_scrape_health_figures(app, jails):
    from app.admin.jail_views import scrape_health

    with app.app_context():
        health = {h["jail"].code: h for h in scrape_health(now=T0 + timedelta(hours=1))}
    assert health["mcdc"]["failing_since_success"] == 2
    assert health["mcdc"]["failed_24h"] == 2
    assert health["mcdc"]["last_success"] == T0 - timedelta(hours=2)
    assert health["mcdc"]["last_run"].error_text == "timed out"
    assert health["hcdc"]["failing_since_success"] == 0 and health["hcdc"]["runs"] == 1


def test_alias_queue_maps_a_spelling_and_fixes_its_bookings(app, as_admin, jails):
    page = as_admin.get("/admin/aliasqueue/").get_data(as_text=True)
    assert "RIDGELAND P.D." in page and "US MARSHAL" in page and ">MCSO<" not in page
    with app.app_context():
        alias_id = db.session.execute(db.select(AgencyAlias.id).filter_by(raw="RIDGELAND P.D.")).scalar_one()
        prefix_id = db.session.execute(db.select(AgencyAlias.id).filter_by(raw="US MARSHAL")).scalar_one()
    token = form_token(as_admin, "/admin/aliasqueue/")
    response = as_admin.post("/admin/aliasqueue/", data={"csrf_token": token, "alias_id": alias_id,
                                                         "agency_id": jails.police}, follow_redirects=True)
    assert "1 booking(s) updated" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(AgencyAlias, alias_id).agency_id == jails.police
        assert db.session.get(Booking, jails.released).agency_id == jails.police
        assert db.session.get(Booking, jails.released).agency_raw == "RIDGELAND P.D."  # raw kept
    as_admin.post("/admin/aliasqueue/", data={"csrf_token": token, "alias_id": prefix_id,
                                              "agency_id": jails.sheriff})
    with app.app_context():  # a prefix rule maps every spelling that starts with it
        assert db.session.get(Booking, jails.other).agency_id == jails.sheriff
    assert "RIDGELAND P.D." not in as_admin.get("/admin/aliasqueue/").get_data(as_text=True)


def test_alias_queue_refuses_a_post_without_token(app, as_admin, jails):
    with app.app_context():
        alias_id = db.session.execute(db.select(AgencyAlias.id).filter_by(raw="RIDGELAND P.D.")).scalar_one()
    response = as_admin.post("/admin/aliasqueue/", data={"alias_id": alias_id, "agency_id": jails.police},
                             follow_redirects=True)
    assert "Nothing mapped" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(AgencyAlias, alias_id).agency_id is None


def test_dashboard_draws_population_and_admissions(as_admin, jails):
    page = as_admin.get("/admin/dashboard/?days=30").get_data(as_text=True)
    assert "Population 109 on 2024-02-29" in page and "13 admissions in the period" in page
    assert "Hinds County" not in page  # no snapshots, no panel
    charts = [url.replace("&amp;", "&") for url in re.findall(r'src="(/admin/dashboard/chart/[^"]+)"', page)]
    assert len(charts) == 2 and all("days=30" in url for url in charts)
    population = as_admin.get(charts[0])
    assert population.mimetype == "image/svg+xml"
    svg = population.get_data(as_text=True)
    assert svg.startswith("<svg") and "Madison County Detention Center: population" in svg
    assert "2024-02-29: 109" in svg  # the latest population, as a tooltip
    assert "<path" in as_admin.get(charts[1]).get_data(as_text=True)  # admissions as bars
    assert as_admin.get(f"/admin/dashboard/chart/{jails.madison}/bookings.svg").status_code == 404


def test_dashboard_with_no_snapshots(as_admin, world):
    assert "No daily snapshots" in as_admin.get("/admin/dashboard/").get_data(as_text=True)


def test_jail_ocd_ids_are_shown_and_not_editable(app, as_admin, jails):
    with app.app_context():
        ocd_id = db.session.get(Jail, jails.madison).ocd_id
    page = as_admin.get(f"/admin/jail/edit/?id={jails.madison}").get_data(as_text=True)
    assert ocd_id in page and 'name="ocd_id"' not in page
    assert ocd_id in as_admin.get("/admin/jail/").get_data(as_text=True)

