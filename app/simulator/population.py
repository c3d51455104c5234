"""The population model of one simulated jail: who is booked when, for how long, on what.

Bookings arrive on each local day at that day's historical admission rate (a Poisson count,
spread over the day with more arrivals in the evening and at night). Each stay is drawn from
a mixture: a large share leave within hours (bonded out, released to another agency), the
rest stay for a log-normally distributed time whose mean is set by Little's law from the
historical population and admissions around that day, so the simulated population follows
``daily_pop.csv``. Some stays gain a charge while the person is held. A share of bookings are
people this jail has held before (sites that number people rather than bookings, such as
Madison's ``BK`` numbers or Lee's ``iid``, show their booking count going up).

The jail does not start empty: a warm-up runs the same process over the years before the
start and keeps those still inside at the start (and those released in the two days before,
whom release pages still show).

``scale`` shrinks or grows the jail (population and admissions alike); ``turnover``
multiplies admissions and divides stays by the same factor, so the population keeps its size
while bookings and releases come faster - a soak test sees a day's traffic in an hour.

Everything is drawn from random generators seeded by (seed, jail code, day), and days are
generated strictly in order, so the same seed always gives the same bookings whichever
moments are asked about first.
"""
from __future__ import annotations

import heapq
import math
import random
import threading
from bisect import bisect_right
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from .history import CountySeries
from .people import Booking, Charge, Person, draw_offenses, extra_offense, new_person, weighted

CENTRAL = ZoneInfo("America/Chicago")

# Relative arrival weight per local hour (0-23): most bookings happen from the evening into
# the small hours.
HOURLY_ARRIVALS = (6, 6, 5, 4, 3, 2, 2, 3, 4, 4, 5, 5, 5, 5, 5, 5, 5, 6, 6, 7, 7, 7, 7, 6)

SHORT_STAY_DAYS = 0.35       # mean of the quick releases (about 8 hours)
LONG_STAY_SIGMA = 1.1        # spread of the log-normal long stays
MAX_STAY_DAYS = 10 * 365
RETURNING_SHARE = 0.25       # bookings of someone this jail has released before
RETURN_GAP = timedelta(days=2)
RECENTLY_RELEASED = timedelta(days=2)
CHARGE_ADDED_SHARE = 0.2     # stays of over half a day that gain a charge
# Long stays are heavy-tailed: a warm-up shorter than many mean stays would miss the people
# held longest and start the jail short.
WARMUP_STAYS = 25
WARMUP_MAX_DAYS = 12 * 365


def local_day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), CENTRAL).astimezone(timezone.utc)


def local_date(moment: datetime) -> date:
    return moment.astimezone(CENTRAL).date()


def poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 60:  # the normal approximation is plenty for a daily count this large
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    threshold, count, product = math.exp(-mean), 0, rng.random()
    while product > threshold:
        count += 1
        product *= rng.random()
    return count


def sample_stay_days(rng: random.Random, mean_days: float) -> float:
    """A length of stay whose expectation is ``mean_days``."""
    short_share = 0.4 if mean_days > 3 else 0.55
    if rng.random() < short_share:
        return max(1 / 48, rng.expovariate(1 / SHORT_STAY_DAYS))
    long_mean = max(0.5, (mean_days - short_share * SHORT_STAY_DAYS) / (1 - short_share))
    mu = math.log(long_mean) - LONG_STAY_SIGMA ** 2 / 2
    return min(MAX_STAY_DAYS, rng.lognormvariate(mu, LONG_STAY_SIGMA))


def arrival_times(rng: random.Random, day: date, count: int) -> list[datetime]:
    start = local_day_start(day)
    end = local_day_start(day + timedelta(days=1))
    times = []
    for _ in range(count):
        hour = rng.choices(range(24), weights=HOURLY_ARRIVALS)[0]
        local = datetime.combine(day, time(hour, rng.randrange(60)), CENTRAL)
        moment = local.astimezone(timezone.utc)
        # A booking in the hour that a DST change skips or repeats still lands inside the day.
        times.append(min(max(moment, start), end - timedelta(minutes=1)))
    return sorted(times)


