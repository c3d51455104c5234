"""Each platform's simulated pages, read over HTTP by the real scrapers, give exactly the
simulator's ground truth: every booking in custody, each with the fields its page shows."""
from __future__ import annotations

from datetime import timedelta

import pytest

from app.scrapers.platforms import get_scraper
from app.simulator.sites import TEMPLATES

from .conftest import START

NAME_PARTS = ("first_name", "middle_name", "last_name", "suffix")


def read(record, field):
    if field == "charges":
        return [charge.description for charge in record.charges]
    value = getattr(record, field)
    if field in NAME_PARTS and value is not None:
        return value.upper()
    return value


@pytest.mark.parametrize("code", TEMPLATES)
def test_scrapers_read_exactly_the_ground_truth(code, simulate, fetcher):
    # Irregularities ten times as common as on the real sites, so every kind shows up.
    server = simulate(templates=[code], scale=0.2, turnover=6, irregularity=10, seed=11)
    declaration, = server.declarations()
    jail = server.farm.jail(code)
    irregularities = set()
    for hours in (0, 20, 40):
        moment = START + timedelta(hours=hours)
        server.clock.set(moment)
        result = get_scraper(declaration).scrape(fetcher(), now=moment)
        assert result.errors == []
        assert result.complete
        expected = server.farm.expected_records(code, moment)
        records = {record.booking_key: record for record in result.records}
        assert set(expected) == result.roster_keys
        for key, fields in expected.items():
            record = records[key]
            assert record.detail_complete
            for field, value in fields.items():
                assert read(record, field) == value, (key, field)
        irregularities |= {name for booking in jail.population.roster(moment)
                           for name, value in booking.traits.items() if value is True}
        # Beyond the roster, only people the site itself shows as released (Jasper's
        # 48-hour page), with the release date it publishes.
        beyond = set(records) - result.roster_keys
        if code != "jcj":
            assert not beyond
            continue
        released = {b.key: b for b in jail.population.released_between(moment - timedelta(hours=48), moment)}
        assert beyond == set(released)
        for key in beyond:
            assert records[key].released_on == jail.site.expected(released[key], moment)["released_on"]
    # Every irregularity this site is known for (a missing row, a blank cell) was read.
    kinds = {name for booking in jail.population.bookings_until(START + timedelta(hours=40))
             for name, value in booking.traits.items() if isinstance(value, bool)}
    assert irregularities == kinds
