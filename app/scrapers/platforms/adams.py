"""Adams County's WordPress roster: ``/inmate-roster/`` list pages (``/page/<n>/``) linking
to one ``/inmate/<slug>/`` profile per person with ``<strong>Label:</strong> value`` lines.

The roster shows only names and profile links, so rows are identified by their profile URL
(a re-booked person gets a new slug, ``ernest-minor-3``) and keyed by the profile's
``Booking Number``. Dates are date-only.
"""
from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from ..fetch import Page
from ..parsing import absolute, inline_labels, lines, soup
from ..records import BookingRecord, ChargeRecord, RecordRejected
from ..standardize import money, parse_date, whole_number
from .base import RosterRead, RosterRow, Scraper, checked

_PAGE_NUMBER = re.compile(r"/page/(\d+)/?$")
_MAX_PAGES = 200


class AdamsScraper(Scraper):
    list_id_field = "link"
    key_is_list_id = False        # the key is the profile's Booking Number
    default_options = {
        "profile_path": r"/inmate/[^/]+/?$",
        "profile_container": ".blog-content-container",
    }

    def read_roster(self, read: RosterRead) -> list[RosterRow]:
        start = self.jail.docket_url
        return read.numbered_pages(1, start, self._roster_page, step=1, max_pages=_MAX_PAGES,
                                   url_for=lambda number: urljoin(start, f"page/{number}/"))

    def _roster_page(self, page: Page):
        document = soup(page.text)
        roster_path = urlsplit(self.jail.docket_url).path
        profile = re.compile(self.option("profile_path"))
        rows, linked = [], {}
        for anchor in document.find_all("a", href=True):
            url = absolute(page.base_url, anchor["href"])
            path = urlsplit(url).path
            if profile.search(path):
                rows.append(RosterRow(list_id=url, source_url=page.url, detail_url=url,
                                      record=BookingRecord(booking_key="", link=url)))
            elif path.startswith(roster_path) and (number := _PAGE_NUMBER.search(path)):
                linked.setdefault(int(number.group(1)), url)
            elif path.rstrip("/") == roster_path.rstrip("/"):
                linked.setdefault(1, url)
        return rows, linked

    def parse_detail(self, page: Page, row: RosterRow) -> BookingRecord:
        document = soup(page.text)
        container = document.select_one(self.option("profile_container")) or document
        labels = inline_labels(container)
        bk = labels.value("BOOKING NUMBER")
        if not bk:
            raise RecordRejected("booking number: the profile shows none")
        charges = [ChargeRecord(description=charge) for charge in labels.lines_of("CHARGES")]
        photo = container.find("img", src=True)
        labels.forget("AGE")
        return self.merged(
            row,
            booking_key=bk, bk=bk,
            **self.person(name_raw=labels.value("FULL NAME"), sex_raw=labels.value("GENDER"),
                          race_raw=labels.value("RACE")),
            intake_age=checked("age", whole_number, labels.value("AGE")),
            address_line_1=labels.value("ADDRESS"),
            arrested_on=checked("arrest date", parse_date, labels.value("ARREST DATE")),
            **self.booking_time(labels.value("BOOKING DATE"), date_formats=("%m/%d/%Y",)),
            charges=charges, charge_1=charges[0].description if charges else None,
            bond_cash=checked("bond", money, labels.value("BOND")),
            img_src=absolute(page.base_url, photo["src"]) if photo is not None else None,
            raw_html=page.text, normalized_text="\n".join(lines(container)),
        )
