"""Fixtures for the scraper tests: each jail's basic cassettes replayed once per module, t1 as
a steady-state run would read it (knowing who t0 left in custody)."""
from __future__ import annotations

import pytest

from tests.scrapers.support import basic, known_keys_after, replay


@pytest.fixture(scope="module")
def basic_runs(request):
    """``{"t0": ScrapeResult, "t1": ScrapeResult}`` for the module's ``CODE``."""
    code = request.module.CODE
    t0 = replay(code, basic(code, "t0"))
    t1 = replay(code, basic(code, "t1"), known_keys=known_keys_after(code, t0))
    return {"t0": t0, "t1": t1}
