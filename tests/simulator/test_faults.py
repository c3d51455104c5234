"""Faults on demand, seen through the real fetcher and scrapers over real HTTP."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
import requests

from app.scrapers.fetch import FetchError
from app.scrapers.platforms import get_scraper
from app.simulator import FaultPlan, Faults, Window
from app.simulator.faults import FaultConfigError

from .conftest import START


def plan(**faults) -> FaultPlan:
    return FaultPlan(default=Faults(**faults), seed=3)


def test_server_errors_are_retried_then_reported(simulate, fetcher):
    server = simulate(templates=["lcdc"], faults=plan(error_rate=1.0))
    fetch = fetcher(max_retries=2)
    with pytest.raises(FetchError) as failure:
        fetch.get(server.docket_url("lcdc"))
    assert failure.value.status in (500, 502, 503)
    assert fetch.requests_sent == 3
    assert server.stats["lcdc"]["error"] == 3


def test_throttling_answers_429_with_retry_after(simulate, fetcher):
    server = simulate(templates=["lcdc"], faults=plan(throttle_rate=1.0, retry_after=2))
    answer = requests.get(server.docket_url("lcdc"))
    assert answer.status_code == 429 and answer.headers["Retry-After"] == "2"
    waits = []
    with pytest.raises(FetchError):
        fetcher(max_retries=1, sleep=waits.append).get(server.docket_url("lcdc"))
    assert 2 in waits          # the fetcher waited as long as the site asked


def test_a_truncated_page_is_a_broken_transfer(simulate, fetcher):
    server = simulate(templates=["mcdc"], faults=plan(truncate_rate=1.0))
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        requests.get(server.docket_url("mcdc"))
    with pytest.raises(FetchError) as failure:
        fetcher(max_retries=1).get(server.docket_url("mcdc"))
    assert failure.value.status is None


def test_an_outage_answers_503_or_hangs_up(simulate, fetcher):
    outage = (Window(START + timedelta(hours=1), START + timedelta(hours=4)),)
    faults = FaultPlan(per_jail={"kcdc": Faults(outages=outage),
                                 "tcdc": Faults(outages=outage, outage_mode="close")})
    server = simulate(templates=["kcdc", "tcdc"], faults=faults)
    for code in ("kcdc", "tcdc"):
        assert requests.get(server.docket_url(code)).status_code == 200
    server.clock.set(START + timedelta(hours=2))
    assert requests.get(server.docket_url("kcdc")).status_code == 503
    with pytest.raises(requests.ConnectionError):
        requests.get(server.docket_url("tcdc"))
    with pytest.raises(FetchError) as failure:
        fetcher(max_retries=0).get(server.docket_url("tcdc"))
    assert failure.value.status is None
    server.clock.set(START + timedelta(hours=4))
    assert requests.get(server.docket_url("tcdc")).status_code == 200


def test_a_redesign_leaves_the_scraper_with_nobody(simulate, fetcher):
    redesign = (Window(START + timedelta(hours=1)),)
    server = simulate(templates=["mcdc", "jcadc"], faults=FaultPlan(default=Faults(redesigns=redesign)))
    server.clock.set(START + timedelta(hours=1))
    for declaration in server.declarations():
        result = get_scraper(declaration).scrape(fetcher(), now=START + timedelta(hours=1))
        assert result.records == [] and not result.complete
    # Only the roster changed: a person's page still answers as before.
    assert requests.get(server.base_url_for("mcdc") + "/agencyinfo/MS/4360/inmate/ICUD0001.HTM").ok


def test_latency_is_added(simulate):
    server = simulate(templates=["jcj"], faults=plan(latency_ms=150))
    answer = requests.get(server.docket_url("jcj"))
    assert answer.elapsed.total_seconds() >= 0.15


def test_decisions_follow_the_rates_and_the_seed():
    faults = plan(error_rate=0.1, throttle_rate=0.05, truncate_rate=0.05)
    kinds = Counter(faults.decide("mcdc", serial, START).kind for serial in range(4000))
    assert 320 < kinds["error"] < 480
    assert 140 < kinds["throttle"] < 260
    assert 140 < kinds["truncate"] < 260
    again = plan(error_rate=0.1, throttle_rate=0.05, truncate_rate=0.05)
    assert [faults.decide("mcdc", n, START) for n in range(50)] == [again.decide("mcdc", n, START) for n in range(50)]
    assert [faults.decide("mcdc", n, START) for n in range(50)] != [faults.decide("lcdc", n, START) for n in range(50)]


def test_configuration_from_json(tmp_path):
    config = tmp_path / "faults.json"
    config.write_text('{"default": {"error_rate": 0.02, "latency_ms": 5},'
                      ' "jails": {"hcdc": {"outages": [["+2h", "+5h"]], "outage_mode": "close"},'
                      '           "lcdc": {"redesigns": [["2019-11-05T16:00:00-06:00", null]]}}}')
    faults = FaultPlan.from_file(config, start=START, seed=4)
    assert faults.for_jail("mcdc").error_rate == 0.02
    hinds = faults.for_jail("hcdc")
    assert hinds.error_rate == 0.02 and hinds.outage_mode == "close"   # the default, overridden per field
    assert hinds.outages == (Window(START + timedelta(hours=2), START + timedelta(hours=5)),)
    assert faults.for_jail("lcdc").redesigns[0].end is None
    assert faults.decide("hcdc", 0, START + timedelta(hours=3)).kind == "down"


@pytest.mark.parametrize("config,message", [
    ({"defaults": {}}, "unknown key"),
    ({"default": {"error_rate": 2}}, "error_rate=2.0 must be between 0 and 1"),
    ({"default": {"eror_rate": 0.1}}, "default.eror_rate: unknown fault"),
    ({"jails": {"mcdc": {"outages": [["tomorrow", None]]}}}, "jails.mcdc.outages[0]"),
    ({"jails": {"mcdc": {"outage_mode": "refuse"}}}, "outage_mode='refuse'"),
])
def test_bad_configuration_names_the_field(config, message):
    with pytest.raises(FaultConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        FaultPlan.from_mapping(config, start=START)
