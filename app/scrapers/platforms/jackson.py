"""Jackson County's jail docket API: ``POST _inmateList.php?Function=count`` answers the roster
size, ``Function=list&Page=<n>`` fifteen people a page as JSON, and
``inmate/_inmatedetails.php?id=<ID_Number>`` an HTML fragment with race, sex, height,
weight, eyes, age and every charge with its class and bond.

The number of pages is ceil(count / 15): the last, partial page is read too. The detail
fragment's lines are recognised by what they say, not where they sit.
"""
from __future__ import annotations

import math
import re
from urllib.parse import urljoin, urlsplit, urlunsplit

from ..fetch import Page, with_params
from ..parsing import absolute, lines, soup, text_of
from ..records import BookingRecord, ChargeRecord, RecordRejected
from ..standardize import clean, money, name_from_parts, parse_date
from .base import RosterRead, RosterRow, Scraper, checked

_DATES = ("%m/%d/%Y",)
_RACE_SEX = re.compile(r"^(.*?)\s*\b(Male|Female)$", re.IGNORECASE)
_HEIGHT = re.compile(r"^\d+\s*Ft\.?\s*\d+\s*In\.?$", re.IGNORECASE)
_WEIGHT = re.compile(r"^(\d+)\s*(?:Pounds|Lbs\.?)$", re.IGNORECASE)
_EYES = re.compile(r"^(.+?)\s+Eyes$", re.IGNORECASE)
_AGE = re.compile(r"^(\d+)\s+Years?\s+Old$", re.IGNORECASE)
_BONDABLE = re.compile(r"^Bondable$", re.IGNORECASE)
_CLASS_BOND = re.compile(r"^(.*?)\s*-\s*Bond:\s*(.*)$", re.IGNORECASE)
_MAX_PAGES = 500


class JacksonScraper(Scraper):
    default_options = {"per_page": 15}

    def _endpoint(self) -> str:
        parts = urlsplit(self.jail.docket_url)
        return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))

    def read_roster(self, read: RosterRead) -> list[RosterRow]:
        endpoint = self._endpoint()
        count = read.list_page(endpoint, self._count, method="POST", params={"Function": "count"})
        read.declare(endpoint, count)
        per_page = int(self.option("per_page"))
        rows: list[RosterRow] = []
        number = 1
        while number <= _MAX_PAGES:
            url = with_params(endpoint, {"Function": "list", "Page": number, "Order": "BookDesc", "Search": 0})
            page_rows = read.list_page(url, self._list_rows, method="POST")
            if count is not None:
                rows += page_rows or []
                if number >= math.ceil(count / per_page):
                    break
            else:
                # No count: read on until a page comes back short.
                rows += page_rows or []
                if not page_rows or len(page_rows) < per_page:
                    break
            number += 1
        return rows

    @staticmethod
    def _count(page: Page) -> int:
        count = page.json()
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"the count is not a whole number: {page.text[:40]!r}")
        return count

    def _list_rows(self, page: Page) -> list[RosterRow]:
        people = page.json()
        if not isinstance(people, list):
            raise ValueError("the list is not a JSON array")
        details = urljoin(self._endpoint(), "inmate/_inmatedetails.php")
        rows = []
        for person in people:
            if not isinstance(person, dict):
                rows.append(RosterRow(list_id="", source_url=page.url, problem="row: not a JSON object",
                                      record=BookingRecord(booking_key="")))
                continue
            def field(name, person=person):
                return clean(str(person.get(name) or ""))

            bk, id_number = field("Book_Number"), field("ID_Number")
            url = with_params(details, {"id": id_number}) if id_number else None
            record = BookingRecord(booking_key=bk, bk=bk or None, intake_number=id_number or None, link=url)
            try:
                parts = name_from_parts(field("Name_First_MI"), field("Name_Middle"),
                                        field("Name_Last"), field("Name_Suffix"))
                name_raw = " ".join(filter(None, (field("Name_First_MI"), field("Name_Middle"),
                                                  field("Name_Last"), field("Name_Suffix"))))
                booked = self.booking_time(field("BookDate"), date_formats=_DATES)
                record = self.merged(
                    RosterRow(list_id=bk, record=record, source_url=page.url),
                    name_raw=name_raw or None, first_name=parts.first, middle_name=parts.middle,
                    last_name=parts.last, suffix=parts.suffix, **booked,
                    arrested_on=checked("arrest date", parse_date, field("ArrestDate"), _DATES),
                    agency_raw=field("Arrest_Agency") or None,
                    img_src=urljoin(details, f"{id_number}.jpg") if id_number else None,
                )
            except RecordRejected as exc:
                rows.append(RosterRow(list_id=bk, record=record, source_url=page.url, problem=str(exc)))
                continue
            if not bk:
                rows.append(RosterRow(list_id="", record=record, source_url=page.url,
                                      problem="book_number: the row has none"))
                continue
            rows.append(RosterRow(list_id=bk, record=record, source_url=page.url, detail_url=url))
        return rows

    def parse_detail(self, page: Page, row: RosterRow) -> BookingRecord:
        document = soup(page.text)
        card = document.select_one("article.ilcard") or document.find("article")
        if card is None:
            raise RecordRejected("detail: the fragment has no inmate card")
        facts: dict = {}
        shown_number = None
        name_line = card.select_one(".inmateName")
        for paragraph in card.select(".iltext p"):
            text = text_of(paragraph)
            if paragraph is name_line or not text:
                continue
            if match := _RACE_SEX.match(text):
                facts.update(race_raw=match.group(1) or None, sex_raw=match.group(2))
            elif _HEIGHT.match(text):
                facts["height"] = text
            elif match := _WEIGHT.match(text):
                facts["weight"] = match.group(1)
            elif match := _EYES.match(text):
                facts["eyes"] = match.group(1)
            elif match := _AGE.match(text):
                facts["intake_age"] = int(match.group(1))
                paragraph.extract()          # the age ticks over; keep it out of the compared text
            elif _BONDABLE.match(text):
                facts["bondable"] = True
            elif row.record.bk and text == row.record.bk:
                shown_number = text
        if shown_number is None and row.record.bk and row.record.bk not in text_of(card):
            raise RecordRejected(f"book number: the fragment does not show {row.record.bk!r}")
        charges = self._charges(document)
        photo = card.find("img", src=True)
        for button in document.select(".ilbutton"):
            button.extract()                 # the victim-notification link, same on every sheet
        return self.merged(
            row, **self.sex_and_race(sex_raw=facts.pop("sex_raw", None), race_raw=facts.pop("race_raw", None)),
            bondable=facts.pop("bondable", False), **facts,
            img_src=absolute(page.base_url, photo["src"]) if photo is not None else row.record.img_src,
            charges=charges, charge_1=charges[0].description if charges else None,
            raw_html=page.text,
            normalized_text="\n".join(line for article in document.find_all("article") for line in lines(article)),
        )

    @staticmethod
    def _charges(document) -> list[ChargeRecord]:
        charges = []
        for item in document.select(".offenseItem"):
            texts = [text_of(p) for p in item.find_all("p")]
            texts = [text for text in texts if text]
            if not texts:
                continue
            description, classification, bond = texts[0], None, None
            for text in texts[1:]:
                if match := _CLASS_BOND.match(text):
                    classification = clean(match.group(1)) or None
                    bond = checked(f"charge {len(charges) + 1} bond", money, match.group(2))
            charges.append(ChargeRecord(description=description, classification=classification, bond=bond))
        return charges
