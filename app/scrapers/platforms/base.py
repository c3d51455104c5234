"""The scraper framework: what every platform scraper shares.

A platform scraper only knows its pages. It reads the roster into ``RosterRow``s
(``read_roster``) and turns one person's page into a ``BookingRecord`` (``parse_detail``).
``Scraper.scrape`` does the rest the same way for every jail: skipping detail pages the
caller already knows, surviving failed pages and unreadable records (each becomes one line in
``ScrapeResult.errors``), validating, de-duplicating by booking key, and deciding whether the
roster was read completely enough for releases to be inferred from it.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from ..fetch import Fetcher, FetchError, Page
from ..jails import JailDeclaration
from ..records import BookingRecord, RecordRejected, ScrapeResult, validate
from ..standardize import clean, docket_time, parse_name, race_code, sex_code


@dataclass
class RosterRow:
    """One person as a roster page lists them."""

    list_id: str                   # what the row identifies them by (see Scraper.list_id_field)
    record: BookingRecord          # what the row itself shows; booking_key "" if only the detail page has it
    source_url: str                # the roster page the row is on
    detail_url: str | None = None  # the person's own page
    needs_detail: bool = True      # False when the row already is the whole record (jcj's cards)
    # Why the row itself could not be read ("field: reason"); the booking is then kept in
    # view from its key alone, if the row shows one.
    problem: str | None = None


def checked(field: str, convert: Callable[..., Any], *args, **kwargs):
    """``convert(*args)``, with a ValueError turned into a rejection naming ``field``."""
    try:
        return convert(*args, **kwargs)
    except RecordRejected:
        raise
    except ValueError as exc:
        raise RecordRejected(f"{field}: {exc}") from None


def _cut_off(text: str) -> bool:
    """An HTML page that stops before its end: a dropped connection or a server that died
    mid-answer. Without it the rows on the lost part would look released."""
    return text.lstrip().startswith("<") and "</html>" not in text[-4096:].lower()


def describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"


class RosterRead:
    """The state of one scrape: what was read, what failed, what it all adds up to."""

    def __init__(self, scraper: Scraper, fetcher: Fetcher, now: datetime,
                 known_keys: Mapping[str, str] | None, known_booked: Mapping[str, datetime] | None = None):
        self.scraper = scraper
        self.fetcher = fetcher
        self.now = now
        self.known_keys = known_keys
        self.known_booked = known_booked or {}
        self.result = ScrapeResult()
        self.roster_intact = True          # every roster page fetched and understood
        self.unresolved_rows = 0           # rows left without a booking key
        self.unkeyed: set[str] = set()     # ... by their list ids, for another try (see Scraper._look_again)
        self._kept: dict[str, BookingRecord] = {}
        self._released: dict[str, BookingRecord] = {}

    def error(self, where: str, field: str, reason: str) -> None:
        self.result.errors.append(f"{where}: {field}: {reason}")

    # ---- roster pages --------------------------------------------------------------
    def list_page(self, url: str, parse: Callable[[Page], Any], *, method: str = "GET",
                  params=None, data=None):
        """Fetch one roster page and parse it. A page that fails either way is noted (the
        roster then counts as not read end to end) and gives None."""
        try:
            page = self.fetcher.request(method, url, params=params, data=data)
        except FetchError as exc:
            self.roster_intact = False
            self.error(exc.url, "roster page", exc.what_happened)
            return None
        if _cut_off(page.text):
            # What it lists is still worth reading, but it may not be everyone.
            self.roster_intact = False
            self.error(page.url, "roster page", "cut off (it does not end in </html>)")
        try:
            return parse(page)
        except Exception as exc:  # noqa: BLE001 - an unreadable page must not end the run
            self.roster_intact = False
            self.error(page.url, "roster page", f"unreadable: {describe(exc)}")
            return None

    def numbered_pages(self, first: int, first_url: str, parse: Callable[[Page], Any], *, step: int,
                       url_for: Callable[[int], str], max_pages: int) -> list[RosterRow]:
        """Follow a numbered paging bar. ``parse`` gives (rows, {page number: url} linked from
        the page); pages are read lowest number first, and since a bar may show only a window
        of pages, every number up to the highest seen is read (``url_for`` makes its URL).
        Page numbers run ``first``, ``first + step``, ...; a link past ``max_pages`` pages is
        noise."""
        pages, done, rows = {first: first_url}, set(), []
        while len(done) < max_pages and (pending := sorted(set(pages) - done)):
            number = pending[0]
            done.add(number)
            found = self.list_page(pages[number], parse)
            if found is None:
                continue
            page_rows, linked = found
            rows += page_rows
            for linked_number, url in linked.items():
                if linked_number <= step * max_pages:
                    pages.setdefault(linked_number, url)
            for missing in range(step, max(pages) + 1, step):
                pages.setdefault(missing, url_for(missing))
        return rows

    def declare(self, where: str, count: int | None) -> None:
        """The roster size a page states. Pages disagreeing means the roster changed while
        it was being read."""
        if count is None:
            return
        declared = self.result.declared_count
        if declared is None:
            self.result.declared_count = count
        elif declared != count:
            self.roster_intact = False
            self.error(where, "declared count", f"changed from {declared} to {count} during the read")

    # ---- people ----------------------------------------------------------------------
    def rebooked(self, row: RosterRow) -> bool:
        """The row shows another booking time than the known booking under its list id: the
        same person booked again (a Madison bk outlives its bookings), whose new sheet must
        be read even when the known one's turn to be re-read has not come."""
        stored = self.known_booked.get(row.list_id)
        shown = row.record.booked_at
        return stored is not None and shown is not None and shown != stored

    def keep(self, record: BookingRecord, where: str, fallback_key: str | None = None,
             row: RosterRow | None = None) -> None:
        """Validate a record read from the roster; a rejected one falls back to a
        roster-only record when its key is known."""
        try:
            validate(record, now=self.now, tz=self.scraper.tz)
        except RecordRejected as exc:
            field, reason = _split_reason(str(exc))
            self.error(where, field, reason)
            if not fallback_key and field != "booking_key":
                fallback_key = record.booking_key
            self.keep_roster_only(row, fallback_key)
            return
        self._kept.setdefault(record.booking_key, record)

    def keep_roster_only(self, row: RosterRow | None, key: str | None) -> None:
        """The person is on the roster but their page was not (or could not be) read: keep
        the booking in view without changing what is known about it."""
        if not key or row is None:
            self.unresolved_rows += 1
            if row is not None and row.list_id:
                self.unkeyed.add(row.list_id)
            return
        shown = row.record
        self._kept.setdefault(key, BookingRecord(
            booking_key=key, bk=shown.bk, intake_number=shown.intake_number, link=shown.link,
            img_src=shown.img_src, link_is_slot=shown.link_is_slot, detail_complete=False,
        ))

    def add_released(self, record: BookingRecord, where: str) -> None:
        """A booking the docket itself shows as released (not on the roster)."""
        try:
            validate(record, now=self.now, tz=self.scraper.tz)
        except RecordRejected as exc:
            self.error(where, *_split_reason(str(exc)))
            return
        self._released.setdefault(record.booking_key, record)

    def is_complete(self, rows: list[RosterRow]) -> bool:
        """Every roster page read, as many rows as the site declares, and every row keyed -
        the only kind of read releases may be inferred from."""
        declared = self.result.declared_count
        # A row left without a key could hide a booking already in custody, unless the
        # caller said which bookings those are (then it is someone new).
        hidden = self.unresolved_rows if self.known_keys is None else 0
        return bool(self.roster_intact and rows and (declared is None or declared == len(rows))
                    and not hidden)

    def finish(self, rows: list[RosterRow], counters: tuple[int, int]) -> ScrapeResult:
        result = self.result
        result.roster_keys = set(self._kept)
        result.records = list(self._kept.values()) + [
            record for key, record in self._released.items() if key not in self._kept
        ]
        declared = result.declared_count
        if self.roster_intact and not rows:
            self.error(self.scraper.jail.docket_url, "roster", "no bookings found (has the layout changed?)")
        elif self.roster_intact and declared is not None and declared != len(rows):
            self.error(self.scraper.jail.docket_url, "roster",
                       f"the site declares {declared} bookings but {len(rows)} rows were read")
        result.complete = self.is_complete(rows)
        result.requests_sent = self.fetcher.requests_sent - counters[0]
        result.pages_fetched = self.fetcher.pages_fetched - counters[1]
        return result


