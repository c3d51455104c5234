"""The jails Oversight scrapes, declared once.

The eleven jails are declared below. Another county on a known platform needs no code: it is
one JSON file in ``jail_configs/`` (written by ``flask scrape init``, see ``scaffold.py``),
read here at import.

A deployment can also re-point or add jails without touching the code: the environment
variable ``OVERSIGHT_JAIL_DECLARATIONS`` names a JSON file holding a list of declarations, and
an entry there takes the place of the declared jail with the same code (the docket simulator
writes one so the whole system scrapes its sites).
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path

from ..ocd.ids import county_division_id


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
        return county_division_id(self.county)


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

CONFIG_DIR = Path(__file__).with_name("jail_configs")
_DATE_FIELDS = ("scrape_started_on", "scrape_stopped_on")


def declaration_to_json(jail: JailDeclaration) -> str:
    data = {f.name: getattr(jail, f.name) for f in fields(jail)}
    for name in _DATE_FIELDS:
        data[name] = data[name].isoformat() if data[name] else None
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def declaration_from_json(text: str, source: str = "declaration") -> JailDeclaration:
    try:
        data = json.loads(text)
        for name in _DATE_FIELDS:
            if data.get(name):
                data[name] = date.fromisoformat(data[name])
        return JailDeclaration(**data)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{source}: not a jail declaration: {exc}") from None


def load_declarations(directory: Path = CONFIG_DIR) -> tuple[JailDeclaration, ...]:
    """The jails declared as configuration files, in code order."""
    if not directory.is_dir():
        return ()
    return tuple(declaration_from_json(path.read_text(encoding="utf-8"), str(path))
                 for path in sorted(directory.glob("*.json")))


JAILS = JAILS + load_declarations()
BY_CODE = {jail.code: jail for jail in JAILS}
if len(BY_CODE) != len(JAILS):
    raise ValueError(f"a jail code is declared twice (see {CONFIG_DIR})")


DECLARATIONS_ENV = "OVERSIGHT_JAIL_DECLARATIONS"
_declarations_file: tuple[tuple, dict[str, JailDeclaration]] = ((), {})


def overriding_declarations() -> dict[str, JailDeclaration]:
    """The declarations in the file named by ``OVERSIGHT_JAIL_DECLARATIONS``, by code (read
    again whenever the file changes)."""
    global _declarations_file
    path = os.environ.get(DECLARATIONS_ENV)
    if not path:
        return {}
    stat = os.stat(path)
    version = (path, stat.st_mtime_ns, stat.st_size)
    if _declarations_file[0] != version:
        entries = json.loads(Path(path).read_text(encoding="utf-8"))
        found = [declaration_from_json(json.dumps(entry), f"{path}[{index}]")
                 for index, entry in enumerate(entries)]
        _declarations_file = (version, {jail.code: jail for jail in found})
    return _declarations_file[1]


def get(code: str) -> JailDeclaration:
    override = overriding_declarations().get(code)
    if override is not None:
        return override
    try:
        return BY_CODE[code]
    except KeyError:
        raise KeyError(f"unknown jail {code!r}; known: {', '.join(sorted(BY_CODE))}") from None
