"""The static ``ICURRENT.HTM`` export (Madison and Pearl River): one roster page in name
order whose rows link to slot pages ``ICUD0001.HTM``, ``ICUD0002.HTM``, ... A slot shows
whoever is at that position of the roster right now, so slot URLs are reused as people come
and go. Pages are windows-1252."""
from __future__ import annotations

import random
import re
from datetime import datetime

from ..people import Booking
from ..population import JailPopulation, local_date
from .base import Request, Response, Site, esc, local, mdy, money, not_found, page

SLOT = re.compile(r"^ICUD(\d{4})\.HTM$", re.IGNORECASE)

MADISON_RACES = {"B": "BLACK", "W": "WHITE", "H": "HISPANIC", "AS": "ASIAN IS", "AI": "AMERICAN",
                 "O": "OTHER", "U": "OTHER", "NHPI": "OTHER"}
PEARL_RIVER_RACES = {"B": "BLACK", "W": "WHITE", "H": "HISPANIC", "AS": "ASIAN", "AI": "INDIAN",
                     "O": "OTHER", "U": "UNKNOWN", "NHPI": "OTHER"}
FACIAL = ("NONE", "NONE", "MUST", "BEARD", "GOATEE")
COMPLEXION = ("DARK", "MED", "FAIR", "LIGHT")
CONTENT_TYPE = "text/html; charset=windows-1252"
NBSP = "&nbsp;"


def court_of(offense) -> str:
    if offense.title in ("PROBATION VIOLATION", "FAILURE TO APPEAR"):
        return "OTHER COUR"
    return "CIRCUIT CO" if offense.felony else "JUSTICE CO"


def offense_text(offense) -> str:
    return f"{offense.statute}{offense.title}"


