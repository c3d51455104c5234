"""The Adams WordPress roster: ``/inmate-roster/`` and ``/inmate-roster/page/<n>/`` with ten
cards a page (newest booking first) linking to absolute profile URLs ``/inmate/<slug>/``.
The slug comes from the name, with ``-2``, ``-3``, ... when the same name was booked before.
The booking number is on the profile only; dates are date-only; no arresting agency."""
from __future__ import annotations

import random
import re
from datetime import datetime

from ..people import Booking
from ..population import JailPopulation, local_date
from .base import Request, Response, Site, esc, local, mdy, money, not_found, page

PAGE_SIZE = 10
ROSTER_PAGE = re.compile(r"^/inmate-roster/(?:page/(\d+)/)?$")
PROFILE = re.compile(r"^/inmate/([a-z0-9-]+)/$")


class AdamsSite(Site):
    platform = "adams"
    docket_path = "/inmate-roster/"

    def assign_ids(self, booking: Booking, counters: dict) -> None:
        p = booking.person
        base = "-".join(part.lower() for part in (p.first, p.middle, p.last, p.suffix) if part)
        seen = counters.setdefault("slugs", {})
        seen[base] = seen.get(base, 0) + 1
        slug = base if seen[base] == 1 else f"{base}-{seen[base]}"
        bk = f"ACSO-{local_date(booking.booked_at):%y}-{booking.year_seq:06d}"
        booking.ids = {"key": bk, "bk": bk, "slug": slug, "list_id": slug}
        counters.setdefault("by_slug", {})[slug] = bk

    def draw_traits(self, rng: random.Random) -> dict:
        return {"blank_age": self.chance(rng, 0.03), "no_arrest_date": self.chance(rng, 0.05),
                "blank_bond": self.chance(rng, 0.04)}

    def is_roster_request(self, request: Request) -> bool:
        return ROSTER_PAGE.match(request.path) is not None

    def respond(self, request: Request, population: JailPopulation, now: datetime) -> Response:
        listing = ROSTER_PAGE.match(request.path)
        if listing:
            number = int(listing.group(1) or 1)
            roster = sorted(population.roster(now), key=lambda b: (b.booked_at, b.key), reverse=True)
            pages = max(1, -(-len(roster) // PAGE_SIZE))
            if number > pages:
                return not_found()
            shown = roster[(number - 1) * PAGE_SIZE:number * PAGE_SIZE]
            return page(self.list_page(request.base_url, shown, number, pages))
        profile = PROFILE.match(request.path)
        if profile:
            bk = population.counters.get("by_slug", {}).get(profile.group(1))
            booking = population.get(bk, now) if bk else None
            if booking is None:
                return not_found()
            return page(self.profile(request.base_url, booking, now))
        return not_found()

    def photo(self, base: str, booking: Booking) -> str:
        return f"{base}/wp-content/uploads/inmates/{booking.key}.jpg"

    def list_page(self, base: str, shown: list[Booking], number: int, pages: int) -> str:
        cards = [
            ' <div class="inmate-info">\n'
            f'  <img src="{self.photo(base, b)}">\n'
            f'  <p class="inmate-name">{esc(b.person.name_last_first())}</p>\n'
            f'  <p class="profile-link"><a href="{base}/inmate/{b.ids["slug"]}/">View Profile</a></p>\n'
            " </div>" for b in shown]
        nav = ""
        if pages > 1:
            def href(n):
                return f"{base}/inmate-roster/" + (f"page/{n}/" if n > 1 else "")
            parts = []
            if number > 1:
                parts.append(f'<a class="prev page-numbers" href="{href(number - 1)}">&laquo; Previous</a>')
            for n in range(1, pages + 1):
                parts.append(f'<span aria-current="page" class="page-numbers current">{n}</span>' if n == number
                             else f'<a class="page-numbers" href="{href(n)}">{n}</a>')
            if number < pages:
                parts.append(f'<a class="next page-numbers" href="{href(number + 1)}">Next &raquo;</a>')
            nav = ('<nav class="navigation pagination"><div class="nav-links">\n '
                   + "\n ".join(parts) + "\n</div></nav>\n")
        return (f"<html><head><title>Inmate Roster &#8211; {esc(self.name)}</title></head>"
                '<body class="page">\n<div id="primary" class="content-area"><main class="site-main">\n'
                '<h1 class="entry-title">Inmate Roster</h1>\n<div class="inmate-list">\n'
                + "\n".join(cards) + "\n</div>\n" + nav + "</main></div></body></html>\n")

    def profile(self, base: str, b: Booking, now: datetime) -> str:
        p = b.person
        rows = [("Full Name:", esc(p.name_last_first())), ("Booking Number:", b.key),
                ("Age:", "" if b.traits["blank_age"] else str(p.age_on(local(now).date()))),
                ("Gender:", p.sex), ("Race:", {"B": "B", "W": "W", "H": "H"}.get(p.race, "O")),
                ("Address:", f"{esc(p.city)}, MS")]
        if not b.traits["no_arrest_date"]:
            rows.append(("Arrest Date:", mdy(b.arrested_on)))
        rows.append(("Booking Date:", mdy(local_date(b.booked_at))))
        lines = [f"  <p><strong>{label}</strong> {value}</p>" if value else f"  <p><strong>{label}</strong></p>"
                 for label, value in rows]
        charges = "".join(f"<br>{esc(c.title)}" for c in b.charges_at(now))
        lines.append(f"  <p><strong>Charges:</strong>{charges}</p>")
        bond = "" if b.traits["blank_bond"] else f" ${money(b.bond_at(now))}"
        lines.append(f"  <p><strong>Bond:</strong>{bond}</p>")
        return (f"<html><head><title>{esc(p.name_last_first())} &#8211; {esc(self.name)}</title></head><body>\n"
                '<div class="site-content">\n<div class="blog-content-container">\n'
                f' <div class="inmate-photo"><img src="{self.photo(base, b)}" alt=""></div>\n'
                ' <div class="inmate-info">\n' + "\n".join(lines) + "\n </div>\n</div></div></body></html>\n")

    def expected(self, booking: Booking, now: datetime) -> dict:
        person = booking.person
        return {
            "booking_key": booking.key,
            "bk": booking.key,
            "name_raw": person.name_last_first(),
            "sex_raw": person.sex,
            "race_raw": {"B": "B", "W": "W", "H": "H"}.get(person.race, "O"),
            "intake_age": None if booking.traits["blank_age"] else person.age_on(local(now).date()),
            "address_line_1": f"{person.city}, MS",
            "booked_on": local_date(booking.booked_at),
            "arrested_on": None if booking.traits["no_arrest_date"] else booking.arrested_on,
            "charges": [c.title for c in booking.charges_at(now)],
            "bond_cash": None if booking.traits["blank_bond"] else booking.bond_at(now),
        }
