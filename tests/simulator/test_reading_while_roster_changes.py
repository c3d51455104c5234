"""A roster that changes while it is being read: people are booked and released between
one page and the next. Whatever a scraper makes of that, a read it calls complete must show
everyone held from its first request to its last; otherwise ingest would release them."""
from __future__ import annotations

from datetime import timedelta

import pytest

from app.scrapers.platforms import get_scraper
from app.simulator.sites import TEMPLATES

from .conftest import START


@pytest.mark.parametrize("code", TEMPLATES)
def test_a_complete_read_shows_everyone_held_throughout(code, simulate, fetcher):
    server = simulate(templates=[code], scale=0.3, turnover=15, seed=3)
    declaration, = server.declarations()
    population = server.farm.jail(code).population
    scraper = get_scraper(declaration)
    changed_under_a_complete_read = 0
    for minutes_per_page in (1, 4):
        for hour in range(0, 24, 3):
            start = START + timedelta(hours=hour)
            server.clock.set(start)
            # What the database would hold: everyone as a read with the clock standing still
            # shows them, by the identifier the roster lists them by.
            still = scraper.scrape(fetcher(), now=start)
            known = {getattr(record, scraper.list_id_field): record.booking_key
                     for record in still.records if record.booking_key in still.roster_keys}
            # Now every page the scraper receives moves the site's clock on.
            result = scraper.scrape(
                fetcher(on_page=lambda page: server.clock.advance(minutes=minutes_per_page)),
                now=start, known_keys=known)
            end = server.clock.now()
            held_at_start = {b.key for b in population.roster(start)}
            held_throughout = held_at_start & {b.key for b in population.roster(end)}
            if result.complete:
                assert held_throughout <= result.roster_keys, (
                    f"{code}, read from {start:%H:%M} to {end:%H:%M}, missed bookings held throughout: "
                    f"{sorted(held_throughout - result.roster_keys)}")
                changed_under_a_complete_read += held_throughout != held_at_start
            held_at_some_point = {b.key for b in population.bookings_until(end) if b.released_at > start}
            assert result.roster_keys <= held_at_some_point
    assert changed_under_a_complete_read, "no complete read saw the roster change: nothing was checked"
