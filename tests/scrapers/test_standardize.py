"""Standardisation: names, sex, race, money, dates with their precision, statutes."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from app.scrapers.standardize import (
    cut_at, docket_time, money, name_from_parts, parse_date, parse_name, race_code, sex_code,
    split_statute, whole_number,
)

CENTRAL = ZoneInfo("America/Chicago")


@pytest.mark.parametrize("raw, parts", [
    ("DOE, JOHN ALLEN JR", ("John", "Allen", "Doe", "Jr")),
    ("JOHN ALLEN DOE JR", ("John", "Allen", "Doe", "Jr")),
    ("MCGEE-PEARSON, DESTINY", ("Destiny", None, "McGee-Pearson", None)),
    ("DONALD WAYNE ROACH III", ("Donald", "Wayne", "Roach", "III")),
    ("JACKSON, ROOSEVELT III", ("Roosevelt", None, "Jackson", "III")),
    ("PRINCE JAMES WILLIAMS", ("Prince", "James", "Williams", None)),   # a name, not a title
    ("DE LA CRUZ, BOBBY", ("Bobby", None, "de la Cruz", None)),   # particles stay lower-case
    ("  O'NEAL,\u00a0SHAQUILLE ", ("Shaquille", None, "O'Neal", None)),
    ("", (None, None, None, None)),
])
def test_names_in_either_order_properly_capitalised(raw, parts):
    assert tuple(parse_name(raw)) == parts


def test_names_given_in_parts():
    assert tuple(name_from_parts("MARY JO", "", "RIVERS", "JR")) == ("Mary Jo", None, "Rivers", "Jr")


@pytest.mark.parametrize("raw, code", [
    ("Male", "M"), ("M", "M"), ("female", "F"), (" F ", "F"), ("Unknown", None), ("", None), (None, None),
])
def test_sex(raw, code):
    assert sex_code(raw) == code


# Every race spelling the eleven dockets print (spec §3.2), Native American as AI throughout.
@pytest.mark.parametrize("raw, code", [
    ("BLACK", "B"), ("WHITE", "W"), ("HISPANIC", "H"), ("ASIAN IS", "AS"), ("AMERICAN", "AI"),
    ("OTHER", "O"), ("ASIAN", "AS"), ("INDIAN", "AI"), ("UNKNOWN", "U"),
    ("African American", "B"), ("Caucasian", "W"), ("Hispanic", "H"), ("Native American", "AI"),
    ("Other", "O"), ("Asian", "AS"), ("Native Haw", "NHPI"), ("INDIAN (NA", "AI"),
    ("B", "B"), ("W", "W"), ("H", "H"), ("A", "AS"), ("I", "AI"), ("Black", "B"), ("White", "W"),
    ("NOT AVAILABLE", "U"), ("Pacific Islander", "NHPI"),
    ("", None), ("MARTIAN", None),
])
def test_race(raw, code):
    assert race_code(raw) == code


def test_a_jail_may_read_a_letter_its_own_way():
    assert race_code("A", {"A": "AI"}) == "AI"
    assert race_code("B", {"A": "AI"}) == "B"


@pytest.mark.parametrize("raw, value", [
    ("$\u00a035,000.00", Decimal("35000.00")), ("$1,000.00", Decimal("1000.00")),
    ("25,000.00", Decimal("25000.00")), ("$ 0.00", Decimal("0.00")), ("", None), ("$", None),
    (None, None), ("N/A", None),
])
def test_money(raw, value):
    assert money(raw) == value


@pytest.mark.parametrize("raw", ["CIRCUIT CO", "$1,0a0.00", "-5.00", "NaN", "Infinity"])
def test_money_rejects_what_is_not_an_amount(raw):
    with pytest.raises(ValueError, match="not an amount"):
        money(raw)


def test_whole_numbers():
    assert whole_number(" 34 ") == 34 and whole_number("") is None
    with pytest.raises(ValueError):
        whole_number("thirty")


@pytest.mark.parametrize("raw", ["//", "00/00/0000", "N/A", "", None])
def test_blank_dates(raw):
    assert parse_date(raw) is None


@pytest.mark.parametrize("raw", ["13/45/2019", "02/30/2020", "next tuesday"])
def test_impossible_dates_are_refused(raw):
    with pytest.raises(ValueError, match="not a possible date"):
        parse_date(raw)


def test_a_date_only_docket_keeps_a_date():
    when = docket_time("11/05/2019", CENTRAL, date_formats=("%m/%d/%Y",))
    assert when == (None, date(2019, 11, 5), "date")      # no invented 11:59 pm


def test_a_date_and_time_is_central_time_stored_as_utc():
    when = docket_time("05-12-2020 - 9:14 am", CENTRAL, datetime_formats=("%m-%d-%Y - %I:%M %p",))
    assert when.at == datetime(2020, 5, 12, 14, 14, tzinfo=timezone.utc)    # CDT, UTC-5
    assert when.on == date(2020, 5, 12) and when.precision == "datetime"
    winter = docket_time("11/04/2019 23:15", CENTRAL, datetime_formats=("%m/%d/%Y %H:%M",))
    assert winter.at == datetime(2019, 11, 5, 5, 15, tzinfo=timezone.utc)    # CST, UTC-6
    assert winter.on == date(2019, 11, 4)                                     # the local day


def test_a_time_is_optional_where_the_docket_may_omit_it():
    when = docket_time("11/05/2019", CENTRAL, datetime_formats=("%m/%d/%Y %H:%M",),
                       date_formats=("%m/%d/%Y",))
    assert when.precision == "date" and when.at is None


@pytest.mark.parametrize("charge, statute, title", [
    ("63-11-30(1)(a)DUI 1ST OFFENSE", "63-11-30(1)(a)", "DUI 1ST OFFENSE"),
    ("41-29-139(c)(1)(A)POSSESSION OF CONTROLLED SUBSTANCE", "41-29-139(c)(1)(A)",
     "POSSESSION OF CONTROLLED SUBSTANCE"),
    ("63-3-1213CARELESS DRIVING", "63-3-1213", "CARELESS DRIVING"),
    ("97-3-7(2)AGGRAVATED ASSAULT", "97-3-7(2)", "AGGRAVATED ASSAULT"),
    ("18USC132518USC1325 ILLEGAL ENTRY-ALIEN", "8 U.S.C. 1325", "UNLAWFUL ENTRY"),
    ("HOLDHOLD", None, None), ("DRUGDRUG COURT", None, None),
    ("HLD Other AgencyHold for other Agency", None, None),
    ("DUI 1ST", None, None), ("", None, None),
])
def test_statutes_split_from_their_titles(charge, statute, title):
    assert split_statute(charge) == (statute, title)


def test_cutting_at_a_stray_character():
    assert cut_at("97-17-41GRAND LARCENY\u00e3", "\u00e3") == "97-17-41GRAND LARCENY"
    assert cut_at("GRAND LARCENY", None) == "GRAND LARCENY"
