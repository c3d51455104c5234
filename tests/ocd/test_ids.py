"""OCD identifiers: formats, divisions, and the rules the models follow."""
from __future__ import annotations

import pytest
from sqlalchemy import select, update

from app.extensions import db
from app.models import Department, Jail, Officer
from app.ocd.ids import (
    check_division_id, county_division_id, division_from_jurisdiction, is_organization_id,
    is_person_id, known_divisions, place_division_id, state_division_id, state_of_division, type_id,
)
from app.ocd.rules import OcdIdChangeError
from app.scrapers.jails import JAILS

from .conftest import build_department


def test_every_scraped_county_has_the_division_of_the_master_list():
    known = known_divisions()
    assert len(known) == 12  # the state and eleven counties
    for jail in JAILS:
        division = county_division_id(jail.county)
        assert division in known, jail.code
        assert known[division] == f"{jail.county} County"
        assert division == jail.division_id


def test_place_and_county_of_the_same_name_are_different_divisions():
    assert county_division_id("Jackson") == "ocd-division/country:us/state:ms/county:jackson"
    assert place_division_id("Jackson") == "ocd-division/country:us/state:ms/place:jackson"
    assert county_division_id("Pearl River") == "ocd-division/country:us/state:ms/county:pearl_river"
    assert place_division_id("Pearl") == "ocd-division/country:us/state:ms/place:pearl"


def test_type_ids_follow_ocdep_2():
    assert type_id("Clark's Point") == "clark~s_point"
    assert type_id("  Pearl River ") == "pearl_river"
    assert type_id("St. Louis") == "st._louis"
    # A county missing from the vendored list is derived by the same rules.
    assert county_division_id("De Soto") == "ocd-division/country:us/state:ms/county:de_soto"
    assert county_division_id("Cook", "IL") == "ocd-division/country:us/state:il/county:cook"


def test_state_divisions_and_their_inverse():
    assert state_division_id("MS") == "ocd-division/country:us/state:ms"
    assert state_division_id("DC") == "ocd-division/country:us/district:dc"
    assert state_division_id("FA") == "ocd-division/country:us"
    assert state_division_id("") is None
    assert state_of_division("ocd-division/country:us/state:ms/place:jackson") == "MS"
    assert state_of_division("ocd-division/country:us/district:dc") == "DC"
    assert state_of_division("ocd-division/country:ca/province:on") is None
    assert division_from_jurisdiction(
        "ocd-jurisdiction/country:us/state:ms/county:hinds/government"
    ) == "ocd-division/country:us/state:ms/county:hinds"
    with pytest.raises(ValueError, match="lie in a state"):
        county_division_id("Hinds", "")


@pytest.mark.parametrize("bad", [
    "ocd-division/country:us/state:MS", "ocd-division/country:us/county:pearl river",
    "ocd-division/country:usa", "ocd-division/country:us/", "division/country:us", "",
])
def test_malformed_division_ids_are_refused(bad):
    with pytest.raises(ValueError, match="not an OCD division id"):
        check_division_id(bad)


def test_minted_ids_have_the_ocd_format(app_ctx):
    department = build_department()
    assert is_organization_id(department.ocd_id)
    assert all(is_person_id(o.ocd_id) for o in department.officers)
    assert not is_person_id(department.ocd_id)
    assert len({o.ocd_id for o in department.officers}) == len(department.officers)


def test_departments_get_their_state_division_unless_given_one(app_ctx):
    plain = Department(name="Madison PD", short_name="MPD", state="MS")
    city = Department(name="Jackson PD", short_name="JPD", state="MS",
                      division_id=place_division_id("Jackson"))
    federal = Department(name="US Marshals", short_name="USMS", state="FA")
    stateless = Department(name="Somewhere PD", short_name="SPD")
    db.session.add_all([plain, city, federal, stateless])
    db.session.commit()
    assert plain.division_id == "ocd-division/country:us/state:ms"
    assert city.division_id == "ocd-division/country:us/state:ms/place:jackson"
    assert federal.division_id == "ocd-division/country:us"
    assert stateless.division_id is None


