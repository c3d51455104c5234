"""The simulator's server: loopback only, a host per jail, its control paths."""
from __future__ import annotations

import time
from datetime import timedelta

import pytest
import requests

from app.simulator import Farm, ManualClock, SimClock, SimulatorServer
from app.simulator.server import require_loopback

from .conftest import START


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "example.org", "::"])
def test_only_loopback_addresses_are_accepted(host, shared_dir):
    with pytest.raises(ValueError, match="loopback only"):
        require_loopback(host)
    farm = Farm.build(start=START, templates=["jcj"], data_dir=shared_dir / "data")
    with pytest.raises(ValueError):
        SimulatorServer(farm, ManualClock(START), host=host)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1"])
def test_loopback_addresses_pass(host):
    require_loopback(host)


def test_every_jail_is_a_host_of_its_own(simulate):
    server = simulate(templates=["kcdc", "hcdc", "jcj"])
    ports = set(server.ports.values())
    assert len(ports) == 3 and server.port not in ports
    for code in ("kcdc", "hcdc", "jcj"):
        root = server.base_url_for(code)
        assert root == f"http://127.0.0.1:{server.ports[code]}"
        assert requests.get(server.docket_url(code)).status_code == 200
        # The main port serves the same site below the jail's code.
        prefixed = server.base_url + "/" + code + server.docket_url(code)[len(root):]
        assert requests.get(prefixed).text == requests.get(server.docket_url(code)).text


def test_status_and_ground_truth_over_http(simulate):
    server = simulate(templates=["tcdc", "acdc"])
    for _ in range(3):
        requests.get(server.docket_url("tcdc"))
    status = requests.get(server.base_url + "/_sim/status").json()
    assert status["served"]["tcdc"]["requests"] == 3 and status["served"]["tcdc"]["ok"] == 3
    assert status["now"] == START.isoformat() and status["jails"] == 2
    later = START + timedelta(hours=9)
    truth = requests.get(server.base_url + "/_sim/truth/acdc", params={"at": later.isoformat()}).json()
    assert truth["in_custody"] == sorted(server.farm.custody_keys("acdc", later))
    assert requests.get(server.base_url + "/_sim/truth/nosuch").status_code == 404
    assert requests.get(server.base_url + "/_sim/truth/acdc?at=yesterday").status_code == 400
    assert requests.get(server.base_url + "/_sim/truth/acdc?at=2019-11-05T10:00:00").status_code == 400


def test_an_accelerated_clock_moves_the_sites(shared_dir):
    farm = Farm.build(start=START, templates=["jcadc"], data_dir=shared_dir / "data", turnover=50)
    clock = SimClock(START, speed=3600 * 24)      # a simulated day per wall second
    with SimulatorServer(farm, clock) as server:
        first = requests.post(server.docket_url("jcadc")).text
        shown_at = clock.now()
        time.sleep(0.5)
        second = requests.post(server.docket_url("jcadc")).text
    assert clock.now() - shown_at >= timedelta(hours=12)
    assert first != second


def test_clock_mapping_round_trips():
    clock = SimClock(START, speed=60, wall_origin=1_000_000.0)
    assert clock.to_sim(1_000_060.0) == START + timedelta(hours=1)
    assert clock.to_wall(START + timedelta(hours=1)).timestamp() == pytest.approx(1_000_060.0)
    following = SimClock(START, speed=60, wall_origin=START.timestamp(), follow_wall=True)
    # Far past the catch-up point the clock shows the wall time itself.
    assert following.to_sim(START.timestamp() + 7200) == START + timedelta(hours=2)
    with pytest.raises(ValueError):
        SimClock(START.replace(tzinfo=None))
