"""Hinds County's classic ASP inmate list: ``inmate_list.asp`` pages ("Page 1 of N" in the
first ``<h3>``), one ``inmate_detail.asp?ID=<pin>`` label/value table per person.

Dates are date-only and may be printed as ``//``. Each sheet has four charge slots; an empty
slot shows only its ``Felony / Misdemeanor:`` line.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from ..fetch import Page, with_params
from ..parsing import absolute, label_key, lines, lines_before, lines_from, own_rows, paired_labels, query_param, soup, \
    text_of
from ..records import BookingRecord, ChargeRecord, RecordRejected
from ..standardize import clean, parse_date
from .base import RosterRead, RosterRow, Scraper, checked

_PAGE_COUNT = re.compile(r"Page\s+(\d+)\s+of\s+(\d+)", re.IGNORECASE)
_CHARGE_SLOT = re.compile(r"CHARGE \d+$")
_CLASS_LINE = re.compile(r"Felony\s*/\s*Misd\w*\s*:?\s*(.*)$", re.IGNORECASE)
_CLASSIFICATIONS = {"F": "Felony", "M": "Misdemeanor"}
_MAX_PAGES = 500


class HindsScraper(Scraper):
    def read_roster(self, read: RosterRead) -> list[RosterRow]:
        first = read.list_page(self.jail.docket_url, self._roster_page)
        if first is None:
            return []
        rows, pages = first
        for number in range(2, min(pages, _MAX_PAGES) + 1):
            url = with_params(self.jail.docket_url,
                              {"name_sch": "Date", "SS1": "1", "ScrollAction": f"Page {number}"})
            found = read.list_page(url, self._roster_page)
            if found is not None:
                rows += found[0]
        return rows

    def _roster_page(self, page: Page) -> tuple[list[RosterRow], int]:
        document = soup(page.text)
        heading = document.find("h3")
        counted = _PAGE_COUNT.search(text_of(heading)) if heading is not None else None
        pages = int(counted.group(2)) if counted else 1
        rows = []
        for table in document.find_all("table"):
            columns: dict[str, int] = {}
            for tr in own_rows(table):
                cells = tr.find_all(["td", "th"])
                link = next((a["href"] for a in tr.find_all("a", href=True)
                             if "inmate_detail" in a["href"].lower()), None)
                if link is None:
                    # A header row, as <th> or as plain cells (the original crashed on those).
                    names = [label_key(cell.get_text()) for cell in cells]
                    if "NAME" in names:
                        columns = {name: n for n, name in enumerate(names)}
                    continue
                url = absolute(page.base_url, link)
                pin = query_param(url, "ID")
                if not pin or not urlsplit(url).path.lower().endswith("inmate_detail.asp"):
                    continue

                def cell(name):
                    index = columns.get(name)
                    return clean(cells[index].get_text()) if index is not None and index < len(cells) else None

                rows.append(RosterRow(list_id=pin, source_url=page.url, detail_url=url,
                                      record=BookingRecord(booking_key=pin, bk=pin, link=url,
                                                           name_raw=cell("NAME"))))
        return rows, pages

    def parse_detail(self, page: Page, row: RosterRow) -> BookingRecord:
        document = soup(page.text)
        labels = paired_labels(document, "td.normaltxtright", "td.normaltxtleft")
        if "NAME" not in labels:
            raise RecordRejected("name: the page has no inmate detail table")
        pin = labels.value("PIN NUMBER")
        if pin and pin != row.list_id:
            raise RecordRejected(f"pin number: the page shows {pin!r}, the link asked for {row.list_id!r}")
        address = labels.lines_of("ADDRESS")
        arrested = self.booking_time(labels.value("ARREST DATE"), date_formats=("%m/%d/%Y",))
        table = labels["NAME"].nodes[0].find_parent("table")
        photo = table.find("img", src=True) if table is not None else None
        charges = self._charges(labels)
        sheet = lines_before(lines(table), ("Disclaimer:",))
        return self.merged(
            row,
            **self.person(name_raw=labels.value("NAME"), sex_raw=labels.value("SEX"),
                          race_raw=labels.value("RACE")),
            address_line_1=address[0] if address else None,
            address_line_2=" ".join(address[1:]) or None,
            dob=checked("date of birth", parse_date, labels.value("DATE OF BIRTH")),
            height=labels.value("HEIGHT"), weight=labels.value("WEIGHT"),
            eyes=labels.value("EYES"), hair=labels.value("HAIR"),
            agency_raw=labels.value("ARRESTING AGENCY"),
            # Hinds publishes no booking date: the arrest date is the day it came in.
            **arrested, arrested_on=arrested["booked_on"],
            location=labels.value("LOCATION"),
            img_src=absolute(page.base_url, photo["src"]) if photo is not None else None,
            charges=charges, charge_1=charges[0].description if charges else None,
            raw_html=page.text, normalized_text="\n".join(lines_from(sheet, "NAME")),
        )

    @staticmethod
    def _charges(labels) -> list[ChargeRecord]:
        charges = []
        for key, found in labels.items():
            if not _CHARGE_SLOT.match(key):
                continue
            description, classification = None, None
            for value in found.values:
                if klass := _CLASS_LINE.match(value):
                    code = clean(klass.group(1)).upper()
                    classification = _CLASSIFICATIONS.get(code, code or None)
                elif description is None:
                    description = value
            if description:     # an empty slot shows only its Felony / Misdemeanor line
                charges.append(ChargeRecord(description=description, classification=classification))
        return charges