def test_jails_get_their_county_division(app_ctx):
    db.session.add_all([Jail(code="hcdc", name="Hinds County Detention Center", county="Hinds"),
                        Jail(code="prcdf", name="Pearl River County Detention Facility",
                             county="Pearl River")])
    db.session.commit()
    divisions = dict(db.session.execute(select(Jail.code, Jail.division_id)).all())
    assert divisions == {"hcdc": "ocd-division/country:us/state:ms/county:hinds",
                         "prcdf": "ocd-division/country:us/state:ms/county:pearl_river"}
    jail = db.session.scalars(select(Jail).where(Jail.code == "hcdc")).one()
    assert is_organization_id(jail.ocd_id)


def test_a_malformed_division_is_refused_on_the_model(app_ctx):
    with pytest.raises(ValueError, match="not an OCD division id"):
        Department(name="X", short_name="X", state="MS", division_id="Madison County")
    jail = Jail(code="kcdc", name="Kemper County Detention Center", county="Kemper")
    with pytest.raises(ValueError):
        jail.division_id = "ocd-division/country:us/state:ms/county:Kemper"


@pytest.mark.parametrize("model", ["department", "officer", "jail"])
def test_a_stored_ocd_id_never_changes(app_ctx, model):
    department = build_department()
    row = {"department": department,
           "officer": department.officers[0],
           "jail": Jail(code="lcdc", name="Lee County Detention Center", county="Lee")}[model]
    db.session.add(row)
    db.session.commit()
    minted = row.ocd_id
    row.ocd_id = minted  # setting the same value is harmless
    with pytest.raises(OcdIdChangeError, match="never change"):
        row.ocd_id = "ocd-organization/00000000-0000-4000-8000-000000000000"
    db.session.rollback()
    db.session.expire_all()  # even when the stored value has to be loaded first
    with pytest.raises(OcdIdChangeError):
        row.ocd_id = "ocd-person/00000000-0000-4000-8000-000000000000"
    db.session.rollback()
    assert row.ocd_id == minted


def test_an_id_given_before_the_first_insert_is_kept(app_ctx):
    officer = Officer(first_name="A", last_name="B", ocd_id="ocd-person/1b4e28ba-2fa1-11d2-883f-0016d3cca427")
    officer.ocd_id = "ocd-person/6fa459ea-ee8a-3ca4-894e-db77e160355e"
    db.session.add(officer)
    db.session.commit()
    db.session.expire_all()
    assert db.session.scalars(select(Officer.ocd_id)).one() == "ocd-person/6fa459ea-ee8a-3ca4-894e-db77e160355e"


def test_editing_other_columns_keeps_the_ids(app_ctx):
    department = build_department()
    ids = (department.ocd_id, sorted(o.ocd_id for o in department.officers))
    department.name = "Springfield Police"
    for officer in department.officers:
        officer.first_name = (officer.first_name or "").upper()
    db.session.commit()
    db.session.execute(update(Officer).values(race="Not Sure"))
    db.session.commit()
    db.session.expire_all()
    assert (department.ocd_id, sorted(o.ocd_id for o in department.officers)) == ids


def test_set_division_command(app, runner):
    with app.app_context():
        build_department()
    name = "Springfield Police Department"
    result = runner.invoke(args=["ocd", "set-division", name, "--place", "Jackson"])
    assert result.exit_code == 0, result.output
    assert "[MS] Springfield Police Department: ocd-division/country:us/state:ms/place:jackson" in result.output
    result = runner.invoke(args=["ocd", "set-division", name, "--county", "Pearl River"])
    assert result.output.strip().endswith("ocd-division/country:us/state:ms/county:pearl_river")
    result = runner.invoke(args=["ocd", "set-division", name, "ocd-division/country:us/state:ms/place:pearl"])
    assert result.exit_code == 0
    with app.app_context():
        assert db.session.scalars(select(Department.division_id)).one() == \
            "ocd-division/country:us/state:ms/place:pearl"

    result = runner.invoke(args=["ocd", "set-division", name, "Pearl, Mississippi"])
    assert result.exit_code == 1 and "'Pearl, Mississippi' is not an OCD division id" in result.output
    result = runner.invoke(args=["ocd", "set-division", name, "--county", "Hinds", "--place", "Jackson"])
    assert result.exit_code == 2
    result = runner.invoke(args=["ocd", "set-division", "Nowhere PD", "--county", "Hinds"])
    assert result.exit_code == 1 and "no department is named 'Nowhere PD'" in result.output
    with app.app_context():
        assert db.session.scalars(select(Department.division_id)).one() == \
            "ocd-division/country:us/state:ms/place:pearl"
