"""The Jasper WordPress cards: ``/inmate-roster/`` shows everyone held (newest Arrest # first)
and ``/48-hour-release/`` everyone released in the last 48 hours with their release date.
There are no per-person pages. Dates are date-only; no bond."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from ..people import Booking
from ..population import JailPopulation, local_date
from .base import Request, Response, Site, esc, local, mdy, not_found, page

RACES = {"B": "Black", "W": "White", "H": "Hispanic", "AS": "Asian", "AI": "Indian", "O": "Other",
         "U": "Unknown", "NHPI": "Other"}
RELEASE_WINDOW = timedelta(hours=48)


class JasperSite(Site):
    platform = "jasper"
    docket_path = "/inmate-roster/"

    def assign_ids(self, booking: Booking, counters: dict) -> None:
        arrest = str(12000 + booking.seq)
        booking.ids = {"key": arrest, "bk": arrest, "intake_number": arrest, "list_id": arrest}

    def draw_traits(self, rng: random.Random) -> dict:
        return {"no_age": self.chance(rng, 0.03)}

    def is_roster_request(self, request: Request) -> bool:
        return request.path == "/inmate-roster/"

    def respond(self, request: Request, population: JailPopulation, now: datetime) -> Response:
        if request.path == "/inmate-roster/":
            roster = sorted(population.roster(now), key=lambda b: int(b.key), reverse=True)
            return page(self.cards_page("Inmate Roster", request.base_url, roster, now, released=False))
        if request.path == "/48-hour-release/":
            gone = population.released_between(now - RELEASE_WINDOW, now)
            return page(self.cards_page("48 Hour Release", request.base_url, gone, now, released=True))
        return not_found()

    def card(self, base: str, b: Booking, now: datetime, released: bool) -> str:
        p = b.person
        booked = local(b.booked_at)
        rows = [("Arrest #:", b.key), ("Arrest Date:", mdy(local_date(b.booked_at)))]
        if released:
            rows.append(("Release Date:", mdy(local_date(b.released_at))))
        rows += [("Gender:", "Male" if p.sex == "M" else "Female"), ("Race:", RACES[p.race])]
        if not b.traits["no_age"]:
            rows.append(("Age:", str(p.age_on(local(now).date()))))
        rows += [("Arrest Agency:", esc(b.agency)), ("Charges:", "")]
        lines = "\n".join(f"  <p><strong>{label}</strong> {value}</p>" if value
                          else f"  <p><strong>{label}</strong></p>" for label, value in rows)
        charges = "".join(f"<li>{esc(c.title)}</li>" for c in b.charges_at(min(now, b.released_at)))
        return (' <div class="col-sm-4 inmate">\n'
                f'  <img src="{base}/wp-content/uploads/{booked:%Y/%m}/{b.key}.jpg" alt="">\n'
                f"  <h1> {esc(p.name_last_first())} </h1>\n{lines}\n  <ul>{charges}</ul>\n </div>")

    def cards_page(self, title: str, base: str, bookings: list[Booking], now: datetime,
                   released: bool) -> str:
        cards = "\n".join(self.card(base, b, now, released) for b in bookings)
        return (f"<html><head><title>{title} | {esc(self.name)}</title></head><body>\n"
                f'<div id="page"><header><a href="{base}/">{esc(self.name)}</a></header>\n'
                '<div id="primary" class="content-area"><div class="container"><div class="row">\n'
                f"{cards}\n</div></div></div></div></body></html>\n")

    def expected(self, booking: Booking, now: datetime) -> dict:
        person = booking.person
        released = booking.released_at <= now
        return {
            "booking_key": booking.key,
            "bk": booking.key,
            "intake_number": booking.key,
            "name_raw": person.name_last_first(),
            "sex_raw": "Male" if person.sex == "M" else "Female",
            "race_raw": RACES[person.race],
            "intake_age": None if booking.traits["no_age"] else person.age_on(local(now).date()),
            "agency_raw": booking.agency,
            "booked_on": local_date(booking.booked_at),
            "released_on": local_date(booking.released_at) if released else None,
            "charges": [c.title for c in booking.charges_at(min(now, booking.released_at))],
        }
