"""Scaffolding for a new jail on a known platform: its declaration (a configuration file the
registry reads), an empty cassette to record its pages into, and a test module that replays
that cassette. Behind ``flask scrape init CODE --platform P``."""
from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from .jails import BY_CODE, JailDeclaration, declaration_to_json
from .platforms import PLATFORMS

_CODE = re.compile(r"^[a-z][a-z0-9]{1,19}$")

_TEST_MODULE = '''"""{name}: its scraper replaying the recorded docket in cassettes/{code}/basic/t0.

Record the site's roster and detail pages into that cassette (the format is described in the
shared dockets README), then state what the pages show in the assertions below."""
from __future__ import annotations

from pathlib import Path

from app.scrapers.fetch import CassetteFetcher
from app.scrapers.jails import get
from app.scrapers.platforms import get_scraper

CASSETTE = Path(__file__).parent / "cassettes" / "{code}" / "basic" / "t0"


def test_{code}_reads_its_whole_roster():
    fetcher = CassetteFetcher(CASSETTE)
    result = get_scraper(get("{code}")).scrape(fetcher, now=fetcher.captured_at)
    assert result.errors == []
    assert result.records, f"no bookings read: record the docket into {{CASSETTE}}"
    assert result.complete
    for record in result.records:
        assert record.booking_key and record.name_raw and record.booked_on
'''


def scaffold_jail(code: str, platform: str, name: str, county: str, url: str,
                  root: str | Path) -> list[Path]:
    """Write a new jail's files under the project ``root``; return the paths created.
    Refuses a malformed or taken code, an unknown platform, a non-web URL, and any file that
    already exists (nothing is overwritten, nothing is half-written)."""
    root = Path(root)
    if not _CODE.match(code):
        raise ValueError(f"jail code {code!r} must be 2-20 lower-case letters or digits, starting with a letter")
    if code in BY_CODE:
        raise ValueError(f"jail code {code!r} is already declared")
    if platform not in PLATFORMS:
        raise ValueError(f"unknown platform {platform!r}; known: {', '.join(sorted(PLATFORMS))}")
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
        raise ValueError(f"docket URL {url!r} is not an http(s) URL")
    if not name.strip() or not county.strip():
        raise ValueError("a jail needs a name and a county")

    declaration = JailDeclaration(code=code, name=name.strip(), county=county.strip(),
                                  platform=platform, docket_url=url)
    # Scraping starts today, the jail's today.
    declaration = replace(declaration,
                          scrape_started_on=datetime.now(ZoneInfo(declaration.timezone)).date())
    cassette = root / "tests" / "scrapers" / "cassettes" / code / "basic" / "t0"
    index = {"jail": code, "captured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
             "requests": []}
    config = root / "app" / "scrapers" / "jail_configs" / f"{code}.json"
    test_module = root / "tests" / "scrapers" / f"test_{code}.py"
    taken = [str(path) for path in (config, cassette, test_module) if path.exists()]
    if taken:
        raise FileExistsError(f"already there: {', '.join(taken)}")
    for path, text in ((config, declaration_to_json(declaration)),
                       (cassette / "index.json", json.dumps(index, indent=2) + "\n"),
                       (test_module, _TEST_MODULE.format(code=code, name=declaration.name))):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (cassette / "pages").mkdir()
    return [config, cassette / "index.json", cassette / "pages", test_module]
