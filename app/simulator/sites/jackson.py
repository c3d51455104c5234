"""The Jackson JSON docket: ``POST _inmateList.php?Function=count`` answers a bare integer,
``Function=list&Page=<n>`` fifteen objects a page (newest Book_Number first) carrying named
keys and PHP's numeric duplicates, and ``inmate/_inmatedetails.php?id=<ID_Number>`` an HTML
fragment of two ``<article>`` elements. ID_Number numbers the person, Book_Number the
booking. Dates are date-only."""
from __future__ import annotations

import json
from datetime import datetime

from ..people import Booking
from ..population import JailPopulation, local_date
from .base import HTML_UTF8, Request, Response, Site, esc, local, mdy, money, not_found, page

PAGE_SIZE = 15
LIST = "/jaildocket/_inmateList.php"
DETAIL = "/jaildocket/inmate/_inmatedetails.php"
RACES = {"B": "Black", "W": "White", "H": "Hispanic", "AS": "Asian", "AI": "Indian",
         "O": "Other", "U": "NOT AVAILABLE", "NHPI": "Other"}
FIELDS = ("ID_Number", "Book_Number", "Name_First_MI", "Name_Middle", "Name_Last", "Name_Suffix",
          "BookDate", "ArrestDate", "Arrest_Agency", "RowNum")
EYES = {"BRO": "Brown", "BLU": "Blue", "GRN": "Green", "HAZ": "Hazel", "BLK": "Black"}


class JacksonSite(Site):
    platform = "jackson"

    docket_path = f"{LIST}?Function=count"

    def __init__(self, name: str, *, person_base: int, **site):
        super().__init__(name, **site)
        self.person_base = person_base

    def assign_ids(self, booking: Booking, counters: dict) -> None:
        book = f"NJCADC{60000 + booking.seq:07d}"
        person_id = str(self.person_base + booking.person.number)
        booking.ids = {"key": book, "bk": book, "intake_number": person_id, "list_id": book}

    def is_roster_request(self, request: Request) -> bool:
        return request.path == LIST and request.param("Function") == "list"

    def redesigned(self, request: Request, population: JailPopulation, now: datetime) -> Response:
        # The redesigned API renames every key, so the list parses to no bookings.
        records = [{"inmateId": b.ids["intake_number"], "bookingNo": b.key,
                    "fullName": b.person.name_first_last()} for b in population.roster(now)]
        return Response(200, json.dumps(records).encode(), HTML_UTF8)

    def respond(self, request: Request, population: JailPopulation, now: datetime) -> Response:
        if request.path == LIST:
            function = request.param("Function")
            roster = sorted(population.roster(now), key=lambda b: b.key, reverse=True)
            if function == "count":
                return Response(200, str(len(roster)).encode(), HTML_UTF8)
            if function == "list":
                number = request.param("Page", "1")
                if not number.isdigit() or int(number) < 1:
                    return Response(200, b"[]", HTML_UTF8)
                start = (int(number) - 1) * PAGE_SIZE
                rows = [self.list_object(b, start + i + 1)
                        for i, b in enumerate(roster[start:start + PAGE_SIZE])]
                return Response(200, ("[" + ",\n ".join(rows) + "]").encode(), HTML_UTF8)
            return not_found()
        if request.path == DETAIL:
            wanted = request.param("id", "")
            for b in population.roster(now):
                if b.ids["intake_number"] == wanted:
                    return page(self.detail(b, now))
        return not_found()

    def list_object(self, b: Booking, row: int) -> str:
        p = b.person
        values = (b.ids["intake_number"].rjust(9), b.key, p.first, p.middle or "", p.last,
                  p.suffix or "", mdy(local_date(b.booked_at)), mdy(b.arrested_on), b.agency or "",
                  str(row))
        pairs = []
        for index, (name, value) in enumerate(zip(FIELDS, values)):
            pairs.append(f"{json.dumps(str(index))}:{json.dumps(value)}")
            pairs.append(f"{json.dumps(name)}:{json.dumps(value)}")
        return "{" + ",".join(pairs) + "}"

    def detail(self, b: Booking, now: datetime) -> str:
        p = b.person
        charges = b.charges_at(now)
        bondable = any(c.offense.bond for c in charges)
        lines = [f'  <p class="inmateName">{esc(p.name_first_last())}</p>', f"  <p>{b.key}</p>",
                 f"  <p>{RACES[p.race]} {'Male' if p.sex == 'M' else 'Female'}</p>",
                 f"  <p>{p.height_in // 12} Ft. {p.height_in % 12} In.</p>",
                 f"  <p>{p.weight_lb} Pounds</p>", f"  <p>{EYES[p.eyes]} Eyes</p>",
                 f"  <p>{p.age_on(local(now).date())} Years Old</p>"]
        if bondable:
            lines.append("  <p>Bondable</p>")
        offenses = "\n".join(
            f' <div class="offenseItem"><p>{esc(c.title)}</p>'
            f"<p>{'Felony' if c.offense.felony else 'Misdemeanor'} - Bond: ${money(c.offense.bond)}</p></div>"
            for c in charges)
        person_id = b.ids["intake_number"]
        return ('<!DOCTYPE html><html><head><title>Inmate Details</title></head><body>\n\n'
                '<article class="ilcard">\n'
                f' <img src="{person_id}.jpg">\n <div class="iltext">\n' + "\n".join(lines) + "\n </div>\n"
                ' <div class="ilbutton"><a href="http://www.vinelink.com/vinelink/servlet/SubjectSearch?'
                f'siteID=25000&amp;agency=38&amp;offenderID={person_id}" target="_blank">Request Victim Notification</a></div>\n'
                f'</article>\n<article class="iloffenses">\n{offenses}\n</article>\n</body></html>\n')

    def expected(self, booking: Booking, now: datetime) -> dict:
        person = booking.person
        return {
            "booking_key": booking.key,
            "bk": booking.key,
            "intake_number": booking.ids["intake_number"],
            "sex_raw": "Male" if person.sex == "M" else "Female",
            "race_raw": RACES[person.race],
            "intake_age": person.age_on(local(now).date()),
            "agency_raw": booking.agency,
            "booked_on": local_date(booking.booked_at),
            "arrested_on": booking.arrested_on,
            "charges": [c.title for c in booking.charges_at(now)],
        }
