"""Releases are inferred only from a roster read that hid nobody. When bookings known to be
in custody are missing, the roster pages are read again (Scraper._look_again): someone a
shifting roster hid is on a later read, and a roster that will not hold still, or a read
that fails, releases nobody. Hinds' two-page list, as recorded at t1."""
from __future__ import annotations

import re

from app.scrapers.fetch import CassetteFetcher, Page
from app.scrapers.jails import get
from app.scrapers.platforms import get_scraper
from app.scrapers.platforms.base import Scraper
from tests.scrapers.support import basic, known_keys_after, replay

CODE = "hcdc"
ROSTER = get(CODE).docket_url


class ShiftingRoster(CassetteFetcher):
    """The t1 recording, with each read of the roster altered as ``reads`` says: a set of
    pins whose rows are left out (as a roster moving under the reader hides them), or
    "fail" for pages answered 503. Reads past the list are left as recorded."""

    def __init__(self, reads: list):
        super().__init__(basic(CODE, "t1"))
        self.reads = reads
        self.roster_reads = 0

    def _exchange(self, method: str, url: str, data) -> Page:
        if url == ROSTER:                      # every read of the roster starts here
            self.roster_reads += 1
        page = super()._exchange(method, url, data)
        if "inmate_list" not in url or self.roster_reads > len(self.reads):
            return page
        change = self.reads[self.roster_reads - 1]
        if change == "fail":
            return Page(method=method, url=url, status=503, headers={}, body=b"", text="",
                        fetched_at=page.fetched_at)
        text = page.text
        for pin in change:
            text = re.sub(rf"\s*<tr><td><a [^>]*ID={pin}\".*?</tr>", "", text)
        return Page(method=method, url=url, status=page.status, headers=page.headers,
                    body=text.encode(), text=text, fetched_at=page.fetched_at)


def scrape(site: ShiftingRoster):
    known = known_keys_after(CODE, replay(CODE, basic(CODE, "t0")))
    return get_scraper(get(CODE)).scrape(site, now=site.captured_at, known_keys=known), known


def test_the_recording_has_somebody_leave():
    site = ShiftingRoster([])
    result, known = scrape(site)
    left = set(known) - result.roster_keys
    assert result.complete and len(left) == 1
    assert site.roster_reads == 2              # read again because somebody is missing


def test_somebody_the_first_read_hid_is_kept_in_custody():
    site = ShiftingRoster([{"612866"}])
    result, known = scrape(site)
    assert "612866" in known and "612866" in result.roster_keys
    assert result.complete and site.roster_reads == 2
    hidden = next(r for r in result.records if r.booking_key == "612866")
    assert not hidden.detail_complete       # kept from the roster, its sheet left as it was


def test_a_read_is_only_believed_when_the_next_one_confirms_it():
    # The second read hides somebody the first one showed: the first read may have been
    # shifted, so a third read must confirm the second.
    site = ShiftingRoster([set(), {"612871"}])
    result, _ = scrape(site)
    assert result.complete and site.roster_reads == 3
    assert "612871" in result.roster_keys


def test_a_roster_that_never_holds_still_releases_nobody():
    site = ShiftingRoster([set(), {"612871"}, {"612866"}])
    result, _ = scrape(site)
    assert site.roster_reads == Scraper.ROSTER_READS
    assert not result.complete
    assert any(f"changed during each of {Scraper.ROSTER_READS} reads" in line for line in result.errors)


def test_a_second_read_that_fails_releases_nobody():
    site = ShiftingRoster([set(), "fail"])
    result, _ = scrape(site)
    assert not result.complete and site.roster_reads == 2
    assert any("roster page" in line and "503" in line for line in result.errors)


def test_somebody_new_the_first_read_hid_has_their_sheet_read_on_the_second():
    site = ShiftingRoster([{"612877"}])
    result, known = scrape(site)
    assert "612877" not in known
    assert "612877" in result.roster_keys and result.complete
    assert next(r for r in result.records if r.booking_key == "612877").detail_complete
