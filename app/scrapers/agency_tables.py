"""The arresting-agency spellings each docket prints and the canonical agency code (the seed's
``LEA``) each one means, as plain data (spec §3.1). The reference seeding loads these into the
per-jail alias table; a spelling not listed here is kept raw and queued for curation at ingest.

``AGENCY_ALIASES[jail]`` is a list of ``(raw, code, is_prefix)``: ``raw`` is matched exactly,
or as the start of the printed value when ``is_prefix`` is true.
"""
from __future__ import annotations

AgencyAlias = tuple[str, str, bool]


def _same(code: str, *spellings: str) -> list[AgencyAlias]:
    return [(raw, code, False) for raw in spellings]


# Spellings several dockets share.
MHP = _same("MHP", "HIGHWAY PATROL", "MISSISSIPPI HIGHWAY PATROL", "MHP MS HIGHWAY PATROL(138)",
            "MISS. HWY PATROL")
MDOC = _same("MDOC", "MDOC(200)", "MISS. DEPT OF CORRECTIONS", "DEPT OF CORR (MDOC)")
MDOT = _same("MDOT", "DEPT OF TRANS (MDOT)", "MISS DEPT OF TRANSPORTATION")
US_MARSHALS = [("US MARSHAL", "USMarshals", True), ("USMARSHAL", "USMarshals", True)]
MBN = _same("MBN", "MS BUREAU OF NARCOTICS")

