"""The hosted sheriff-site template (Kemper, Tunica, Clay, Jones): ``roster.php`` list pages
of ten people each (``grp=10``, ``grp=20``, ...) and one ``roster_view.php?booking_num=<bk>``
profile per person, with ``Label:`` / value pairs.

The four sites differ only in markup around the same data, which the options describe:

* ``profile_container`` - CSS selector of the element holding a profile (default
  ``#cms-content``; Clay's older layout keeps it in ``#profile``);
* ``label_selector`` / ``value_selector`` - the label and value elements (``.text1`` /
  ``.text2`` on all four);
* ``page_size`` - people per list page, the step of ``grp`` (10).

A released person's profile stays up and gains a ``Release Date:``; given the bookings the
caller holds in custody, a run reads the profiles of those no longer listed to capture it.
"""
from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from ..fetch import FetchError, Page, with_params
from ..parsing import absolute, lines, lines_before, paired_labels, query_param, soup, text_of
from ..records import BookingRecord, ChargeRecord, RecordRejected
from ..standardize import clean, money, whole_number
from .base import RosterRead, RosterRow, Scraper, checked, describe

_DECLARED = re.compile(r"Inmate Roster\s*\((\d+)\)", re.IGNORECASE)
_DATETIME_FORMATS = ("%m-%d-%Y - %I:%M %p", "%m-%d-%Y %I:%M %p")
_DATE_FORMATS = ("%m-%d-%Y",)
# Where the profile's data ends: the site's disclaimer, then navigation.
_END_OF_PROFILE = ("Note:", "Back to roster")
_NO_PHOTO = re.compile(r"not\s+avail", re.IGNORECASE)
_MAX_PAGES = 200


class SheriffRosterScraper(Scraper):
    default_options = {
        "profile_container": "#cms-content",
        "label_selector": ".text1",
        "value_selector": ".text2",
        "page_size": 10,
    }

    # ---- the roster ----------------------------------------------------------------------
    def read_roster(self, read: RosterRead) -> list[RosterRow]:
        step = int(self.option("page_size"))
        start = self.jail.docket_url
        roster_path = urlsplit(start).path
        # Pages are numbered by their first row (grp=10, 20, ...).
        return read.numbered_pages(
            int(query_param(start, "grp") or step), start,
            lambda page: self._roster_page(read, page, roster_path), step=step, max_pages=_MAX_PAGES,
            url_for=lambda number: with_params(urljoin(start, roster_path), {"grp": number}))

    def _roster_page(self, read: RosterRead, page: Page, roster_path: str):
        document = soup(page.text)
        if found := _DECLARED.search(text_of(document)):
            read.declare(page.url, int(found.group(1)))
        rows, linked = [], {}
        for anchor in document.find_all("a", href=True):
            url = absolute(page.base_url, anchor["href"])
            path = urlsplit(url).path
            if path.endswith("roster_view.php"):
                bk = query_param(url, "booking_num")
                if bk:
                    rows.append(RosterRow(list_id=bk, source_url=page.url, detail_url=url,
                                          record=BookingRecord(booking_key=bk, bk=bk, link=url)))
            elif path == roster_path and (grp := query_param(url, "grp") or "").isdigit():
                linked.setdefault(int(grp), url)
        return rows, linked

    # ---- a profile -----------------------------------------------------------------------
    def parse_detail(self, page: Page, row: RosterRow) -> BookingRecord:
        document = soup(page.text)
        container = document.select_one(self.option("profile_container"))
        if container is None:
            raise RecordRejected(f"profile: the page has no {self.option('profile_container')}")
        labels = paired_labels(container, self.option("label_selector"), self.option("value_selector"))
        shown = labels.value("BOOKING #")
        if not shown:
            raise RecordRejected("booking #: the profile shows none")
        # Jones prints a longer number that ends in the link's; the others print it as is.
        if not shown.endswith(row.list_id):
            raise RecordRejected(f"booking #: the profile shows {shown!r}, the link asked for {row.list_id!r}")
        title = container.select_one(".ptitles")
        name_raw = text_of(title) if title is not None else None
        charges = [ChargeRecord(description=charge) for charge in labels.lines_of("CHARGES")]
        labels.forget("AGE")
        sheet = lines_before(lines(container), _END_OF_PROFILE)
        if name_raw and name_raw in sheet:
            sheet = sheet[sheet.index(name_raw):]
        return self.merged(
            row,
            **self.person(name_raw=name_raw, sex_raw=labels.value("GENDER"), race_raw=labels.value("RACE")),
            intake_age=checked("age", whole_number, labels.value("AGE")),
            address_line_1=labels.value("ADDRESS"),
            agency_raw=labels.value("ARRESTING AGENCY"),
            img_src=self._photo(container, page.base_url),
            **self.booking_time(labels.value("BOOKING DATE"), datetime_formats=_DATETIME_FORMATS,
                                date_formats=_DATE_FORMATS),
            **self.release_time(labels.value("RELEASE DATE"), datetime_formats=_DATETIME_FORMATS,
                                date_formats=_DATE_FORMATS),
            charges=charges, charge_1=charges[0].description if charges else None,
            bond_cash=checked("bond", money, labels.value("BOND")),
            raw_html=page.text, normalized_text="\n".join(sheet),
        )

    @staticmethod
    def _photo(container, base_url: str) -> str | None:
        for image in container.find_all("img", src=True):
            src = clean(image["src"])
            if src and not src.endswith("pna.gif") and not _NO_PHOTO.search(image.get("alt", "")):
                return absolute(base_url, src)
        return None

    # ---- releases --------------------------------------------------------------------------
    def read_releases(self, read: RosterRead, missing_list_ids: list[str]) -> None:
        profile = urljoin(self.jail.docket_url, "roster_view.php")
        for bk in missing_list_ids:
            url = with_params(profile, {"booking_num": bk})
            try:
                page = read.fetcher.get(url)
            except FetchError as exc:
                if exc.status != 404:   # a profile taken down says nothing; anything else is worth a line
                    read.error(exc.url, "release lookup", exc.what_happened)
                continue
            row = RosterRow(list_id=bk, source_url=url, detail_url=url,
                            record=BookingRecord(booking_key=bk, bk=bk, link=url))
            try:
                record = self.parse_detail(page, row)
            except Exception as exc:  # noqa: BLE001 - one unreadable profile must not end the run
                read.error(url, "release lookup", describe(exc))
                continue
            if record.released_on is not None:
                read.add_released(record, url)
