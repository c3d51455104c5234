"""One simulated website per vendor format, each written to the markup of the recorded
cassettes (``shared/dockets/<jail>/basic``) and ``shared/spec/jail-dockets.md`` §2.

``TEMPLATES`` names the eleven real jails whose sites can be simulated; :func:`build_site`
makes the site of one simulated jail in the format of one of them. A simulated jail serves
the real site's paths wherever it is rooted (its own port, or a ``/<jail code>`` prefix);
absolute links in its pages start with that root.
"""
from __future__ import annotations

from .adams import AdamsSite
from .base import Request, Response, Site
from .hinds import HindsSite
from .icurrent import MADISON_RACES, PEARL_RIVER_RACES, ICurrentSite
from .jackson import JacksonSite
from .jasper import JasperSite
from .sheriff import ClaySite, JonesSite, KemperSite, TunicaSite
from .tcsi import TcsiSite

MHP = "MHP MS HIGHWAY PATROL(138)"
MDOC = "MDOC(200)"

# Raw agency spellings each docket prints, with how often. A few are deliberately absent
# from the alias tables, so the curation queue always has something in it.
AGENCIES = {
    "mcdc": (("MADISON SO", 10), ("MCSO", 6), ("RIDGELAND PD", 8), ("CANTON PD", 8), ("MADISON PD", 7),
             (MHP, 6), (MDOC, 3), ("FLORA PD", 2), ("OTHER AGENCY/OVERNIGHT", 1),
             ("US MARSHAL SOUTHERN DISTRICT", 1), ("MS BUREAU OF NARCOTICS", 1), ("JOHNNY SIMS", 1),
             ("GLUCKSTADT PD", 1)),
    "prcdf": (("PEARL RIVER COUNTY", 12), ("POPLARVILLE PD", 5), ("PICAYUNE PD", 8), (MDOC, 2),
              ("MISSISSIPPI HIGHWAY PATROL", 3), ("DRUG COURT", 1), ("PRC CAMPUS POLICE", 1),
              ("LAMAR COUNTY", 1), ("HANCOCK COUNTY SO", 1)),
    "lcdc": (("TUPELO POLICE DEPARTMENT(107)", 14), ("LEE COUNTY SHERIFF'S DEPARTMENT(100)", 10), (MDOC, 2),
             (MHP, 3), ("VERONA POLICE DEPARTMENT(108)", 2), ("SHANNON POLICE DEPARTMENT(106)", 2),
             ("BALDWYN POLICE DEPARTMENT(101)", 2), ("SALTILLO POLICE DEPARTMENT(105)", 2),
             ("GUNTOWN POLICE DEPARTMENT(102)", 1), ("PLANTERSVILLE POLICE DEPARTMENT(104)", 1),
             ("NETTLETON POLICE DEPARTMENT(103)", 1), ("PONTOTOC COUNTY SHERIFF(150)", 1)),
    "tcdc": (("TCSO", 10), ("CITY", 6), ("DEPT OF CORR (MDOC)", 1), ("MHP", 1)),
    "ccdc": (("CLAY COUNTY SHERIFFS OFFICE", 8), ("WEST POINT POLICE DEPARTMENT", 8), (MDOC, 1)),
    "jcdc": (("JONES COUNTY SHERIFF'S OFFICE", 10), ("LAUREL POLICE DEPARTMENT", 8), ("LA police", 1),
             ("ELLISVILLE POLICE DEPARTMENT", 3), (MHP, 2), ("JONES COUNTY DRUG COURT", 1),
             ("SANDERSVILLE POLICE DEPARTMENT", 1), ("SOSO POLICE DEPARTMENT", 1), (MDOC, 1)),
    "hcdc": (("JPD", 14), ("HCSO", 8), ("CPD", 2), ("BYPD", 2), ("UMC", 1), ("MHP -G", 1), ("RPD", 1),
             ("EPD", 1), (MDOC, 1), ("TPD", 1), ("CAPITOL POLICE", 1)),
    "jcj": (("JASPER COUNTY SHERIFF'S DEPT", 10), ("BAY SPRINGS POLICE DEPT.", 4), (MHP, 2),
            ("LAUREL POLICE DEPT", 1), ("HEIDELBURG POLICE DEPT", 1), ("MISSISSIPPI DEPT OF CORRECTIONS", 1)),
    "jcadc": (("JCSO", 10), ("PPD", 6), ("MPPD", 3), ("OSPD", 4), ("GPD", 3), ("MHP", 1), ("MSATTGEN", 1)),
}

