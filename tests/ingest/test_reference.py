"""``flask seed``: the declared jails, canonical agencies and per-jail aliases, idempotently,
without undoing curation."""
from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import Agency, AgencyAlias, Jail
from app.scrapers.agency_tables import AGENCY_ALIASES, agency_codes
from app.scrapers.jails import JAILS
from app.services.reference import seed_reference_data


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def alias(code: str, raw: str) -> AgencyAlias:
    return db.session.scalar(select(AgencyAlias).join(Jail).where(Jail.code == code, AgencyAlias.raw == raw))


def test_seed_loads_every_declaration_once(runner, app_ctx):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    declared_aliases = sum(len({raw for raw, _, _ in rows}) for rows in AGENCY_ALIASES.values())
    assert f"jails: {len(JAILS)} added" in result.output
    assert count(Jail) == len(JAILS) and count(Agency) == len(agency_codes())
    assert count(AgencyAlias) == declared_aliases

    mcdc = db.session.scalar(select(Jail).where(Jail.code == "mcdc"))
    assert (mcdc.name, mcdc.platform, mcdc.county) == ("Madison County Detention Center", "icurrent", "Madison")
    assert mcdc.division_id == "ocd-division/country:us/state:ms/county:madison"
    assert mcdc.scrape_started_on.isoformat() == "2018-09-06" and mcdc.active
    prcdf = db.session.scalar(select(Jail).where(Jail.code == "prcdf"))
    assert not prcdf.active and prcdf.scrape_stopped_on.isoformat() == "2020-12-22"
    marshals = alias("mcdc", "US MARSHAL")
    assert marshals.is_prefix and marshals.agency.code == "USMarshals"
    assert alias("jcadc", "MSATTGEN").agency.code == "AG"

    again = runner.invoke(args=["seed"])
    assert again.exit_code == 0
    assert "jails: 0 added, 0 updated; agencies: 0 added; aliases: 0 added, 0" in again.output
    assert count(Jail) == len(JAILS) and count(AgencyAlias) == declared_aliases


def test_seed_restores_declared_fields_and_keeps_curation(app_ctx):
    seed_reference_data()
    mcdc = db.session.scalar(select(Jail).where(Jail.code == "mcdc"))
    mcdc.docket_url = "http://wrong.example/"
    mcdc.detail_refresh_budget = 25               # not declared: an operator's setting
    curated = alias("mcdc", "CANTON PD")
    other = db.session.scalar(select(Agency).where(Agency.code == "MadisonPD"))
    curated.agency_id = other.id                  # a curator's decision
    queued = alias("hcdc", "JPD")
    queued.agency_id = None                       # as if ingest had queued it first
    db.session.commit()

    report = seed_reference_data()
    assert (report.jails_updated, report.aliases_mapped, report.aliases_added) == (1, 1, 0)
    db.session.expire_all()
    mcdc = db.session.scalar(select(Jail).where(Jail.code == "mcdc"))
    assert mcdc.docket_url.endswith("/MS/4360/inmate/ICURRENT.HTM") and mcdc.detail_refresh_budget == 25
    assert alias("mcdc", "CANTON PD").agency.code == "MadisonPD"
    assert alias("hcdc", "JPD").agency.code == "JacksonPD"