class ICurrentSite(Site):
    platform = "icurrent"

    def __init__(self, name: str, *, agency_number: str, races: dict[str, str], person_base: int, **site):
        super().__init__(name, **site)
        self.agency_number = agency_number
        self.races = races
        self.person_base = person_base
        self.folder = f"/agencyinfo/MS/{agency_number}/inmate/"
        self.docket_path = self.folder + "ICURRENT.HTM"

    def assign_ids(self, booking: Booking, counters: dict) -> None:
        bk = f"BK{self.person_base + booking.person.number:010d}"
        intake = f"{bk} - {booking.person_booking:03d}"
        booking.ids = {"key": intake, "bk": bk, "intake_number": intake, "list_id": bk,
                       "case": f"{local_date(booking.booked_at):%y}-{booking.seq % 1000000:06d}"}

    def draw_traits(self, rng: random.Random) -> dict:
        return {"no_offense_date": self.chance(rng, 0.05), "facial": rng.choice(FACIAL),
                "complexion": rng.choice(COMPLEXION)}

    @staticmethod
    def in_order(roster: list[Booking]) -> list[Booking]:
        return sorted(roster, key=lambda b: (b.person.name_last_first(), b.key))

    def is_roster_request(self, request: Request) -> bool:
        return request.path == self.docket_path

    def respond(self, request: Request, population: JailPopulation, now: datetime) -> Response:
        if request.path == self.docket_path:
            return self.roster_page(self.in_order(population.roster(now)), now)
        if not request.path.startswith(self.folder):
            return not_found()
        slot = SLOT.match(request.path[len(self.folder):])
        if not slot:
            return not_found()   # photos (ICUPnnnn.jpg) are not served, as on the cassettes
        roster = self.in_order(population.roster(now))
        index = int(slot.group(1)) - 1
        if not 0 <= index < len(roster):
            return not_found()
        return self.sheet(roster[index], int(slot.group(1)), now)

    def roster_page(self, roster: list[Booking], now: datetime) -> Response:
        stamp = local(now)
        rows = []
        for slot, b in enumerate(roster, start=1):
            person = b.person
            first_charge = b.charges_at(now)[0].offense
            rows.append(
                f'<tr><td><a href="ICUD{slot:04d}.HTM">{slot:04d}</a></td>'
                f"<td>{esc(person.name_last_first())}</td><td>{esc(b.ids['bk'])}{NBSP}</td>"
                f"<td>{self.races[person.race][0]}</td><td>{person.sex}</td>"
                f"<td>{person.age_on(stamp.date())}</td>"
                f"<td>{local(b.booked_at):%m/%d/%Y}</td><td>{local(b.booked_at):%H:%M}</td>"
                f"<td>{esc(offense_text(first_charge))}{NBSP}</td></tr>")
        title = esc(self.name.upper())
        body = (
            f"<html><head><title>{title} - CURRENT INMATES</title></head>\n<body>\n"
            f'<table width="100%"><tr><td><b>{title}</b></td></tr>\n'
            f"<tr><td><b>CURRENT INMATE LISTING</b> AS OF <b>{stamp:%m/%d/%Y}</b> "
            f"<b>{stamp:%H:%M}</b> TOTAL INMATES: <b>{len(roster)}</b></td></tr></table>\n"
            '<table border="1">\n<tr><th>#</th><th>NAME</th><th>BOOKING #</th><th>RACE</th>'
            "<th>SEX</th><th>AGE</th><th>INTAKE DATE</th><th>TIME</th><th>CHARGE</th></tr>\n"
            + "\n".join(rows) + "\n</table>\n</body></html>\n")
        return page(body, encoding="cp1252", content_type=CONTENT_TYPE)

    def sheet(self, b: Booking, slot: int, now: datetime) -> Response:
        person, booked = b.person, local(b.booked_at)
        charges = b.charges_at(now)
        offense_date = "00/00/0000" if b.traits["no_offense_date"] else mdy(b.arrested_on)
        offenses = "\n".join(
            f" <tr><td>{esc(offense_text(c.offense))}</td><td>{court_of(c.offense)}</td>"
            f"<td>{money(c.offense.bond) if c.offense.bond else ''}</td></tr>" for c in charges)
        feet, inches = divmod(person.height_in, 12)
        body = f"""<html><head><title>INMATE DETAIL</title></head><body>
<table><tr><td><b>{esc(self.name.upper())}</b></td></tr></table>
<table><tr><td><img src="ICUP{slot:04d}.jpg"></td><td>
 <fieldset><legend>INMATE</legend>
 <table>
  <tr><td colspan="2"><b>Name:</b> {esc(person.name_last_first())}</td></tr>
  <tr><td colspan="2"><b>ADDRESS:</b> {esc(person.street)}</td></tr>
  <tr><td colspan="2"><b>CITY/ST:</b> {esc(person.city)}, MS</td></tr>
  <tr><td><b>DOB:</b> {mdy(person.dob)}</td><td><b>AGE:</b> {person.age_on(local(now).date())}</td></tr>
 </table></fieldset>
</td></tr></table>
<fieldset><legend>DESCRIPTION</legend><table>
 <tr><td><b>HGT:</b> {feet}'{inches:02d}"</td><td><b>WGT:</b> {person.weight_lb}</td></tr>
 <tr><td><b>RACE:</b> {self.races[person.race]}</td><td><b>SEX:</b> {person.sex}</td></tr>
 <tr><td><b>HAIR:</b> {person.hair}</td><td><b>EYES:</b> {person.eyes}</td></tr>
 <tr><td><b>FACIAL:</b> {b.traits["facial"]}</td><td><b>COMPL:</b> {b.traits["complexion"]}</td></tr>
</table></fieldset>
<fieldset><legend>INTAKE/BOOKING</legend><table>
 <tr><td><b>OFF DATE:</b> {offense_date} <b>- Case#:</b> {b.ids["case"]}</td></tr>
 <tr><td><b>INTAKE DATE:</b> {booked:%m/%d/%Y} <b>TIME:</b> {booked:%H:%M}</td></tr>
 <tr><td><b>INTAKE #:</b> {esc(b.ids["intake_number"])}</td></tr>
 <tr><td><b>ARRESTING AGENCY:</b> {esc(b.agency)}</td></tr>
</table></fieldset>
<fieldset><legend>HOLDS</legend><table><tr><td>NONE</td></tr></table></fieldset>
<fieldset><legend>BOND INFORMATION</legend><table>
 <tr><td><b>WRITTEN BOND:</b> ${NBSP}{money(b.bond_at(now))}</td></tr>
 <tr><td><b>CASH BOND:</b> ${NBSP}0.00</td></tr>
</table></fieldset>
<table><tr><td>{NBSP}</td></tr></table>
<table><tr><td>
<fieldset><legend>OFFENSES</legend>
<table>
 <tr><th>OFFENSE</th><th>COURT</th><th>BOND AMT</th></tr>
{offenses}
</table></fieldset></td></tr></table>
</body></html>
"""
        return page(body, encoding="cp1252", content_type=CONTENT_TYPE)

    def expected(self, booking: Booking, now: datetime) -> dict:
        person = booking.person
        charges = booking.charges_at(now)
        return {
            "booking_key": booking.ids["intake_number"],
            "bk": booking.ids["bk"],
            "intake_number": booking.ids["intake_number"],
            "name_raw": person.name_last_first(),
            "sex_raw": person.sex,
            "race_raw": self.races[person.race],
            "dob": person.dob,
            "address_line_1": person.street,
            "address_line_2": f"{person.city}, MS",
            "agency_raw": booking.agency,
            "booked_at": booking.booked_at,
            "offense_on": None if booking.traits["no_offense_date"] else booking.arrested_on,
            "charges": [offense_text(c.offense) for c in charges],
            "bond_written": booking.bond_at(now),
        }
