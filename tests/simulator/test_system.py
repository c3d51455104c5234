"""Oversight's own scrape service against the simulator, hour by hour, checked against the
ground truth in the database: who is held, who left, and nothing twice."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Booking, BookingVersion, Jail, ScrapeRun
from app.scrapers import jails as declared
from app.services.scrape import run_scrape
from app.simulator.population import local_date
from app.simulator.registry import register_jails, write_declarations

from .conftest import START

FORMATS = ["mcdc", "lcdc", "kcdc", "hcdc", "acdc", "jcj", "jcadc"]


@pytest.fixture
def pointed(app_ctx, simulate, tmp_path, monkeypatch):
    """A simulated farm registered in the database, its declarations in the file the
    scrapers read."""
    def point(budget=None, **options):
        server = simulate(**options)
        path = write_declarations(server.declarations(), tmp_path / "simulated_jails.json")
        monkeypatch.setenv(declared.DECLARATIONS_ENV, str(path))
        register_jails(server.declarations(), detail_refresh_budget=budget)
        return server
    return point


def in_custody(code: str) -> set[str]:
    return set(db.session.scalars(
        select(Booking.booking_key).join(Jail).where(Jail.code == code, Booking.released_at.is_(None))))


def test_the_declarations_file_points_the_scrapers_at_the_simulator(pointed):
    server = pointed(templates=["mcdc"], count=2)
    assert declared.get("mcdc").docket_url == server.docket_url("mcdc")
    clone = declared.get("sim0002")
    assert clone.platform == "icurrent" and clone.docket_url == server.docket_url("sim0002")
    assert db.session.scalar(select(Jail.docket_url).where(Jail.code == "sim0002")) == clone.docket_url


def test_hourly_scrapes_follow_the_ground_truth(pointed, fetcher):
    server = pointed(templates=FORMATS, scale=0.06, turnover=12, seed=21)
    last_run = {}
    for hour in range(5):
        moment = START + timedelta(hours=hour)
        server.clock.set(moment)
        for code in FORMATS:
            outcome = run_scrape(code, now=moment, fetcher=fetcher())
            assert outcome.outcome == "success", outcome.summary()
            truth = server.farm.custody_keys(code, moment)
            assert in_custody(code) == truth, (code, hour)
            # Everyone released by this run really left: since the previous run, or on the
            # day the docket itself publishes (Jasper's 48-hour page).
            population = server.farm.jail(code).population
            for booking in db.session.scalars(select(Booking).where(
                    Booking.released_by_run_id == outcome.run_id)):
                truth = population.get(booking.booking_key, moment)
                if booking.release_published:
                    assert booking.released_on == local_date(truth.released_at)
                else:
                    assert last_run[code] < truth.released_at <= moment
            last_run[code] = moment
    for code in FORMATS:
        seen = db.session.scalars(select(Booking.booking_key).join(Jail).where(Jail.code == code)).all()
        assert len(seen) == len(set(seen))
        runs = [START + timedelta(hours=h) for h in range(5)]
        shown = set().union(*(server.farm.custody_keys(code, moment) for moment in runs))
        if code == "jcj":   # the 48-hour page shows stays too short to meet an hourly run
            population = server.farm.jail(code).population
            shown |= {b.key for moment in runs
                      for b in population.released_between(moment - timedelta(hours=48), moment)}
        assert set(seen) == shown
    # Charges were added while people were held, and their sheets got a second version.
    assert db.session.scalar(select(func.count()).select_from(BookingVersion)) > \
        db.session.scalar(select(func.count()).select_from(Booking))


def test_a_refresh_budget_reads_only_new_and_budgeted_sheets(pointed, fetcher):
    server = pointed(templates=["mcdc"], scale=0.1, turnover=4, seed=5, budget=3)
    server.clock.set(START)
    first = run_scrape("mcdc", now=START, fetcher=fetcher())
    held = len(server.farm.custody_keys("mcdc", START))
    assert first.requests_sent == 1 + held           # the first run reads every sheet
    later = START + timedelta(hours=1)
    server.clock.set(later)
    second = run_scrape("mcdc", now=later, fetcher=fetcher())
    arrived = server.farm.custody_keys("mcdc", later) - server.farm.custody_keys("mcdc", START)
    assert second.outcome == "success"
    left = server.farm.custody_keys("mcdc", START) - server.farm.custody_keys("mcdc", later)
    # The roster, the new sheets, three budgeted re-reads, and the roster again if anybody left.
    assert second.requests_sent == 1 + len(arrived) + 3 + (1 if left else 0)
    assert in_custody("mcdc") == server.farm.custody_keys("mcdc", later)
    assert db.session.scalar(select(func.count()).select_from(ScrapeRun)) == 2
