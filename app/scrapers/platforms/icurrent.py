"""The static ``ICURRENT.HTM`` export (Madison, Pearl River): one roster table, one
``ICUDnnnn.HTM`` intake sheet per row.

The ``ICUDnnnn`` pages are numbered slots, handed to whoever sits at that row of the
alphabetical roster: the same URL shows somebody else an hour later. A booking is therefore
keyed by the ``INTAKE #`` its sheet prints, and its link and photo are marked as slots.

Options: ``charge_cut`` - a character that ends every charge (Pearl River's export leaves a
stray ``ã`` after some).
"""
from __future__ import annotations

import re
from functools import partial

from ..fetch import Page
from ..parsing import (
    absolute, cell_text, inline_labels, label_key, lines, lines_from, own_rows, soup, table_with_header,
    text_of,
)
from ..records import BookingRecord, ChargeRecord, RecordRejected
from ..standardize import clean, cut_at, money, parse_date, split_statute, whole_number
from .base import RosterRead, RosterRow, Scraper, checked

_DECLARED = re.compile(r"TOTAL INMATES:\s*(\d+)", re.IGNORECASE)
_SLOT_PAGE = re.compile(r"ICUD\d+\.HTM$", re.IGNORECASE)
# Where the spec found the booking number and top charge when a roster has no header row.
_DEFAULT_COLUMNS = {"BOOKING #": 2, "CHARGE": 8}
# The export cuts court names to ten characters; the ones it is known to cut, in full.
COURT_NAMES = {
    "CIRCUIT CO": "CIRCUIT COURT",
    "JUSTICE CO": "JUSTICE COURT",
    "OTHER COUR": "OTHER COURT",
    "OTHER AGEN": "OTHER AGENCY",
}


def _slot_photo(slot_url: str | None) -> str | None:
    """The photo that goes with a slot: ``ICUD0001.HTM`` shows ``ICUP0001.jpg``."""
    if not slot_url:
        return None
    return re.sub(r"ICUD(\d+)\.HTM$", r"ICUP\1.jpg", slot_url, flags=re.IGNORECASE)


class ICurrentScraper(Scraper):
    list_id_field = "bk"
    key_is_list_id = False        # the key is the sheet's INTAKE #

    def read_roster(self, read: RosterRead) -> list[RosterRow]:
        return read.list_page(self.jail.docket_url, lambda page: self._roster_rows(read, page)) or []

    def _roster_rows(self, read: RosterRead, page: Page) -> list[RosterRow]:
        document = soup(page.text)
        if found := _DECLARED.search(text_of(document)):
            read.declare(page.url, int(found.group(1)))
        columns = dict(_DEFAULT_COLUMNS)
        width = max(columns.values()) + 1
        rows = []
        for tr in document.find_all("tr"):
            headers = tr.find_all("th")
            if headers:
                columns = {label_key(th.get_text()): n for n, th in enumerate(headers)}
                width = len(headers)
                continue
            cells = tr.find_all("td")
            if len(cells) < width or "BOOKING #" not in columns:
                continue
            link = next((a["href"] for a in tr.find_all("a", href=True) if _SLOT_PAGE.search(a["href"].strip())), None)
            bk = clean(cells[columns["BOOKING #"]].get_text())
            if not bk:
                continue
            top_charge = cells[columns["CHARGE"]].get_text() if "CHARGE" in columns else None
            detail_url = absolute(page.base_url, link)
            rows.append(RosterRow(
                list_id=bk, source_url=page.url, detail_url=detail_url,
                record=BookingRecord(booking_key="", bk=bk, link=detail_url, link_is_slot=True,
                                     img_src=_slot_photo(detail_url),
                                     charge_1=cut_at(top_charge, self.option("charge_cut")) or None,
                                     booked_at=self._row_intake_time(cells, columns)),
            ))
        return rows

    def _row_intake_time(self, cells, columns):
        """The row's INTAKE DATE and TIME: a bk outlives its bookings, and a new time under
        a known bk is a re-booking (RosterRead.rebooked). None when the row shows no usable
        time; the sheet is then what tells."""
        if "INTAKE DATE" not in columns or "TIME" not in columns:
            return None
        shown = " ".join(clean(cells[columns[name]].get_text()) or "" for name in ("INTAKE DATE", "TIME"))
        try:
            return self.booking_time(shown, datetime_formats=("%m/%d/%Y %H:%M",))["booked_at"]
        except RecordRejected:
            return None

    def parse_detail(self, page: Page, row: RosterRow) -> BookingRecord:
        document = soup(page.text)
        labels = inline_labels(document)
        intake_number = labels.value("INTAKE #")
        if not intake_number:
            raise RecordRejected("intake_number: the sheet has no INTAKE #")
        if row.list_id and intake_number.partition(" ")[0] != row.list_id:
            # The slot went to somebody else after the roster was read. Taking this sheet for
            # the row would drop the row's own person from the read, and ingest would then
            # release them; the row stays on the roster under its known key instead.
            raise RecordRejected(f"intake_number: the slot now shows {intake_number}, not {row.list_id}"
                                 " (the roster changed while it was read)")
        charges = self._charges(document)
        charge_1 = charges[0].description if charges else row.record.charge_1
        statute, title = split_statute(charge_1)
        photo = document.find("img", src=True)
        labels.forget("AGE")
        sheet = lines(document)
        return self.merged(
            row,
            booking_key=intake_number, intake_number=intake_number,
            intake_case_number=labels.value("CASE#"),
            img_src=absolute(page.base_url, photo["src"]) if photo else None,
            **self.person(name_raw=labels.value("NAME"), sex_raw=labels.value("SEX"),
                          race_raw=labels.value("RACE")),
            dob=checked("dob", parse_date, labels.value("DOB")),
            intake_age=checked("intake_age", whole_number, labels.value("AGE")),
            address_line_1=labels.value("ADDRESS"), address_line_2=labels.value("CITY/ST"),
            height=labels.value("HGT"), weight=labels.value("WGT"),
            hair=labels.value("HAIR"), eyes=labels.value("EYES"),
            agency_raw=labels.value("ARRESTING AGENCY"),
            **self.booking_time(" ".join(filter(None, (labels.value("INTAKE DATE"), labels.value("TIME")))),
                                datetime_formats=("%m/%d/%Y %H:%M",), date_formats=("%m/%d/%Y",)),
            offense_on=checked("offense date", parse_date, labels.value("OFF DATE")),
            bond_written=checked("written bond", money, labels.value("WRITTEN BOND")),
            bond_cash=checked("cash bond", money, labels.value("CASH BOND")),
            charges=charges, charge_1=charge_1, charge_1_statute=statute, charge_1_title=title,
            raw_html=page.text, normalized_text="\n".join(lines_from(sheet, "NAME")),
        )

    def _charges(self, document) -> list[ChargeRecord]:
        """The offense table: the one whose header names OFFENSE (the spec's tenth table)."""
        found = table_with_header(document, "OFFENSE")
        if found is None:
            return []
        table, column = found
        charges = []
        for tr in own_rows(table):
            cells = tr.find_all("td")
            if not cells:
                continue
            cell = partial(cell_text, cells, column)

            description = cut_at(cell("OFFENSE"), self.option("charge_cut"))
            if not description:
                continue
            statute, title = split_statute(description)
            court = clean(cell("COURT"))
            charges.append(ChargeRecord(
                description=description, statute=statute, title=title,
                court=COURT_NAMES.get(court, court) or None,
                bond=checked(f"charge {len(charges) + 1} bond", money, cell("BOND AMT")),
            ))
        return charges