def unique_rows(rows: list[RosterRow]) -> list[RosterRow]:
    """A person linked twice, or seen on two pages as the roster shifted, is one row; rows
    showing no identifier at all are each their own."""
    unique: dict[str, RosterRow] = {}
    for number, row in enumerate(rows):
        unique.setdefault(row.list_id or f"#{number}", row)
    return list(unique.values())


def _split_reason(message: str) -> tuple[str, str]:
    field, _, reason = message.partition(": ")
    return (field, reason) if reason else ("record", message)


class Scraper:
    """Base class of the platform scrapers (one per vendor platform or jail site)."""

    # Which BookingRecord (and Booking) attribute holds the identifier a roster row shows;
    # ``known_keys`` and ``skip_detail`` speak in these identifiers.
    list_id_field = "bk"
    # True when the booking key is that identifier itself, so a row is keyed without its page.
    key_is_list_id = True
    default_options: dict = {}
    # How many times the roster pages may be read in one run while waiting for them to hold
    # still (see _look_again).
    ROSTER_READS = 3

    def __init__(self, jail: JailDeclaration):
        self.jail = jail
        self.options = {**self.default_options, **jail.options}
        self.tz = ZoneInfo(jail.timezone)

    # ---- the entry point -------------------------------------------------------------
    def scrape(self, fetcher: Fetcher, *, now: datetime,
               skip_detail: Callable[[str], bool] | None = None,
               known_keys: Mapping[str, str] | None = None,
               known_booked: Mapping[str, datetime] | None = None) -> ScrapeResult:
        """Read the whole docket once.

        ``known_keys`` maps the list id (``list_id_field``) of every booking the caller holds
        in custody to its booking key. ``skip_detail(list_id)`` returning True lets a row be
        taken from the roster alone (``detail_complete=False``) when its key is known. With
        ``known_keys``, sites that keep a released person's page (the roster.php template)
        are asked about bookings that left the roster, to read the release date they publish.
        ``known_booked`` gives those bookings' booking times: a row showing another is read
        in full (see RosterRead.rebooked).
        """
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        read = RosterRead(self, fetcher, now, known_keys, known_booked)
        counters = (fetcher.requests_sent, fetcher.pages_fetched)
        try:
            rows = self.read_roster(read)
            self.read_release_listing(read)
        except Exception as exc:  # noqa: BLE001 - reported, and the run counts as incomplete
            read.roster_intact = False
            read.error(self.jail.docket_url, "roster", f"unreadable: {describe(exc)}")
            rows = []
        rows = unique_rows(rows)
        for row in rows:
            self._read_person(read, row, skip_detail)
        if known_keys and read.is_complete(rows):
            # Only a whole roster tells who has left it.
            on_roster = {row.list_id for row in rows}
            missing = [list_id for list_id in known_keys if list_id not in on_roster]
            if missing:
                missing = self._look_again(read, rows, missing, skip_detail)
            if missing:
                self.read_releases(read, missing)
        return read.finish(rows, counters)

    def _look_again(self, read: RosterRead, rows: list[RosterRow], missing: list[str],
                    skip_detail: Callable[[str], bool] | None) -> list[str]:
        """Who of ``missing`` (known, not on the roster just read) has really left.

        A roster that changes while its pages are read can hide people: when somebody on a
        page already read leaves, everyone after them moves up a place, and whoever moves
        onto that page is on no page at all. Such a person is still held and must not be
        released. A read cannot have hidden anybody if everyone it showed is still on the
        roster when it is read again: a hiding needs somebody it showed to have left. So the
        roster pages (not the sheets) are read again until one read is confirmed by the
        next; the bookings missing from every read are the ones gone. A roster that never
        holds still for ``ROSTER_READS`` reads, or a read that fails, releases nobody.

        New people a later read shows (hidden from the first, or just booked), and rows whose
        sheet could not be tied to them the first time (a slot that had moved on), have their
        sheets read from the fresher roster.
        """
        wanted = set(missing)
        previous = {row.list_id for row in rows if row.list_id}
        shown = set(previous)
        for _ in range(1, self.ROSTER_READS):
            again = self._read_roster_again(read)
            if again is None:
                return []
            for row in again:
                if not row.list_id or (row.list_id in shown and row.list_id not in read.unkeyed):
                    continue
                if row.list_id in wanted:
                    read.keep_roster_only(row, self.key_for_list_id(row.list_id, read.known_keys))
                else:
                    read.unkeyed.discard(row.list_id)
                    self._read_person(read, row, skip_detail)
            current = {row.list_id for row in again if row.list_id}
            shown |= current
            if previous <= current:
                return [list_id for list_id in missing if list_id not in shown]
            previous = current
        read.roster_intact = False
        read.error(self.jail.docket_url, "roster",
                   f"changed during each of {self.ROSTER_READS} reads; nobody released")
        return []

    def _read_roster_again(self, read: RosterRead) -> list[RosterRow] | None:
        """One more read of the roster pages, checked on its own (None if it went wrong,
        which also marks the run's roster read incomplete)."""
        first_declared, read.result.declared_count = read.result.declared_count, None
        try:
            rows = unique_rows(self.read_roster(read))
        except Exception as exc:  # noqa: BLE001 - reported, and the run counts as incomplete
            read.roster_intact = False
            read.error(self.jail.docket_url, "roster", f"unreadable when read again: {describe(exc)}")
            rows = []
        declared, read.result.declared_count = read.result.declared_count, first_declared
        if read.roster_intact and rows and declared is not None and declared != len(rows):
            read.roster_intact = False
            read.error(self.jail.docket_url, "roster",
                       f"read again, the site declares {declared} bookings but {len(rows)} rows were read")
        if not read.roster_intact or not rows:
            read.roster_intact = False
            return None
        return rows

    def key_for_list_id(self, list_id: str, known_keys: Mapping[str, str] | None = None) -> str | None:
        """The booking key of a roster row whose page is not read, or None if unknown."""
        if self.key_is_list_id:
            return list_id
        return (known_keys or {}).get(list_id)

    # ---- what a platform provides -------------------------------------------------------
    def read_roster(self, read: RosterRead) -> list[RosterRow]:
        raise NotImplementedError

    def parse_detail(self, page: Page, row: RosterRow) -> BookingRecord:
        raise NotImplementedError

    def read_releases(self, read: RosterRead, missing_list_ids: list[str]) -> None:
        """Look up bookings that left the roster, where the site still shows them."""

    def read_release_listing(self, read: RosterRead) -> None:
        """Read the page a site keeps of everyone it released lately (jcj's 48-hour page),
        once a run, after the roster; a second look at the roster does not read it again."""

    # ---- the shared flow ------------------------------------------------------------
    def _read_person(self, read: RosterRead, row: RosterRow, skip_detail) -> None:
        key = row.record.booking_key or (
            self.key_for_list_id(row.list_id, read.known_keys) if row.list_id else None)
        if row.problem:
            read.error(row.source_url, *_split_reason(row.problem))
            read.keep_roster_only(row, key)
            return
        if not row.needs_detail:
            read.keep(row.record, row.source_url, key, row)
            return
        if key and skip_detail is not None and skip_detail(row.list_id) and not read.rebooked(row):
            read.keep_roster_only(row, key)
            return
        if row.detail_url is None:
            read.error(row.source_url, "link", f"no page to read for {row.list_id!r}")
            read.keep_roster_only(row, key)
            return
        try:
            page = read.fetcher.get(row.detail_url)
        except FetchError as exc:
            read.error(exc.url, "detail page", exc.what_happened)
            read.keep_roster_only(row, key)
            return
        try:
            record = self.parse_detail(page, row)
        except RecordRejected as exc:
            read.error(page.url, *_split_reason(str(exc)))
            read.keep_roster_only(row, key)
            return
        except Exception as exc:  # noqa: BLE001 - one unreadable page must not end the run
            read.error(page.url, "page", f"unreadable: {describe(exc)}")
            read.keep_roster_only(row, key)
            return
        read.keep(record, page.url, key, row)

    # ---- helpers for platforms ----------------------------------------------------------
    def option(self, name: str, default=None):
        return self.options.get(name, default)

    @staticmethod
    def merged(row: RosterRow, **fields) -> BookingRecord:
        """The row's record with the detail page's fields laid over it."""
        return replace(row.record, **fields)

    def person(self, *, name_raw: str | None = None, sex_raw: str | None = None,
               race_raw: str | None = None) -> dict:
        """Name parts, sex and race, standardised, with the raw values kept."""
        name = parse_name(name_raw)
        return dict(name_raw=clean(name_raw) or None, first_name=name.first, middle_name=name.middle,
                    last_name=name.last, suffix=name.suffix,
                    **self.sex_and_race(sex_raw=sex_raw, race_raw=race_raw))

    def sex_and_race(self, *, sex_raw: str | None, race_raw: str | None) -> dict:
        return dict(sex_raw=clean(sex_raw) or None, sex=sex_code(sex_raw),
                    race_raw=clean(race_raw) or None, race=race_code(race_raw, self.option("race_codes")))

    def booking_time(self, raw: str | None, *, datetime_formats=(), date_formats=()) -> dict:
        when = checked("booking date", docket_time, raw, self.tz,
                       datetime_formats=datetime_formats, date_formats=date_formats)
        return dict(booked_at=when.at, booked_on=when.on, booking_date_precision=when.precision)

    def release_time(self, raw: str | None, *, datetime_formats=(), date_formats=()) -> dict:
        when = checked("release date", docket_time, raw, self.tz,
                       datetime_formats=datetime_formats, date_formats=date_formats)
        return dict(released_at=when.at, released_on=when.on, release_precision=when.precision)
