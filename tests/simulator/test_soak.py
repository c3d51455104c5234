"""The short soak: a real Celery worker and beat scrape four simulated jails for four
simulated hours with faults on (errors, throttling, cut-off pages, a jail down for two
hours, a layout change); nothing may be lost, duplicated or wrongly released."""
from __future__ import annotations

import pytest

from app.simulator.soak import SoakSettings, default_faults, run_soak

JAILS = ["mcdc", "kcdc", "hcdc", "jcj"]


@pytest.mark.slow
def test_short_soak_loses_nothing(app, tmp_path):
    faults = default_faults(JAILS)     # kcdc down for two hours, hcdc redesigned for one
    # Four hours make few requests: faults several times as common as in the long soak.
    faults["default"].update(error_rate=0.08, throttle_rate=0.06, truncate_rate=0.04)
    settings = SoakSettings(database_url=app.config["SQLALCHEMY_DATABASE_URI"], workdir=tmp_path / "soak",
                            templates=JAILS, hours=4, speed=360, size=10, stay_hours=10, seed=2,
                            faults=faults)
    report = run_soak(app, settings, progress=lambda line: None)
    print("\n".join(report.lines()))
    audit = report.audit
    for name in ("lost", "duplicated", "unknown", "wrongly_released"):
        assert audit.total(name) == 0, {code: getattr(jail, name) for code, jail in audit.jails.items()}
    # The run really exercised the system: every jail was scraped every simulated hour,
    # the faults were met, and people came and went.
    for code, jail in audit.jails.items():
        assert jail.runs >= 3, code
        assert jail.successful_runs >= 1, code
    assert audit.jails["kcdc"].runs_by_outcome.get("failed", 0) >= 1        # its outage
    assert {"error", "throttle", "truncate", "down", "redesign"} <= set(report.requests_served)
    assert audit.delays("booking_delays") and audit.delays("release_delays")
    assert report.documents > 0
