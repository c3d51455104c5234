"""The spec's agency tables as data for the alias table."""
from __future__ import annotations

from app.scrapers.agency_tables import AGENCY_ALIASES, agency_codes
from app.scrapers.jails import JAILS


def lookup(jail, raw):
    exact = {alias: code for alias, code, prefix in AGENCY_ALIASES[jail] if not prefix}
    if raw in exact:
        return exact[raw]
    return next((code for alias, code, prefix in AGENCY_ALIASES[jail] if prefix and raw.startswith(alias)), None)


def test_every_jail_has_a_table_and_no_spelling_twice():
    assert set(AGENCY_ALIASES) == {jail.code for jail in JAILS}
    for jail, aliases in AGENCY_ALIASES.items():
        spellings = [raw for raw, _, _ in aliases]
        assert len(spellings) == len(set(spellings)), jail
        assert all(raw.strip() == raw and raw and code for raw, code, _ in aliases)
    assert AGENCY_ALIASES["kcdc"] == AGENCY_ALIASES["acdc"] == []     # they publish no agency


def test_spellings_from_the_spec():
    assert lookup("mcdc", "MHP MS HIGHWAY PATROL(138)") == "MHP"
    assert lookup("mcdc", "JOHNNY SIMS") == "MadisonCntyConstable"
    assert lookup("mcdc", "US MARSHAL SERVICE") == "USMarshals"
    assert lookup("lcdc", "USMARSHALS JACKSON") == "USMarshals"
    assert lookup("lcdc", "NATCHEZ TRACE/US MARSHALL(400)") == "NatchezTrace/USMarshals"
    assert lookup("lcdc", "SECURITY TRANSPORT SERVICES, INC") == "Security Transport Services, Inc."
    assert lookup("hcdc", "MHP -G") == "MHP" and lookup("hcdc", "MDOC(200)") == "MDOC"
    assert lookup("hcdc", "BYRA") == "ByramPD"
    assert lookup("jcadc", "MSATTGEN") == "AG" and lookup("jcadc", "JCSO") is None
    assert lookup("jcdc", "LA police") == "LaurelPD"
    assert lookup("tcdc", "DEPT OF CORR (MDOC)") == "MDOC"
    assert lookup("jcj", "JASPER COUNTY SHERIFF'S DEPT") == "JasperCntySD"
    assert lookup("prcdf", "MISS DEPT OF TRANSPORTATION") == "MDOT"


def test_agency_codes_are_listed_once():
    codes = agency_codes()
    assert len(codes) == len(set(codes)) and {"MHP", "MDOC", "USMarshals", "AG", "TunicaPD"} <= set(codes)
