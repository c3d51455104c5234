"""Validation of parsed records, and what the framework does with a record it rejects or a
sheet that changes only in its volatile parts."""
from __future__ import annotations

import re
import shutil
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from app.scrapers.jails import JAILS
from app.scrapers.records import BookingRecord, ChargeRecord, RecordRejected, validate
from tests.scrapers.support import CENTRAL, basic, by_key, on_roster, replay

NOW = datetime(2020, 5, 12, 19, 15, tzinfo=timezone.utc)


def good(**fields) -> BookingRecord:
    values = dict(booking_key="K1", sex="M", race="B", dob=date(1990, 1, 2), booked_on=date(2020, 5, 12),
                  booking_date_precision="date", bond_cash=Decimal("10.00"))
    values.update(fields)
    return BookingRecord(**values)


def rejected(record) -> str:
    with pytest.raises(RecordRejected) as failure:
        validate(record, now=NOW, tz=CENTRAL)
    return str(failure.value)


def test_a_good_record_passes():
    assert validate(good(), now=NOW, tz=CENTRAL).booking_key == "K1"


@pytest.mark.parametrize("fields, message", [
    (dict(booking_key=""), "booking_key: missing"),
    (dict(booking_key="  "), "booking_key: missing"),
    (dict(booking_key="X" * 101), "booking_key: longer than 100"),
    (dict(sex="Male"), "sex: 'Male' is not one of M, F"),
    (dict(race="NA"), "race: 'NA' is not one of"),
    (dict(dob=date(1850, 1, 1)), "dob: impossible date 1850-01-01"),
    (dict(dob=date(2031, 1, 1)), "dob: impossible date 2031-01-01"),
    (dict(booked_on=date(2020, 5, 14)), "booked_on: impossible date 2020-05-14"),
    (dict(dob=date(2020, 5, 12), booked_on=date(2020, 5, 1)), "dob: 2020-05-12 is after the booking date"),
    (dict(booked_at=datetime(2020, 5, 12, 9, 0), booking_date_precision="datetime"), "booked_at: naive"),
    (dict(booked_at=NOW + timedelta(days=3), booking_date_precision="datetime"), "booked_at: "),
    (dict(booking_date_precision="datetime"), "booking_date_precision: 'datetime' does not match"),
    (dict(released_on=date(2020, 5, 12)), "release_precision: None does not match"),
    (dict(intake_age=230), "intake_age: impossible age 230"),
    (dict(bond_cash=Decimal("-1")), "bond_cash: negative amount"),
    (dict(charges=[ChargeRecord(description="X", fine=Decimal("-5"))]), "charge 1 fine: negative amount"),
])
def test_what_is_rejected_and_why(fields, message):
    assert rejected(good(**fields)).startswith(message)


def test_a_docket_clock_a_little_ahead_is_tolerated():
    # 23:30 on May 12 in Mississippi is already May 13 in UTC; the local day is what counts.
    late = datetime(2020, 5, 13, 4, 30, tzinfo=timezone.utc)
    validate(good(booked_on=date(2020, 5, 13)), now=late, tz=CENTRAL)


def copy_moment(code, moment, tmp_path):
    target = tmp_path / code
    shutil.copytree(basic(code, moment), target)
    return target


def test_an_impossible_date_rejects_the_record_but_keeps_the_booking_in_view(tmp_path):
    moment = copy_moment("kcdc", "t0", tmp_path)
    profile = moment / "pages" / "roster_view_KCSO20JBN000214.html"
    profile.write_text(profile.read_text().replace("05-12-2020 - 9:14 am", "13-45-2020 - 9:14 am"))

    result = replay("kcdc", moment)

    url = "https://www.kempercountysheriff.com/roster_view.php?booking_num=KCSO20JBN000214"
    assert result.errors == [f"{url}: booking date: not a possible date and time: '13-45-2020 - 9:14 am'"]
    gowan = by_key(result)["KCSO20JBN000214"]
    assert not gowan.detail_complete and gowan.name_raw is None     # nothing from the bad sheet
    assert result.complete and len(result.roster_keys) == 12         # and nobody goes missing


def test_a_future_birth_date_is_rejected_after_parsing(tmp_path):
    moment = copy_moment("mcdc", "t0", tmp_path)
    sheet = moment / "pages" / "ICUD0001.HTM"
    sheet.write_bytes(sheet.read_bytes().replace(b"03/19/1990", b"03/19/2090"))

    result = replay("mcdc", moment)

    assert result.errors == ["http://mydcstraining.com/agencyinfo/MS/4360/inmate/ICUD0001.HTM: "
                             "dob: impossible date 2090-03-19 (run date 2019-11-05)"]
    # The sheet itself named the intake number, so the booking is still kept in view.
    assert not by_key(result)["BK0000011872 - 002"].detail_complete
    assert result.complete


AGE = re.compile(r"(\bAge:?\s*(?:<[^>]+>\s*)*)(\d+)|(\d+)( Years Old)", re.IGNORECASE)


def older(match: re.Match) -> str:
    if match.group(2):
        return f"{match.group(1)}{int(match.group(2)) + 1}"
    return f"{int(match.group(3)) + 1}{match.group(4)}"


@pytest.mark.parametrize("code", [jail.code for jail in JAILS if jail.code != "hcdc"])   # Hinds shows no age
def test_a_birthday_is_not_a_new_version_of_the_sheet(code, tmp_path):
    moment = copy_moment(code, "t0", tmp_path)
    for page in (moment / "pages").rglob("*"):
        if page.is_file():
            text = page.read_bytes().decode("latin-1")
            page.write_bytes(AGE.sub(older, text).encode("latin-1"))

    before, after = on_roster(replay(code, basic(code, "t0"))), on_roster(replay(code, moment))

    assert set(before) == set(after)
    aged = [key for key in before if before[key].intake_age is not None]
    assert aged
    for key in aged:
        assert after[key].intake_age == before[key].intake_age + 1
        assert after[key].normalized_text == before[key].normalized_text
