"""The population model: deterministic, following the historical rates, with releases,
added charges, returning people and reused slots."""
from __future__ import annotations

import statistics
from datetime import timedelta

import pytest
from nameparser import HumanName

from app.simulator import Farm
from app.simulator.history import load_history
from app.simulator.people import FEMALE_FIRST, FEMALE_MIDDLE, LAST, MALE_FIRST, MALE_MIDDLE, SUFFIXES
from app.simulator.population import local_date, local_day_start

from .conftest import START


def snapshot(farm: Farm, code: str, until):
    return [(b.key, b.booked_at, b.released_at, b.person.name_last_first(),
             [c.title for c in b.charges], b.agency)
            for b in farm.jail(code).population.bookings_until(until)]


def test_same_seed_same_bookings_whatever_is_asked_first(shared_dir):
    later = START + timedelta(days=3)
    first = Farm.build(start=START, seed=7, templates=["mcdc", "kcdc"], data_dir=shared_dir / "data")
    second = Farm.build(start=START, seed=7, templates=["mcdc", "kcdc"], data_dir=shared_dir / "data")
    # One farm is asked about the far end first, the other walks forward hour by hour.
    first.custody_keys("mcdc", later)
    for hour in range(0, 72, 5):
        second.custody_keys("mcdc", START + timedelta(hours=hour))
    for code in ("mcdc", "kcdc"):
        assert snapshot(first, code, later) == snapshot(second, code, later)
        assert first.custody_keys(code, later - timedelta(hours=30)) == \
            second.custody_keys(code, later - timedelta(hours=30))
    other = Farm.build(start=START, seed=8, templates=["mcdc"], data_dir=shared_dir / "data")
    assert snapshot(other, "mcdc", later) != snapshot(first, "mcdc", later)


def test_population_and_admissions_follow_the_history(shared_dir):
    farm = Farm.build(start=START, seed=5, data_dir=shared_dir / "data")
    first_day = local_date(START) + timedelta(days=1)
    total_simulated = total_historical = 0.0
    for code, jail in farm.jails.items():
        held, expected_held, admitted, expected_admitted = [], [], [], []
        for offset in range(60):
            day = first_day + timedelta(days=offset)
            held.append(len(jail.population.roster(local_day_start(day) + timedelta(hours=12))))
            rates = jail.series.rates(day, jail.offset_days)
            expected_held.append(rates.population)
            expected_admitted.append(rates.admissions)
        end = local_day_start(first_day + timedelta(days=60))
        admitted = [b for b in jail.population.bookings_until(end) if local_date(b.booked_at) >= first_day]
        mean_held, mean_expected = statistics.mean(held), statistics.mean(expected_held)
        # Small jails are noisy; each stays within a third, the farm as a whole within 8%.
        assert abs(mean_held - mean_expected) < max(0.33 * mean_expected, 6), code
        assert abs(len(admitted) / 60 - statistics.mean(expected_admitted)) < \
            max(0.2 * statistics.mean(expected_admitted), 0.5), code
        total_simulated += mean_held
        total_historical += mean_expected
    assert abs(total_simulated - total_historical) < 0.08 * total_historical


def test_people_come_and_go_and_charges_are_added(shared_dir):
    farm = Farm.build(start=START, seed=3, templates=["mcdc"], data_dir=shared_dir / "data")
    population = farm.jail("mcdc").population
    before = farm.custody_keys("mcdc", START)
    after = farm.custody_keys("mcdc", START + timedelta(days=2))
    assert before - after, "nobody was released in two days"
    assert after - before, "nobody was booked in two days"
    bookings = population.bookings_until(START + timedelta(days=30))
    grown = [b for b in bookings if len(b.charges_at(b.released_at)) > len(b.charges_at(b.booked_at))]
    assert grown, "no stay gained a charge in a month"
    booking = grown[0]
    added = max(c.added_at for c in booking.charges)
    assert booking.booked_at < added < booking.released_at
    assert booking.bond_at(added) > booking.bond_at(added - timedelta(minutes=1)) or \
        booking.charges[-1].offense.bond == 0


