"""The hosted sheriff-site template (``roster.php`` list pages of ten cards and
``roster_view.php?booking_num=...`` profiles) as four counties run it: Kemper, Tunica, Clay
and Jones each wrap the same data in different markup. A profile keeps answering after the
person leaves and then shows ``Release Date:`` under ``Booking Date:``."""
from __future__ import annotations

import random
from datetime import datetime
from decimal import Decimal

from ..people import Booking
from ..population import JailPopulation, local_date
from .base import Request, Response, Site, clock_12h, esc, local, money, not_found, page

PAGE_SIZE = 10


def sheriff_stamp(moment: datetime) -> str:
    return f"{local(moment):%m-%d-%Y} - {clock_12h(moment)}"


class SheriffSite(Site):
    platform = "sheriff_roster"
    newest_first = True          # else by last name
    races: dict[str, str]
    sex_words = True             # "Male"/"Female" rather than "M"/"F"
    shows_address = False

    def __init__(self, name: str, *, domain: str, **site):
        super().__init__(name, **site)
        self.domain = domain     # the folder of the site's template assets

    # -- population hooks -----------------------------------------------------------------
    def draw_traits(self, rng: random.Random) -> dict:
        # Every sheriff-roster site leaves an age out now and then; subclasses add their own.
        return {"no_age": self.chance(rng, 0.03)}

    # -- helpers ------------------------------------------------------------------------
    def sex(self, booking: Booking) -> str:
        if self.sex_words:
            return "Male" if booking.person.sex == "M" else "Female"
        return booking.person.sex

    def ordered(self, roster: list[Booking]) -> list[Booking]:
        if self.newest_first:
            return sorted(roster, key=lambda b: (b.booked_at, b.key), reverse=True)
        return sorted(roster, key=lambda b: (b.person.last, b.person.first, b.person.middle or "", b.key))

    def pages(self, roster: list[Booking]) -> int:
        return max(1, -(-len(roster) // PAGE_SIZE))

    def requested_page(self, request: Request) -> int | None:
        group = request.param("grp")
        if group is None:
            return 1
        if not group.isdigit() or int(group) < PAGE_SIZE or int(group) % PAGE_SIZE:
            return None
        return int(group) // PAGE_SIZE

    def charges_shown(self, booking: Booking, now: datetime) -> list[str]:
        return [c.title for c in booking.charges_at(now)]

    def bond(self, booking: Booking, now: datetime) -> Decimal | None:
        """The bond the profile shows (None: no ``Bond:`` row)."""
        return booking.bond_at(now)

    def profile_rows(self, booking: Booking, now: datetime, charge_break: str) -> list[tuple[str, str]]:
        """Every profile row as (label, markup), the charges joined by ``charge_break``."""
        rows = [(label, esc(value)) for label, value in self.rows(booking, now)]
        rows.append(("Charges:", charge_break.join(esc(c) for c in self.charges_shown(booking, now))))
        bond = self.bond(booking, now)
        if bond is not None:
            rows.append(("Bond:", f"${money(bond)}"))
        return rows

    def is_roster_request(self, request: Request) -> bool:
        return request.path == "/roster.php"

    def respond(self, request: Request, population: JailPopulation, now: datetime) -> Response:
        if request.path == "/roster.php":
            number = self.requested_page(request)
            if number is None:
                return not_found()
            roster = self.ordered(population.roster(now))
            shown = roster[(number - 1) * PAGE_SIZE:number * PAGE_SIZE]
            return page(self.list_page(shown, number, self.pages(roster), len(roster), now))
        if request.path == "/roster_view.php":
            booking = population.get(request.param("booking_num", ""), now)
            if booking is None:
                return not_found()
            return page(self.profile(booking, now))
        return not_found()

    def rows(self, booking: Booking, now: datetime) -> list[tuple[str, str]]:
        """The label/value rows of a profile, in page order."""
        rows = [("Booking #:", booking.ids["shown"])]
        if not booking.traits.get("no_age"):
            rows.append(("Age:", str(booking.person.age_on(local(now).date()))))
        rows.append(("Gender:", self.sex(booking)))
        rows.append(("Race:", "" if booking.traits.get("blank_race") else self.races[booking.person.race]))
        if booking.agency is not None and not booking.traits.get("no_agency"):
            rows.append(("Arresting Agency:", booking.agency))
        if self.shows_address and not booking.traits["no_address"]:
            rows.append(("Address:", f"{booking.person.city}, MS"))
        rows.append(("Booking Date:", sheriff_stamp(booking.booked_at)))
        if booking.released_at <= now:
            rows.append(("Release Date:", sheriff_stamp(booking.released_at)))
        return rows

    def list_page(self, shown, number, pages, total, now) -> str:
        raise NotImplementedError

    def profile(self, booking: Booking, now: datetime) -> str:
        raise NotImplementedError

    def expected(self, booking: Booking, now: datetime) -> dict:
        person = booking.person
        return {
            "booking_key": booking.key,
            "bk": booking.key,
            "name_raw": person.name_first_last(),
            "sex_raw": self.sex(booking),
            "race_raw": None if booking.traits.get("blank_race") else self.races[person.race],
            "intake_age": None if booking.traits.get("no_age") else person.age_on(local(now).date()),
            "agency_raw": None if booking.traits.get("no_agency") else booking.agency,
            "address_line_1": (f"{person.city}, MS" if self.shows_address and not booking.traits["no_address"]
                               else None),
            "booked_at": booking.booked_at,
            "charges": self.charges_shown(booking, now),
            "bond_cash": self.bond(booking, now),
        }


class KemperSite(SheriffSite):
    docket_path = "/roster.php"
    shows_address = True
    races = {"B": "African American", "W": "Caucasian", "H": "Hispanic", "AI": "Native American",
             "AS": "Other", "O": "Other", "U": "Other", "NHPI": "Other"}

    def assign_ids(self, booking: Booking, counters: dict) -> None:
        bk = f"KCSO{local_date(booking.booked_at):%y}JBN{booking.year_seq:06d}"
        booking.ids = {"key": bk, "bk": bk, "shown": bk, "list_id": bk}

    def draw_traits(self, rng: random.Random) -> dict:
        return {**super().draw_traits(rng), "no_bond": self.chance(rng, 0.03),
                "no_address": self.chance(rng, 0.15)}

    def bond(self, booking: Booking, now: datetime) -> Decimal | None:
        return None if booking.traits["no_bond"] else super().bond(booking, now)

    def list_page(self, shown, number, pages, total, now) -> str:
        cards = []
        for b in shown:
            href = f"roster_view.php?booking_num={b.key}"
            p = b.person
            cards.append(
                '  <div class="column medium-6 inmate_div">\n'
                f'   <a href="{href}"><img src="templates/{self.domain}/images/inmates/{b.key}.jpg" '
                f'alt="Mugshot of {esc(p.last)}, {esc(p.first)}"></a>\n'
                f'   <div class="inmate_data"><span class="ptitles">{esc(p.name_first_last())}</span><br>\n'
                f"    Booking #: {b.key}<br>Booking Date: {sheriff_stamp(b.booked_at)}<br>\n"
                f'    <a href="{href}">View Profile &gt;&gt;&gt;</a></div>\n  </div>')
        prev = ("<a>&lt; Prev</a>" if number == 1
                else f'<a href="roster.php?&amp;grp={(number - 1) * PAGE_SIZE}">&lt; Prev</a>')
        links = " ".join(f'<a href="roster.php?&amp;grp={n * PAGE_SIZE}">{n}</a>'
                         for n in range(1, pages + 1))
        after = (f' <a href="roster.php?&amp;grp={(number + 1) * PAGE_SIZE}">Next &gt;</a>'
                 if number < pages else "")
        return (f"<html><head><title>{esc(self.name)} - Inmate Roster</title></head><body>\n"
                '<div id="header"><a href="index.php">Home</a> <a href="roster.php">Inmate Roster</a></div>\n'
                f'<div id="cms-content">\n <h2 class="ptitles">Inmate Roster ({total})</h2>\n'
                ' <div class="row">\n' + "\n".join(cards) + "\n </div>\n"
                f' <div class="paging_div">{prev} {links}{after}</div>\n</div></body></html>\n')

    def profile(self, booking: Booking, now: datetime) -> str:
        markup = [f'  <div class="row"><div class="text1">{label}</div><div class="text2">{value}</div></div>'
                  for label, value in self.profile_rows(booking, now, "<br>")]
        return (f"<html><head><title>{esc(self.name)} - Inmate Profile</title></head><body>\n"
                '<div id="header"><a href="index.php">Home</a></div>\n<div id="cms-content">\n'
                f' <div class="ptitles">{esc(booking.person.name_first_last())}</div>\n'
                f' <div class="row"><div class="column medium-4"><img src="templates/{self.domain}/images/inmates/{booking.key}.jpg" alt="Mugshot"></div>\n'
                ' <div class="column medium-8">\n' + "\n".join(markup) + "\n </div></div>\n"
                " <p>Note: Inmate information is updated periodically and may not reflect current status.</p>\n"
                ' <a href="roster.php">Back to roster</a>\n</div></body></html>\n')


class TunicaSite(SheriffSite):
    docket_path = "/roster.php?grp=10"
    races = {"B": "B", "W": "W", "H": "H", "AS": "A", "AI": "I", "O": "O", "U": "U", "NHPI": "O"}
    sex_words = False

    def assign_ids(self, booking: Booking, counters: dict) -> None:
        bk = f"{local_date(booking.booked_at):%Y}{booking.year_seq:06d}"
        booking.ids = {"key": bk, "bk": bk, "shown": bk, "list_id": bk}

    def draw_traits(self, rng: random.Random) -> dict:
        return {**super().draw_traits(rng), "blank_race": self.chance(rng, 0.03),
                "no_photo": self.chance(rng, 0.05)}

    def list_page(self, shown, number, pages, total, now) -> str:
        cards = []
        for b in shown:
            href = f"roster_view.php?booking_num={b.key}"
            photo = ('<td><img src="common/images/pna.gif" alt="No Photo"></td>' if b.traits["no_photo"]
                     else f'<td><a href="{href}"><img src="templates/{self.domain}/images/inmates/{b.key}.jpg"></a></td>')
            cards.append(
                '<table class="inmateTable"><tr>\n'
                f" {photo}\n"
                f' <td><span class="ptitles">{esc(b.person.name_first_last())}</span><br>Booking #: {b.key}'
                f"<br>Booking Date: {sheriff_stamp(b.booked_at)}<br>Charges: {esc(b.charges_at(now)[0].title)}"
                f"<br>Bond: ${money(b.bond_at(now))}<br>\n"
                f' <a class="text2" href="{href}">View Profile &gt;&gt;&gt;</a></td>\n</tr></table>')
        links = " ".join(f'<a href="roster.php?grp={n * PAGE_SIZE}">{n}</a>' for n in range(1, pages + 1))
        return (f"<html><head><title>{esc(self.name)} - Inmate Roster</title></head><body>\n"
                '<div id="nav"><a href="index.php">Home</a> <a>Menu</a></div>\n<div id="cms-content">\n'
                f'<h2 class="ptitles">Inmate Roster ({total})</h2>\n' + "\n".join(cards) + "\n"
                f'<div class="paging">{links}</div>\n</div></body></html>\n')

    def profile(self, booking: Booking, now: datetime) -> str:
        rows = "\n".join(f' <tr><td class="text1">{label}</td><td class="text2">{value}</td></tr>'
                         for label, value in self.profile_rows(booking, now, "<br>"))
        photo = ("common/images/pna.gif" if booking.traits["no_photo"]
                 else f"templates/{self.domain}/images/inmates/{booking.key}.jpg")
        return (f"<html><head><title>{esc(self.name)} - Inmate Profile</title></head><body>\n"
                '<div id="nav"><a href="index.php">Home</a> | <a href="roster.php">Inmate Roster</a></div>\n'
                f'<div id="cms-content">\n<table><tr><td><img src="{photo}"></td><td>\n<table>\n'
                f' <tr><td colspan="2"><span class="ptitles">{esc(booking.person.name_first_last())}</span></td></tr>\n'
                f"{rows}\n"
                "</table></td></tr></table>\n"
                "<p>Note: This roster is updated several times a day. Inmates may have been released.</p>\n"
                f'</div>\n<div id="footer">Copyright {esc(self.name)}</div>\n</body></html>\n')


class ClaySite(SheriffSite):
    docket_path = "/roster.php?grp=10"
    races = {"B": "BLACK", "W": "WHITE", "H": "HISPANIC", "AS": "ASIAN", "AI": "INDIAN (NA",
             "NHPI": "Native Haw", "O": "UNKNOWN", "U": "UNKNOWN"}
    newest_first = False

    def assign_ids(self, booking: Booking, counters: dict) -> None:
        bk = f"CCSO{38000 + booking.seq:010d}"
        booking.ids = {"key": bk, "bk": bk, "shown": bk, "list_id": bk}

    def draw_traits(self, rng: random.Random) -> dict:
        return {**super().draw_traits(rng), "empty_charges": self.chance(rng, 0.02)}

    def charges_shown(self, booking: Booking, now: datetime) -> list[str]:
        return [] if booking.traits["empty_charges"] else super().charges_shown(booking, now)

    def frame(self, title: str, inner: str) -> str:
        """Clay's pages nest everything in layout tables; the profile table must stay the
        7th table of the page."""
        return (f"<html><head><title>{esc(self.name)} - {title}</title></head><body>\n"
                '<table id="layout"><tr><td>\n'
                f' <table id="header"><tr><td><img src="templates/{self.domain}/images/logo.png"></td></tr></table>\n'
                ' <table id="menu"><tr><td><a href="index.php">Home</a></td><td><a href="roster.php">Inmate Roster</a></td></tr></table>\n'
                '</td></tr>\n<tr><td>\n <table id="content"><tr><td>\n'
                '  <table id="sidebar"><tr><td>Links</td></tr></table>\n </td><td>\n'
                f'  <table id="body"><tr><td>{inner}\n  </td></tr></table>\n'
                " </td></tr></table>\n</td></tr></table>\n</body></html>\n")

    def list_page(self, shown, number, pages, total, now) -> str:
        cards = []
        for b in shown:
            href = f"roster_view.php?booking_num={b.key}"
            cards.append(
                f'   <table class="inmateTable"><tr><td><a href="{href}"><img src="templates/{self.domain}/images/inmates/{b.key}.jpg"></a></td>\n'
                f'    <td><span class="ptitles">{esc(b.person.name_first_last())}</span><br>Booking #: {b.key}'
                f"<br>Booking Date: {sheriff_stamp(b.booked_at)}<br>\n"
                f'    <a href="{href}">View Profile &gt;&gt;&gt;</a></td></tr></table>')
        links = " ".join(f'<a href="roster.php?grp={n * PAGE_SIZE}">{n}</a>' for n in range(1, pages + 1))
        inner = ('<a name="roster"></a>\n'
                 f'   <span class="ptitles">Inmate Roster ({total})</span>\n' + "\n".join(cards) + "\n"
                 f'   <div class="paging">{links}</div>')
        return self.frame("Inmate Roster", inner)

    def profile(self, booking: Booking, now: datetime) -> str:
        markup = "\n".join(f'     <tr><td class="text1">{label}</td><td><span class="text2">{value}</span></td></tr>'
                           for label, value in self.profile_rows(booking, now, "<br/>"))
        inner = (f'\n   <table id="profile"><tr><td><img src="templates/{self.domain}/images/inmates/{booking.key}.jpg"></td><td>\n'
                 f'    <span class="ptitles">{esc(booking.person.name_first_last())}</span>\n'
                 f"    <table>\n{markup}\n    </table>\n"
                 "    <p>Note: Information on this roster is subject to change.</p>\n   </td></tr></table>")
        return self.frame("Inmate Profile", inner)


class JonesSite(SheriffSite):
    docket_path = "/roster.php"
    races = {"B": "B", "W": "W", "H": "H", "AS": "A", "AI": "I", "O": "O", "U": "U", "NHPI": "O"}
    newest_first = False
    sex_words = False

    def assign_ids(self, booking: Booking, counters: dict) -> None:
        number = 14000 + booking.seq
        bk = str(number)
        booking.ids = {"key": bk, "bk": bk, "list_id": bk,
                       "shown": f"JCSO{local_date(booking.booked_at):%y}JBN{number:07d}"}

    def draw_traits(self, rng: random.Random) -> dict:
        return {**super().draw_traits(rng), "no_agency": self.chance(rng, 0.05),
                "no_photo": self.chance(rng, 0.05)}

    def photo(self, booking: Booking) -> tuple[str, str]:
        if booking.traits["no_photo"]:
            return "common/images/pna.gif", "Image Not Availble"
        return (f"templates/{self.domain}/images/inmates/{booking.key}.jpg",
                f"{booking.person.first} {booking.person.last}")

    def list_page(self, shown, number, pages, total, now) -> str:
        cards = []
        for b in shown:
            href = f"roster_view.php?booking_num={b.key}"
            src, _ = self.photo(b)
            cards.append(f'<div class="inmate_div"><a href="{href}"><img src="{src}"></a>\n'
                         f'<span class="ptitles">{esc(b.person.name_first_last())}</span> '
                         f'<a href="{href}">View Profile &gt;&gt;&gt;</a></div>')
        links = " ".join(f'<a class="page_num" href="roster.php?grp={n * PAGE_SIZE}">{n}</a>'
                         for n in range(1, pages + 1) if n != number)
        return (f"<html><head><title>{esc(self.name)} - Inmate Roster</title></head><body>\n"
                '<div id="header"><a href="index.php">Home</a></div>\n'
                f'<div id="cms-content"><h2>Inmate Roster ({total})</h2>\n' + "\n".join(cards) + "\n"
                f'<div class="paging">{links}</div>\n</div></body></html>\n')

    def profile(self, booking: Booking, now: datetime) -> str:
        markup = "\n".join(f'   <div class="row"><span class="text1">{label}</span> <span class="text2">{value}</span></div>'
                           for label, value in self.profile_rows(booking, now, "<br>"))
        src, alt = self.photo(booking)
        return (f"<html><head><title>{esc(self.name)} - Inmate Profile</title></head><body>\n"
                '<div id="header"><a href="index.php">Home</a></div>\n<div id="cms-content">\n'
                ' <div class="inmate_profile">\n'
                f'  <div class="inmate_profile_image"><img src="{src}" alt="{esc(alt)}"></div>\n'
                '  <div class="inmate_profile_data">\n'
                f'   <h3 class="ptitles">{esc(booking.person.name_first_last())}</h3>\n'
                f"{markup}\n  </div>\n </div>\n <p>Back to roster</p>\n</div></body></html>\n")
