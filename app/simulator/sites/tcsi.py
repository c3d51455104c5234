"""The TCSI ASP.NET roster (Lee): one ``Default.aspx`` roster of everyone in name order and an
``InmateInfo.aspx?...&iid=<person id>`` sheet per person, values in ``lbl*`` spans and the
charges in a table whose totals ``tfoot`` sits inside its ``tbody``."""
from __future__ import annotations

import random
from datetime import datetime

from ..people import Booking
from ..population import JailPopulation
from .base import Request, Response, Site, esc, local, mdy, money, not_found, page

RACES = {"W": "Caucasian", "B": "African American", "H": "Hispanic", "AS": "Asian",
         "AI": "Native American", "O": "Other", "U": "Other", "NHPI": "Other"}


def court_of(offense) -> str:
    if offense.felony:
        return "CIRCUIT"
    return "MUNICIPAL" if offense.bond <= 500 else "JUSTICE"


def stamp(moment: datetime) -> str:
    return local(moment).strftime("%m/%d/%Y %I:%M %p")


class TcsiSite(Site):
    platform = "tcsi"

    def __init__(self, name: str, *, roster_id: int, code: str, person_base: int, **site):
        super().__init__(name, **site)
        self.person_base = person_base
        self.params = f"i={roster_id}&amp;code={code}&amp;type=roster"
        self.roster_query = {"i": str(roster_id), "code": code, "type": "roster"}
        self.docket_path = f"/Default.aspx?i={roster_id}&code={code}&type=roster"

    def assign_ids(self, booking: Booking, counters: dict) -> None:
        iid = str(self.person_base + booking.person.number)
        count = str(booking.person_booking)
        intake = f"{iid}_{count.zfill(2) if len(count) == 1 else count}"
        booking.ids = {"key": intake, "bk": iid, "intake_number": intake, "list_id": iid}

    def draw_traits(self, rng: random.Random) -> dict:
        return {"no_birthdate": self.chance(rng, 0.05), "empty_fine_cell": self.chance(rng, 0.05),
                "scheduled_release": self.chance(rng, 0.15)}

    def _roster_query_matches(self, request: Request) -> bool:
        return all(request.param(k) == v for k, v in self.roster_query.items())

    def is_roster_request(self, request: Request) -> bool:
        return request.path == "/Default.aspx"

    def respond(self, request: Request, population: JailPopulation, now: datetime) -> Response:
        if request.path == "/Default.aspx" and self._roster_query_matches(request):
            roster = sorted(population.roster(now), key=lambda b: (b.person.name_last_first(), b.key))
            return self.roster_page(roster, now)
        if request.path == "/InmateInfo.aspx" and self._roster_query_matches(request):
            iid = request.param("iid", "")
            for b in population.roster(now):
                if b.ids["bk"] == iid:
                    return self.sheet(b, now)
        return not_found()

    def roster_page(self, roster: list[Booking], now: datetime) -> Response:
        rows = []
        for b in roster:
            href = f"InmateInfo.aspx?{self.params}&amp;iid={b.ids['bk']}"
            rows.append(
                f' <tr><td class="hide-for-small-only"><a href="{href}">'
                f"{esc(b.person.name_last_first())}</a></td><td>{stamp(b.booked_at)}</td>"
                f"<td>{esc(b.charges_at(now)[0].title)}</td>"
                f'<td class="show-for-small-only"><a href="{href}">View</a></td></tr>')
        body = (
            f"<html><head><title>{esc(self.name)} - Inmate Roster</title></head>\n"
            '<body><a name="top"></a>\n'
            f'<form method="post" action="./Default.aspx?{self.params}" id="form1">\n'
            '<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwUKLTM4NDQ5MzQ1NmRk" />\n'
            f'<div class="row"><div class="small-12 columns"><h3>{esc(self.county)} County Inmate Roster</h3></div></div>\n'
            f'<div class="row"><div class="small-12 columns">Inmates: {len(roster)}</div></div>\n'
            '<table id="gvRoster">\n <tr><th>Name</th><th>Booking Date</th><th>Primary Offense</th><th></th></tr>\n'
            + "\n".join(rows) + "\n</table>\n"
            f'<a href="Default.aspx?{self.params}">Refresh</a> <a href="#top">Top</a>\n'
            "</form></body></html>\n")
        return page(body, content_type="text/html; charset=utf-8")

    def sheet(self, b: Booking, now: datetime) -> Response:
        person = b.person
        charges = b.charges_at(now)
        released_on = local(b.released_at).strftime("%m/%d/%Y")
        fields = [
            ("Name", "lblInmateName", person.name_last_first()),
            ("Booking #", "lblBookingNumber", str(b.person_booking)),
            ("Booking Date", "lblBookingDate", stamp(b.booked_at)),
            ("Primary Offense", "lblOffense", charges[0].title),
            ("Arresting Agency", "lblArrestingAgency", b.agency),
            ("Scheduled Release Date", "lblScheduleReleaseDate",
             released_on if b.traits["scheduled_release"] else "N/A"),
        ]
        if not b.traits["no_birthdate"]:
            fields.append(("Birthdate", "lblBirthdate", mdy(person.dob)))
        feet, inches = divmod(person.height_in, 12)
        fields += [
            ("Age", "lblAge", str(person.age_on(local(now).date()))),
            ("Sex", "lblSex", "Male" if person.sex == "M" else "Female"),
            ("Height", "lblHeight", f"{feet}'{inches}\""),
            ("Weight", "lblWeight", str(person.weight_lb)),
            ("Race", "lblRace", RACES[person.race]),
            ("Hair", "lblHair", {"BLK": "Black", "BRO": "Brown", "BLN": "Blond", "RED": "Red",
                                 "GRY": "Gray"}[person.hair]),
            ("Eyes", "lblEyes", {"BRO": "Brown", "BLU": "Blue", "GRN": "Green", "HAZ": "Hazel",
                                 "BLK": "Black"}[person.eyes]),
            ("Glasses", "lblGlasses", "Yes" if person.glasses else "No"),
        ]
        rows = "\n".join(
            f' <div class="small-4 columns"><span class="prefix">{label}</span></div>'
            f'<div class="small-8 columns"><span id="{span}" class="postfix">{esc(value)}</span></div>'
            for label, span, value in fields)
        charge_rows = []
        for index, c in enumerate(charges):
            blank_fine = b.traits["empty_fine_cell"] and index == len(charges) - 1 and not c.offense.fine
            fine = "" if blank_fine else money(c.offense.fine)
            charge_rows.append(f" <tr><td>{esc(c.title)}</td><td>{court_of(c.offense)}</td>"
                               f"<td>{money(c.offense.bond)}</td><td>{fine}</td></tr>")
        body = (
            "<html><head><title>Inmate Information</title></head><body>\n"
            f'<form method="post" action="./InmateInfo.aspx?{self.params}&amp;iid={b.ids["bk"]}" id="form1">\n'
            f'<div class="row"><div class="small-12 columns"><a href="Default.aspx?{self.params}">Back to Roster</a></div></div>\n'
            f'<div class="row">\n{rows}\n</div>\n'
            '<table id="gvCharges">\n<thead><tr><th>Offense</th><th>Court</th><th>Bond</th><th>Fine</th></tr></thead>\n<tbody>\n'
            + "\n".join(charge_rows) + "\n"
            f' <tfoot><tr><td></td><td>Totals</td><td><b>{money(b.bond_at(now))}</b></td>'
            f"<td><b>{money(b.fine_at(now))}</b></td></tr></tfoot>\n</tbody>\n</table>\n"
            '<div class="footer">Powered by TCSI</div>\n</form></body></html>\n')
        return page(body, content_type="text/html; charset=utf-8")

    def expected(self, booking: Booking, now: datetime) -> dict:
        person = booking.person
        return {
            "booking_key": booking.ids["intake_number"],
            "bk": booking.ids["bk"],
            "intake_number": booking.ids["intake_number"],
            "name_raw": person.name_last_first(),
            "sex_raw": "Male" if person.sex == "M" else "Female",
            "race_raw": RACES[person.race],
            "dob": None if booking.traits["no_birthdate"] else person.dob,
            "agency_raw": booking.agency,
            "booked_at": booking.booked_at,
            "scheduled_release_on": (local(booking.released_at).date()
                                     if booking.traits["scheduled_release"] else None),
            "charges": [c.title for c in booking.charges_at(now)],
            "bond_cash": booking.bond_at(now),
        }
