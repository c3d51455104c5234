"""Jasper County's WordPress cards: everything about a person is on the roster page itself
(``/inmate-roster/``), one ``div.inmate`` card each, and the people released in the last 48
hours are on ``/48-hour-release/`` in the same cards with a ``Release Date:``. There are no
per-person pages. Dates are date-only.

Options: ``release_page`` - the 48-hour page (default ``/48-hour-release/`` on the roster's
host).
"""
from __future__ import annotations

from urllib.parse import urljoin

from ..fetch import FetchError, Page
from ..parsing import absolute, inline_labels, lines, soup, text_of
from ..records import BookingRecord, ChargeRecord, RecordRejected
from ..standardize import clean, whole_number
from .base import RosterRead, RosterRow, Scraper, checked, describe

_DATES = ("%m/%d/%Y",)


class JasperScraper(Scraper):
    default_options = {"release_page": "/48-hour-release/", "card_selector": "div.inmate"}

    def read_roster(self, read: RosterRead) -> list[RosterRow]:
        return read.list_page(self.jail.docket_url, self._cards) or []

    def _cards(self, page: Page) -> list[RosterRow]:
        document = soup(page.text)
        scope = document.select_one("#primary") or document
        rows = []
        for card in scope.select(self.option("card_selector")):
            try:
                record = self._card(card, page)
            except RecordRejected as exc:
                shown = inline_labels(card).value("ARREST #") or ""
                rows.append(RosterRow(list_id=shown, source_url=page.url, needs_detail=False,
                                      problem=str(exc), record=BookingRecord(booking_key=shown, bk=shown or None)))
                continue
            rows.append(RosterRow(list_id=record.bk, record=record, source_url=page.url, needs_detail=False))
        return rows

    def _card(self, card, page: Page) -> BookingRecord:
        labels = inline_labels(card)
        bk = labels.value("ARREST #")
        if not bk:
            raise RecordRejected("arrest #: the card shows none")
        # Charges follow their label as a list (or as lines, on older cards).
        charges = [clean(li.get_text()) for li in card.find_all("li")]
        charges = [charge for charge in charges if charge] or labels.lines_of("CHARGES")
        arrested = self.booking_time(labels.value("ARREST DATE"), date_formats=_DATES)
        photo = card.find("img", src=True)
        heading = card.find(["h1", "h2", "h3"])
        raw_html = str(card)
        labels.forget("AGE")
        return BookingRecord(
            booking_key=bk, bk=bk, intake_number=bk, link=page.url,
            img_src=absolute(page.base_url, photo["src"]) if photo is not None else None,
            **self.person(name_raw=text_of(heading) if heading is not None else None,
                          sex_raw=labels.value("GENDER"), race_raw=labels.value("RACE")),
            intake_age=checked("age", whole_number, labels.value("AGE")),
            agency_raw=labels.value("ARREST AGENCY"),
            **arrested, arrested_on=arrested["booked_on"],
            **self.release_time(labels.value("RELEASE DATE"), date_formats=_DATES),
            charges=[ChargeRecord(description=charge) for charge in charges],
            charge_1=charges[0] if charges else None,
            raw_html=raw_html, normalized_text="\n".join(lines(card)),
        )

    def read_release_listing(self, read: RosterRead) -> None:
        """People released lately, with the date the docket gives. Not part of the roster:
        a failure here costs the release dates, not the run's completeness."""
        url = urljoin(self.jail.docket_url, self.option("release_page"))
        try:
            page = read.fetcher.get(url)
        except FetchError as exc:
            read.error(exc.url, "release page", exc.what_happened)
            return
        try:
            rows = self._cards(page)
        except Exception as exc:  # noqa: BLE001 - the roster is already read; keep it
            read.error(page.url, "release page", f"unreadable: {describe(exc)}")
            return
        for row in rows:
            if row.problem:
                read.error(row.source_url, "release page", row.problem)
            elif row.record.released_on is not None:
                read.add_released(row.record, row.source_url)
