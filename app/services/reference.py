"""Reference data: the jails Oversight scrapes, canonical agencies and each jail's raw
agency spellings. Loaded idempotently by ``flask seed`` and ``make run``."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class SeedReport:
    jails_added: int = 0
    jails_updated: int = 0
    agencies_added: int = 0
    aliases_added: int = 0

    def summary(self) -> str:
        return (f"jails: {self.jails_added} added, {self.jails_updated} updated; "
                f"agencies: {self.agencies_added} added; aliases: {self.aliases_added} added")


def seed_reference_data() -> SeedReport:
    """Upsert every declared jail, agency and alias. Filled in by the scraper framework."""
    return SeedReport()