CITIES = {
    "mcdc": ("CANTON", "MADISON", "RIDGELAND", "FLORA", "JACKSON"),
    "prcdf": ("POPLARVILLE", "PICAYUNE", "CARRIERE"),
    "lcdc": ("TUPELO", "VERONA", "SALTILLO", "SHANNON", "BALDWYN"),
    "kcdc": ("DEKALB", "SCOOBA", "PORTERVILLE", "MERIDIAN"),
    "tcdc": ("TUNICA", "ROBINSONVILLE", "DUNDEE"),
    "ccdc": ("WEST POINT", "CEDAR BLUFF"),
    "jcdc": ("LAUREL", "ELLISVILLE", "SANDERSVILLE", "SOSO"),
    "hcdc": ("JACKSON", "CLINTON", "BYRAM", "RAYMOND", "EDWARDS"),
    "acdc": ("NATCHEZ", "WASHINGTON"),
    "jcj": ("BAY SPRINGS", "HEIDELBERG", "LOUIN"),
    "jcadc": ("PASCAGOULA", "OCEAN SPRINGS", "MOSS POINT", "GAUTIER"),
}

COUNTIES = {"mcdc": "Madison", "prcdf": "Pearl River", "lcdc": "Lee", "kcdc": "Kemper",
            "tcdc": "Tunica", "ccdc": "Clay", "jcdc": "Jones", "hcdc": "Hinds", "acdc": "Adams",
            "jcj": "Jasper", "jcadc": "Jackson"}

TEMPLATES = tuple(COUNTIES)


def build_site(template: str, name: str) -> Site:
    """The site of a jail called ``name`` in the format of the real jail ``template``."""
    county, cities, agencies = COUNTIES[template], CITIES[template], AGENCIES.get(template, ())
    common = {"template": template, "county": county, "cities": cities}
    if template == "mcdc":
        return ICurrentSite(name, agency_number="4360", races=MADISON_RACES, agencies=agencies,
                            person_base=3000, **common)
    if template == "prcdf":
        return ICurrentSite(name, agency_number="0055", races=PEARL_RIVER_RACES, agencies=agencies,
                            person_base=4000, **common)
    if template == "lcdc":
        return TcsiSite(name, roster_id=26, code=county, agencies=agencies, person_base=241000, **common)
    if template == "kcdc":
        return KemperSite(name, domain="kempercountysheriff.com", agencies=agencies, **common)
    if template == "tcdc":
        return TunicaSite(name, domain="tunicamssheriff.com", agencies=agencies, **common)
    if template == "ccdc":
        return ClaySite(name, domain="claysheriffms.org", agencies=agencies, **common)
    if template == "jcdc":
        return JonesSite(name, domain="jonesso.com", agencies=agencies, **common)
    if template == "hcdc":
        return HindsSite(name, agencies=agencies, **common)
    if template == "acdc":
        return AdamsSite(name, **common)
    if template == "jcj":
        return JasperSite(name, agencies=agencies, **common)
    if template == "jcadc":
        return JacksonSite(name, agencies=agencies, person_base=40000, **common)
    raise KeyError(f"no site format for {template!r}; known: {', '.join(TEMPLATES)}")


__all__ = ["TEMPLATES", "Request", "Response", "Site", "build_site"]
