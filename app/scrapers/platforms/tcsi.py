"""TCSI's hosted ASP.NET roster (Lee): ``Default.aspx`` lists everyone, each
``InmateInfo.aspx?...&iid=<iid>`` shows one person as label/value spans and a charges table.

``iid`` identifies the person, not the booking: the sheet's ``Booking #`` is how many times
they have been booked, so the booking key is ``<iid>_<NN>`` (``283176_02``) and a roster row
alone cannot be keyed without the caller's ``known_keys``.
"""
from __future__ import annotations

import re
from functools import partial
from urllib.parse import urlsplit

from ..fetch import Page
from ..parsing import (
    absolute, cell_text, lines, lines_before, lines_from, own_rows, paired_labels, query_param, soup,
    table_with_header, text_of,
)
from ..records import BookingRecord, ChargeRecord, RecordRejected
from ..standardize import clean, money, parse_date, whole_number
from .base import RosterRead, RosterRow, Scraper, checked

_DECLARED = re.compile(r"Inmates:\s*(\d+)", re.IGNORECASE)
_FOOTER = ("Powered by",)


class TcsiScraper(Scraper):
    list_id_field = "bk"
    key_is_list_id = False        # the key needs the sheet's booking count

    def read_roster(self, read: RosterRead) -> list[RosterRow]:
        return read.list_page(self.jail.docket_url, lambda page: self._roster_rows(read, page)) or []

    def _roster_rows(self, read: RosterRead, page: Page) -> list[RosterRow]:
        document = soup(page.text)
        if found := _DECLARED.search(text_of(document)):
            read.declare(page.url, int(found.group(1)))
        rows = []
        for anchor in document.find_all("a", href=True):
            url = absolute(page.base_url, anchor["href"])
            iid = query_param(url, "iid")
            if iid and urlsplit(url).path.lower().endswith("inmateinfo.aspx"):
                rows.append(RosterRow(list_id=iid, source_url=page.url, detail_url=url,
                                      record=BookingRecord(booking_key="", bk=iid, link=url)))
        return rows

    def parse_detail(self, page: Page, row: RosterRow) -> BookingRecord:
        document = soup(page.text)
        labels = paired_labels(document, "span.prefix", "span.postfix")
        count = checked("booking #", whole_number, labels.value("BOOKING #"))
        if count is None:
            raise RecordRejected("booking #: the sheet shows no booking count")
        intake_number = f"{row.list_id}_{count:02d}"
        charges, bond_total, fine_total = self._charges(document)
        labels.forget("AGE")
        sheet = lines_before(lines(document), _FOOTER)
        return self.merged(
            row,
            booking_key=intake_number, intake_number=intake_number,
            **self.person(name_raw=labels.value("NAME"), sex_raw=labels.value("SEX"),
                          race_raw=labels.value("RACE")),
            dob=checked("birthdate", parse_date, labels.value("BIRTHDATE")),
            intake_age=checked("age", whole_number, labels.value("AGE")),
            height=labels.value("HEIGHT"), weight=labels.value("WEIGHT"),
            hair=labels.value("HAIR"), eyes=labels.value("EYES"), glasses=labels.value("GLASSES"),
            agency_raw=labels.value("ARRESTING AGENCY"),
            **self.booking_time(labels.value("BOOKING DATE"), datetime_formats=("%m/%d/%Y %I:%M %p",),
                                date_formats=("%m/%d/%Y",)),
            scheduled_release_on=checked("scheduled release date", parse_date,
                                         labels.value("SCHEDULED RELEASE DATE")),
            charge_1=labels.value("PRIMARY OFFENSE"), charges=charges,
            bond_cash=bond_total, fine_amount=fine_total,
            raw_html=page.text, normalized_text="\n".join(lines_from(sheet, "NAME")),
        )

    @staticmethod
    def _charges(document):
        """Charges with court, bond and fine; the totals row (a ``<tfoot>``, which this site
        nests inside ``<tbody>``) gives the booking's bond and fine."""
        found = table_with_header(document, "OFFENSE")
        if found is None:
            return [], None, None
        table, column = found
        charges, bond_total, fine_total = [], None, None
        for tr in own_rows(table):
            cells = tr.find_all("td")
            if not cells:
                continue
            cell = partial(cell_text, cells, column)

            if tr.find_parent("tfoot") is not None:
                bond_total = checked("total bond", money, cell("BOND"))
                fine_total = checked("total fine", money, cell("FINE"))
                continue
            description = clean(cell("OFFENSE"))
            if not description:
                continue
            number = len(charges) + 1
            charges.append(ChargeRecord(
                description=description, court=clean(cell("COURT")) or None,
                bond=checked(f"charge {number} bond", money, cell("BOND")),
                fine=checked(f"charge {number} fine", money, cell("FINE")),
            ))
        return charges, bond_total, fine_total
