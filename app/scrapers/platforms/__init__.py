"""Platform scrapers, one per vendor platform or jail site, and the registry that picks a
jail's scraper from its declaration (``JailDeclaration.platform``)."""
from __future__ import annotations

from ..jails import JailDeclaration
from .base import RosterRead, RosterRow, Scraper
from .icurrent import ICurrentScraper
from .sheriff_roster import SheriffRosterScraper

PLATFORMS: dict[str, type[Scraper]] = {
    "icurrent": ICurrentScraper,
    "sheriff_roster": SheriffRosterScraper,
}


def get_scraper(declaration: JailDeclaration) -> Scraper:
    try:
        scraper_class = PLATFORMS[declaration.platform]
    except KeyError:
        raise KeyError(f"jail {declaration.code!r}: unknown platform {declaration.platform!r}; "
                       f"known: {', '.join(sorted(PLATFORMS))}") from None
    return scraper_class(declaration)


__all__ = ["PLATFORMS", "RosterRead", "RosterRow", "Scraper", "get_scraper"]