def whole_minutes(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)



def scaled_rates(series, day: date, offset_days: int, scale: float, turnover: float) -> tuple[float, float, float]:
    """(admissions, population, mean stay in days) of a simulated jail on ``day``: the real
    jail's series at ``offset_days``, scaled in size by ``scale`` and in pace by ``turnover``
    (the demo's chart history uses the same numbers as the simulation)."""
    rates = series.rates(day, offset_days)
    return (rates.admissions * scale * turnover, rates.population * scale, rates.mean_stay_days / turnover)

class JailPopulation:
    """The bookings of one simulated jail, generated lazily up to the latest moment asked."""

    def __init__(self, code: str, site, series: CountySeries, *, seed: int, start: datetime,
                 offset_days: int = 0, scale: float = 1.0, turnover: float = 1.0):
        self.code = code
        self.site = site
        self.series = series
        self.seed = seed
        self.start = whole_minutes(start.astimezone(timezone.utc))
        self.offset_days = offset_days
        self.scale = scale
        self.turnover = turnover
        self._lock = threading.RLock()
        self._bookings: list[Booking] = []
        self._booked_times: list[datetime] = []
        self._by_key: dict[str, Booking] = {}
        self._people: list[Person] = []
        self._seq = 0
        self._year_seq: dict[int, int] = {}
        self.counters: dict[str, object] = {}       # the site's own numbering state
        self._releases: list[tuple[datetime, int]] = []  # (release, person number) heap
        self._free_people: list[Person] = []
        self._generated_through: date | None = None
        self._active: list[Booking] = []
        self._active_at = self.start - timedelta(days=1)
        self._next_index = 0
        self._warm_up()

    # ---- generation -------------------------------------------------------------------
    def _rng(self, label: str) -> random.Random:
        return random.Random(f"{self.seed}/{self.code}/{label}")

    def _rates(self, day: date) -> tuple[float, float, float]:
        return scaled_rates(self.series, day, self.offset_days, self.scale, self.turnover)

    def _next_seq(self, when: datetime) -> tuple[int, int]:
        self._seq += 1
        year = local_date(when).year
        self._year_seq[year] = self._year_seq.get(year, 0) + 1
        return self._seq, self._year_seq[year]

    def _warm_up(self) -> None:
        """Draw the people held at ``start`` and those released in the days just before."""
        rng = self._rng("warm-up")
        first_day = local_date(self.start)
        _, population, stay = self._rates(first_day)
        per_day = population / max(stay, 0.01)
        window = min(WARMUP_MAX_DAYS, max(30, int(WARMUP_STAYS * stay)))
        for back in range(window, -1, -1):
            day = first_day - timedelta(days=back)
            for booked in arrival_times(rng, day, poisson(rng, per_day)):
                if booked >= self.start:
                    continue
                seq, year_seq = self._next_seq(booked)
                stay_days = sample_stay_days(rng, stay)
                released = whole_minutes(booked + timedelta(days=stay_days)) + timedelta(minutes=1)
                if released <= self.start - RECENTLY_RELEASED:
                    continue
                person = self._new_person(rng, booked)
                person.bookings = 1 if rng.random() < 0.65 else rng.randint(2, 5)
                self._add(rng, seq, year_seq, person, booked, released)
        self._generated_through = first_day - timedelta(days=1)

    def _generate_day(self, day: date) -> None:
        rng = self._rng(day.isoformat())
        admissions, _, stay = self._rates(day)
        for booked in arrival_times(rng, day, poisson(rng, admissions)):
            if booked < self.start:
                continue
            seq, year_seq = self._next_seq(booked)
            person = self._returning_person(rng, booked) or self._new_person(rng, booked)
            person.bookings += 1
            stay_days = sample_stay_days(rng, stay)
            released = whole_minutes(booked + timedelta(days=stay_days)) + timedelta(minutes=1)
            self._add(rng, seq, year_seq, person, booked, released)
        self._generated_through = day

    def _new_person(self, rng: random.Random, booked: datetime) -> Person:
        person = new_person(rng, len(self._people) + 1, rng.choice(self.site.cities),
                            local_date(booked))
        self._people.append(person)
        return person

    def _returning_person(self, rng: random.Random, booked: datetime) -> Person | None:
        # A person has at most one stay open at a time, so the release at the top of the heap
        # is their latest one and they are free to come back once it is far enough behind.
        while self._releases and self._releases[0][0] + RETURN_GAP <= booked:
            _, number = heapq.heappop(self._releases)
            self._free_people.append(self._people[number - 1])
        if not self._free_people or rng.random() >= RETURNING_SHARE:
            return None
        index = rng.randrange(len(self._free_people))
        self._free_people[index], self._free_people[-1] = self._free_people[-1], self._free_people[index]
        return self._free_people.pop()

    def _add(self, rng, seq, year_seq, person, booked, released) -> None:
        offenses = draw_offenses(rng, self.site.max_charges)
        charges = [Charge(o, booked) for o in offenses]
        stay = released - booked
        if stay > timedelta(hours=12) and rng.random() < CHARGE_ADDED_SHARE \
                and len(charges) < self.site.max_charges:
            extra = extra_offense(rng, charges)
            if extra is not None:
                at = booked + timedelta(hours=2) + (stay / 2 - timedelta(hours=2)) * rng.random()
                charges.append(Charge(extra, whole_minutes(at)))
        arrested = local_date(booked) - timedelta(days=1 if rng.random() < 0.15 else 0)
        agency = weighted(rng, self.site.agencies) if self.site.agencies else None
        booking = Booking(seq=seq, year_seq=year_seq, person=person,
                          person_booking=person.bookings, booked_at=booked,
                          arrested_on=arrested, released_at=released, agency=agency,
                          charges=charges)
        booking.traits = self.site.draw_traits(rng)
        self.site.assign_ids(booking, self.counters)
        self._bookings.append(booking)
        self._booked_times.append(booked)
        self._by_key[booking.key] = booking
        heapq.heappush(self._releases, (released, person.number))

    def _extend(self, moment: datetime) -> None:
        target = local_date(moment)
        while self._generated_through < target:
            self._generate_day(self._generated_through + timedelta(days=1))

    # ---- what the site shows and the ground truth ----------------------------------------
    def roster(self, at: datetime) -> list[Booking]:
        """Everyone in custody at ``at``, in booking order."""
        with self._lock:
            self._extend(at)
            if at < self._active_at:
                stop = bisect_right(self._booked_times, at)
                return [b for b in self._bookings[:stop] if b.released_at > at]
            while self._next_index < len(self._bookings) \
                    and self._bookings[self._next_index].booked_at <= at:
                self._active.append(self._bookings[self._next_index])
                self._next_index += 1
            self._active = [b for b in self._active if b.released_at > at]
            self._active_at = at
            return list(self._active)

    def released_between(self, after: datetime, until: datetime) -> list[Booking]:
        """Bookings released in ``(after, until]``, most recent release first."""
        with self._lock:
            self._extend(until)
            stop = bisect_right(self._booked_times, until)
            found = [b for b in self._bookings[:stop] if after < b.released_at <= until]
        return sorted(found, key=lambda b: b.released_at, reverse=True)

    def bookings_until(self, until: datetime) -> list[Booking]:
        """Every booking made up to ``until`` (the warm-up's included), in booking order."""
        with self._lock:
            self._extend(until)
            return self._bookings[:bisect_right(self._booked_times, until)]

    def get(self, key: str, at: datetime) -> Booking | None:
        with self._lock:
            self._extend(at)
            booking = self._by_key.get(key)
        return booking if booking is not None and booking.booked_at <= at else None
