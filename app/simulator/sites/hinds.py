"""The Hinds classic-ASP inmate list: pages of ten 7-cell rows in arrest-date order (newest
first, unknown ``//`` dates last) and an ``inmate_detail.asp?ID=<pin>`` sheet with four
charge slots. Dates are date-only; Hinds publishes no bond. Content-Type carries no
charset."""
from __future__ import annotations

import random
from datetime import datetime

from ..people import Booking
from ..population import JailPopulation
from .base import Request, Response, Site, esc, mdy, not_found, page

PAGE_SIZE = 10
CONTENT_TYPE = "text/html"
RACES = {"B": "B", "W": "W", "H": "H", "AS": "A", "AI": "I", "O": "O", "U": "U", "NHPI": "O"}
LIST = "/pgs/apps/inmate/inmate_list.asp"
DETAIL = "/pgs/apps/inmate/inmate_detail.asp"


class HindsSite(Site):
    platform = "hinds"
    max_charges = 4          # the sheet has four charge slots
    docket_path = LIST

    def assign_ids(self, booking: Booking, counters: dict) -> None:
        pin = str(580000 + booking.seq)
        booking.ids = {"key": pin, "bk": pin, "list_id": pin}

    def draw_traits(self, rng: random.Random) -> dict:
        return {"no_dob": self.chance(rng, 0.02), "no_arrest_date": self.chance(rng, 0.01),
                "blank_race": self.chance(rng, 0.03), "location": rng.choice(("RDC", "RDC", "JDC", "WCC"))}

    def arrest_date(self, booking: Booking):
        return None if booking.traits["no_arrest_date"] else booking.arrested_on

    def ordered(self, roster: list[Booking]) -> list[Booking]:
        known = [b for b in roster if self.arrest_date(b) is not None]
        unknown = [b for b in roster if self.arrest_date(b) is None]
        known.sort(key=lambda b: (b.arrested_on, b.booked_at, b.key), reverse=True)
        return known + sorted(unknown, key=lambda b: b.key)

    def is_roster_request(self, request: Request) -> bool:
        return request.path == LIST

    def respond(self, request: Request, population: JailPopulation, now: datetime) -> Response:
        if request.path == LIST:
            action = request.param("ScrollAction", "Page 1")
            if not action.startswith("Page ") or not action[5:].isdigit():
                return not_found()
            roster = self.ordered(population.roster(now))
            pages = max(1, -(-len(roster) // PAGE_SIZE))
            number = int(action[5:])
            shown = roster[(number - 1) * PAGE_SIZE:number * PAGE_SIZE]
            return page(self.list_page(shown, number, pages), content_type=CONTENT_TYPE)
        if request.path == DETAIL:
            booking = population.get(request.param("ID", ""), now)
            if booking is None or not booking.in_custody(now):
                return not_found()
            return page(self.detail(booking, now), content_type=CONTENT_TYPE)
        return not_found()

    def race(self, booking: Booking) -> str:
        return "" if booking.traits["blank_race"] else RACES[booking.person.race]

    def list_page(self, shown: list[Booking], number: int, pages: int) -> str:
        rows = []
        for b in shown:
            p = b.person
            rows.append(
                f' <tr><td><a class="Right_Link" href="inmate_detail.asp?ID={b.key}">{esc(p.name_last_first())}</a></td>'
                f"<td>{'//' if b.traits['no_dob'] else mdy(p.dob)}</td><td>{p.height_in // 12}{p.height_in % 12:02d}</td>"
                f"<td>{p.weight_lb}</td><td>{p.sex}</td><td>{self.race(b)}</td><td>{mdy(self.arrest_date(b))}</td></tr>")
        buttons = "".join(f'<input type="submit" name="ScrollAction" value="Page {n}">'
                          for n in range(1, pages + 1) if n != number)
        return ("<html><head><title>Hinds County - Inmate Listing</title></head><body>\n"
                '<table width="100%"><tr><td><img src="../../images/header.jpg"></td></tr></table>\n'
                f"<h3>Page {number} of {pages}</h3>\n"
                '<form action="inmate_list.asp" method="get">\n'
                '<input type="hidden" name="name_sch" value="Date"><input type="hidden" name="SS1" value="1">\n'
                "<table>\n"
                ' <tr class="header"><th>Name</th><th>DOB</th><th>Height</th><th>Weight</th><th>Sex</th><th>Race</th><th>Arrest Date</th></tr>\n'
                + "\n".join(rows) + "\n</table>\n" + buttons + "\n</form></body></html>\n")

    def detail(self, b: Booking, now: datetime) -> str:
        p = b.person
        row = '<tr><td class="normaltxtright">{}</td><td class="normaltxtleft">{}</td></tr>'
        slots = []
        charges = b.charges_at(now)
        for index in range(4):
            if index < len(charges):
                offense = charges[index].offense
                slots.append(" " + row.format(f"Charge {index + 1}", esc(offense.title)))
                slots.append(' <tr><td></td><td class="normaltxtleft">Felony / Misdemeanor: '
                             f"{'F' if offense.felony else 'M'}</td></tr>")
            else:
                slots.append(" " + row.format(f"Charge {index + 1}", "Felony / Misdemeanor:"))
        lines = [
            ' <tr><td class="normaltxtleft" colspan="2" align="center">'
            f'<img align="middle" src="../../inmatephotos/{b.key}.jpg" width="150"></td></tr>',
            " " + row.format("Name", esc(p.name_last_first())),
            " " + row.format("Address", f"{esc(p.street)}<br>{esc(p.city)}, MS"),
            " " + row.format("Date of Birth", "//" if b.traits["no_dob"] else mdy(p.dob)),
            " " + row.format("Sex", p.sex),
            " " + row.format("Race", self.race(b)),
            " " + row.format("Height", f"{p.height_in // 12}{p.height_in % 12:02d}"),
            " " + row.format("Weight", p.weight_lb),
            " " + row.format("Eyes", p.eyes),
            " " + row.format("Hair", p.hair),
            " " + row.format("Arresting Agency", esc(b.agency)),
            " " + row.format("Arrest Date", mdy(self.arrest_date(b))),
            *slots,
            " " + row.format("Pin Number", b.key),
            " " + row.format("Location", b.traits["location"]),
        ]
        return ("<html><head><title>Hinds County - Inmate Detail</title></head><body>\n"
                '<table width="100%"><tr><td><img src="../../images/header.jpg"></td></tr></table>\n'
                '<table class="detail" width="600">\n' + "\n".join(lines) + "\n</table>\n"
                "<p><b>Disclaimer:</b> Information is provided as a public service and may not be current.</p>\n"
                "</body></html>\n")

    def expected(self, booking: Booking, now: datetime) -> dict:
        person = booking.person
        return {
            "booking_key": booking.key,
            "bk": booking.key,
            "name_raw": person.name_last_first(),
            "sex_raw": person.sex,
            "race_raw": self.race(booking) or None,
            "dob": None if booking.traits["no_dob"] else person.dob,
            "agency_raw": booking.agency,
            "booked_on": self.arrest_date(booking),
            "address_line_1": person.street,
            "address_line_2": f"{person.city}, MS",
            "charges": [c.title for c in booking.charges_at(now)],
        }
