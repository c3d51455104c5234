"""Platform scrapers, one per vendor platform or jail site, and the registry that picks a
jail's scraper from its declaration (``JailDeclaration.platform``)."""
from __future__ import annotations

from ..jails import JailDeclaration
from .base import RosterRead, RosterRow, Scraper
from .adams import AdamsScraper
from .hinds import HindsScraper
from .icurrent import ICurrentScraper
from .jackson import JacksonScraper
from .jasper import JasperScraper
from .sheriff_roster import SheriffRosterScraper
from .tcsi import TcsiScraper

PLATFORMS: dict[str, type[Scraper]] = {
    "icurrent": ICurrentScraper,
    "sheriff_roster": SheriffRosterScraper,
    "tcsi": TcsiScraper,
    "hinds": HindsScraper,
    "adams": AdamsScraper,
    "jasper": JasperScraper,
    "jackson": JacksonScraper,
}


def get_scraper(declaration: JailDeclaration) -> Scraper:
    try:
        scraper_class = PLATFORMS[declaration.platform]
    except KeyError:
        raise KeyError(f"jail {declaration.code!r}: unknown platform {declaration.platform!r}; "
                       f"known: {', '.join(sorted(PLATFORMS))}") from None
    return scraper_class(declaration)


__all__ = ["PLATFORMS", "RosterRead", "RosterRow", "Scraper", "get_scraper"]