AGENCY_ALIASES: dict[str, list[AgencyAlias]] = {
    "mcdc": [
        *_same("MadisonCntySD", "MADISON SO", "MCSO"),
        *US_MARSHALS,
        *_same("RidgelandPD", "RIDGELAND PD"),
        *_same("CantonPD", "CANTON PD"),
        *_same("MadisonPD", "MADISON PD"),
        *_same("VicksburgPD", "VICKSBURG PD"),
        *MHP,
        *MDOC,
        *_same("FloraPD", "FLORA PD"),
        *_same("OtherLEA/Overnight", "OTHER AGENCY/OVERNIGHT"),
        *_same("WarrenCntySD", "WARREN SO"),
        *_same("MadisonCntyConstable", "MIKE BROWN", "BRAD HARBOUR", "JOHNNY SIMS", "WILL WEISENBERGER"),
        *_same("CBP", "US CUSTOMS"),
        *_same("ParkRangers", "PARK RANGER"),
        *_same("PearlRiverValley", "PRV"),
        *_same("YazooCntySD", "YAZOO SO"),
        *_same("PearlRiverCntySD", "PEARL RIVER COUNTY"),
        *_same("NeshobaCntySD", "NESHOBA SO"),
        *_same("RichlandPD", "RICHLAND PD"),
        *_same("ChoctawCntySD", "CHOCTAW SO"),
        *_same("WashingtonCntySO", "WASHINGTON SO"),
        *_same("HindsCntySD", "HCSO", "HINDS SO"),
        *_same("PoplarvillePD", "POPLARVILLE PD"),
        *_same("USPostalInspector", "US POSTAL INSPECTOR"),
        *_same("RollingForkPD", "ROLLING FORK"),
        *_same("PearlPD", "PEARL PD"),
        *MBN,
        *_same("PanolaCntySD", "PANOLA SO"),
        *_same("HolmesCC", "HOLMES COMMUNITY COLLEGE"),
        *_same("RankinCntySD", "RANKIN SO"),
    ],
    "prcdf": [
        *_same("PearlRiverCntySD", "PEARL RIVER COUNTY"),
        *MDOC,
        *_same("PoplarvillePD", "POPLARVILLE PD"),
        *_same("PicayunePD", "PICAYUNE PD"),
        *MHP,
        *_same("DrugCt", "DRUG COURT"),
        *_same("PearlRiverCntyCampusPD", "PRC CAMPUS POLICE"),
        *MBN,
        *_same("ExtTran", "EXT TRAN OF AMER"),
        *_same("LamarCntySD", "LAMAR COUNTY"),
        *MDOT,
        *_same("PearlRiverCntyCC", "PRCCC"),
        *_same("HarrisonCntySD", "HARRISON COUNTY"),
    ],
    "tcdc": [
        *_same("TunicaCntySD", "TCSO"),
        *_same("TunicaPD", "CITY"),
        *MDOC,
    ],
    "lcdc": [
        *_same("TupeloPD", "TUPELO POLICE DEPARTMENT(107)"),
        *_same("LeeCntySD", "LEE COUNTY SHERIFF'S DEPARTMENT(100)"),
        *MDOC,
        *MHP,
        *_same("VeronaPD", "VERONA POLICE DEPARTMENT(108)"),
        *_same("ShannonPD", "SHANNON POLICE DEPARTMENT(106)"),
        *_same("BaldwynPD", "BALDWYN POLICE DEPARTMENT(101)"),
        *_same("SaltilloPD", "SALTILLO POLICE DEPARTMENT(105)"),
        *_same("GuntownPD", "GUNTOWN POLICE DEPARTMENT(102)"),
        *_same("NatchezTrace/USMarshals", "NATCHEZ TRACE/US MARSHALL(400)"),
        *_same("PlantersvillePD", "PLANTERSVILLE POLICE DEPARTMENT(104)"),
        *_same("PrisonerTransportService", "Prisoner Trasport Service"),   # sic
        *_same("OtherStateLEA", "TRIGG COUNTY KY", "TUSCALOOSA CO AL", "ALL OTHER STATES (SPECIFY)(700)"),
        *_same("NettletonPD", "NETTLETON POLICE DEPARTMENT(103)"),
        *US_MARSHALS,
        *_same("InmateServicesCorp", "INMATE SERVICES CORPORATION"),
        *_same("OtherLEA", "ALL OTHER MS AGENCYS (SPECIFY)(600)"),
        *_same("MantachiePD", "MANTACHIE"),
        *_same("NewAlbanyPD", "NEW ALBANY"),
        *_same("ItawambaCntySD", "ITAWAMBA COUNTY SHERIFF'S DEPT.(112)"),
        *_same("ShermanPD", "SHERMAN POLICE DEPARTMENT(139)"),
        # The original stored this one with literal quotation marks, an artefact of its
        # comma-list quoting; the code is the name itself.
        *_same("Security Transport Services, Inc.", "SECURITY TRANSPORT SERVICES, INC"),
    ],
    "hcdc": [
        *_same("JacksonPD", "JPD"),
        *_same("HindsCntySD", "HCSO", "HINDS SO", "HSCO"),
        *MDOC,
        *_same("MDOC", "MISSISSIPPI DEPT OF CORRECTIONS"),
        *_same("ClintonPD", "CPD"),
        *_same("ByramPD", "BYPD", "BRYA", "BYRA"),
        *_same("UMMC", "UMC"),
        *MHP,
        *_same("MHP", "MHP -G"),
        *MBN,
        *_same("RaymondPD", "RPD"),
        *_same("EdwardsPD", "EPD"),
        *_same("MadisonCntySD", "MADISON SO", "MCSO"),
        *_same("JacksonSchools", "JPS"),
        *_same("TerryPD", "TERR", "TPD"),
        *_same("UticaPD", "UPD"),
        *_same("HindsCntyCC", "HCCC"),
    ],
    "ccdc": [
        *_same("ClayCntySD", "CLAY COUNTY SHERIFFS OFFICE"),
        *_same("WestPointPD", "WEST POINT POLICE DEPARTMENT"),
        *MDOC,
    ],
    "jcj": [
        *_same("JasperCntySD", "JASPER COUNTY", "JASPER COUNTY SHERIFF'S DEPT"),
        *_same("BaySpringsPD", "BAY SPRINGS POLICE DEPT."),
        *MHP,
        *_same("AGO", "ATTORNEY GENERAL'S OFFICE"),
        *_same("LaurelPD", "LAUREL POLICE DEPT"),
        *_same("HeidelburgPD", "HEIDELBURG POLICE DEPT"),
        *_same("MDOC", "MISSISSIPPI DEPT OF CORRECTIONS"),
    ],
    # The original mapped only this one and dropped every other agency (it returned None);
    # here the others are kept raw and queued for curation like any unmapped spelling.
    "jcadc": _same("AG", "MSATTGEN"),
    "jcdc": [
        *_same("JonesCntySD", "JONES COUNTY SHERIFF'S OFFICE"),
        *_same("CopiahCntySD", "COPIAH COUNTY SHERIFF'S DEPT"),
        *_same("LaurelPD", "LAUREL POLICE DEPARTMENT", "LA police"),
        *_same("EllisvillePD", "ELLISVILLE POLICE DEPARTMENT"),
        *MDOC,
        *MHP,
        *_same("JonesCntyDrugCt", "JONES COUNTY DRUG COURT"),
        *_same("SandersvillePD", "SANDERSVILLE POLICE DEPARTMENT"),
        *MDOT,
        *_same("LamarCntySD", "LAMAR COUNTY"),
        *_same("JonesCntySchools", "JONES COUNTY SCHOOLS"),
        *_same("JeffDavisCntySD", "JEFFERSON DAVIS SHERIFFS DEPT"),
        *_same("JonesCntyJC", "JCJC", "JONES JR. COLLEGE"),
        *_same("ForrestCntySD", "FORREST COUNTY"),
        *_same("BondingCo", "Bonding Company"),
        *_same("LauderdaleCntySD", "LAUDERDALE COUNTY"),
        *US_MARSHALS,
        *_same("JonesCntyJusticeCt", "JUSTICE CT."),
        *_same("MarionCntySD", "MARION COUNTY"),
        *_same("JasperCntySD", "JASPER COUNTY", "JASPER COUNTY SHERIFF'S DEPT"),
        *_same("HarrisonCntySD", "HARRISON COUNTY"),
        *_same("SosoPD", "SOSO POLICE DEPARTMENT"),
    ],
    # Kemper and Adams publish no arresting agency.
    "kcdc": [],
    "acdc": [],
}


def agency_codes() -> list[str]:
    """Every canonical agency code, once, in first-mention order."""
    seen: dict[str, None] = {}
    for aliases in AGENCY_ALIASES.values():
        for _, code, _ in aliases:
            seen.setdefault(code, None)
    return list(seen)
