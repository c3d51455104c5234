"""The jails Oversight scrapes, declared once. Another county on a known platform is one
more entry here (``flask scrape init``)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

MS = "ocd-division/country:us/state:ms"


@dataclass(frozen=True)
class JailDeclaration:
    code: str
    name: str
    county: str
    platform: str                     # which scraper class reads it (app.scrapers.platforms)
    docket_url: str
    scrape_started_on: date | None = None
    scrape_stopped_on: date | None = None
    active: bool = True
    timezone: str = "America/Chicago"
    options: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def division_id(self) -> str:
        return f"{MS}/county:{self.county.lower().replace(' ', '_')}"


JAILS: tuple[JailDeclaration, ...] = (
    JailDeclaration("mcdc", "Madison County Detention Center", "Madison", "icurrent",
                    "http://mydcstraining.com/agencyinfo/MS/4360/inmate/ICURRENT.HTM",
                    date(2018, 9, 6)),
    JailDeclaration("prcdf", "Pearl River County Detention Facility", "Pearl River", "icurrent",
                    "http://mydcstraining.com/agencyinfo/MS/0055/inmate/ICURRENT.HTM",
                    date(2018, 9, 6), date(2020, 12, 22), active=False,
                    options={"charge_cut": "ã"}),
    JailDeclaration("lcdc", "Lee County Detention Center", "Lee", "tcsi",
                    "https://tcsi-roster.azurewebsites.net/Default.aspx?i=26&code=Lee&type=roster",
                    date(2018, 12, 1)),
    JailDeclaration("jcdc", "Jones County Detention Center", "Jones", "sheriff_roster",
                    "https://www.jonesso.com/roster.php", date(2018, 12, 14)),
    JailDeclaration("hcdc", "Hinds County Detention Center", "Hinds", "hinds",
                    "http://www.co.hinds.ms.us/pgs/apps/inmate/inmate_list.asp", date(2018, 12, 28)),
    JailDeclaration("kcdc", "Kemper County Detention Center", "Kemper", "sheriff_roster",
                    "https://www.kempercountysheriff.com/roster.php", date(2019, 4, 6)),
    JailDeclaration("tcdc", "Tunica County Detention Center", "Tunica", "sheriff_roster",
                    "https://www.tunicamssheriff.com/roster.php?grp=10", date(2019, 4, 6)),
    JailDeclaration("acdc", "Adams County Detention Center", "Adams", "adams",
                    "http://www.adamscosheriff.org/inmate-roster/", date(2019, 5, 25)),
    JailDeclaration("ccdc", "Clay County Detention Center", "Clay", "sheriff_roster",
                    "http://www.claysheriffms.org/roster.php?grp=10",
                    date(2019, 5, 24), date(2020, 10, 26), active=False,
                    options={"profile_container": "#profile"}),
    JailDeclaration("jcj", "Jasper County Jail", "Jasper", "jasper",
                    "http://jasperso.com/inmate-roster/", date(2019, 6, 3)),
    JailDeclaration("jcadc", "Jackson County Adult Detention Center", "Jackson", "jackson",
                    "https://services.co.jackson.ms.us/jaildocket/_inmateList.php?Function=count",
                    date(2019, 12, 2)),
)

BY_CODE = {jail.code: jail for jail in JAILS}


def get(code: str) -> JailDeclaration:
    try:
        return BY_CODE[code]
    except KeyError:
        raise KeyError(f"unknown jail {code!r}; known: {', '.join(sorted(BY_CODE))}") from None
