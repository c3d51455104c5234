"""Fixtures for the docket simulator's tests: a farm served over real HTTP on loopback."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from app.scrapers.fetch import HttpFetcher, HostThrottle
from app.simulator import Farm, ManualClock, SimulatorServer

# 14:15 in Chicago on the day most cassettes were recorded.
START = datetime(2019, 11, 5, 20, 15, tzinfo=timezone.utc)


@pytest.fixture
def simulate(shared_dir):
    """``simulate(templates=..., scale=..., faults=..., seed=..., ...)`` builds a farm (see
    ``Farm.build``),
    serves it on loopback with a hand-set clock, and returns the server (``.farm``,
    ``.clock``); every server is stopped after the test."""
    servers = []

    def start(*, templates=None, count=None, scale=0.2, turnover=1.0, irregularity=1.0, seed=1,
              start=START, faults=None, port_per_jail=True):
        farm = Farm.build(start=start, seed=seed, count=count, templates=templates,
                          data_dir=shared_dir / "data", faults=faults, scale=scale,
                          turnover=turnover, irregularity=irregularity)
        server = SimulatorServer(farm, ManualClock(start), port_per_jail=port_per_jail).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def fetcher():
    """A real HTTP fetcher with no politeness delay and quick retries (the simulator is ours)."""
    def make(**options):
        settings = {"user_agent": "oversight-tests", "timeout": 10, "min_interval_per_host": 0,
                    "backoff": 0.01, "throttle": HostThrottle(), **options}
        return HttpFetcher(**settings)
    return make
