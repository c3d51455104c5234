"""What every simulated docket site shares: the request and response, formatting helpers and
the base class each vendor platform's site extends."""
from __future__ import annotations

import html
import random
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from ..people import Booking
from ..population import CENTRAL, JailPopulation

HTML_UTF8 = "text/html; charset=UTF-8"


@dataclass
class Request:
    method: str
    path: str                     # the site's own path (below the jail's prefix, if it has one)
    query: list[tuple[str, str]]  # as ``parse_qsl(..., keep_blank_values=True)`` gives it
    base_url: str                 # where the site is rooted, no trailing slash

    def param(self, name: str, default: str | None = None) -> str | None:
        for key, value in self.query:
            if key == name:
                return value
        return default


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = HTML_UTF8
    headers: dict[str, str] = field(default_factory=dict)


def esc(value) -> str:
    """Text for an element's content (attribute values here never hold quotes)."""
    return html.escape(str(value), quote=False)


def money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def mdy(day: date | None) -> str:
    return day.strftime("%m/%d/%Y") if day else "//"


def local(moment: datetime) -> datetime:
    return moment.astimezone(CENTRAL)


def clock_12h(moment: datetime) -> str:
    """``9:14 am`` as the sheriff-site template prints it."""
    moment = local(moment)
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'am' if moment.hour < 12 else 'pm'}"


def not_found() -> Response:
    return Response(404, b"")


def page(body: str, *, status: int = 200, encoding: str = "utf-8",
         content_type: str = HTML_UTF8) -> Response:
    return Response(status, body.encode(encoding, errors="replace"), content_type)


class Site:
    """A docket website in one vendor's format. Subclasses render pages from the jail's
    population at the moment of each request."""

    template: str            # the real jail whose site this imitates (its cassette's markup)
    platform: str            # the scraper platform that reads it (app.scrapers.platforms)
    county: str              # whose historical rates the jail follows
    cities: tuple[str, ...]
    agencies: tuple[tuple[str, float], ...] = ()
    max_charges = 5
    docket_path: str         # the roster's path and query, below the jail prefix

    def __init__(self, name: str, *, template: str, county: str, cities: tuple[str, ...],
                 agencies: tuple[tuple[str, float], ...] = ()):
        self.name = name     # the facility's name as its pages print it
        self.template = template
        self.county = county
        self.cities = cities
        self.agencies = agencies
        # Multiplies how often each irregularity occurs (tests raise it to meet them all).
        self.irregularity = 1.0

    def chance(self, rng: random.Random, share: float) -> bool:
        """Whether a booking shows an irregularity that occurs in ``share`` of them."""
        return rng.random() < min(1.0, share * self.irregularity)

    # -- population hooks --------------------------------------------------------------
    def assign_ids(self, booking: Booking, counters: dict) -> None:
        raise NotImplementedError

    def draw_traits(self, rng: random.Random) -> dict:
        """Per-booking irregularities this site is known for (a missing row, an empty cell)."""
        return {}

    # -- serving -----------------------------------------------------------------------
    def respond(self, request: Request, population: JailPopulation, now: datetime) -> Response:
        raise NotImplementedError

    def is_roster_request(self, request: Request) -> bool:
        """Whether the request is for a roster (list) page, the part a redesign changes."""
        raise NotImplementedError

    def redesigned(self, request: Request, population: JailPopulation, now: datetime) -> Response:
        """The roster after a site redesign: the same people in markup no parser knows."""
        roster = population.roster(now)
        items = "".join(
            f'<li class="card" data-id="{esc(b.key)}"><span>{esc(b.person.name_first_last())}</span></li>'
            for b in roster)
        return page(f'<html><head><title>{esc(self.name)}</title></head><body>'
                    f'<main class="roster-2"><h1>Who is in jail</h1><ul>{items}</ul></main>'
                    f'</body></html>')

    # -- ground truth ------------------------------------------------------------------
    def expected(self, booking: Booking, now: datetime) -> dict:
        """What a correct parser reads for ``booking`` from this site at ``now``."""
        raise NotImplementedError