def test_returning_people_keep_their_number_and_count_up(shared_dir):
    farm = Farm.build(start=START, seed=3, templates=["mcdc", "lcdc"], data_dir=shared_dir / "data")
    for code in ("mcdc", "lcdc"):
        bookings = farm.jail(code).population.bookings_until(START + timedelta(days=40))
        by_person = {}
        for b in bookings:
            by_person.setdefault(b.person.number, []).append(b)
        again = [stays for stays in by_person.values() if len(stays) > 1]
        assert again, f"{code}: nobody was booked twice in 40 days"
        for stays in again:
            assert len({b.ids["bk"] for b in stays}) == 1          # the person's number
            assert len({b.key for b in stays}) == len(stays)       # a new booking key each time
            assert [b.person_booking for b in stays] == sorted(b.person_booking for b in stays)
            for earlier, later in zip(stays, stays[1:]):
                assert earlier.released_at <= later.booked_at       # never held twice at once
        keys = [b.key for b in bookings]
        assert len(keys) == len(set(keys))


def test_slot_pages_are_reused_as_the_roster_changes(shared_dir):
    farm = Farm.build(start=START, seed=3, templates=["mcdc"], data_dir=shared_dir / "data")
    site = farm.jail("mcdc").site
    population = farm.jail("mcdc").population
    now, later = START, START + timedelta(hours=12)
    first = [b.key for b in site.in_order(population.roster(now))]
    second = [b.key for b in site.in_order(population.roster(later))]
    moved = [slot for slot, (a, b) in enumerate(zip(first, second)) if a != b]
    assert moved, "no slot changed hands in twelve hours"


def test_ground_truth_is_the_roster(shared_dir):
    farm = Farm.build(start=START, seed=4, templates=["jcj"], data_dir=shared_dir / "data")
    population = farm.jail("jcj").population
    moment = START + timedelta(hours=30)
    held = population.roster(moment)
    assert {b.key for b in held} == farm.custody_keys("jcj", moment)
    assert all(b.booked_at <= moment < b.released_at for b in held)
    gone = population.released_between(moment - timedelta(hours=48), moment)
    assert gone and all(moment - timedelta(hours=48) < b.released_at <= moment for b in gone)
    assert not {b.key for b in gone} & {b.key for b in held}
    # The released at the start come from the warm-up, so release pages are never empty.
    assert population.released_between(START - timedelta(hours=48), START)


def test_scale_and_turnover(shared_dir):
    normal = Farm.build(start=START, seed=2, templates=["lcdc"], data_dir=shared_dir / "data")
    small_fast = Farm.build(start=START, seed=2, templates=["lcdc"], data_dir=shared_dir / "data",
                            scale=0.1, turnover=20)
    day = START + timedelta(days=1)
    held = len(normal.custody_keys("lcdc", day))
    assert 0.05 * held < len(small_fast.custody_keys("lcdc", day)) < 0.2 * held
    booked = [b for b in small_fast.jail("lcdc").population.bookings_until(day) if b.booked_at >= START]
    normal_booked = [b for b in normal.jail("lcdc").population.bookings_until(day) if b.booked_at >= START]
    # A tenth of the jail at twenty times the turnover books about twice as many people.
    assert len(booked) > 1.2 * len(normal_booked)


def test_history_falls_back_to_long_run_means(tmp_path):
    history = load_history(tmp_path)
    rates = history["Madison"].rates(local_date(START))
    assert rates.admissions == pytest.approx(11.41)
    assert rates.population == pytest.approx(416.9)
    assert rates.mean_stay_days == pytest.approx(416.9 / 11.41)


def test_history_skips_outages(shared_dir):
    history = load_history(shared_dir / "data")
    # Hinds' population column holds zeros where the original scraper was down; they are
    # not days when the jail was empty.
    assert all(population > 0 for _, _, population in history["Hinds"].days)


@pytest.mark.parametrize("order", ["last_first", "first_last"])
def test_every_generated_name_reads_back_into_its_parts(order):
    firsts = [(name, MALE_MIDDLE) for name in MALE_FIRST] + [(name, FEMALE_MIDDLE) for name in FEMALE_FIRST]
    for index, (first, middles) in enumerate(firsts):
        middle = middles[index % len(middles)] if index % 5 else None
        for last in LAST[index % 7::7][:8]:
            suffix = SUFFIXES[index % len(SUFFIXES)] if index % 3 == 0 else None
            given = " ".join(p for p in (first, middle, suffix) if p)
            raw = f"{last}, {given}" if order == "last_first" else \
                " ".join(p for p in (first, middle, last, suffix) if p)
            name = HumanName(raw)
            assert (name.first.upper(), name.middle.upper() or None, name.last.upper(),
                    name.suffix.upper() or None) == (first, middle, last, suffix), raw
