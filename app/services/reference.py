"""Reference data: the jails Oversight scrapes, canonical agencies and each jail's raw
agency spellings. Loaded idempotently by ``flask seed`` and ``make run``.

The declarations in ``app.scrapers.jails`` are the source of truth for a jail's identity and
where its docket lives; ``app.scrapers.agency_tables`` for the agency spellings the original
dataset mapped. Seeding never undoes curation: a spelling someone mapped in the back office
keeps its mapping, and one waiting in the curation queue is filled in when the tables learn it.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from ..models import Agency, AgencyAlias, Jail
from ..scrapers.agency_tables import AGENCY_ALIASES, agency_codes
from ..scrapers.jails import JAILS, JailDeclaration


@dataclass
class SeedReport:
    jails_added: int = 0
    jails_updated: int = 0
    agencies_added: int = 0
    aliases_added: int = 0
    aliases_mapped: int = 0

    def summary(self) -> str:
        return (f"jails: {self.jails_added} added, {self.jails_updated} updated; "
                f"agencies: {self.agencies_added} added; aliases: {self.aliases_added} added, "
                f"{self.aliases_mapped} queued spellings mapped")


def _declared_values(declaration: JailDeclaration) -> dict:
    return {
        "name": declaration.name, "county": declaration.county, "platform": declaration.platform,
        "docket_url": declaration.docket_url, "timezone": declaration.timezone,
        "division_id": declaration.division_id, "scrape_started_on": declaration.scrape_started_on,
        "scrape_stopped_on": declaration.scrape_stopped_on, "active": declaration.active,
    }


def seed_jails(report: SeedReport, declarations=JAILS) -> dict[str, Jail]:
    existing = {jail.code: jail for jail in db.session.scalars(select(Jail))}
    for declaration in declarations:
        values = _declared_values(declaration)
        jail = existing.get(declaration.code)
        if jail is None:
            jail = Jail(code=declaration.code, **values)
            db.session.add(jail)
            existing[declaration.code] = jail
            report.jails_added += 1
        elif any(getattr(jail, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(jail, name, value)
            report.jails_updated += 1
    db.session.flush()
    return existing


def seed_agencies(report: SeedReport) -> dict[str, Agency]:
    existing = {agency.code: agency for agency in db.session.scalars(select(Agency))}
    for code in agency_codes():
        if code not in existing:
            existing[code] = Agency(code=code)
            db.session.add(existing[code])
            report.agencies_added += 1
    db.session.flush()
    return existing


def seed_aliases(report: SeedReport, jails: dict[str, Jail], agencies: dict[str, Agency]) -> None:
    existing = {(alias.jail_id, alias.raw): alias for alias in db.session.scalars(select(AgencyAlias))}
    for code, aliases in AGENCY_ALIASES.items():
        jail = jails.get(code)
        if jail is None:
            continue
        for raw, agency_code, is_prefix in aliases:
            agency_id = agencies[agency_code].id
            alias = existing.get((jail.id, raw))
            if alias is None:
                alias = AgencyAlias(jail_id=jail.id, raw=raw, is_prefix=is_prefix, agency_id=agency_id)
                db.session.add(alias)
                existing[(jail.id, raw)] = alias
                report.aliases_added += 1
            elif alias.agency_id is None:
                alias.agency_id, alias.is_prefix = agency_id, is_prefix
                report.aliases_mapped += 1
    db.session.flush()


def seed_reference_data() -> SeedReport:
    """Upsert every declared jail, agency and alias, and commit."""
    report = SeedReport()
    jails = seed_jails(report)
    agencies = seed_agencies(report)
    seed_aliases(report, jails, agencies)
    db.session.commit()
    return report
